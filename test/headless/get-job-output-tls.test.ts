/**
 * get-job-output against an https endpoint, as real Glacier is: the SDK's
 * node:https handler (not thaw's plain-http one), --ca-bundle for a private
 * certificate, and what a user sees when the certificate is not trusted.
 */
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {startEmulator, type Emulator} from '../../source/emulator/index.js';
import {tlsFixture, transportOptions} from '../engine/download-helpers.js';
import {runThaw} from '../run-cli.js';

const MiB = 1024 * 1024;
let emulator: Emulator;
let dir: string;
let jobId: string;
let archiveId: string;

beforeAll(async () => {
	emulator = await startEmulator(await transportOptions('https'));
	emulator.createVault('photos');
	({archiveId} = emulator.addArchive('photos', {size: 3 * MiB + 77, description: 'photos/2019.tar', seed: 'tls-tests'}));
	jobId = await emulator.addJob('photos', {type: 'archive-retrieval', archiveId});
	dir = await mkdtemp(join(tmpdir(), 'thaw-tls-'));
});
afterAll(async () => {
	await emulator.close();
	await rm(dir, {recursive: true, force: true});
});

const base = () => ['get-job-output', '--endpoint-url', emulator.url, '--vault-name', 'photos', '--job-id', jobId, '--chunk-size', '1'];

describe('thaw get-job-output over https', () => {
	it('with --ca-bundle: verified, chunk by chunk, through the SDK\'s https handler', async () => {
		expect(emulator.url).toMatch(/^https:\/\//);
		const file = join(dir, 'out.bin');
		const {code, stdout, stderr} = await runThaw([...base(), '--ca-bundle', tlsFixture.cert, file]);
		expect(code, stderr).toBe(0);
		expect(stderr).toMatch(/verified/);
		const printed = JSON.parse(stdout) as {checksum: string; status: number};
		expect(printed.status).toBe(200);
		expect(printed.checksum).toBe(await emulator.archiveTreeHash('photos', archiveId));
		expect((await readFile(file)).equals(emulator.archiveBytes('photos', archiveId, 0, 3 * MiB + 76))).toBe(true);
		expect(emulator.requests.filter(r => r.op === 'GetJobOutput').length).toBeGreaterThanOrEqual(4);
	});

	it('without it: one line naming the untrusted certificate and what to do, no file', async () => {
		const file = join(dir, 'untrusted.bin');
		const {code, stdout, stderr} = await runThaw([...base(), file]);
		expect(stdout).toBe('');
		expect(code).not.toBe(0);
		const lines = stderr.trim().split('\n');
		expect(lines).toHaveLength(1);
		expect(lines[0]).toMatch(/^thaw: the TLS certificate of 127\.0\.0\.1:\d+ is not trusted \(self-signed certificate\): .*--ca-bundle FILE/);
		expect(code).toBe(5);
		expect(lines[0]).not.toMatch(/at .*\.js:\d+/);
		await expect(readFile(file)).rejects.toThrow(/ENOENT/);
	});
});
