/**
 * Issue 8's engine cases (§1, §3, §4, §5, §13): each against the emulator
 * over real HTTP with the real SDK, each failing on the engine before the fix.
 */
import {lstat, open, readFile, symlink, unlink, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {journalPath, partPath} from '../../source/engine/download/index.js';
import {hashDifference} from '../../source/engine/download/verdict.js';
import {JOURNAL_VERSION, JournalWriter, readJournal} from '../../source/engine/journal.js';
import {treeHash} from '../../source/engine/tree-hash.js';
import {outputObject} from '../../source/headless/get-job-output.js';
import {describeJob} from '../../source/glacier/api.js';
import {exists, failure, fetch, MiB, outputRequests, rangeOf, sameBytes, world, type World} from './download-helpers.js';

let w: World;
let n = 0;
const out = () => join(w.dir, `hard-${++n}.bin`);

beforeAll(async () => {
	w = await world();
});
afterAll(async () => w.close());
beforeEach(() => {
	w.emulator.faults.clear();
});

describe('a hash mismatch shows where the hashes differ (§13)', () => {
	it('a 40-digit hash sharing the first 16 digits: the shown parts differ, and the length is named', () => {
		const computed = 'a'.repeat(16) + 'b'.repeat(48);
		const sent = 'a'.repeat(16) + 'c'.repeat(24);
		const text = hashDifference(computed, sent);
		expect(text).toBe(`computed …aaaabbbbbbbbbbbb…, Glacier sent …aaaacccccccccccc… (first difference at hex digit 17; Glacier's is 40 hex digits long, not 64)`);
		expect(hashDifference('ab'.repeat(32), 'ab'.repeat(20))).toContain('Glacier\'s is 40 hex digits long, not 64');
		expect(hashDifference('0'.repeat(64), '1'.repeat(64))).toBe(`computed ${'0'.repeat(16)}…, Glacier sent ${'1'.repeat(16)}… (first difference at hex digit 1)`);
	});

	it('over HTTP: a corrupted chunk reports the first difference', async () => {
		w.emulator.faults.add({kind: 'corrupt', jobId: w.jobId, times: Number.POSITIVE_INFINITY});
		const error = await failure(fetch(w, out(), {maxAttempts: 1, concurrency: 1}));
		expect(error.exitCode).toBe(3);
		const match = /computed (…?[\da-f]{16}…?), Glacier sent (…?[\da-f]{16}…?) \(first difference at hex digit (\d+)\)/.exec(error.message);
		expect(match, error.message).not.toBeNull();
		expect(match![1]).not.toBe(match![2]);
	});
});

describe('killed between the final rename and the journal removal (§4)', () => {
	async function finishedWithJournal(file: string) {
		const result = await fetch(w, file);
		const {snapshot} = result;
		// What the kill leaves: the final file, no .part, and the journal of every chunk.
		const writer = await JournalWriter.create(journalPath(file), {
			type: 'thaw-download', version: JOURNAL_VERSION, vaultName: w.vault, jobId: w.jobId, outputSize: w.size,
			start: 0, end: w.size - 1, total: w.size, chunkSize: snapshot.chunkSize, expectedTreeHash: snapshot.expectedTreeHash, createdAt: new Date().toISOString(),
		});
		for (const chunk of snapshot.chunks) {
			 
			await writer.append({type: 'chunk', index: chunk.index, start: chunk.start, end: chunk.end, treeHash: chunk.treeHash!});
		}

		await writer.close();
		return result;
	}

	it('the rerun recognises the finished file: exit 0, verified, journal removed, nothing fetched', async () => {
		const file = out();
		const first = await finishedWithJournal(file);
		const before = outputRequests(w).length;
		const again = await fetch(w, file);
		expect(again.verdict.ok).toBe(true);
		expect(again.verdict.checkedBy).toBe('tree-hash');
		expect(again.verdict.computed).toBe(first.verdict.computed);
		expect(again.snapshot.resumedChunks).toBe(first.snapshot.chunks.length);
		expect(outputRequests(w).length).toBe(before);
		expect(await exists(journalPath(file))).toBe(false);
		expect(await sameBytes(w, file)).toBe(true);
	});

	it('a final file that no longer matches its journal is not adopted: exit 6 "already exists", file untouched', async () => {
		const file = out();
		await finishedWithJournal(file);
		const handle = await open(file, 'r+');
		await handle.write(Buffer.from([0x55]), 0, 1, 10);
		await handle.close();
		const error = await failure(fetch(w, file));
		expect(error.exitCode).toBe(6);
		expect(error.message).toContain('already exists');
		expect((await readFile(file))[10]).toBe(0x55);
	});
});

describe('an output said to be 0 bytes is asked for (§5)', () => {
	it('an inventory job claiming 0 bytes whose GetJobOutput sends data: exit 5, no file', async () => {
		const jobId = await w.emulator.addJob(w.vault, {type: 'inventory-retrieval'});
		const job = await describeJob(w.connection, w.vault, jobId);
		expect(job.InventorySizeInBytes).toBeGreaterThan(0);
		const file = out();
		const before = outputRequests(w, jobId).length;
		const error = await failure(fetch(w, file, {jobId, job: {...job, InventorySizeInBytes: 0}}));
		expect(error.exitCode).toBe(5);
		expect(error.message).toContain('says its output is 0 bytes, but Glacier\'s GetJobOutput sends data');
		expect(outputRequests(w, jobId).length).toBe(before + 1);
		expect(await exists(file)).toBe(false);
	});

	it('a truly empty archive: one GET, an empty file, and the verdict says Glacier answered with nothing', async () => {
		const {archiveId} = w.emulator.addArchive(w.vault, {size: 0, description: 'empty', seed: 'empty'});
		const jobId = await w.emulator.addJob(w.vault, {type: 'archive-retrieval', archiveId});
		const file = out();
		const result = await fetch(w, file, {jobId});
		expect(result.verdict.ok).toBe(true);
		expect(outputRequests(w, jobId)).toEqual([undefined]);
		expect((await readFile(file)).length).toBe(0);
		expect(result.snapshot.log.some(entry => entry.message.includes('GetJobOutput answered with an empty body'))).toBe(true);
	});
});

describe('never through a symlink, never over a file thaw did not make (§1)', () => {
	async function victim(): Promise<string> {
		const target = join(w.dir, `victim-${++n}.txt`);
		await writeFile(target, 'precious');
		return target;
	}

	it('a symlink planted as OUTFILE.part: exit 6, its target untouched, no final file', async () => {
		const file = out();
		const target = await victim();
		await symlink(target, partPath(file));
		const error = await failure(fetch(w, file));
		expect(error.exitCode).toBe(6);
		expect(error.message).toContain('symbolic link');
		expect(await readFile(target, 'utf8')).toBe('precious');
		expect(await exists(file)).toBe(false);
	});

	it('a symlink planted as OUTFILE.part.journal is removed, never written through; the download is right', async () => {
		const file = out();
		const target = await victim();
		await symlink(target, journalPath(file));
		const result = await fetch(w, file);
		expect(result.verdict.ok).toBe(true);
		expect(await readFile(target, 'utf8')).toBe('precious');
		expect(await sameBytes(w, file)).toBe(true);
		expect(await exists(journalPath(file))).toBe(false);
	});

	it('with --overwrite a planted .part link is removed, not followed, and the download completes', async () => {
		const file = out();
		const target = await victim();
		await symlink(target, partPath(file));
		const result = await fetch(w, file, {overwrite: true});
		expect(result.verdict.ok).toBe(true);
		expect(await readFile(target, 'utf8')).toBe('precious');
		expect((await lstat(file)).isFile()).toBe(true);
		expect(await sameBytes(w, file)).toBe(true);
	});

	it('a resumable .part that is a link (journal of ours beside it): refused, target untouched', async () => {
		const file = out();
		w.emulator.faults.add({kind: 'unavailable', jobId: w.jobId, range: rangeOf(1, w.size), times: Number.POSITIVE_INFINITY});
		await failure(fetch(w, file, {maxAttempts: 1, concurrency: 1}));
		w.emulator.faults.clear();
		const target = await victim();
		await unlink(partPath(file));
		await symlink(target, partPath(file));
		const error = await failure(fetch(w, file));
		expect(error.exitCode).toBe(6);
		expect(error.message).toContain('symbolic link');
		expect(await readFile(target, 'utf8')).toBe('precious');
	});

	it('a .part without a thaw journal (another program\'s) is refused unless --overwrite', async () => {
		const file = out();
		await writeFile(partPath(file), 'a browser\'s half-finished download');
		const error = await failure(fetch(w, file));
		expect(error.exitCode).toBe(6);
		expect(error.message).toContain('no thaw journal is beside it');
		expect(await readFile(partPath(file), 'utf8')).toBe('a browser\'s half-finished download');
		const result = await fetch(w, file, {overwrite: true});
		expect(result.verdict.ok).toBe(true);
		expect(await sameBytes(w, file)).toBe(true);
	});
});

describe('a forged journal where nothing from Glacier can re-check a resumed chunk (§3)', () => {
	it('--range with no tree hash for the whole range: resumed chunks make the verdict say only the journal vouches for them', async () => {
		const file = out();
		const range = {start: MiB, end: (3 * MiB) - 1};
		// First run: chunk 1 verified and journaled, chunk 2 keeps failing.
		w.emulator.faults.add({kind: 'unavailable', jobId: w.jobId, range: `bytes=${2 * MiB}-${(3 * MiB) - 1}`, times: Number.POSITIVE_INFINITY});
		await failure(fetch(w, file, {range, chunkSize: MiB, maxAttempts: 1, concurrency: 1}));
		w.emulator.faults.clear();
		// Forge: other bytes in the .part, and a journal line with their hash.
		const forged = Buffer.alloc(MiB, 0x41);
		const handle = await open(partPath(file), 'r+');
		await handle.write(forged, 0, MiB, 0);
		await handle.close();
		const journal = (await readJournal(journalPath(file)))!;
		const writer = await JournalWriter.create(journalPath(file), journal.header);
		await writer.append({type: 'chunk', index: 0, start: MiB, end: (2 * MiB) - 1, treeHash: treeHash(forged)});
		await writer.close();
		const result = await fetch(w, file, {range, chunkSize: MiB});
		expect(result.snapshot.resumedChunks).toBe(1);
		expect(result.verdict.checkedBy).toBe('size');
		expect(result.verdict.summary).toContain('1 chunk was resumed from thaw\'s journal and checked only against its hashes');
		expect(outputObject(result, 1)).toMatchObject({verified: false, verification: 'size'});
		expect(String(outputObject(result, 1).notVerified)).toContain('resumed from thaw\'s journal');
	});

	it('a whole-archive job still verifies resumed chunks against the job\'s tree hash (unchanged)', async () => {
		const file = out();
		w.emulator.faults.add({kind: 'unavailable', jobId: w.jobId, range: rangeOf(1, w.size), times: Number.POSITIVE_INFINITY});
		await failure(fetch(w, file, {maxAttempts: 1, concurrency: 1}));
		w.emulator.faults.clear();
		const result = await fetch(w, file);
		expect(result.snapshot.resumedChunks).toBeGreaterThan(0);
		expect(result.verdict.checkedBy).toBe('tree-hash');
		expect(result.verdict.ok).toBe(true);
	});
});
