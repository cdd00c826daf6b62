/**
 * The restore dashboard's D (issue 12): once the restore is complete, the
 * purge screen with the same preview and typed count as `thaw restore
 * purge`; before, it says why not. 80x24, the emulator over real HTTP.
 */
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {startRestore} from '../../source/restore/runner/runner.js';
import {fitsIn, flat, keys, type Harness} from './helpers.js';
import {planInFolder, restoreHarness, type RestoreHarness} from './restore-helpers.js';

let harness: Harness | undefined;
afterEach(async () => {
	await harness?.close();
	harness = undefined;
});

/** From the vault list: R, the plan named `name`, Enter: its dashboard. */
async function openDashboard(h: Harness, name: string): Promise<string> {
	await h.waitFor('1 vault');
	await h.press('R');
	await h.waitFor(name, 10_000);
	const rows = h.frame().split('\n').slice(2);
	const index = rows.findIndex(line => line.startsWith(name));
	for (let k = 0; k < index; k++) await h.press('j');
	await h.press(keys.enter);
	return h.waitFor('Vault \'photos\' →', 10_000);
}

async function restoreAll(h: RestoreHarness, planDir: string): Promise<void> {
	const result = await startRestore({connection: h.connection, planDir, shard: {k: 0, n: 1}, pollMs: 50, retryBaseMs: 2, retryCapMs: 20, initiateRate: 100}).done;
	expect(result.exitCode).toBe(0);
}

function deleteCalls(h: Harness): number {
	return h.emulator.requests.filter(request => request.op === 'DeleteArchive').length;
}

describe('the restore dashboard: D deletes from Glacier what is proven restored', () => {
	it('before the restore is complete D says why not; once complete, D opens the purge: preview, typed count, deleted', async () => {
		const h = await restoreHarness({initial: [{screen: 'vaults'}], emulator: {jobDelayMs: 0}});
		harness = h;
		const planDir = await planInFolder(h, 'leaving', join(h.dir, 'to'));
		let frame = await openDashboard(h, 'leaving');
		await h.press('D');
		frame = await h.waitFor('Not yet:');
		expect(flat(frame)).toMatch(/Not yet: 5 archive\(s\) are not restored yet/);
		expect(deleteCalls(h)).toBe(0);
		await h.press(keys.escape, keys.escape, keys.escape);
		await restoreAll(h, planDir);
		frame = await openDashboard(h, 'leaving');
		frame = await h.waitFor('D delete from Glacier');
		if (process.env.SHOW_FRAMES) console.log(frame);
		expect(fitsIn(frame, 80, 24).ok).toBe(true);
		await h.press('D');
		frame = await h.waitFor('Type 5 and Enter', 10_000);
		expect(flat(frame)).toMatch(/to delete 5 archives/);
		expect(flat(frame)).toMatch(/not touched 1 older version the plan skipped/);
		expect(fitsIn(frame, 80, 24).ok).toBe(true);
		await h.press('4', keys.enter);
		await h.waitFor('is not 5');
		expect(deleteCalls(h)).toBe(0);
		await h.press('5', keys.enter);
		frame = await h.waitFor(/deleted 5 archives/, 10_000);
		expect(fitsIn(frame, 80, 24).ok).toBe(true);
		expect(deleteCalls(h)).toBe(5);
		// Back to the dashboard.
		await h.press(keys.escape);
		await h.waitFor('D delete from Glacier');
	});
});
