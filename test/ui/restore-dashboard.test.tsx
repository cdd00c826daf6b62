import {spawn} from 'node:child_process';
import {mkdirSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {cli, cliEnv} from '../restore/run-helpers.js';
import {delay, fitsIn, flat, keys, type Harness} from './helpers.js';
import {planInFolder, restoreHarness, vault} from './restore-helpers.js';

let harness: Harness | undefined;
afterEach(async () => {
	await harness?.close();
	harness = undefined;
});

/** From the vault list: R, the plan named `name`, Enter: its dashboard. */
async function openDashboard(h: Harness, name: string): Promise<string> {
	await h.waitFor('1 vault');
	await h.press('R');
	await h.waitFor(name, 10_000);
	// Move to the row of this plan (the first row is below the heading).
	const rows = h.frame().split('\n').slice(2);
	const index = rows.findIndex(line => line.startsWith(name));
	for (let k = 0; k < index; k++) await h.press('j');
	await h.press(keys.enter);
	return h.waitFor('Vault \'photos\' →', 10_000);
}

describe('the restore dashboard', () => {
	it('at 80x24: a plan nobody runs says so; s runs it here; p pauses and resumes it; q asks while it runs; it ends all verified', async () => {
		const h = await restoreHarness({initial: [{screen: 'vaults'}], emulator: {jobDelayMs: 6000}});
		harness = h;
		const to = join(h.dir, 'to');
		await planInFolder(h, 'first', to);
		let frame = await openDashboard(h, 'first');
		frame = await h.waitFor('Not running: s runs it here');
		expect(frame).toMatch(/·5 planned/);
		expect(fitsIn(frame, 80, 24).ok).toBe(true);
		// p on a plan this process does not run: says why, changes nothing.
		await h.press('p');
		await h.waitFor('Cannot pause: this plan is not running in this process');

		await h.press('s');
		frame = await h.waitFor('Running in this process', 10_000);
		await h.waitFor(f => /○5 initiated/.test(f), 10_000);
		// The frame budget while it runs: the run's store, the clock tick and the journal reads together stay near 10 redraws a second.
		const before = h.frameCount();
		await delay(1000);
		expect(h.frameCount() - before).toBeLessThanOrEqual(14);
		await h.press('p');
		frame = await h.waitFor('Paused in this process');
		expect(frame).toMatch(/Waiting for: paused/);
		expect(fitsIn(frame, 80, 24).ok).toBe(true);

		// q while this process runs it asks; n keeps running.
		await h.press('q');
		frame = await h.waitFor('Stop this restore and quit?');
		expect(fitsIn(frame, 80, 24).ok).toBe(true);
		await h.press('n');
		await h.waitFor(f => !f.includes('Stop this restore'));
		expect(h.exitCodes).toEqual([]);

		// Paused: ready jobs are not downloaded.
		await delay(2000);
		expect(readdirSync(to, {recursive: true, withFileTypes: true}).filter(entry => entry.isFile())).toEqual([]);
		expect(h.frame()).toMatch(/○5 initiated|▒[1-5] ready/);
		await h.press('p');
		await h.waitFor('Running in this process');
		frame = await h.waitFor('All 5 archives verified', 30_000);
		expect(frame).toMatch(/█5 verified/);
		expect(fitsIn(frame, 80, 24).ok).toBe(true);
		expect(h.emulator.initiations(vault)).toBe(5);
		// Finished: q no longer asks.
		await h.press('q');
		expect(h.exitCodes).toEqual([0]);
	});

	it('lists the failures (f), shows one (Enter) and retries it (r) while this process runs the plan', async () => {
		const h = await restoreHarness({initial: [{screen: 'vaults'}], emulator: {jobDelayMs: 2500}});
		harness = h;
		const to = join(h.dir, 'to');
		await planInFolder(h, 'failing', to);
		// Something else already sits under one archive's name: the runner never overwrites it.
		mkdirSync(join(to, 'photos'), {recursive: true});
		writeFileSync(join(to, 'photos', 'a.jpg'), 'not the archive');
		await openDashboard(h, 'failing');
		await h.press('s');
		let frame = await h.waitFor('X1 failed', 10_000);
		await h.press('f');
		frame = await h.waitFor('Failures: 1');
		expect(frame).toMatch(/X photos\/a\.jpg: local: .*already exists/);
		expect(fitsIn(frame, 80, 24).ok).toBe(true);
		await h.press(keys.enter);
		frame = await h.waitFor('Reason');
		expect(frame).toContain('failed for good');
		expect(flat(frame)).toMatch(/Reason +local: .*already exists and is not this archive/);
		expect(frame).toContain('r retries it now');
		rmSync(join(to, 'photos', 'a.jpg'));
		await h.press('r');
		await h.waitFor(/Archive \d+: trying again/);
		await h.press(keys.escape, keys.escape);
		frame = await h.waitFor('All 5 archives verified', 30_000);
		expect(h.emulator.initiations(vault)).toBe(5);
	});

	it('Enter on a download shows its full chunk grid; / lists the archives whose path holds a text, with their state', async () => {
		const h = await restoreHarness({initial: [{screen: 'vaults'}], emulator: {jobDelayMs: 300, faults: [{kind: 'bandwidth', bytesPerSecond: 256 * 1024, times: Number.POSITIVE_INFINITY}]}});
		harness = h;
		await planInFolder(h, 'grid', join(h.dir, 'to'));
		await openDashboard(h, 'grid');
		await h.press('s');
		let frame = await h.waitFor(/› big\.bin +[·↓█]+ +\d+% +3\.00 MiB/, 15_000);
		expect(fitsIn(frame, 80, 24).ok).toBe(true);
		await h.press(keys.enter);
		frame = await h.waitFor(/big\.bin · .* of 3\.00 MiB/);
		expect(frame).toContain('█ verified');
		expect(frame).toContain('↓ downloading');
		expect(fitsIn(frame, 80, 24).ok).toBe(true);
		await h.press(keys.escape);
		await h.waitFor('Downloads: ');
		await h.press('/', 'docs');
		frame = await h.waitFor(/Archives whose path holds .*docs/);
		await h.press(keys.enter);
		frame = await h.waitFor('Archives whose path holds \'docs\': 2');
		expect(frame).toMatch(/(planned|initiated|ready|downloading|verified) +Docs\/Readme\.txt/);
		expect(frame).toMatch(/(planned|initiated|ready|downloading|verified) +docs\/readme/);
		expect(frame).not.toContain('big.bin');
		await h.press(keys.escape);
		await h.waitFor('Downloads: ');
		await h.waitFor('All 5 archives verified', 30_000);
	});

	it('watches a plan that a headless thaw restore run runs: names its pid, never runs a second one, p and s say why not, q just leaves', async () => {
		const h = await restoreHarness({initial: [{screen: 'vaults'}], size: {columns: 200, rows: 50}, emulator: {jobDelayMs: 2500}});
		harness = h;
		const to = join(h.dir, 'to');
		const planDir = await planInFolder(h, 'headless', to);
		const child = spawn(process.execPath, [cli, 'restore', 'run', planDir, '--endpoint-url', h.emulator.url, '--poll-seconds', '0.2', '--quiet'], {env: cliEnv, stdio: 'ignore'});
		const exited = new Promise<number | null>(resolve => {
			child.on('exit', code => {
				resolve(code);
			});
		});
		try {
			await openDashboard(h, 'headless');
			let frame = await h.waitFor(`Watching: run by thaw pid ${child.pid}`, 15_000);
			expect(frame).toContain('shard 0-of-1');
			expect(frame).toContain('read-only');
			expect(fitsIn(frame, 200, 50).ok).toBe(true);
			await h.press('p');
			await h.waitFor(`Cannot pause: thaw pid ${child.pid}`);
			await h.press('s');
			await h.waitFor(`Not started: thaw pid ${child.pid}`);
			frame = await h.waitFor(/○ initiated 5|▒ ready [1-5]|█ verified [1-5]/, 15_000);
			expect(await exited).toBe(0);
			frame = await h.waitFor('All 5 archives verified', 15_000);
			expect(fitsIn(frame, 200, 50).ok).toBe(true);
			expect(readdirSync(join(planDir, 'shards'))).toEqual(['0-of-1']);
			await h.press('q');
			expect(h.exitCodes).toEqual([0]);
		} finally {
			child.kill('SIGKILL');
		}
	});
});

describe('the Restores list (R in the vault list)', () => {
	it('lists every plan in thaw\'s data folder and ./.thaw with its state, at 80x24 and 200x50', async () => {
		for (const size of [{columns: 80, rows: 24}, {columns: 200, rows: 50}]) {
			const h = await restoreHarness({initial: [{screen: 'vaults'}], size});
			harness = h;
			await planInFolder(h, 'alpha', join(h.dir, 'to-a'));
			const local = join(h.dir, '.thaw', 'beta');
			mkdirSync(join(h.dir, '.thaw'), {recursive: true});
			const {makePlan} = await import('../../source/restore/plan/make.js');
			await makePlan({planDir: local, vaultName: vault, inventory: {jobId: h.jobId}, connection: h.connection, to: h.dir});
			await h.waitFor('1 vault');
			await h.press('R');
			const frame = await h.waitFor(f => f.includes('alpha') && f.includes('beta'), 10_000);
			expect(frame).toMatch(/alpha +not started +(photos +)?0\/5/);
			expect(frame).toMatch(/\.thaw\/beta +not started +(photos +)?0\/5/);
			expect(frame).toMatch(/0\/5/);
			expect(frame).toMatch(/2 plans · \//);
			expect(fitsIn(frame, size.columns, size.rows).ok).toBe(true);
			await h.press(keys.enter);
			await h.waitFor('Not running: s runs it here');
			await h.press(keys.escape);
			await h.waitFor('2 plans · ');
			await h.close();
			harness = undefined;
		}
	});
});
