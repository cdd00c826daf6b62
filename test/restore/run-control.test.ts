import {mkdir, rm, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {connect} from '../../source/glacier/client.js';
import {startRestore} from '../../source/restore/runner/runner.js';
import {initiationsByIndex, until, world, type World} from './run-helpers.js';

let w: World | undefined;
afterEach(async () => {
	await w?.close();
	w = undefined;
});

describe('the runner\'s controls (the TUI dashboard\'s p and r)', () => {
	it('pause() holds initiation and downloads, resume() goes on; retry() tries a failed archive again; active downloads are listed with their stores', async () => {
		w = await world([{size: 100, path: 'a.txt'}, {size: 3 * 1024 * 1024, path: 'b.bin'}, {size: 300, path: 'c.txt'}], {emulator: {jobDelayMs: 300}});
		// Something else already sits under c.txt: the runner fails it for good, never overwrites it.
		await mkdir(w.to, {recursive: true});
		await writeFile(join(w.to, 'c.txt'), 'not the archive');
		const connection = connect({endpointUrl: w.emulator.url, region: 'us-east-1', demoCredentials: true});
		try {
			const run = startRestore({connection, planDir: w.planDir, shard: {k: 0, n: 1}, pollMs: 50, retryBaseMs: 2, retryCapMs: 20});
			run.pause();
			expect(run.store.getSnapshot().paused).toBe(true);
			await new Promise(resolve => setTimeout(resolve, 600));
			expect(initiationsByIndex(w)).toEqual([0, 0, 0]);
			let sawDownload = false;
			const watch = setInterval(() => {
				if (run.store.activeDownloads().some(d => d.path === 'b.bin' && d.store.getSnapshot().total > 0)) sawDownload = true;
			}, 2);
			run.resume();
			await until(() => run.store.getSnapshot().counts.failed === 1, 10_000, 'c.txt to fail');
			expect(await run.retry(0)).toBe(false); // not failed
			await rm(join(w.to, 'c.txt'));
			expect(await run.retry(2)).toBe(true);
			const result = await run.done;
			clearInterval(watch);
			expect(result.verified).toBe(3);
			expect(initiationsByIndex(w)).toEqual([1, 1, 1]);
			expect(sawDownload).toBe(true);
			expect(run.store.activeDownloads()).toEqual([]);
			expect(await run.retry(2)).toBe(false); // the run is over
		} finally {
			connection.close();
		}
	});
});
