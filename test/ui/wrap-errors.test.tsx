import {afterEach, describe, expect, it} from 'vitest';
import {flat, startHarness, type Harness} from './helpers.js';

// Nothing a person needs is cut off at 80 columns (issue 13 §3).
let harness: Harness | undefined;
afterEach(async () => {
	await harness?.close();
	harness = undefined;
});

describe('errors wrap at 80x24 instead of being cut', () => {
	for (const op of ['ListVaults', 'ListJobs'] as const) {
		it(`a ${op} failure shows its whole message`, async () => {
			harness = await startHarness({
				emulator: {faults: [{kind: 'unavailable', op, times: Number.POSITIVE_INFINITY}]},
				initial: op === 'ListVaults' ? [{screen: 'vaults'}] : [{screen: 'vaults'}, {screen: 'jobs', vaultName: 'photos'}],
				setup(emulator) {
					emulator.createVault('photos');
				},
			});
			const frame = await harness.waitFor(`Could not list ${op === 'ListVaults' ? 'vaults' : 'jobs'}`, 15_000);
			const lines = frame.split('\n');
			const start = lines.findIndex(line => line.startsWith('Could not list'));
			const message = flat(lines.slice(start, start + 3).join(' ')).trim();
			// Longer than a line, and not cut: no … at the end of what it says.
			expect(message.length, message).toBeGreaterThan(80);
			expect(message).not.toMatch(/…/);
			expect(lines.every(line => [...line].length <= 80)).toBe(true);
		});
	}
});
