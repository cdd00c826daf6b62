import {afterEach, describe, expect, it} from 'vitest';
import {fitsIn, keys, startHarness, type Harness} from './helpers.js';

let harness: Harness | undefined;
afterEach(async () => {
	await harness?.close();
	harness = undefined;
});

function names(count: number): string[] {
	return Array.from({length: count}, (_v, i) => `vault-${String(i).padStart(2, '0')}`);
}

describe('vaults screen', () => {
	it('follows every ListVaults page and shows name, archives, size, last inventory', async () => {
		harness = await startHarness({setup(emulator) {
			for (const name of names(23)) emulator.createVault(name);
			emulator.addArchive('vault-07', {size: 3 * 1024 * 1024, description: 'x'});
		}});
		// 23 vaults is three pages of 10: the count only reaches 23 when every Marker was followed.
		const frame = await harness.waitFor('23 vaults');
		expect(harness.emulator.requests.filter(r => r.op === 'ListVaults')).toHaveLength(3);
		expect(frame).toMatch(/Vault\S*\s+Archives\s+Size\s+Last inventory/);
		expect(frame).toContain('vault-00');
		// The list windows itself at 80x24: the last vault is not drawn until the cursor goes there.
		expect(frame).not.toContain('vault-22');
		expect(frame).toMatch(/1-\d+\/23/);
		await harness.press('G');
		const bottom = await harness.waitFor('vault-22');
		expect(bottom).not.toContain('vault-00');
		const fit = fitsIn(bottom, 80, 24);
		expect(fit.ok, JSON.stringify(fit)).toBe(true);
	});

	it('filters with / and clears with Esc', async () => {
		harness = await startHarness({setup(emulator) {
			for (const name of [...names(12), 'photos-2014', 'photos-2015']) emulator.createVault(name);
		}});
		await harness.waitFor('14 vaults');
		await harness.press('/', 'p', 'h', 'o', 't');
		let frame = await harness.waitFor('Filter vaults / phot');
		expect(frame).toContain('photos-2014');
		expect(frame).not.toContain('vault-01');
		await harness.press(keys.enter);
		frame = await harness.waitFor('2 of 14 vaults');
		expect(frame).toContain('photos-2015');
		await harness.press(keys.escape);
		frame = await harness.waitFor(/^14 vaults/m);
		expect(frame).toContain('vault-01');
	});

	it('sorts by another column and opens a vault with Enter, remembering it', async () => {
		harness = await startHarness({setup(emulator) {
			emulator.createVault('aaa-small');
			emulator.createVault('zzz-big');
			emulator.addArchive('zzz-big', {size: 5 * 1024 * 1024});
		}});
		await harness.waitFor('2 vaults');
		// Sort by archives, then reverse: the vault with archives comes first.
		await harness.press('s', 'S');
		const frame = await harness.waitFor('Archives▼');
		expect(frame.indexOf('zzz-big')).toBeLessThan(frame.indexOf('aaa-small'));
		await harness.press(keys.enter);
		await harness.waitFor('No jobs in this vault');
		expect(harness.frame()).toContain('zzz-big › Jobs');
		expect(harness.services.settings.get().lastVault).toBe('zzz-big');
		await harness.press(keys.escape);
		await harness.waitFor('2 vaults');
	});

	it('shows vault names inert', async () => {
		harness = await startHarness({setup(emulator) {
			emulator.createVault('plain');
		}});
		await harness.waitFor('1 vault');
		expect(harness.frame()).not.toContain('\u001B]');
	});
});
