/**
 * Chunks in flight when a download is paused or stopped keep their whole
 * 1 MiB leaves (issue 13 §4): flushed to the .part, fsynced, journaled, and
 * the next attempt asks only for the rest of the chunk. The rest comes
 * without a tree hash (its range is not tree-hash aligned), so the chunk's
 * hash over kept and new leaves must equal the one Glacier sent for the
 * whole chunk. Real SDK, in-process emulator over HTTP; the emulator's
 * `stall` fault holds a body after a set number of bytes, so "mid-chunk" is
 * exact, and it counts the bytes it sends.
 */
import {open, readFile} from 'node:fs/promises';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {journalPath, partPath, startDownload, type Download} from '../../source/engine/download/index.js';
import {readJournal} from '../../source/engine/journal.js';
import {failure, fetch, MiB, sameBytes, world, type World} from './download-helpers.js';

let w: World;
let n = 0;
const out = () => join(w.dir, `inflight-${++n}.bin`);
const chunkSize = 4 * MiB;

beforeEach(async () => {
	w = await world(8 * MiB + 4321);
});
afterEach(async () => {
	await w.close();
});

/** Poll until `test` holds (real time; the emulator's faults set the pace, no sleep decides anything). */
async function until(test: () => boolean | Promise<boolean>, what: string, ms = 15_000): Promise<void> {
	const deadline = Date.now() + ms;
	while (!await test()) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise(resolve => setTimeout(resolve, 5));
	}
}

/** GetJobOutput requests for the job from `from` on: their ranges, and the body bytes the emulator sent for them. */
function served(from: number): {ranges: Array<string | undefined>; bytes: number} {
	const requests = w.emulator.requests.slice(from).filter(r => r.op === 'GetJobOutput' && r.path.includes(w.jobId));
	return {ranges: requests.map(r => r.range).sort(), bytes: requests.reduce((sum, r) => sum + r.bytes, 0)};
}

/** Bodies of chunk 0 (and chunk 1) held after 2.5 MiB (and 1.5 MiB), until the client lets go. */
function holdMidChunk(both = true): void {
	w.emulator.faults.add({kind: 'stall', range: `bytes=0-${chunkSize - 1}`, afterBytes: 2.5 * MiB});
	if (both) w.emulator.faults.add({kind: 'stall', range: `bytes=${chunkSize}-${(2 * chunkSize) - 1}`, afterBytes: 1.5 * MiB});
}

function start(file: string, hashThreads: number, options: {concurrency?: number; signal?: AbortSignal} = {}): Download {
	return startDownload({connection: w.connection, vaultName: w.vault, jobId: w.jobId, outfile: file, chunkSize, hashThreads, readTimeoutMs: 60_000, retryBaseMs: 2, retryCapMs: 20, ...options});
}

/** Wait until both held chunks have handed over their whole leaves (2 and 1), then for the bodies to be held. */
async function untilHeld(download: Download, both = true): Promise<void> {
	await until(() => {
		const [first, second] = download.store.getSnapshot().chunks;
		return first !== undefined && first.received >= 2 * MiB && (!both || second.received >= MiB);
	}, 'the held chunks');
}

async function untilStopped(download: Download): Promise<void> {
	await until(() => download.store.getSnapshot().chunks.every(chunk => chunk.state === 'pending' || chunk.state === 'verified'), 'the chunks in flight to stop');
}

describe('pause keeps the whole leaves of chunks in flight', () => {
	it.each([0, 1])('resume asks only for the rest of each chunk and ends verified (%i hashing threads)', async hashThreads => {
		holdMidChunk();
		const file = out();
		const download = start(file, hashThreads, {concurrency: 2});
		await untilHeld(download);
		download.pause();
		await untilStopped(download);
		const chunks = download.store.getSnapshot().chunks;
		expect(chunks.map(chunk => chunk.received)).toEqual([2 * MiB, MiB, 0]);
		const after = w.emulator.requests.length;
		download.resume();
		const result = await download.done;
		expect(result.verdict.ok).toBe(true);
		expect(result.verdict.checkedBy).toBe('tree-hash');
		expect(await sameBytes(w, file)).toBe(true);
		// Old code: both chunks again from their first byte, 8 MiB; now 2 + 3 MiB (and the third chunk, which never started).
		const {ranges, bytes} = served(after);
		expect(ranges).toEqual([`bytes=${2 * MiB}-${chunkSize - 1}`, `bytes=${5 * MiB}-${(2 * chunkSize) - 1}`, `bytes=${2 * chunkSize}-${w.size - 1}`].sort());
		expect(bytes).toBe(2 * MiB + 3 * MiB + (w.size - (2 * chunkSize)));
		// The rest's range is not tree-hash aligned: the chunk is checked against the hash Glacier sent for all of it.
		expect(result.snapshot.chunks.every(chunk => chunk.checkedBy === 'tree-hash')).toBe(true);
	});

	it('a lying server on the rest (wrong bytes, the chunk\'s true hash) is caught: the whole chunk is fetched again', async () => {
		holdMidChunk(false);
		const file = out();
		const download = start(file, 1, {concurrency: 1});
		await untilHeld(download, false);
		download.pause();
		await untilStopped(download);
		const after = w.emulator.requests.length;
		const rest = `bytes=${2 * MiB}-${chunkSize - 1}`;
		w.emulator.faults.add({kind: 'corrupt', range: rest});
		download.resume();
		const result = await download.done;
		expect(w.emulator.faults.hits.filter(hit => hit.rule.kind === 'corrupt').map(hit => hit.range)).toEqual([rest]);
		expect(result.verdict.ok).toBe(true);
		expect(await sameBytes(w, file)).toBe(true);
		const chunkRequests = w.emulator.requests.slice(after).filter(r => r.op === 'GetJobOutput' && r.range?.endsWith(`-${chunkSize - 1}`)).map(r => r.range);
		expect(chunkRequests).toEqual([rest, `bytes=0-${chunkSize - 1}`]);
		expect(result.snapshot.log.some(entry => entry.level === 'warn' && entry.message.includes('tree hash mismatch') && entry.message.includes('fetched again'))).toBe(true);
	});

	it('wrong bytes before the pause (in the kept leaves) are caught too', async () => {
		holdMidChunk(false);
		w.emulator.faults.add({kind: 'corrupt', range: `bytes=0-${chunkSize - 1}`, afterBytes: 1000});
		const file = out();
		const download = start(file, 0, {concurrency: 1});
		await untilHeld(download, false);
		download.pause();
		await untilStopped(download);
		const after = w.emulator.requests.length;
		download.resume();
		const result = await download.done;
		expect(result.verdict.ok).toBe(true);
		expect(await sameBytes(w, file)).toBe(true);
		const chunkRequests = w.emulator.requests.slice(after).filter(r => r.op === 'GetJobOutput' && r.range?.endsWith(`-${chunkSize - 1}`)).map(r => r.range);
		expect(chunkRequests).toEqual([`bytes=${2 * MiB}-${chunkSize - 1}`, `bytes=0-${chunkSize - 1}`]);
	});
});

describe('stopping keeps them across runs', () => {
	it('cancel journals the kept leaves after the .part; the next run fetches only the rest', async () => {
		holdMidChunk();
		const file = out();
		const controller = new AbortController();
		const download = start(file, 1, {signal: controller.signal, concurrency: 2});
		await untilHeld(download);
		controller.abort();
		expect((await failure(download.done)).exitCode).toBe(130);
		const journal = await readJournal(journalPath(file));
		expect([...journal!.leaves.values()].map(entry => [entry.index, entry.leaves.length / 64, entry.chunkHash !== undefined])).toEqual([[0, 2, true], [1, 1, true]]);
		const after = w.emulator.requests.length;
		const result = await fetch(w, file, {chunkSize});
		expect(result.verdict.ok).toBe(true);
		expect(await sameBytes(w, file)).toBe(true);
		expect(served(after).ranges).toEqual([`bytes=${2 * MiB}-${chunkSize - 1}`, `bytes=${5 * MiB}-${(2 * chunkSize) - 1}`, `bytes=${2 * chunkSize}-${w.size - 1}`].sort());
		expect(result.snapshot.log.some(entry => entry.message.includes('3 MiB of chunks stopped mid-way are kept'))).toBe(true);
	});

	it('a kept leaf whose bytes are not in the .part (a crash between) is fetched again, not trusted', async () => {
		holdMidChunk(false);
		const file = out();
		const controller = new AbortController();
		const download = start(file, 0, {signal: controller.signal, concurrency: 1});
		await untilHeld(download, false);
		controller.abort();
		await failure(download.done);
		// The journal says leaves 0 and 1; leaf 1's bytes never reached the disk.
		const handle = await open(partPath(file), 'r+');
		await handle.write(Buffer.alloc(MiB), 0, MiB, MiB);
		await handle.close();
		const after = w.emulator.requests.length;
		const result = await fetch(w, file, {chunkSize});
		expect(result.verdict.ok).toBe(true);
		expect(await sameBytes(w, file)).toBe(true);
		expect(served(after).ranges).toEqual([`bytes=${MiB}-${chunkSize - 1}`, `bytes=${chunkSize}-${(2 * chunkSize) - 1}`, `bytes=${2 * chunkSize}-${w.size - 1}`].sort());
		expect(result.snapshot.log.some(entry => entry.level === 'warn' && entry.message.includes('1 kept 1 MiB leaves no longer match'))).toBe(true);
		expect((await readFile(file)).length).toBe(w.size);
	});
});

describe('no hash from Glacier to check against (an unaligned ranged retrieval)', () => {
	it('kept leaves of an earlier run are checked by size, and the verdict says only the journal vouches for them', async () => {
		// 6 MiB of an 8 MiB archive: not tree-hash aligned, so no part of it comes with a hash, nor does the job.
		const jobId = await w.emulator.addJob(w.vault, {type: 'archive-retrieval', archiveId: w.archiveId, range: `0-${(6 * MiB) - 1}`});
		w.emulator.faults.add({kind: 'stall', jobId, range: `bytes=0-${chunkSize - 1}`, afterBytes: 2.5 * MiB});
		const file = out();
		const controller = new AbortController();
		const download = startDownload({connection: w.connection, vaultName: w.vault, jobId, outfile: file, chunkSize, hashThreads: 0, readTimeoutMs: 60_000, concurrency: 1, signal: controller.signal});
		await untilHeld(download, false);
		controller.abort();
		await failure(download.done);
		const kept = (await readJournal(journalPath(file)))!.leaves.get(0);
		expect([kept?.leaves.length, kept?.chunkHash]).toEqual([2 * 64, undefined]);
		const result = await fetch(w, file, {jobId, chunkSize});
		expect(result.verdict.ok).toBe(true);
		expect(result.verdict.checkedBy).toBe('size');
		expect(result.verdict.summary).toContain('1 chunk was resumed from thaw\'s journal');
		expect((await readFile(file)).equals(w.emulator.archiveBytes(w.vault, w.archiveId, 0, (6 * MiB) - 1))).toBe(true);
	});
});
