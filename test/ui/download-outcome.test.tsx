import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {startDownload, type Download} from '../../source/engine/download/index.js';
import {EngineStore} from '../../source/engine/download-store.js';
import {connect, type Connection} from '../../source/glacier/client.js';
import type {Route} from '../../source/ui/routes.js';
import {fitsIn, flat, keys, startHarness, type Harness} from './helpers.js';

// The download screen at 80x24 says what happened (issue 13 §6): a failed verification is not
// 'Downloading' at 100 %, and a resume says it is re-checking the chunks on disk.
let harness: Harness | undefined;
let connection: Connection | undefined;
let folder: string | undefined;
afterEach(async () => {
	await harness?.close();
	connection?.close();
	if (folder) rmSync(folder, {recursive: true, force: true});
	harness = undefined;
	connection = undefined;
	folder = undefined;
});

const MiB = 1024 * 1024;
const size = 8 * MiB + 77;
/** The second test's made-up download: 41 chunks. */
const bigSize = 40 * MiB + 77;

describe('the download screen, when it is over or starting again', () => {
	it('after a failed verification the first line and the counter say so, the verdict whole; opening the job again resumes', async () => {
		folder = mkdtempSync(join(tmpdir(), 'thaw-outcome-'));
		const outfile = join(folder, 'big.bin');
		const initial: Route[] = [{screen: 'vaults'}, {screen: 'jobs', vaultName: 'photos'}];
		harness = await startHarness({
			initial,
			settings: {downloadFolder: folder},
			async setup(emulator) {
				emulator.createVault('photos');
				const {archiveId} = emulator.addArchive('photos', {size, description: 'big.bin', seed: 'outcome'});
				const jobId = await emulator.addJob('photos', {type: 'archive-retrieval', archiveId});
				// The last chunk always arrives corrupt: it fails for good (2 attempts, no real back-off); most others are verified and journaled by then.
				emulator.faults.add({kind: 'corrupt', jobId, range: `bytes=${8 * MiB}-${size - 1}`, times: Number.POSITIVE_INFINITY});
				connection = connect({endpointUrl: emulator.url, region: 'us-east-1', demoCredentials: true});
				const download = startDownload({connection, vaultName: 'photos', jobId, outfile, chunkSize: MiB, maxAttempts: 2, retryBaseMs: 1, retryCapMs: 2});
				download.done.catch(() => undefined);
				initial.push({screen: 'download', vaultName: 'photos', jobId, download, outfile});
			},
		});
		const h = harness;
		const failed = await h.waitFor(frame => frame.includes('NOT VERIFIED') && frame.includes('Enter/Esc back to the jobs'), 20_000);
		const lines = failed.split('\n');
		expect(lines[1]).toMatch(/^Failed verification: .*big\.bin/);
		// What was verified when it stopped (the last chunk's failure stops the others), never the bytes received.
		expect(lines[2]).toMatch(/^[\d.]+ (MiB|B) \/ 8\.00 MiB verified \((\d|[1-9]\d)%\) · failed verification$/);
		expect(failed).not.toMatch(/Downloading|100%/);
		// Why, and what was kept, whole; worded for the screen (open the job again), not for the CLI.
		expect(flat(failed)).toMatch(/NOT VERIFIED · verification failed: chunk 9 \(bytes 8388608-8388684\) failed 2 times, last: tree hash mismatch .* and its journal are kept: open this job again to resume/);
		expect(fitsIn(failed, 80, 24).ok).toBe(true);

		// The job again, as a person would: the setup finds the partial, y resumes; the chunks kept are hashed again first.
		h.emulator.faults.clear();
		await h.press(keys.enter);
		await h.waitFor('1 job in photos');
		await h.press(keys.enter);
		await h.waitFor('Partial of this job found');
		await h.press(keys.enter);
		await h.waitFor('A partial download of this job is here.');
		await h.press('y');
		const done = await h.waitFor('✔ VERIFIED', 20_000);
		expect(done.split('\n')[1]).toMatch(/^Downloaded /);
		expect(done).toMatch(/resuming: \d+ of 9 chunks already verified/);
	}, 40_000);

	it('while a resume hashes again the chunks an earlier run kept, it says so (not "Asking Glacier")', async () => {
		// The store as the engine's resume step drives it (engine/download/resume.ts): the plan, then each journaled chunk 'verifying', then 'verified' (resumed).
		const store = new EngineStore({vaultName: 'photos', jobId: 'J'.repeat(92), outfile: '/data/big.bin', notifyMs: 1});
		const download: Download = {store, done: new Promise(() => undefined), pause() {}, resume() {}, cancel() {}};
		harness = await startHarness({initial: [{screen: 'vaults'}, {screen: 'download', vaultName: 'photos', jobId: 'J'.repeat(92), download, outfile: '/data/big.bin'}]});
		const h = harness;
		expect(await h.waitFor('Asking Glacier about the job…')).not.toContain('Chunk 1/');
		store.plan({total: bigSize, chunkSize: MiB, verification: {mode: 'tree-hash'}}, Array.from({length: 41}, (_v, index) => ({index, start: index * MiB, end: Math.min(bigSize, (index + 1) * MiB) - 1, state: 'pending' as const, received: 0, attempts: 0})));
		expect(await h.waitFor('Preparing the .part file…')).not.toContain('Asking Glacier');
		for (let index = 0; index < 10; index++) store.updateChunk(index, {state: 'verified', received: MiB, resumed: true});
		store.updateChunk(10, {state: 'verifying'});
		const frame = await h.waitFor('Re-checking');
		expect(flat(frame)).toContain('Re-checking the chunks an earlier run kept in the .part file: 10 of 41 verified so far…');
		expect(frame).not.toContain('Asking Glacier');
		expect(fitsIn(frame, 80, 24).ok).toBe(true);
	});
});
