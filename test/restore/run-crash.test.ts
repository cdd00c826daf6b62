/**
 * kill -9 at any moment, then run again: nothing verified is fetched again,
 * no archive is initiated twice, no wrong bytes under a final name. Each
 * test spawns build/cli.js, kills it with SIGKILL at a phase seen in its
 * journal (or at a failpoint where no outside timing could hit), and runs
 * it again to the end.
 */
import {readdir, stat} from 'node:fs/promises';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {parseTag} from '../../source/restore/runner/tag.js';
import {fastClock, initiationsByIndex, journalRecords, MiB, runCli, until, world, wrongFiles, type ArchiveInput, type World} from './run-helpers.js';

let w: World | undefined;
afterEach(async () => {
	await w?.close();
	w = undefined;
});

function smallArchives(count: number, size = 2048): ArchiveInput[] {
	return Array.from({length: count}, (_, k) => ({size: size + k, path: `small/${String(k).padStart(3, '0')}.bin`}));
}

/** Files already under a final name must hold exactly the archive's bytes. */
async function noWrongBytes(world: World): Promise<void> {
	const present = [];
	for (const archive of world.archives) {
		if (await stat(join(world.to, archive.path)).then(() => true, () => false)) present.push(archive);
	}

	expect(await wrongFiles(world, present)).toEqual([]);
}

/** How many archives have a record of this type (a job adopted by the poll and then told by its own InitiateJob answer is two lines, one archive). */
function count(records: Array<Record<string, unknown>>, t: string): number {
	return new Set(records.filter(r => r.t === t).map(r => r.i)).size;
}

/** GetJobOutput requests served per plan index. */
function outputRequests(world: World): number[] {
	const indexOf = new Map<string, number>();
	for (const job of world.emulator.jobs(world.vault)) {
		const tag = parseTag(job.description);
		if (tag) indexOf.set(job.jobId, tag.index);
	}

	const counts = world.archives.map(() => 0);
	for (const request of world.emulator.requests) {
		if (request.op !== 'GetJobOutput') continue;
		const jobId = /\/jobs\/([^/]+)\/output/.exec(request.path)?.[1];
		const index = jobId === undefined ? undefined : indexOf.get(jobId);
		if (index !== undefined) counts[index]++;
	}

	return counts;
}

async function killWhen(world: World, args: string[], test: (records: Array<Record<string, unknown>>) => Promise<boolean> | boolean, env: Record<string, string> = {}): Promise<void> {
	const run = runCli(world, args, env);
	let exited = false;
	void run.done.then(() => {
		exited = true;
	});
	await until(async () => exited || test(await journalRecords(world)), 20_000, 'the phase to kill in');
	run.child.kill('SIGKILL');
	const {signal, code, stderr} = await run.done;
	expect(signal, `the runner ended on its own (exit ${code}): ${stderr}`).toBe('SIGKILL');
}

async function finish(world: World, args: string[] = [], clock = false): Promise<void> {
	// When asked, emulated time runs (2 min every 50 ms): jobs started by this run (1 h) complete in ~1.5 s, none expires (24 h: ~36 s) before it is read.
	const stop = clock ? fastClock(world, 2 * 60 * 1000) : () => undefined;
	const {code, stderr} = await runCli(world, ['--quiet', ...args]).done.finally(stop);
	expect(code, stderr).toBe(0);
	expect(await wrongFiles(world)).toEqual([]);
	expect(initiationsByIndex(world)).toEqual(world.archives.map(() => 1));
}

describe('thaw restore run after kill -9', () => {
	it('during initiation: the rerun adopts what was started, initiates the rest, each archive once', async () => {
		w = await world(smallArchives(30), {emulator: {jobDelayMs: 60 * 60 * 1000}});
		await killWhen(w, ['--quiet'], records => count(records, 'initiated') >= 8);
		const started = initiationsByIndex(w).filter(n => n > 0).length;
		expect(started).toBeGreaterThan(0);
		expect(started).toBeLessThan(30);
		w.emulator.advance(2 * 60 * 60 * 1000);
		await finish(w, [], true);
	});

	it('while polling: the rerun adopts every job, starts none', async () => {
		w = await world(smallArchives(12), {emulator: {jobDelayMs: 4 * 60 * 60 * 1000}});
		await killWhen(w, ['--quiet'], records => count(records, 'initiated') === 12);
		const initiations = w.emulator.initiations(w.vault);
		expect(initiations).toBe(12);
		w.emulator.advance(5 * 60 * 60 * 1000);
		await finish(w);
		expect(w.emulator.initiations(w.vault)).toBe(initiations);
	});

	it('during a download: the rerun continues the .part, bytes right, one InitiateJob', async () => {
		w = await world([{size: 33 * MiB + 1, path: 'big/disk.img'}, ...smallArchives(3)]);
		w.emulator.faults.add({kind: 'bandwidth', bytesPerSecond: 24 * MiB, times: Number.POSITIVE_INFINITY});
		const part = join(w.to, 'big/disk.img.part');
		await killWhen(w, ['--quiet'], async () => ((await stat(part).catch(() => undefined))?.size ?? 0) > 0 && (await journalRecords(w!)).some(r => r.t === 'downloading' && r.i === 0));
		await noWrongBytes(w);
		w.emulator.faults.clear();
		await finish(w);
	});

	it('between the rename and its journal line: the file is checked, not fetched again', async () => {
		w = await world(smallArchives(8));
		const {signal} = await runCli(w, ['--quiet', '--concurrency', '1'], {THAW_FAILPOINT: 'after-rename:3'}).done;
		expect(signal).toBe('SIGKILL');
		await noWrongBytes(w);
		const world_ = w;
		const onDisk = [];
		for (const archive of w.archives) {
			if (await stat(join(world_.to, archive.path)).then(() => true, () => false)) onDisk.push(archive.index);
		}

		// Killed right after the third rename: three files under their final names, none journaled as verified for some.
		expect(onDisk.length).toBeGreaterThanOrEqual(3);
		await finish(w);
		const fetched = outputRequests(w);
		// Those already on disk were hashed, not downloaded again.
		expect(onDisk.map(index => fetched[index])).toEqual(onDisk.map(() => 1));
	});
});

describe('thaw restore run after kill -9, small archives (one chunk: one open, write, fsync and rename, no download journal)', () => {
	it('during the download: the rerun replaces the .part it left, right bytes, one InitiateJob each', async () => {
		w = await world(smallArchives(6, 200 * 1024));
		// Every body stops half way for a while: the runner is killed with .part files open (and nothing yet written: the one slot is not full).
		w.emulator.faults.add({kind: 'stall', afterBytes: 100 * 1024, stallMs: 60_000, times: Number.POSITIVE_INFINITY});
		const parts = async () => (await Promise.all(w!.archives.map(async a => stat(join(w!.to, `${a.path}.part`)).then(() => 1, () => 0)))).reduce((sum: number, n) => sum + n, 0);
		await killWhen(w, ['--quiet'], async () => await parts() >= 3);
		const left = await readdir(w.to, {recursive: true}) as string[];
		expect(left.filter(name => name.endsWith('.part')).length).toBeGreaterThanOrEqual(3);
		// One chunk keeps no download journal (the restore journal records the download) and no lock file.
		expect(left.filter(name => name.endsWith('.part.journal') || name.endsWith('.lock'))).toEqual([]);
		await noWrongBytes(w);
		w.emulator.faults.clear();
		await finish(w);
		expect((await readdir(w.to, {recursive: true}) as string[]).filter(name => name.includes('.part'))).toEqual([]);
	});

	it('after the last byte, before the fsync and rename: the whole .part is not trusted, fetched again; nothing wrong under a final name', async () => {
		w = await world(smallArchives(8));
		const {signal} = await runCli(w, ['--quiet', '--concurrency', '1'], {THAW_FAILPOINT: 'before-rename:3'}).done;
		expect(signal).toBe('SIGKILL');
		const left = await readdir(w.to, {recursive: true}) as string[];
		expect(left.filter(name => name.endsWith('.part')).length).toBeGreaterThanOrEqual(1);
		await noWrongBytes(w);
		const before = outputRequests(w);
		const world_ = w;
		const renamed = await Promise.all(w.archives.map(async archive => stat(join(world_.to, archive.path)).then(() => true, () => false)));
		await finish(w);
		// Archives already renamed are not fetched again; every other one is (a whole .part left behind included).
		const after = outputRequests(w);
		expect(after.map((n, k) => n > before[k])).toEqual(renamed.map(done => !done));
	});
});

describe('thaw restore run after kill -9, ranged retrieval (an archive bigger than the window)', () => {
	// A window of 1 MiB (1 MiB/s for 1 s): 3.5 MiB go as four ranges, one InitiateJob each.
	const ranged = ['--bandwidth', '1', '--window-hours', '0.00027778'];
	const archives = () => [{size: (3 * MiB) + (MiB / 2), path: 'big/disk.img'}, {size: 1000, path: 'small/a.txt'}, {size: 2000, path: 'small/b.txt'}];

	async function finishRanged(world: World): Promise<void> {
		const {code, stderr} = await runCli(world, ['--quiet', ...ranged]).done;
		expect(code, stderr).toBe(0);
		expect(await wrongFiles(world)).toEqual([]);
		expect(initiationsByIndex(world)).toEqual([4, 1, 1]);
		expect((await readdir(world.to, {recursive: true}) as string[]).filter(name => name.includes('.part'))).toEqual([]);
	}

	it('between a range copied into the .part and its journal line: the range is not fetched again, none initiated twice', async () => {
		w = await world(archives());
		const {signal} = await runCli(w, ['--quiet', ...ranged], {THAW_FAILPOINT: 'range-placed:2'}).done;
		expect(signal).toBe('SIGKILL');
		// Half a restore: no final name for the big archive yet, its first range in the .part, the second downloaded beside it.
		expect(await stat(join(w.to, 'big/disk.img')).then(() => true, () => false)).toBe(false);
		expect((await stat(join(w.to, 'big/disk.img.part'))).size).toBeGreaterThanOrEqual(2 * MiB);
		await noWrongBytes(w);
		await finishRanged(w);
		expect(outputRequests(w)[0]).toBe(4);
	});

	it('during the download of a later range: the rerun keeps the ranges in place, bytes right', async () => {
		w = await world(archives());
		w.emulator.faults.add({kind: 'bandwidth', bytesPerSecond: 512 * 1024, times: Number.POSITIVE_INFINITY});
		const big = join(w.to, 'big/disk.img');
		await killWhen(w, ['--quiet', ...ranged], async () => await stat(`${big}.part`).then(() => true, () => false) && await stat(`${big}.part.range.part`).then(() => true, () => false));
		await noWrongBytes(w);
		w.emulator.faults.clear();
		await finishRanged(w);
	});

	it('between the whole archive renamed and its journal line: the file is checked, not fetched again', async () => {
		w = await world(archives());
		// after-rename: the two small archives, then the ranged one (the third).
		const {signal} = await runCli(w, ['--quiet', ...ranged], {THAW_FAILPOINT: 'after-rename:3'}).done;
		expect(signal).toBe('SIGKILL');
		await noWrongBytes(w);
		const fetched = outputRequests(w)[0];
		await finishRanged(w);
		expect(outputRequests(w)[0]).toBe(fetched);
	});
});

describe('thaw restore run shards', () => {
	it('two shards in parallel share one PLAN: every archive restored once, each shard its own journal', async () => {
		w = await world(smallArchives(20, 1000));
		const [a, b] = await Promise.all([runCli(w, ['--quiet', '--shard', '0/2']).done, runCli(w, ['--quiet', '--shard', '1/2']).done]);
		expect(a.code, a.stderr).toBe(0);
		expect(b.code, b.stderr).toBe(0);
		expect(await wrongFiles(w)).toEqual([]);
		expect(initiationsByIndex(w)).toEqual(w.archives.map(() => 1));
		expect(await stat(join(w.planDir, 'shards/0-of-2/journal.log')).then(() => true)).toBe(true);
		expect(await stat(join(w.planDir, 'shards/1-of-2/journal.log')).then(() => true)).toBe(true);
	});

	it('--shard auto/N takes K from JOB_COMPLETION_INDEX; a bad one is one line, exit 2', async () => {
		w = await world(smallArchives(6, 100));
		const good = await runCli(w, ['--quiet', '--shard', 'auto/1'], {JOB_COMPLETION_INDEX: '0'}).done;
		expect(good.code, good.stderr).toBe(0);
		const bad = await runCli(w, ['--shard', 'auto/2'], {JOB_COMPLETION_INDEX: '5'}).done;
		expect(bad.code).toBe(2);
		expect(bad.stderr.trim().split('\n')).toHaveLength(1);
		expect(bad.stderr).toMatch(/JOB_COMPLETION_INDEX is 5/);
	});
});
