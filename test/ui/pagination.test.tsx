/**
 * Issue 8 §9 as a person sees it: a service answering ListVaults / ListJobs
 * with the same Marker forever once made the TUI send 500+ requests and pile
 * up 2,700 duplicate rows. Now the screen stops after the repeat, keeps the
 * rows it has (each once), and says why the list may be incomplete.
 */
import {afterEach, describe, expect, it} from 'vitest';
import {flat, startHarness, type Harness} from './helpers.js';

let harness: Harness | undefined;
afterEach(async () => {
	await harness?.close();
	harness = undefined;
});

const names = (count: number) => Array.from({length: count}, (_v, i) => `vault-${String(i).padStart(2, '0')}`);

/** How often each name shows in the frame. */
function occurrences(frame: string, name: string): number {
	return frame.split(name).length - 1;
}

describe('endless pagination on screen', () => {
	it('the vaults screen stops on a repeated Marker, says so, and shows each vault once', async () => {
		harness = await startHarness({
			size: {columns: 100, rows: 30},
			setup(emulator) {
				for (const name of names(23)) emulator.createVault(name);
				emulator.faults.add({kind: 'repeat-marker', op: 'ListVaults', times: Number.POSITIVE_INFINITY});
			},
		});
		const frame = flat(await harness.waitFor('may be incomplete'));
		expect(frame).toContain('Could not list vaults: stopped at 20 vaults (the list may be incomplete): ListVaults gave back a');
		// Let a runaway loop show itself, if there were one.
		await new Promise(resolve => {
			setTimeout(resolve, 300);
		});
		expect(harness.emulator.requests.filter(r => r.op === 'ListVaults')).toHaveLength(2);
		const shown = harness.frame();
		for (const name of names(20)) expect(occurrences(shown, name), name).toBe(1);
		expect(shown).not.toContain('vault-20');
	});

	it('the jobs screen does the same for ListJobs', async () => {
		harness = await startHarness({
			size: {columns: 100, rows: 30},
			initial: [{screen: 'vaults'}, {screen: 'jobs', vaultName: 'photos'}],
			async setup(emulator) {
				emulator.createVault('photos');
				const {archiveId} = emulator.addArchive('photos', {size: 1024, description: 'x'});
				for (let i = 0; i < 60; i++) {
					await emulator.addJob('photos', {type: 'archive-retrieval', archiveId, description: `job ${String(i).padStart(2, '0')}`});
				}

				emulator.faults.add({kind: 'repeat-marker', op: 'ListJobs', times: Number.POSITIVE_INFINITY});
			},
		});
		const frame = flat(await harness.waitFor('may be incomplete'));
		expect(frame).toContain('Could not list jobs: stopped at 60 jobs (the list may be incomplete): ListJobs gave back');
		await new Promise(resolve => {
			setTimeout(resolve, 300);
		});
		expect(harness.emulator.requests.filter(r => r.op === 'ListJobs')).toHaveLength(2);
		const shown = harness.frame();
		const descriptions = shown.match(/job \d\d\b/g) ?? [];
		expect(descriptions.length).toBeGreaterThan(5);
		expect(new Set(descriptions).size).toBe(descriptions.length);
	});
});
