/** thaw restore run, in process, against the emulator over real HTTP: a whole vault to the right paths with the right bytes. */
import {lstat, mkdir, readdir, stat, symlink} from 'node:fs/promises';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {initiationsByIndex, MiB, mixedArchives, runHere, world, wrongFiles, type World} from './run-helpers.js';

let w: World | undefined;
afterEach(async () => {
	await w?.close();
	w = undefined;
});

describe('thaw restore run', () => {
	it('restores a whole vault: every archive under its planned name, right bytes, mtimes, one InitiateJob each', async () => {
		w = await world([...mixedArchives, {size: 33 * MiB + 5, path: 'big/archive.tar', description: 'big/archive.tar'}]);
		const result = await runHere(w);
		expect(result).toMatchObject({exitCode: 0, verified: w.archives.length, failed: 0, reinitiated: 0});
		expect(await wrongFiles(w)).toEqual([]);
		expect(initiationsByIndex(w)).toEqual(w.archives.map(() => 1));
		const photo = await stat(join(w.to, 'photos/2019/IMG_0001.jpg'));
		expect(photo.mtimeMs).toBe(Date.parse('2019-07-01T12:00:00Z'));
		// Nothing but the restored files: no .part or journal left behind.
		const names = (await readdir(w.to, {recursive: true})) as string[];
		expect(names.filter(name => name.endsWith('.part') || name.endsWith('.part.journal'))).toEqual([]);
		// Every InitiateJob carried the plan's tag; no DescribeJob per archive.
		expect(w.emulator.requests.filter(r => r.op === 'DescribeJob')).toEqual([]);
	});

	it('a second run fetches nothing again', async () => {
		w = await world(mixedArchives.slice(0, 4));
		expect((await runHere(w)).exitCode).toBe(0);
		const before = w.emulator.requests.length;
		const again = await runHere(w);
		expect(again).toMatchObject({exitCode: 0, verified: 4, initiatedThisRun: 0});
		expect(w.emulator.requests.slice(before).filter(r => r.op === 'InitiateJob' || r.op === 'GetJobOutput')).toEqual([]);
	});

	it('never writes through a symbolic link out of --to, and never overwrites a different file', async () => {
		w = await world([{size: 10, path: 'evil/x.txt'}, {size: 20, path: 'taken.txt'}, {size: 30, path: 'fine/y.txt'}]);
		const outside = join(w.root, 'outside');
		await mkdir(outside);
		await mkdir(w.to, {recursive: true});
		await symlink(outside, join(w.to, 'evil'));
		const {writeFile} = await import('node:fs/promises');
		await writeFile(join(w.to, 'taken.txt'), 'mine, not the archive');
		const result = await runHere(w);
		expect(result.exitCode).toBe(6);
		expect(result.failures.map(f => f.path).sort()).toEqual(['evil/x.txt', 'taken.txt']);
		expect(result.failures.find(f => f.path === 'evil/x.txt')!.reason).toMatch(/symbolic link/);
		expect(await readdir(outside)).toEqual([]);
		expect((await lstat(join(w.to, 'taken.txt'))).size).toBe('mine, not the archive'.length);
		expect(await wrongFiles(w, [w.archives[2]])).toEqual([]);
	});

	it('refuses a plan whose path would leave --to (one line, exit 2), before any Glacier call', async () => {
		w = await world([{size: 10, path: 'fine.txt'}]);
		const {writeFile, readFile} = await import('node:fs/promises');
		const file = join(w.planDir, 'archives.jsonl');
		await writeFile(file, (await readFile(file, 'utf8')).replace('fine.txt', '../escape.txt'));
		const error = await runHere(w).then(() => undefined, (error_: unknown) => error_ as {exitCode: number; message: string});
		expect(error?.exitCode).toBe(2);
		expect(error?.message).toMatch(/not a safe relative path/);
		expect(w.emulator.requests).toEqual([]);
	});

	it('refuses a split of the plan that overlaps one already started (another N), before any Glacier call', async () => {
		w = await world([{size: 10, path: 'fine.txt'}]);
		await mkdir(join(w.planDir, 'shards/1-of-4'), {recursive: true});
		const error = await runHere(w).then(() => undefined, (error_: unknown) => error_ as {exitCode: number; message: string});
		expect(error?.exitCode).toBe(2);
		expect(error?.message).toMatch(/already being restored in 4 shards.*--shard K\/4/);
		expect(w.emulator.requests).toEqual([]);
	});
});
