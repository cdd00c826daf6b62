/**
 * kill -9 mid-purge, then run again: every proven archive ends deleted, none
 * journaled as deleted is asked again, and an archive whose 204 was not yet
 * journaled is asked once more (Glacier answers 204 again: idempotent).
 * THAW_FAILPOINT kills the purge with SIGKILL at the exact point.
 */
import {appendFile} from 'node:fs/promises';
import {afterEach, describe, expect, it} from 'vitest';
import {indexesIn, purgeRecords, restoredVault, type Restored, type VaultArchive} from './purge-helpers.js';

let r: Restored | undefined;
afterEach(async () => {
	await r?.close();
	r = undefined;
});

function small(count: number): VaultArchive[] {
	return Array.from({length: count}, (_, k) => ({description: `files/${String(k).padStart(3, '0')}.bin`, size: 100 + k, created: '2019-01-01T00:00:00Z'}));
}

describe('thaw restore purge after kill -9', () => {
	it('killed after a 204 and before its journal line: the rerun deletes the rest, asks that one once more, no other twice', async () => {
		r = await restoredVault(small(12));
		const killed = await r.purge(['--yes', '--concurrency', '1'], {env: {THAW_FAILPOINT: 'purge-after-delete:5'}});
		expect(killed.signal, killed.stderr).toBe('SIGKILL');
		const before = await purgeRecords(r);
		// Four answers journaled, the fifth deleted at Glacier but not journaled.
		expect(indexesIn(before, 'deleted')).toHaveLength(4);
		expect(r.live().size).toBe(12 - 5);
		const again = await r.purge(['--yes', '--concurrency', '1']);
		expect(again.code, again.stderr).toBe(0);
		expect(again.stdout).toMatch(/interrupted +\d+ deletion/);
		expect(r.live().size).toBe(0);
		const calls = [...r.deleteCalls().values()];
		expect(calls).toHaveLength(12);
		expect(calls.filter(n => n === 2)).toHaveLength(1);
		expect(calls.filter(n => n > 2)).toHaveLength(0);
		const journaledFirst = new Set(indexesIn(before, 'deleted').map(i => r!.plan[i][0]));
		for (const id of journaledFirst) expect(r.deleteCalls().get(id)).toBe(1);
		expect(new Set(indexesIn(await purgeRecords(r), 'deleted')).size).toBe(12);
	});

	it('killed with many calls in flight: the rerun finishes, each archive asked at most twice, the verdict as if never killed', async () => {
		r = await restoredVault(small(24));
		const killed = await r.purge(['--yes', '--concurrency', '8'], {env: {THAW_FAILPOINT: 'purge-after-delete:12'}});
		expect(killed.signal, killed.stderr).toBe('SIGKILL');
		const journaled = indexesIn(await purgeRecords(r), 'deleted');
		expect(journaled.length).toBeLessThan(12);
		const again = await r.purge(['--yes', '--output', 'json']);
		expect(again.code, again.stderr).toBe(0);
		const json = JSON.parse(again.stdout) as {alreadyDeleted: {archives: number}; result: {totalDeleted: {archives: number}}};
		expect(json.alreadyDeleted.archives).toBe(journaled.length);
		expect(json.result.totalDeleted.archives).toBe(24);
		expect(r.live().size).toBe(0);
		expect(Math.max(...r.deleteCalls().values())).toBeLessThanOrEqual(2);
		for (const i of journaled) expect(r.deleteCalls().get(r.plan[i][0])).toBe(1);
		// A third run: nothing left to delete, no call made, same verdict.
		const calls = r.emulator.requests.filter(request => request.op === 'DeleteArchive').length;
		const third = await r.purge(['--yes']);
		expect(third.code).toBe(0);
		expect(r.emulator.requests.filter(request => request.op === 'DeleteArchive').length).toBe(calls);
	});

	it('killed with its journal torn mid-line: the torn record is ignored and cut away, nothing lost', async () => {
		r = await restoredVault(small(6));
		const killed = await r.purge(['--yes', '--concurrency', '1'], {env: {THAW_FAILPOINT: 'purge-after-delete:3'}});
		expect(killed.signal).toBe('SIGKILL');
		await appendFile(`${r.planDir}/purge/journal.log`, '0badc0de {"t":"deleted","is":[5');
		const again = await r.purge(['--yes']);
		expect(again.code, again.stderr).toBe(0);
		expect(r.live().size).toBe(0);
		const records = await purgeRecords(r);
		expect(new Set(indexesIn(records, 'deleted')).size).toBe(6);
	});
});
