import {mkdtemp, mkdir, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {loadInventory} from '../../source/inventory/load.js';
import {readRecentActivity} from '../../source/restore/events.js';
import {makePlan} from '../../source/restore/plan/make.js';
import {knownPlans, newPlanName, planRunners} from '../../source/restore/plans.js';
import {describeDecision, expectedDuration, glacierRetrievalTimes, previewRestore, writeRestorePlan} from '../../source/restore/preview.js';
import {encodeLine} from '../../source/restore/state.js';
import {inventoryFile} from './plan-helpers.js';

let root = '';
afterEach(async () => {
	if (root) await rm(root, {recursive: true, force: true});
	root = '';
});

const entries = [
	{description: 'photos/a.jpg', size: 100, created: '2020-01-01T00:00:00Z'},
	{description: 'photos/a.jpg', size: 120, created: '2021-01-01T00:00:00Z'},
	{description: 'Docs/Readme.txt', size: 5},
	{description: 'docs/readme.txt', size: 6},
	{description: '\u001B]0;evil\u0007', size: 7},
	{description: '../../etc/passwd', size: 8},
];

describe('a restore planned from an inventory in memory (the TUI preview)', () => {
	it('writes the same PLAN files as thaw restore plan from the same inventory, and prices every tier', async () => {
		root = await mkdtemp(join(tmpdir(), 'thaw-preview-'));
		const file = inventoryFile(join(root, 'inventory.json'), entries);
		const to = join(root, 'restored');
		const made = await makePlan({planDir: join(root, 'headless'), vaultName: 'photos', inventory: {file}, to, tier: 'Standard', now: Date.parse('2026-12-01T00:00:00Z')});
		const {store} = await loadInventory(file);
		const preview = previewRestore({store, rows: store.view(), vaultName: 'photos', inventory: {source: 'file', path: file}, now: Date.parse('2026-12-01T00:00:00Z')});
		expect(preview.plan.totals).toEqual(made.header.totals);
		expect(preview.estimate).toEqual(made.header.estimate);
		expect(preview.prices.date).toBe(made.header.prices.date);
		const written = await writeRestorePlan({planDir: join(root, 'tui'), store, preview, tier: 'Standard', to});
		for (const name of ['archives.jsonl', 'sizes.bin', 'decisions.jsonl']) {
			expect((await readFile(join(root, 'tui', name))).equals(await readFile(join(root, 'headless', name)))).toBe(true);
		}

		const a = JSON.parse(await readFile(join(root, 'tui', 'plan.json'), 'utf8')) as Record<string, unknown>;
		const b = JSON.parse(await readFile(join(root, 'headless', 'plan.json'), 'utf8')) as Record<string, unknown>;
		expect(Object.keys(a)).toEqual(Object.keys(b));
		expect({...a, policy: null}).toEqual({...b, policy: null});
		expect(written.header.tier).toBe('Standard');
		// Untrusted names are shown inert.
		expect(preview.plan.decisions.slice(0).map(d => describeDecision(d)).join('\n')).not.toContain('\u001B');
	});

	it('refuses a destination inside the plan folder, and an inventory of another vault', async () => {
		root = await mkdtemp(join(tmpdir(), 'thaw-preview-'));
		const file = inventoryFile(join(root, 'inventory.json'), entries, 'other-vault');
		const {store} = await loadInventory(file);
		expect(() => previewRestore({store, rows: store.view(), vaultName: 'photos', inventory: {source: 'file', path: file}})).toThrow(/vault 'other-vault', not 'photos'/);
		const preview = previewRestore({store, rows: store.view(), vaultName: 'other-vault', inventory: {source: 'file', path: file}});
		await expect(writeRestorePlan({planDir: join(root, 'p'), store, preview, tier: 'Bulk', to: join(root, 'p', 'files')})).rejects.toThrow(/inside the plan's folder/);
	});

	it('says how long: the tier\'s wait, then the bytes at the rate', () => {
		const d = expectedDuration(8 * 1024 * 1024 * 100, 'Bulk', 8 * 1024 * 1024, glacierRetrievalTimes);
		expect(d.download).toBe(100);
		expect(d.min).toBe((5 * 3600) + 100);
		expect(d.max).toBe((12 * 3600) + 100);
	});
});

describe('the plans thaw knows', () => {
	it('lists PLAN folders (a folder of plans, or a plan itself) with their status; a damaged one says why', async () => {
		root = await mkdtemp(join(tmpdir(), 'thaw-plans-'));
		const file = inventoryFile(join(root, 'inventory.json'), entries);
		const folder = join(root, 'restores');
		await makePlan({planDir: join(folder, 'one'), vaultName: 'photos', inventory: {file}, to: join(root, 'to')});
		await mkdir(join(folder, 'broken'), {recursive: true});
		await writeFile(join(folder, 'broken', 'plan.json'), '{not json');
		await mkdir(join(folder, 'not-a-plan'));
		const plans = await knownPlans([folder, join(root, 'missing')]);
		expect(plans.map(p => p.dir.slice(folder.length + 1)).sort()).toEqual(['broken', 'one']);
		const one = plans.find(p => p.dir.endsWith('one'))!;
		expect(one.status?.total).toBe(5);
		expect(one.runners).toEqual([]);
		expect(plans.find(p => p.dir.endsWith('broken'))!.error).toMatch(/not a thaw restore plan/);
		expect(newPlanName('my photos/..', Date.parse('2026-12-02T01:30:00Z'))).toBe('my_photos_..-20261202-013000');
		expect(newPlanName('..x', 0)).toMatch(/^_x-19700101-000000$/);
	});

	it('names the process holding a shard lock, and reads the journal tail for events and the verified rate', async () => {
		root = await mkdtemp(join(tmpdir(), 'thaw-plans-'));
		const shard = join(root, 'plan', 'shards', '0-of-1');
		await mkdir(shard, {recursive: true});
		await writeFile(join(shard, 'lock'), JSON.stringify({pid: process.pid, host: (await import('node:os')).hostname(), startedAt: new Date().toISOString(), what: 'shard 0-of-1 of the restore plan is being restored'}));
		const runners = await planRunners(join(root, 'plan'));
		expect(runners).toHaveLength(1);
		expect(runners[0].holder?.pid).toBe(process.pid);
		const now = Date.now();
		const lines = [
			encodeLine({t: 'log', gen: 0, planArchives: 4, at: now - 5000}),
			encodeLine({t: 'verified', i: 0, bytes: 10_000, at: now - 4000}),
			encodeLine({t: 'failed', i: 1, reason: 'service: \u001B[2Jboom', final: false, at: now - 3000}),
			encodeLine({t: 'reinitiate', i: 2, reason: 'the job is gone', at: now - 2000}),
			encodeLine({t: 'verified', i: 3, bytes: 10_000, at: now - 1000}),
		];
		await writeFile(join(shard, 'journal.log'), lines.join(''));
		const activity = await readRecentActivity(join(root, 'plan'), 4, {now});
		expect(activity.events.map(e => e.message)).toEqual(['archive 1 failed, will retry: service: \\x1b[2Jboom', 'archive 2 re-initiated: the job is gone']);
		expect(activity.bytesPerSecond).toBeCloseTo(20_000 / 4, 0);
		// Only the tail is read: a cut first line is skipped, the rest still counts.
		const tail = await readRecentActivity(join(root, 'plan'), 4, {now, tailBytes: lines.slice(2).join('').length + 5});
		expect(tail.events).toHaveLength(2);
	});
});
