import {execFile} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {promisify} from 'node:util';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {fastGlacier, mt2} from '../../source/emulator/demo.js';
import {startEmulator, type Emulator} from '../../source/emulator/index.js';
import {getJobOutput} from '../../source/glacier/api.js';
import {connect, type Connection} from '../../source/glacier/client.js';

const exec = promisify(execFile);
const cli = new URL('../../build/cli.js', import.meta.url).pathname;
const env = {...process.env, CI: 'true', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null'};

async function thaw(...args: string[]): Promise<{code: number; stdout: string; stderr: string}> {
	try {
		const {stdout, stderr} = await exec(process.execPath, [cli, 'inventory', ...args], {env, maxBuffer: 64 << 20});
		return {code: 0, stdout, stderr};
	} catch (error) {
		const failure = error as {code: number; stdout: string; stderr: string};
		return {code: failure.code, stdout: failure.stdout, stderr: failure.stderr};
	}
}

let emulator: Emulator;
let connection: Connection;
let dir: string;
const jobs: Record<string, string> = {};

beforeAll(async () => {
	emulator = await startEmulator();
	emulator.createVault('mixed');
	const descriptions = [mt2('Fotos/Ähre 日本.jpg', '20140102T030405Z'), fastGlacier('Projects/budget,final "v2".xlsx', '20150315T120000Z'), 'my archive description,1\\"2', 'say "hello"', 'C:\\Users\\data\\', 'evil \u001B]0;x\u0007 title'];
	descriptions.forEach((description, i) => emulator.addArchive('mixed', {size: 1000 + i, description, creationDate: `2015-0${i + 1}-01T00:00:00Z`}));
	const {archiveId} = emulator.addArchive('mixed', {size: 2048, description: 'plain'});
	jobs.json = await emulator.addJob('mixed', {type: 'inventory-retrieval', format: 'JSON'});
	jobs.csv = await emulator.addJob('mixed', {type: 'inventory-retrieval', format: 'CSV'});
	jobs.archive = await emulator.addJob('mixed', {type: 'archive-retrieval', archiveId});
	jobs.running = await emulator.addJob('mixed', {type: 'inventory-retrieval', status: 'InProgress'});
	connection = connect({endpointUrl: emulator.url, region: 'us-east-1', demoCredentials: true});
	dir = mkdtempSync(path.join(os.tmpdir(), 'thaw-inventory-job-'));
});

afterAll(async () => {
	connection.close();
	await emulator.close();
	rmSync(dir, {recursive: true, force: true});
});

async function saved(jobId: string, name: string): Promise<string> {
	const output = await getJobOutput(connection, 'mixed', jobId);
	const bytes = await (output.body as {transformToByteArray(): Promise<Uint8Array>}).transformToByteArray();
	const file = path.join(dir, name);
	writeFileSync(file, bytes);
	return file;
}

const job = (id: string) => ['--endpoint-url', emulator.url, '--vault-name', 'mixed', '--job-id', id];

describe('thaw inventory --vault-name V --job-id J', () => {
	it('prints the same rows as reading the saved output, for every output and both formats', async () => {
		for (const format of ['json', 'csv'] as const) {
			const file = await saved(jobs[format], `inventory.${format}`);
			for (const output of [['--output', 'csv'], ['--output', 'json'], ['--output', 'jsonl'], ['--output', 'count'], ['--output', 'table'], ['--output', 'json', '--filter', 'size>1002 -plain', '--sort', 'path:desc']]) {
				const [direct, fromFile] = await Promise.all([thaw(...job(jobs[format]), ...output), thaw(file, ...output)]);
				expect(direct.code, direct.stderr).toBe(0);
				expect(fromFile.code, fromFile.stderr).toBe(0);
				expect(direct.stdout).toBe(fromFile.stdout);
				expect(direct.stdout.length).toBeGreaterThan(0);
			}
		}

		const {stdout} = await thaw(...job(jobs.csv), '--output', 'json');
		const rows = JSON.parse(stdout) as Array<Record<string, unknown>>;
		expect(rows).toHaveLength(7);
		expect(rows[0].Path).toBe('Fotos/Ähre 日本.jpg');
		expect(rows[2].ArchiveDescription).toBe('my archive description,1\\"2');
		expect(rows[5].ArchiveDescription).toBe('evil \u001B]0;x\u0007 title');
		const table = await thaw(...job(jobs.json));
		expect(table.stdout).toContain('evil \\x1b]0;x\\x07 title');
		// eslint-disable-next-line no-control-regex -- the output must hold no control character
		expect(table.stdout).not.toMatch(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/);
	});

	it('explains what is wrong: an archive job, a job in progress, an unknown job, missing or conflicting arguments', async () => {
		let result = await thaw(...job(jobs.archive));
		expect(result.code).toBe(2);
		expect(result.stderr).toMatch(/^thaw: job .* is an archive retrieval, not an inventory: download it with thaw get-job-output\n$/);
		result = await thaw(...job(jobs.running));
		expect(result.code).toBe(4);
		expect(result.stderr).toContain('is still in progress');
		result = await thaw(...job('NOSUCHJOB'));
		expect(result.code).toBe(4);
		expect(result.stderr).toContain('was not found');
		expect(result.stderr.split('\n')).toHaveLength(2);
		result = await thaw('--job-id', jobs.json);
		expect(result.code).toBe(2);
		expect(result.stderr).toContain('--job-id needs --vault-name too');
		result = await thaw('x.json', ...job(jobs.json));
		expect(result.code).toBe(2);
		expect(result.stderr).toContain('give either an inventory FILE or --job-id, not both');
		result = await thaw('--help');
		expect(result.stdout).toContain('thaw inventory --vault-name V --job-id J');
	});
});
