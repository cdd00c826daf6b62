/**
 * `thaw list-jobs` (issue 13 §3): whole job ids, as the AWS CLI's list-jobs
 * prints them, so get-job-output can be scripted over SSH. The built CLI in a
 * child process against an in-process emulator over real HTTP.
 */
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {startEmulator, type Emulator} from '../../source/emulator/index.js';
import {runThaw} from '../run-cli.js';

let emulator: Emulator;
let dir: string;
let archiveJob: string;
let inventoryJob: string;
let archiveId: string;

beforeAll(async () => {
	emulator = await startEmulator();
	emulator.createVault('photos');
	({archiveId} = emulator.addArchive('photos', {size: 100_000, description: 'a.bin'}));
	archiveJob = await emulator.addJob('photos', {type: 'archive-retrieval', archiveId, description: 'restore; rm -rf "x"'});
	inventoryJob = await emulator.addJob('photos', {type: 'inventory-retrieval'});
	dir = await mkdtemp(join(tmpdir(), 'thaw-list-jobs-'));
});

afterAll(async () => {
	await emulator.close();
	await rm(dir, {recursive: true, force: true});
});

const base = () => ['list-jobs', '--endpoint-url', emulator.url, '--vault-name', 'photos'];

describe('thaw list-jobs', () => {
	it('prints {"JobList": [...]} as the AWS CLI does, by default', async () => {
		const run = await runThaw(base());
		expect(run.code, run.stderr).toBe(0);
		const {JobList: jobs} = JSON.parse(run.stdout) as {JobList: Array<{JobId: string; Action: string; JobDescription?: string}>};
		expect(jobs.map(j => j.JobId).sort()).toEqual([archiveJob, inventoryJob].sort());
		expect(jobs.find(j => j.JobId === archiveJob)?.JobDescription).toBe('restore; rm -rf "x"');
	});

	it('as a table shows whole ids, never cut', async () => {
		const run = await runThaw([...base(), '--output', 'table']);
		expect(run.code, run.stderr).toBe(0);
		const lines = run.stdout.trimEnd().split('\n');
		expect(lines[0]).toMatch(/^JobId +Type +Status +Tier +Size +Completed +Description$/);
		expect(lines).toHaveLength(3);
		expect(run.stdout).toContain(archiveJob);
		expect(run.stdout).toContain(inventoryJob);
		expect(run.stdout).not.toContain('…');
		// eslint-disable-next-line no-control-regex -- no control character may reach the terminal
		expect(run.stdout).not.toMatch(/[\u0000-\u0008\u000B-\u001F]/);
	});

	it('as text: one job a line, tab-separated, ready for a script to pick an id and download it', async () => {
		const run = await runThaw([...base(), '--output', 'text', '--statuscode', 'Succeeded']);
		expect(run.code, run.stderr).toBe(0);
		const rows = run.stdout.replace(/\n$/, '').split('\n').map(line => line.split('\t'));
		expect(rows.every(r => r.length === 7)).toBe(true);
		const archiveRow = rows.find(r => r[1] === 'archive')!;
		expect(archiveRow[0]).toBe(archiveJob);
		expect(archiveRow[4]).toBe('100000');
		const file = join(dir, 'a.bin');
		const got = await runThaw(['get-job-output', '--endpoint-url', emulator.url, '--vault-name', 'photos', '--job-id', archiveRow[0], file]);
		expect(got.code, got.stderr).toBe(0);
		expect((await readFile(file)).equals(emulator.archiveBytes('photos', archiveId, 0, 99_999))).toBe(true);
	});

	it('says what is wrong in one line with its exit code', async () => {
		const missing = await runThaw(['list-jobs', '--endpoint-url', emulator.url, '--vault-name', 'nope']);
		expect(missing.code).toBe(4);
		expect(missing.stderr.trim().split('\n')).toHaveLength(1);
		expect(missing.stderr).toMatch(/vault 'nope' was not found/);
		for (const args of [['list-jobs', '--endpoint-url', emulator.url], [...base(), '--output', 'yaml'], [...base(), '--statuscode', 'Done'], [...base(), 'extra']]) {
			const run = await runThaw(args);
			expect(run.code, args.join(' ')).toBe(2);
			expect(run.stderr.trim().split('\n')).toHaveLength(1);
		}
	});

	it('get-job-output with a mistyped vault says the vault is missing, not the job (issue 13 §6)', async () => {
		const run = await runThaw(['get-job-output', '--endpoint-url', emulator.url, '--vault-name', 'photso', '--job-id', archiveJob, join(dir, 'typo.bin')]);
		expect(run.code).toBe(4);
		expect(run.stderr.trim().split('\n')).toHaveLength(1);
		expect(run.stderr).toMatch(/vault 'photso' was not found: check the vault name/);
		expect(run.stderr).not.toMatch(/Start a new retrieval/);
		// A job that is really gone still says so.
		const gone = await runThaw(['get-job-output', '--endpoint-url', emulator.url, '--vault-name', 'photos', '--job-id', 'no-such-job', join(dir, 'gone.bin')]);
		expect(gone.code).toBe(4);
		expect(gone.stderr).toMatch(/Start a new retrieval/);
	});
});
