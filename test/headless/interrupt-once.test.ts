/**
 * Ctrl-C during `thaw get-job-output` says so once (issue 13 §6): the built
 * CLI in its own process against an in-process emulator over real HTTP.
 */
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {startEmulator, type Emulator} from '../../source/emulator/index.js';
import {journalPath} from '../../source/engine/download/index.js';
import {runThaw} from '../run-cli.js';

const MiB = 1024 * 1024;
let emulator: Emulator;
let dir: string;
let jobId: string;

beforeAll(async () => {
	emulator = await startEmulator();
	emulator.createVault('photos');
	const {archiveId} = emulator.addArchive('photos', {size: 4 * MiB + 5, description: 'photos/2019.tar', seed: 'interrupt-once'});
	jobId = await emulator.addJob('photos', {type: 'archive-retrieval', archiveId});
	dir = await mkdtemp(join(tmpdir(), 'thaw-int-'));
});
afterAll(async () => {
	await emulator.close();
	await rm(dir, {recursive: true, force: true});
});

describe('thaw get-job-output, Ctrl-C', () => {
	it('prints its message once, exits 130, and the same command resumes', async () => {
		emulator.faults.add({kind: 'bandwidth', jobId, bytesPerSecond: MiB, times: Infinity});
		const file = join(dir, 'out.bin');
		const args = ['get-job-output', '--endpoint-url', emulator.url, '--account-id', '-', '--vault-name', 'photos', '--job-id', jobId, '--chunk-size', '1', file];
		let timer: NodeJS.Timeout | undefined;
		const run = await runThaw(args, {
			onSpawn(child) {
				// One SIGINT, once the journal exists (a second one means "stop now").
				timer = setInterval(async () => {
					if (!timer || !await readFile(journalPath(file)).then(() => true, () => false)) return;
					clearInterval(timer);
					timer = undefined;
					child.kill('SIGINT');
				}, 20);
			},
		}).finally(() => {
			clearInterval(timer);
		});
		expect(run.code, run.stderr).toBe(130);
		// Progress lines (no terminal: one every few seconds) aside, the one line saying what happened and what to do.
		const said = run.stderr.split('\n').filter(line => line !== '' && !/\bETA\b/.test(line));
		expect(said).toEqual([`thaw: cancelled: ${file}.part and its journal are kept; run the same command again to continue`]);

		emulator.faults.clear();
		const again = await runThaw([...args.slice(0, -1), '--quiet', file]);
		expect(again.code, again.stderr).toBe(0);
		expect(JSON.parse(again.stdout)).toMatchObject({verified: true});
	});
});
