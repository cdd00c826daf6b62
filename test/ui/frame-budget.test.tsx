import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {openSettings} from '../../source/config.js';
import {startEmulator, type Emulator} from '../../source/emulator/index.js';
import {connect} from '../../source/glacier/client.js';
import {runApp} from '../../source/ui/launch.js';
import {FakeStdin, FakeStdout, until} from './fake-terminal.js';

const MiB = 1024 * 1024;
let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
	for (const step of cleanup.reverse()) await step();
	cleanup = [];
});


describe('download screen over a terminal (80x24, as runApp draws it)', () => {
	it('stays within 2 KB/s and 10 frames/s while downloading, keeps the header, and gives the screen back', async () => {
		const emulator: Emulator = await startEmulator({faults: [{kind: 'bandwidth', op: 'GetJobOutput', bytesPerSecond: 1.5 * MiB, times: Number.POSITIVE_INFINITY}]});
		cleanup.push(async () => emulator.close());
		emulator.createVault('photos');
		const {archiveId} = emulator.addArchive('photos', {size: 8 * MiB, description: 'budget.bin'});
		const jobId = await emulator.addJob('photos', {type: 'archive-retrieval', archiveId});
		const dir = mkdtempSync(join(tmpdir(), 'thaw-budget-'));
		cleanup.push(() => {
			rmSync(dir, {recursive: true, force: true});
		});
		const settings = openSettings({cwd: join(dir, 'config')});
		settings.set('chunkSizeMiB', 1);
		settings.set('concurrency', 2);
		const stdin = new FakeStdin();
		const stdout = new FakeStdout();
		const screen = () => stdout.terminal.screen();
		const connection = connect({endpointUrl: emulator.url, region: 'us-east-1', demoCredentials: true, maxAttempts: 1});
		const exited = runApp({
			services: {connection, settings, demo: false, cwd: dir},
			initial: [{screen: 'vaults'}, {screen: 'jobs', vaultName: 'photos'}, {screen: 'download-setup', vaultName: 'photos', jobId}],
			io: {stdin: stdin as unknown as NodeJS.ReadStream, stdout: stdout as unknown as NodeJS.WriteStream},
		});
		await until(() => screen().includes('Saves to'), 'the setup', screen);
		expect(stdout.terminal.alternate).toBe(true);
		// The window opens at Enter, not when a rate first shows: on a loaded machine that can come
		// late, and the window must hold the whole throttled download (~8 MiB at 2 x 1.5 MiB/s).
		const from = performance.now();
		const firstWrite = stdout.writes.length;
		stdin.press('\r');
		await until(() => /MiB\/s/.test(screen()), 'the download to start', screen);
		await until(() => screen().includes('VERIFIED'), 'the verdict', screen);
		const to = performance.now();
		const during = stdout.writes.slice(firstWrite).filter(w => w.at < to);
		const seconds = (to - from) / 1000;
		const bytesPerSecond = during.reduce((sum, w) => sum + w.bytes, 0) / seconds;
		const framesPerSecond = during.length / seconds;
		expect(seconds).toBeGreaterThan(2);
		expect(bytesPerSecond, `${Math.round(bytesPerSecond)} B/s over ${seconds.toFixed(1)} s`).toBeLessThanOrEqual(2048);
		expect(framesPerSecond, `${framesPerSecond.toFixed(1)} frames/s`).toBeLessThanOrEqual(10);
		// The header is still on the first row and nothing stale is below the verdict.
		const rows = screen().split('\n');
		expect(rows[0]).toMatch(/^ thaw {2}/);
		expect(rows[1]).toMatch(/^Downloaded .*budget\.bin/);
		expect(rows.filter(row => row.startsWith(' thaw '))).toHaveLength(1);
		stdin.press('q');
		expect(await exited).toBe(0);
		expect(stdout.terminal.alternate).toBe(false);
		expect(stdout.terminal.autowrap).toBe(true);
	}, 30_000);
});
