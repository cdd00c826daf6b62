/**
 * `thaw get-job-output` (the built CLI in a child process) against network
 * oddities from the emulator (issue 8 §7, §13): the exit code a script sees.
 */
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {startEmulator, type Emulator} from '../../source/emulator/index.js';
import {runThaw, type CliRun} from '../run-cli.js';

const MiB = 1024 * 1024;
const size = (2 * MiB) + 99;

let emulator: Emulator;
let dir: string;
let jobId: string;
let n = 0;
const out = () => join(dir, `net-${++n}.bin`);

type Run = CliRun;

async function thaw(args: string[]): Promise<Run> {
	return runThaw(args);
}

const base = () => ['get-job-output', '--endpoint-url', emulator.url, '--account-id', '-', '--vault-name', 'photos', '--job-id', jobId, '--quiet'];
/** The last line on stderr: the one-line message a failure ends with. */
const lastLine = (text: string) => text.trim().split('\n').at(-1) ?? '';

beforeAll(async () => {
	emulator = await startEmulator({hashCacheDir: false});
	emulator.createVault('photos');
	const {archiveId} = emulator.addArchive('photos', {size, description: 'net.tar', seed: 'cli-network'});
	jobId = await emulator.addJob('photos', {type: 'archive-retrieval', archiveId});
	dir = await mkdtemp(join(tmpdir(), 'thaw-gjo-net-'));
});
afterAll(async () => {
	await emulator.close();
	await rm(dir, {recursive: true, force: true});
});
beforeEach(() => {
	emulator.faults.clear();
});

describe('thaw get-job-output on a malformed response (a header with a control byte)', () => {
	it('retries it and exits 0 when a later attempt is clean', async () => {
		emulator.faults.add({kind: 'bad-header', times: 2});
		const run = await thaw([...base(), out()]);
		expect(run.stderr).toBe('');
		expect(run.code).toBe(0);
		expect(JSON.parse(run.stdout)).toMatchObject({verified: true, retries: 2});
	});

	it('exits 5 with one line when every attempt is malformed', async () => {
		emulator.faults.add({kind: 'bad-header', times: Number.POSITIVE_INFINITY});
		const run = await thaw([...base(), '--max-attempts', '2', out()]);
		expect(run.code).toBe(5);
		expect(lastLine(run.stderr)).toMatch(/^thaw: .*failed 2 times, last: .*Invalid header value char/);
		expect(run.stderr).not.toMatch(/\n\s+at /); // no stack
	});
});

describe('thaw get-job-output on a size lie', () => {
	it('exits 5 (service), not 4 (job not ready)', async () => {
		emulator.faults.add({kind: 'size-lie', extraBytes: 2 * MiB, times: Number.POSITIVE_INFINITY});
		const run = await thaw([...base(), '--max-attempts', '2', out()]);
		expect(run.code).toBe(5);
		expect(lastLine(run.stderr)).toMatch(/^thaw: .*range/i);
	});
});
