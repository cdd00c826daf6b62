/**
 * The download engine against the emulator over real HTTP with the real SDK:
 * every fault kind is survived and shows up as a retry, persistent faults end
 * with the right exit code and no final file, and a later run resumes.
 */
import {readFile, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {inspectPartial, journalPath, partPath, startDownload} from '../../source/engine/download/index.js';
import {readJournal} from '../../source/engine/journal.js';
import {awsResponse} from '../../source/headless/get-job-output.js';
import {treeHash} from '../../source/engine/tree-hash.js';
import type {FaultKind, FaultRule} from '../../source/emulator/index.js';
import {exists, failure, fetch, MiB, outputRequests, rangeOf, sameBytes, transportOptions, world, type World} from './download-helpers.js';

let w: World;
let n = 0;
const out = () => join(w.dir, `out-${++n}.bin`);

const faults: Array<{kind: FaultKind; rule?: Partial<FaultRule>; options?: object; retries: number}> = [
	{kind: 'corrupt', retries: 1},
	{kind: 'drop', retries: 1},
	{kind: 'short', retries: 1},
	{kind: 'throttle', retries: 1},
	{kind: 'unavailable', retries: 1},
	{kind: 'timeout', retries: 1},
	{kind: 'stall', rule: {afterBytes: 1000}, options: {readTimeoutMs: 300}, retries: 1},
	{kind: 'ignore-range', retries: 1},
	{kind: 'wrong-hash', retries: 1},
	{kind: 'bandwidth', rule: {bytesPerSecond: 4 * MiB}, retries: 0},
];

// Every case runs twice: over plain http the downloads go through thaw's direct handler
// (glacier/direct-http.ts, reading into the slots), over https through the SDK's node:https
// handler, which is what real Glacier gets.
for (const transport of ['http', 'https'] as const) {
	describe(`over ${transport}`, () => {
		beforeAll(async () => {
			w = await world(undefined, await transportOptions(transport));
			expect(w.emulator.url.startsWith(`${transport}://`)).toBe(true);
		});
		afterAll(async () => w.close());
		beforeEach(() => {
			w.emulator.faults.clear();
		});

		describe('a clean download', () => {
			it('writes exactly the archive, verified against the job tree hash, and removes .part and journal', async () => {
				const file = out();
				const result = await fetch(w, file);
				expect(await sameBytes(w, file)).toBe(true);
				expect(result.verdict.ok).toBe(true);
				expect(result.verdict.checkedBy).toBe('tree-hash');
				expect(result.verdict.computed).toBe(await w.emulator.archiveTreeHash(w.vault, w.archiveId));
				expect(result.verdict.expected).toBe(result.verdict.computed);
				expect(result.snapshot.chunks).toHaveLength(5);
				expect(result.snapshot.chunks.every(chunk => chunk.state === 'verified' && chunk.checkedBy === 'tree-hash')).toBe(true);
				expect(result.snapshot.phase).toBe('done');
				expect(result.snapshot.retries).toBe(0);
				expect(awsResponse(result)).toMatchObject({status: 200, contentType: 'application/octet-stream', acceptRanges: 'bytes', archiveDescription: 'photos/2019.tar', checksum: result.verdict.computed});
				expect(await exists(partPath(file))).toBe(false);
				expect(await exists(journalPath(file))).toBe(false);
			});

			it('uses larger chunks when asked, and one request for a single-chunk output', async () => {
				const file = out();
				const before = outputRequests(w).length;
				const result = await fetch(w, file, {chunkSize: 8 * MiB});
				expect(result.snapshot.chunks).toHaveLength(1);
				expect(outputRequests(w).slice(before)).toEqual([`bytes=0-${w.size - 1}`]);
				expect(await sameBytes(w, file)).toBe(true);
			});

			for (const hashThreads of [0, 3]) {
				it(`hashes the same with ${hashThreads} hashing threads (leaves of one chunk combined in order)`, async () => {
					const file = out();
					const result = await fetch(w, file, {chunkSize: 8 * MiB, hashThreads});
					expect(await sameBytes(w, file)).toBe(true);
					expect(result.verdict.ok).toBe(true);
					expect(result.verdict.computed).toBe(await w.emulator.archiveTreeHash(w.vault, w.archiveId));
					expect(result.snapshot.chunks[0].checkedBy).toBe('tree-hash');
				});
			}

			it('store listeners see chunks move through downloading to verified', async () => {
				const file = out();
				const download = startDownload({connection: w.connection, vaultName: w.vault, jobId: w.jobId, outfile: file, notifyMs: 1, concurrency: 2});
				const seen = new Set<string>();
				download.store.subscribe(() => {
					const snapshot = download.store.getSnapshot();
					seen.add(snapshot.phase);
					for (const chunk of snapshot.chunks) seen.add(chunk.state);
				});
				await download.done;
				expect(seen).toContain('downloading');
				expect(seen).toContain('verified');
				expect(seen).toContain('done');
				expect(download.store.getSnapshot().bytesDone).toBe(w.size);
			});
		});


		describe('faults on one chunk', () => {
			for (const {kind, rule, options, retries} of faults) {
				it(`${kind}: ends verified, the chunk fetched ${retries + 1} times`, async () => {
					const range = rangeOf(1, w.size);
					w.emulator.faults.add({kind, jobId: w.jobId, range, times: 1, ...rule});
					const file = out();
					const before = outputRequests(w).length;
					const result = await fetch(w, file, options);
					expect(result.verdict.ok).toBe(true);
					expect(await sameBytes(w, file)).toBe(true);
					expect(w.emulator.faults.hits.filter(hit => hit.rule.kind === kind && hit.range === range)).toHaveLength(1);
					const requests = outputRequests(w).slice(before);
					expect(requests.filter(r => r === range)).toHaveLength(retries + 1);
					expect(requests).toHaveLength(5 + retries);
					expect(result.snapshot.retries).toBe(retries);
					expect(result.snapshot.chunks[1].attempts).toBe(retries + 1);
					if (retries > 0) expect(result.snapshot.log.some(entry => entry.level === 'warn' && entry.chunk === 1)).toBe(true);
				});
			}

			it('drops and throttles on several chunks at once, at concurrency 3', async () => {
				w.emulator.faults.add({kind: 'drop', jobId: w.jobId, times: 3, afterBytes: 5000});
				w.emulator.faults.add({kind: 'throttle', jobId: w.jobId, times: 2});
				const file = out();
				const before = outputRequests(w).length;
				const result = await fetch(w, file, {concurrency: 3});
				expect(await sameBytes(w, file)).toBe(true);
				expect(result.snapshot.retries).toBeGreaterThanOrEqual(3);
				expect(result.snapshot.retries).toBe(outputRequests(w).length - before - 5);
				expect(w.emulator.faults.hits.length).toBeGreaterThanOrEqual(result.snapshot.retries);
			});
		});

		describe('faults that do not go away', () => {
			it('persistent corruption: exit 3, no final file, .part and journal kept; the next run fetches only that chunk', async () => {
				const range = rangeOf(2, w.size);
				w.emulator.faults.add({kind: 'corrupt', jobId: w.jobId, range, times: Infinity});
				const file = out();
				const download = startDownload({connection: w.connection, vaultName: w.vault, jobId: w.jobId, outfile: file, retryBaseMs: 1, retryCapMs: 5, maxAttempts: 3, concurrency: 1});
				const error = await failure(download.done);
				expect(error.exitCode).toBe(3);
				expect(error.message).toContain('verification failed');
				expect(error.message).toContain('tree hash mismatch');
				const snapshot = download.store.getSnapshot();
				expect(snapshot.phase).toBe('failed');
				expect(snapshot.verdict?.ok).toBe(false);
				expect(snapshot.chunks[2].state).toBe('failed');
				expect(await exists(file)).toBe(false);
				expect(await exists(partPath(file))).toBe(true);
				const journal = await readJournal(journalPath(file));
				expect(journal?.chunks.has(2)).toBe(false);
				expect(journal?.chunks.size).toBeGreaterThanOrEqual(2);
				const partial = await inspectPartial(file);
				expect(partial).toMatchObject({jobId: w.jobId, totalChunks: 5, verifiedChunks: journal?.chunks.size});

				w.emulator.faults.clear();
				const before = outputRequests(w).length;
				const result = await fetch(w, file);
				const missing = [0, 1, 2, 3, 4].filter(i => !journal!.chunks.has(i)).map(i => rangeOf(i, w.size));
				expect(outputRequests(w).slice(before).sort()).toEqual(missing.sort());
				expect(result.snapshot.resumedChunks).toBe(journal!.chunks.size);
				expect(result.snapshot.chunks.filter(chunk => chunk.resumed)).toHaveLength(journal!.chunks.size);
				expect(result.verdict.ok).toBe(true);
				expect(await sameBytes(w, file)).toBe(true);
			});

			it('persistent throttling: exit 5 after the attempts run out', async () => {
				w.emulator.faults.add({kind: 'throttle', jobId: w.jobId, range: rangeOf(0, w.size), times: Infinity});
				const file = out();
				const error = await failure(fetch(w, file, {maxAttempts: 3}));
				expect(error.exitCode).toBe(5);
				expect(error.message).toContain('ThrottlingException');
				expect(await exists(file)).toBe(false);
			});

			it('a resumed chunk whose bytes changed in the .part is fetched again', async () => {
				w.emulator.faults.add({kind: 'unavailable', jobId: w.jobId, range: rangeOf(4, w.size), times: Infinity});
				const file = out();
				await failure(fetch(w, file, {maxAttempts: 2, concurrency: 1}));
				const part = await readFile(partPath(file));
				part[10] ^= 0xFF; // damage chunk 0
				await writeFile(partPath(file), part);
				w.emulator.faults.clear();
				const before = outputRequests(w).length;
				const result = await fetch(w, file);
				expect(outputRequests(w).slice(before).sort()).toEqual([rangeOf(0, w.size), rangeOf(4, w.size)].sort());
				expect(result.snapshot.log.some(entry => entry.message.includes('no longer match'))).toBe(true);
				expect(await sameBytes(w, file)).toBe(true);
			});
		});

		describe('pause, resume, cancel', () => {
			it('pause stops chunks in flight; resume finishes verified', async () => {
				w.emulator.faults.add({kind: 'bandwidth', jobId: w.jobId, bytesPerSecond: 2 * MiB, times: Infinity});
				const file = out();
				const download = startDownload({connection: w.connection, vaultName: w.vault, jobId: w.jobId, outfile: file, concurrency: 2});
				await until(() => download.store.getSnapshot().bytesDone > 100_000);
				download.pause();
				expect(download.store.getSnapshot().phase).toBe('paused');
				await until(() => download.store.getSnapshot().chunks.every(chunk => chunk.state !== 'downloading'));
				w.emulator.faults.clear();
				download.resume();
				const result = await download.done;
				expect(result.verdict.ok).toBe(true);
				expect(await sameBytes(w, file)).toBe(true);
			});

			it('cancel keeps .part and journal and rejects with 130', async () => {
				w.emulator.faults.add({kind: 'bandwidth', jobId: w.jobId, bytesPerSecond: MiB, times: Infinity});
				const file = out();
				const controller = new AbortController();
				const download = startDownload({connection: w.connection, vaultName: w.vault, jobId: w.jobId, outfile: file, signal: controller.signal});
				await until(() => download.store.getSnapshot().bytesDone > 50_000);
				controller.abort();
				const error = await failure(download.done);
				expect(error.exitCode).toBe(130);
				expect(download.store.getSnapshot().phase).toBe('cancelled');
				expect(await exists(file)).toBe(false);
				expect(await exists(journalPath(file))).toBe(true);
			});
		});

		describe('jobs that cannot be downloaded', () => {
			it('in progress: exit 4, not ready yet', async () => {
				const jobId = await w.emulator.addJob(w.vault, {type: 'archive-retrieval', archiveId: w.archiveId, status: 'InProgress'});
				const error = await failure(fetch(w, out(), {jobId}));
				expect(error.exitCode).toBe(4);
				expect(error.message).toContain('not ready yet');
				expect(error.message).toContain('3-5 hours');
			});

			it('failed: exit 4 with its StatusMessage', async () => {
				const jobId = await w.emulator.addJob(w.vault, {type: 'archive-retrieval', archiveId: w.archiveId, status: 'Failed', statusMessage: 'The job failed \u001B[31mbadly'});
				const error = await failure(fetch(w, out(), {jobId}));
				expect(error.exitCode).toBe(4);
				expect(error.message).toContain('failed');
				expect(error.message).toContain('badly');
				expect(error.message).not.toContain('\u001B');
			});

			it('missing: exit 4, start a new retrieval', async () => {
				const error = await failure(fetch(w, out(), {jobId: 'NoSuchJob'}));
				expect(error.exitCode).toBe(4);
				expect(error.message).toMatch(/new retrieval/i);
			});

			it('expired (25 hours after completion): exit 4, start a new retrieval', async () => {
				const jobId = await w.emulator.addJob(w.vault, {type: 'archive-retrieval', archiveId: w.archiveId});
				w.clock.offset += 25 * 3600 * 1000;
				try {
					const error = await failure(fetch(w, out(), {jobId}));
					expect(error.exitCode).toBe(4);
					expect(error.message).toMatch(/expired/);
					expect(error.message).toMatch(/new retrieval/i);
				} finally {
					w.clock.offset -= 25 * 3600 * 1000;
				}
			});
		});

		describe('local file problems', () => {
			it('an existing final file: exit 6 unless overwrite', async () => {
				const file = out();
				await writeFile(file, 'precious');
				const error = await failure(fetch(w, file));
				expect(error.exitCode).toBe(6);
				expect(error.message).toContain('--overwrite');
				expect(await readFile(file, 'utf8')).toBe('precious');
				await fetch(w, file, {overwrite: true});
				expect(await sameBytes(w, file)).toBe(true);
			});

			it('a journal for another job is refused with exit 6 and what differs', async () => {
				w.emulator.faults.add({kind: 'unavailable', jobId: w.jobId, range: rangeOf(3, w.size), times: Infinity});
				const file = out();
				await failure(fetch(w, file, {maxAttempts: 1}));
				const otherJob = await w.emulator.addJob(w.vault, {type: 'archive-retrieval', archiveId: w.archiveId});
				const error = await failure(fetch(w, file, {jobId: otherJob}));
				expect(error.exitCode).toBe(6);
				expect(error.message).toContain('different download');
				expect(error.message).toContain('delete');
				const chunkError = await failure(fetch(w, file, {chunkSize: 2 * MiB}));
				expect(chunkError.exitCode).toBe(6);
				expect(chunkError.message).toContain('--chunk-size 1');
				w.emulator.faults.clear();
				await fetch(w, file, {jobId: otherJob, resume: 'never'});
				expect(await sameBytes(w, file)).toBe(true);
			});

			it('a folder that does not exist: exit 6', async () => {
				const error = await failure(fetch(w, join(w.dir, 'no', 'such', 'dir', 'x.bin')));
				expect(error.exitCode).toBe(6);
				expect(error.message).toContain('does not exist');
			});
		});

		describe('ranges and ranged retrievals', () => {
			it('an aligned --range is verified against Glacier tree hashes', async () => {
				const file = out();
				const result = await fetch(w, file, {range: {start: MiB, end: 2 * MiB - 1}});
				expect(await sameBytes(w, file, MiB, 2 * MiB - 1)).toBe(true);
				expect(result.verdict.checkedBy).toBe('tree-hash');
				expect(awsResponse(result)).toMatchObject({status: 206, contentRange: `bytes ${MiB}-${2 * MiB - 1}/${w.size}`});
				expect(awsResponse(result).checksum).toBe(treeHash(w.emulator.archiveBytes(w.vault, w.archiveId, MiB, 2 * MiB - 1)));
			});

			it('a --range on MiB boundaries but not tree-hash aligned: every chunk checked by Glacier hash, no checksum for the whole', async () => {
				const file = out();
				const result = await fetch(w, file, {range: {start: MiB, end: 4 * MiB - 1}, chunkSize: 4 * MiB});
				expect(result.snapshot.chunkSize).toBe(MiB);
				expect(result.verdict.checkedBy).toBe('tree-hash');
				expect(awsResponse(result).checksum).toBeUndefined();
				expect(await sameBytes(w, file, MiB, 4 * MiB - 1)).toBe(true);
			});

			it('an unaligned --range is downloaded and size-checked, saying why', async () => {
				const file = out();
				const result = await fetch(w, file, {range: {start: 1000, end: 2 * MiB + 5}});
				expect(await sameBytes(w, file, 1000, 2 * MiB + 5)).toBe(true);
				expect(result.verdict.ok).toBe(true);
				expect(result.verdict.checkedBy).toBe('size');
				expect(result.snapshot.verification.mode).toBe('size');
				expect(result.snapshot.verification.reason).toContain('1 MiB boundary');
				expect(result.verdict.summary).toContain('not verified');
			});

			it('a --range past the end of the output: usage error', async () => {
				const error = await failure(fetch(w, out(), {range: {start: 0, end: w.size}}));
				expect(error.exitCode).toBe(2);
				expect(error.message).toContain(`${w.size} bytes`);
			});

			it('an aligned ranged retrieval is verified against its SHA256TreeHash', async () => {
				const jobId = await w.emulator.addJob(w.vault, {type: 'archive-retrieval', archiveId: w.archiveId, range: `${2 * MiB}-${4 * MiB - 1}`});
				const file = out();
				const result = await fetch(w, file, {jobId});
				expect(await sameBytes(w, file, 2 * MiB, 4 * MiB - 1)).toBe(true);
				expect(result.verdict.checkedBy).toBe('tree-hash');
				expect(result.verdict.expected).toBe(treeHash(w.emulator.archiveBytes(w.vault, w.archiveId, 2 * MiB, 4 * MiB - 1)));
			});

			it('an unaligned ranged retrieval is size-checked, saying why', async () => {
				const jobId = await w.emulator.addJob(w.vault, {type: 'archive-retrieval', archiveId: w.archiveId, range: `${MiB}-${w.size - 1}`});
				w.emulator.faults.add({kind: 'short', jobId, times: 1});
				const file = out();
				const result = await fetch(w, file, {jobId});
				expect(await sameBytes(w, file, MiB, w.size - 1)).toBe(true);
				expect(result.verdict.checkedBy).toBe('size');
				expect(result.snapshot.retries).toBe(1);
				expect(result.snapshot.verification.reason).toContain('not a tree-hash aligned range');
			});

			it('an inventory: size-checked, in parallel chunks when big enough', async () => {
				for (let i = 0; i < 1200; i++) w.emulator.addArchive(w.vault, {size: 10 + i, description: `file ${i} ${'x'.repeat(900)}`});
				const jobId = await w.emulator.addJob(w.vault, {type: 'inventory-retrieval', format: 'CSV'});
				const whole = await w.connection.client.send(new (await import('@aws-sdk/client-glacier')).GetJobOutputCommand({accountId: '-', vaultName: w.vault, jobId}));
				const expected = Buffer.from(await whole.body!.transformToByteArray());
				expect(expected.length).toBeGreaterThan(MiB);
				w.emulator.faults.add({kind: 'drop', jobId, times: 1});
				const file = out();
				const result = await fetch(w, file, {jobId});
				expect((await readFile(file)).equals(expected)).toBe(true);
				expect(result.snapshot.chunks.length).toBeGreaterThan(1);
				expect(result.snapshot.retries).toBe(1);
				expect(result.verdict.checkedBy).toBe('size');
				expect(awsResponse(result).contentType).toBe('text/csv');
				expect(result.snapshot.verification.reason).toContain('inventory');
			});
		});
	});
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
	const started = Date.now();
	while (!condition()) {
		if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
		 
		await new Promise(resolve => setTimeout(resolve, 5));
	}
}
