/**
 * Ranged retrieval, against the emulator: an archive bigger than what one
 * window downloads at the pace is retrieved as tree-hash aligned byte
 * ranges, one job each, each range verified, and the whole checked against
 * the inventory before it gets its final name.
 */
import {readdir} from 'node:fs/promises';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {listJobs} from '../../source/glacier/api.js';
import {connect} from '../../source/glacier/client.js';
import {readShardState, StateCode} from '../../source/restore/state.js';
import {initiationsByIndex, MiB, runHere, world, wrongFiles, type World} from './run-helpers.js';

let w: World | undefined;
afterEach(async () => {
	await w?.close();
	w = undefined;
});

/** A window of 1 MiB: 1 MiB/s for 1 s. */
const tinyWindow = {bandwidth: MiB, windowHours: 1 / 3600};

const rangedArchives = [
	{size: (3 * MiB) + (MiB / 2), path: 'big/disk.img'},
	{size: 1000, path: 'small/a.txt'},
	{size: 2000, path: 'small/b.txt'},
];

async function retrievedRanges(world: World): Promise<string[]> {
	const connection = connect({endpointUrl: world.emulator.url, region: 'us-east-1', demoCredentials: true});
	try {
		const jobs = await listJobs(connection, world.vault);
		return jobs.filter(job => job.ArchiveId === world.archives[0].archiveId).map(job => job.RetrievalByteRange ?? '').sort((a, b) => Number(a.split('-')[0]) - Number(b.split('-')[0]));
	} finally {
		connection.close();
	}
}

describe('thaw restore run, ranged retrieval', () => {
	it('retrieves an archive bigger than the window in tree-hash aligned ranges, verifies each and the whole, renames it once whole', async () => {
		w = await world(rangedArchives);
		const result = await runHere(w, {...tinyWindow, initiateRate: 1000});
		expect(result).toMatchObject({exitCode: 0, verified: 3, failed: 0, reinitiated: 0});
		expect(await wrongFiles(w)).toEqual([]);
		// Four ranges of 1 MiB (the last one shorter), one InitiateJob each; the small archives whole, once.
		expect(await retrievedRanges(w)).toEqual([`0-${MiB - 1}`, `${MiB}-${(2 * MiB) - 1}`, `${2 * MiB}-${(3 * MiB) - 1}`, `${3 * MiB}-${w.archives[0].size - 1}`]);
		expect(initiationsByIndex(w)).toEqual([4, 1, 1]);
		// Glacier sent each range's tree hash (aligned ranges): every GetJobOutput was answered whole and checked.
		expect(w.emulator.requests.filter(r => r.op === 'GetJobOutput').length).toBe(6);
		const names = (await readdir(w.to, {recursive: true})) as string[];
		expect(names.filter(name => name.includes('.part'))).toEqual([]);
		const state = await readShardState(join(w.planDir, 'shards/0-of-1'), 3);
		expect([...state.states]).toEqual([StateCode.verified, StateCode.verified, StateCode.verified]);
		expect(state.ranged.size).toBe(0);
		// What status bills: the bytes the four ranges retrieved (the archive once), not four times the archive.
		expect([...state.rangedBytes]).toEqual([[0, w.archives[0].size]]);
		expect([...state.initiations]).toEqual([4, 1, 1]);
	});

	it('a range size grows with the window as the archive goes (aligned: each start a multiple of its size)', async () => {
		const {nextRange} = await import('../../source/restore/runner/ranges.js');
		expect(nextRange(10 * MiB, undefined, 16 * MiB)).toBeNull();
		expect(nextRange(10 * MiB, undefined, 3 * MiB)).toEqual([0, (2 * MiB) - 1]);
		expect(nextRange(10 * MiB, 2 * MiB, 8 * MiB)).toEqual([2 * MiB, (4 * MiB) - 1]);
		expect(nextRange(10 * MiB, 4 * MiB, 8 * MiB)).toEqual([4 * MiB, (8 * MiB) - 1]);
		expect(nextRange(10 * MiB, 8 * MiB, 8 * MiB)).toEqual([8 * MiB, (10 * MiB) - 1]);
		// Never less than 1 MiB, whatever the window.
		expect(nextRange(3 * MiB, undefined, 1000)).toEqual([0, MiB - 1]);
	});
});
