/**
 * The TUI when its terminal goes away (SIGHUP: an SSH session dropped) during
 * a download: it leaves as a quit does, and the chunk in flight keeps its
 * whole 1 MiB leaves in the .part and the journal (issue 13 §4). runApp on a
 * stand-in terminal, an in-process emulator whose `stall` fault holds the
 * body after 2.5 MiB; the signal is delivered to the process's listeners.
 */
import {mkdtempSync, rmSync} from 'node:fs';
import {open} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {openSettings} from '../../source/config.js';
import {startEmulator} from '../../source/emulator/index.js';
import {journalPath, partPath} from '../../source/engine/download/index.js';
import {readJournal} from '../../source/engine/journal.js';
import {connect} from '../../source/glacier/client.js';
import {runApp} from '../../source/ui/launch.js';
import {FakeStdin, FakeStdout, until} from './fake-terminal.js';

let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
	for (const step of cleanup.reverse()) await step();
	cleanup = [];
});

const MiB = 1024 * 1024;

describe('the terminal goes away during a download', () => {
	it('SIGHUP quits (130) and the chunk in flight keeps its whole leaves, journaled', async () => {
		const emulator = await startEmulator({faults: [{kind: 'stall', op: 'GetJobOutput', range: `bytes=0-${(4 * MiB) - 1}`, afterBytes: 2.5 * MiB}]});
		cleanup.push(async () => emulator.close());
		emulator.createVault('photos');
		const {archiveId} = emulator.addArchive('photos', {size: 8 * MiB, description: 'held.bin'});
		const jobId = await emulator.addJob('photos', {type: 'archive-retrieval', archiveId});
		const dir = mkdtempSync(join(tmpdir(), 'thaw-hangup-'));
		cleanup.push(() => {
			rmSync(dir, {recursive: true, force: true});
		});
		const settings = openSettings({cwd: join(dir, 'config')});
		settings.set('chunkSizeMiB', 4);
		settings.set('concurrency', 1);
		const stdin = new FakeStdin();
		const stdout = new FakeStdout();
		const screen = () => stdout.terminal.screen();
		const connection = connect({endpointUrl: emulator.url, region: 'us-east-1', demoCredentials: true, maxAttempts: 1});
		const listeners = process.listeners('SIGHUP');
		const exited = runApp({
			services: {connection, settings, demo: false, cwd: dir},
			initial: [{screen: 'vaults'}, {screen: 'jobs', vaultName: 'photos'}, {screen: 'download-setup', vaultName: 'photos', jobId}],
			io: {stdin: stdin as unknown as NodeJS.ReadStream, stdout: stdout as unknown as NodeJS.WriteStream, stderr: {write: () => true} as unknown as NodeJS.WriteStream},
		});
		await until(() => screen().includes('Saves to') && screen().includes('held.bin'), 'the setup', screen);
		stdin.press('\r');
		const file = join(dir, 'held.bin');
		const truth = emulator.archiveBytes('photos', archiveId, 0, (2 * MiB) - 1);
		await until(async () => {
			const handle = await open(partPath(file), 'r').catch(() => undefined);
			if (!handle) return false;
			const buffer = Buffer.alloc(2 * MiB);
			await handle.read(buffer, 0, 2 * MiB, 0).finally(async () => handle.close());
			return buffer.equals(truth);
		}, 'two whole leaves in the .part', screen);
		// Ink's signal-exit re-raises the signal (process.kill of this process) when it counts as
		// many listeners as it has subscribers. Test files share this worker (isolate: false), and an
		// Ink that another file left mounted adds a subscriber: the re-raise would then kill the
		// worker, which no real thaw (one Ink, plus its own listener) ever sees. Only that is held here.
		const realKill = process.kill;
		process.kill = ((pid: number, signal?: string | number) => (pid === process.pid ? true : realKill.call(process, pid, signal))) as typeof process.kill;
		try {
			process.emit('SIGHUP', 'SIGHUP');
		} finally {
			process.kill = realKill;
		}

		expect(await exited).toBe(130);
		const journal = await readJournal(journalPath(file));
		expect([...journal!.leaves.values()].map(entry => [entry.index, entry.leaves.length / 64])).toEqual([[0, 2]]);
		// Its listener is gone with it (Ink's own may come and go).
		expect(process.listeners('SIGHUP').filter(listener => !listeners.includes(listener))).toEqual([]);
	}, 30_000);
});
