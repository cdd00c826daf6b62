/** One runner per shard: a second one of the same shard is refused (exit 6, one line naming the holder); a dead holder's lock is taken over. */
import {stat} from 'node:fs/promises';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {runCli, until, world, wrongFiles, type World} from './run-helpers.js';

let w: World | undefined;
afterEach(async () => {
	await w?.close();
	w = undefined;
});

describe('thaw restore run lock', () => {
	it('refuses a second runner of the same shard (naming it), and takes over its lock after kill -9', async () => {
		w = await world([{size: 100, path: 'a.txt'}, {size: 200, path: 'b.txt'}], {emulator: {jobDelayMs: 60 * 60 * 1000}});
		const first = runCli(w, ['--quiet']);
		const lock = join(w.planDir, 'shards/0-of-1/lock');
		await until(async () => stat(lock).then(() => true, () => false), 20_000, 'the lock');
		const second = await runCli(w, ['--quiet']).done;
		expect(second.code).toBe(6);
		const lines = second.stderr.split('\n').filter(line => line.startsWith('thaw:'));
		expect(lines).toHaveLength(1);
		expect(lines[0]).toContain(`pid ${first.child.pid}`);
		expect(lines[0]).toMatch(/being restored/);
		// Another split of the same plan would overlap this one's archives: refused too.
		const overlapping = await runCli(w, ['--quiet', '--shard', '1/2']).done;
		expect(overlapping.code).toBe(2);
		expect(overlapping.stderr).toMatch(/already being restored in 1 shards.*--shard K\/1/);
		first.child.kill('SIGKILL');
		await first.done;
		w.emulator.advance(2 * 60 * 60 * 1000);
		const third = await runCli(w, ['--quiet']).done;
		expect(third.code, third.stderr).toBe(0);
		expect(await wrongFiles(w)).toEqual([]);
		expect(await stat(lock).then(() => true, () => false)).toBe(false);
	});
});
