import {appendFileSync, mkdirSync, mkdtempSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {RestoreJournal} from '../../source/restore/journal.js';
import {makePlan} from '../../source/restore/plan/make.js';
import {readPlanStatus} from '../../source/restore/status.js';
import {inventoryFile, thaw} from './plan-helpers.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'thaw-restore-status-'));
afterAll(() => {
	rmSync(root, {recursive: true, force: true});
});

const GiB = 2 ** 30;
const hour = 60 * 60 * 1000;
let planDir: string;
const sizes = [GiB, 2 * GiB, 100, 200, 300, 400, 500, 600];
const t0 = Date.parse('2026-12-01T00:00:00Z');

beforeAll(async () => {
	const file = inventoryFile(path.join(root, 'inv.json'), sizes.map((size, i) => ({id: `archive-${i}`, description: `files/f${i}.bin`, size})));
	planDir = path.join(root, 'P');
	await makePlan({planDir, vaultName: 'photos', inventory: {file}, to: path.join(root, 'out'), tier: 'Standard'});
	// A hand-written journal: 0 verified, 1 downloading, 2 ready, 3 initiated, 4 initiating, 5 failed for good,
	// 6 re-initiated after its job vanished (then initiated again), 7 planned, with a non-final failure on 3.
	const shard = path.join(planDir, 'shards', '0-of-1');
	mkdirSync(shard, {recursive: true});
	const journal = await RestoreJournal.open(shard, sizes.length);
	const r = (record: Parameters<RestoreJournal['append']>[0]) => journal.append(record);
	for (const i of [0, 1, 2, 3, 5, 6]) {
		await r({t: 'intent', i, at: t0});
		await r({t: 'initiated', i, jobId: `job-${i}`, tier: 'Standard', at: t0 + 1});
	}

	await r({t: 'ready', i: 0, jobId: 'job-0', completedAt: t0 + (4 * hour), at: t0 + (4 * hour)});
	await r({t: 'downloading', i: 0, jobId: 'job-0', at: t0 + (4 * hour)});
	await r({t: 'verified', i: 0, bytes: GiB, at: t0 + (5 * hour)});
	await r({t: 'ready', i: 1, jobId: 'job-1', completedAt: t0 + (3 * hour), at: t0 + (4 * hour)});
	await r({t: 'downloading', i: 1, jobId: 'job-1', at: t0 + (5 * hour)});
	await r({t: 'ready', i: 2, jobId: 'job-2', completedAt: t0 + (3.5 * hour), at: t0 + (4 * hour)});
	await r({t: 'failed', i: 3, reason: 'ThrottlingException on DescribeJob', final: false, at: t0 + (4 * hour)});
	await r({t: 'intent', i: 4, at: t0 + (5 * hour)});
	await r({t: 'failed', i: 5, reason: 'tree hash mismatch \u001B[31mred\u001B[0m twice', final: true, at: t0 + (5 * hour)});
	await r({t: 'reinitiate', i: 6, reason: 'job gone (404)', at: t0 + (5 * hour)});
	await r({t: 'intent', i: 6, at: t0 + (5 * hour)});
	await r({t: 'initiated', i: 6, jobId: 'job-6b', tier: 'Standard', at: t0 + (5 * hour)});
	await r({t: 'throughput', bytesPerSecond: 1024 * 1024, at: t0 + (6 * hour)});
	await journal.close();
});

describe('thaw restore status', () => {
	it('counts states, bytes, money committed, the next expiry, ETA and failures from the journal', async () => {
		const result = await thaw('restore', 'status', planDir, '--output', 'json');
		expect(result.stderr).toBe('');
		expect(result.code).toBe(0);
		const status = JSON.parse(result.stdout);
		expect(status).toMatchObject({
			total: 8,
			verified: 1,
			failed: 1,
			bytesTotal: sizes.reduce((a, b) => a + b, 0),
			bytesVerified: GiB,
			states: {planned: 1, initiating: 1, initiated: 2, ready: 1, downloading: 1, verified: 1, failed: 1, reinitiated: 0},
			reinitiated: 1,
			bytesPerSecond: 1024 * 1024,
			updatedAt: new Date(t0 + (6 * hour)).toISOString(),
		});
		expect(status.bytesByState).toMatchObject({verified: GiB, downloading: 2 * GiB, ready: 100, initiated: 200 + 500});
		// 7 InitiateJob calls answered (archive 6 twice): sizes 1 + 2 GiB + 100 + 200 + 400 + 2 x 500 bytes at Standard prices.
		const retrieved = GiB + (2 * GiB) + 100 + 200 + 400 + 1000;
		expect(status.committed.requests).toBe(7);
		expect(status.committed.retrievedBytes).toBe(retrieved);
		expect(status.committed.requestsUSD).toBeCloseTo(7 / 1000 * 0.05, 6);
		expect(status.committed.retrievalUSD).toBeCloseTo(retrieved / GiB * 0.01, 6);
		expect(status.committed.transferUSD).toBeCloseTo(0.09, 6);
		expect(status.nextExpiry).toMatchObject({at: new Date(t0 + (27 * hour)).toISOString(), archives: 2});
		const remaining = status.bytesTotal - GiB - 400;
		expect(status.etaSeconds).toBe(Math.round(remaining / (1024 * 1024)));
		expect(status.failures).toEqual([
			{index: 3, archiveId: 'archive-3', path: 'files/f3.bin', reason: 'ThrottlingException on DescribeJob', final: false},
			{index: 5, archiveId: 'archive-5', path: 'files/f5.bin', reason: 'tree hash mismatch \u001B[31mred\u001B[0m twice', final: true},
		]);
	});

	it('prints a table with the failures made inert', async () => {
		const result = await thaw('restore', 'status', planDir);
		expect(result.code).toBe(0);
		expect(result.stdout).toMatch(/verified 1 of 8 archives/);
		expect(result.stdout).toMatch(/^ {2}downloading +1 +2\.00 GiB$/m);
		expect(result.stdout).toMatch(/#5 files\/f5\.bin FAILED: tree hash mismatch \\x1b\[31mred\\x1b\[0m twice/);
		expect(result.stdout).not.toContain('\u001B');
		expect(result.stdout).toMatch(/re-initiated {2}1 retrievals/);
	});

	it('merges shards, tolerates a torn journal tail, and never writes to the plan', async () => {
		const shard = path.join(planDir, 'shards', '1-of-2');
		mkdirSync(shard, {recursive: true});
		const journal = await RestoreJournal.open(shard, sizes.length);
		await journal.append({t: 'intent', i: 7, at: t0 + (7 * hour)});
		await journal.append({t: 'initiated', i: 7, jobId: 'job-7', tier: 'Standard', at: t0 + (7 * hour)});
		await journal.append({t: 'verified', i: 7, bytes: 600, at: t0 + (8 * hour)});
		await journal.close();
		appendFileSync(path.join(shard, 'journal.log'), '0badc0de {"t":"verif');
		const status = await readPlanStatus(planDir);
		expect(status.verified).toBe(2);
		expect(status.states.planned).toBe(0);
		expect(status.shards.map(s => [s.name, s.badRecords])).toEqual([['0-of-1', 0], ['1-of-2', 1]]);
	});

	it('--watch prints a line per refresh and stops by itself once everything is verified or failed', async () => {
		const dir = path.join(root, 'done');
		const file = inventoryFile(path.join(root, 'done.json'), [{id: 'only', description: 'x.bin', size: 10}]);
		await makePlan({planDir: dir, vaultName: 'photos', inventory: {file}, to: path.join(root, 'out2')});
		const shard = path.join(dir, 'shards', '0-of-1');
		mkdirSync(shard, {recursive: true});
		const journal = await RestoreJournal.open(shard, 1);
		await journal.append({t: 'verified', i: 0, bytes: 10, at: t0});
		await journal.close();
		const result = await thaw('restore', 'status', dir, '--watch', '--interval', '0.1');
		expect(result.code).toBe(0);
		expect(result.stdout).toMatch(/verified 1\/1/);
		expect(result.stdout.trim().split('\n')).toHaveLength(1);
	});

	it('says plainly when PLAN holds no plan (exit 6) and refuses bad options (exit 2)', async () => {
		let result = await thaw('restore', 'status', path.join(root, 'nothing-here'));
		expect(result.code).toBe(6);
		expect(result.stderr).toMatch(/holds no restore plan/);
		expect(result.stderr.trim().split('\n')).toHaveLength(1);
		result = await thaw('restore', 'status', planDir, '--output', 'xml');
		expect(result.code).toBe(2);
	});
});
