/**
 * The setup screen refuses to start a download that another thaw is writing
 * (issue 8 §2), with the same line `thaw get-job-output` exits 6 with.
 */
import {writeFileSync} from 'node:fs';
import {hostname} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {keys, startHarness, type Harness} from './helpers.js';

let harness: Harness | undefined;
afterEach(async () => {
	await harness?.close();
	harness = undefined;
});

describe('download setup and a download running elsewhere', () => {
	it('names the other process and starts nothing', async () => {
		const h = await startHarness({
			initial: [{screen: 'vaults'}, {screen: 'jobs', vaultName: 'photos'}],
			async setup(emulator) {
				emulator.createVault('photos');
				const {archiveId} = emulator.addArchive('photos', {size: 3 * 1024 * 1024, description: 'busy.bin'});
				await emulator.addJob('photos', {type: 'archive-retrieval', archiveId});
			},
		});
		harness = h;
		const file = join(h.dir, 'busy.bin');
		// pid 1 on this host is alive, so the lock is held (as by another thaw).
		writeFileSync(`${file}.part.lock`, JSON.stringify({pid: 1, host: hostname(), startedAt: new Date().toISOString(), what: `${file} is being downloaded`}));
		await h.waitFor('1 job in photos');
		await h.press(keys.enter);
		await h.waitFor('File name:   busy.bin');
		await h.press(keys.enter);
		const frame = await h.waitFor('is being downloaded by thaw pid 1');
		expect(frame.replaceAll('\n', ' ')).toMatch(/busy\.bin is being downloaded by thaw pid 1 on host/);
		expect(frame).not.toContain('Downloading');
		expect(h.emulator.requests.filter(r => r.op === 'GetJobOutput' && r.range !== 'bytes=0-0')).toHaveLength(0);
	});
});
