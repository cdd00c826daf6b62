/**
 * The run summary's counts: every job counted once, as adopted (an earlier
 * run's) or as started by this run, also when the poll lists a job while the
 * answer to this run's own InitiateJob for it is still on the way.
 */
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {readShardState, StateCode} from '../../source/restore/state.js';
import {initiationsByIndex, runHere, world, wrongFiles, type ArchiveInput, type World} from './run-helpers.js';

let w: World | undefined;
afterEach(async () => {
	await w?.close();
	w = undefined;
});

function archives(count: number, size: number): ArchiveInput[] {
	return Array.from({length: count}, (_, k) => ({size: size + k, path: `files/${k}.bin`}));
}

describe('thaw restore run counts', () => {
	it('a job the poll lists while its InitiateJob answer is on the way is started by this run, not adopted', async () => {
		w = await world(archives(8, 300));
		// Every job is made (and done) at once, its answer comes 400 ms later: polls every 20 ms list it first.
		w.emulator.faults.add({kind: 'late-answer', stallMs: 400, times: Number.POSITIVE_INFINITY});
		const result = await runHere(w, {pollMs: 20});
		expect(result).toMatchObject({exitCode: 0, verified: 8, failed: 0, initiatedThisRun: 8, adopted: 0, reinitiated: 0});
		// The race did happen: the poll found jobs before their answers came, and their downloads began (the emulator records a request when it is answered).
		const {requests} = w.emulator;
		expect(requests.findIndex(r => r.op === 'GetJobOutput')).toBeLessThan(requests.findLastIndex(r => r.op === 'InitiateJob'));
		expect(initiationsByIndex(w)).toEqual(w.archives.map(() => 1));
		expect(await wrongFiles(w)).toEqual([]);
		// A late answer undoes nothing in the journal either: every archive verified, one InitiateJob each (what status shows).
		const state = await readShardState(join(w.planDir, 'shards/0-of-1'), 8);
		expect([...state.states]).toEqual(w.archives.map(() => StateCode.verified));
		expect([...state.initiations]).toEqual(w.archives.map(() => 1));
	});

	it('jobs of an earlier run are adopted, each counted once, and none started', async () => {
		w = await world(archives(6, 200));
		const {formatTag} = await import('../../source/restore/runner/tag.js');
		for (const archive of w.archives) await w.emulator.addJob(w.vault, {type: 'archive-retrieval', archiveId: archive.archiveId, description: formatTag(w.planId, archive.index)});
		const result = await runHere(w, {pollMs: 20});
		expect(result).toMatchObject({exitCode: 0, verified: 6, initiatedThisRun: 0, adopted: 6});
		expect(w.emulator.requests.filter(r => r.op === 'InitiateJob')).toEqual([]);
	});
});
