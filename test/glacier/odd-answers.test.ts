/**
 * Issue 8 §13, odd answers. A job whose size DescribeJob overstates. Glacier then refuses
 * the last range with "Invalid range"-style InvalidParameterValueException;
 * that is the service contradicting itself (exit 5), not a job that is not
 * ready (exit 4). An HTML 500 page (a load balancer's) is named as such.
 * The built CLI against the emulator's size-lie and html-500 faults.
 */
import {spawn} from 'node:child_process';
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {startEmulator, type Emulator} from '../../source/emulator/index.js';

const cli = new URL('../../build/cli.js', import.meta.url).pathname;
let emulator: Emulator;
let dir: string;
let jobId: string;

function thaw(args: string[]): Promise<{code: number | null; stderr: string}> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [cli, ...args], {
			env: {...process.env, CI: 'true', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null'},
			stdio: ['ignore', 'ignore', 'pipe'],
		});
		let stderr = '';
		child.stderr.on('data', (data: Buffer) => {
			stderr += data.toString();
		});
		child.on('error', reject);
		child.on('close', code => {
			resolve({code, stderr});
		});
	});
}

beforeAll(async () => {
	emulator = await startEmulator();
	emulator.createVault('photos');
	const {archiveId} = emulator.addArchive('photos', {size: 3 * 1024 * 1024, description: 'a.bin'});
	jobId = await emulator.addJob('photos', {type: 'archive-retrieval', archiveId});
	dir = await mkdtemp(join(tmpdir(), 'thaw-odd-'));
});

afterAll(async () => {
	await emulator?.close();
	if (dir) await rm(dir, {recursive: true, force: true});
});

describe('a size lie', () => {
	it('is a service failure (exit 5) saying the service contradicts itself, not "job not ready" (4)', async () => {
		emulator.faults.add({kind: 'size-lie', times: Number.POSITIVE_INFINITY});
		const run = await thaw(['get-job-output', '--endpoint-url', emulator.url, '--vault-name', 'photos', '--job-id', jobId, '--quiet', join(dir, 'out.bin')]);
		// The engine (attempt.ts) words it for downloads; glacier/errors.ts for every other caller.
		expect(run.stderr).toMatch(/^thaw: .*Glacier refused .*range.*(contradicts itself|smaller than DescribeJob says)/);
		expect(run.stderr).not.toMatch(/not ready|expired/);
		expect(run.code).toBe(5);
	});
});

describe('an HTML 500 during a download', () => {
	it('is retried, and the log says the service answered HTTP 500 with a non-JSON body, not "SyntaxError … Deserialization error"', async () => {
		emulator.faults.clear();
		emulator.faults.add({kind: 'html-500', times: 2});
		const run = await thaw(['get-job-output', '--endpoint-url', emulator.url, '--vault-name', 'photos', '--job-id', jobId, '--max-attempts', '4', join(dir, 'html.bin')]);
		expect(run.code, run.stderr).toBe(0);
		expect(run.stderr).toContain('the service answered HTTP 500 with a non-JSON body (text/html)');
		expect(run.stderr).not.toMatch(/SyntaxError|Deserialization/);
	});
});
