/**
 * Paced initiation with --bandwidth auto, against the emulator: nothing is
 * assumed about the link, so the first wave is a small probe, and the waves
 * after it are paced by what the probe's downloads measured.
 */
import {afterEach, describe, expect, it} from 'vitest';
import {connect} from '../../source/glacier/client.js';
import {startRestore} from '../../source/restore/runner/runner.js';
import {initiationsByIndex, world, wrongFiles, type ArchiveInput, type World} from './run-helpers.js';

let w: World | undefined;
afterEach(async () => {
	await w?.close();
	w = undefined;
});

function archives(count: number, size: number): ArchiveInput[] {
	return Array.from({length: count}, (_, k) => ({size: size + k, path: `files/${k}.bin`}));
}

describe('thaw restore run --bandwidth auto', () => {
	it('initiates a small probe first, then paces every later wave by what its downloads measured', async () => {
		w = await world(archives(12, 100 * 1024));
		// A slow link: 600 KiB/s, one download at a time.
		w.emulator.faults.add({kind: 'bandwidth', bytesPerSecond: 600 * 1024, times: Number.POSITIVE_INFINITY});
		const connection = connect({endpointUrl: w.emulator.url, region: 'us-east-1', demoCredentials: true, maxSockets: 1});
		let most = 0;
		try {
			// The probe holds two archives; the window (0.36 s at the measured ~600 KiB/s, about 2 archives) keeps every later wave as small.
			const run = startRestore({connection, planDir: w.planDir, shard: {k: 0, n: 1}, pollMs: 30, concurrency: 1, probeBytes: 250 * 1024, windowHours: 0.0001, retryBaseMs: 2, retryCapMs: 20});
			run.store.subscribe(() => {
				const {counts} = run.store.getSnapshot();
				most = Math.max(most, counts.initiating + counts.initiated + counts.ready + counts.downloading);
			});
			const result = await run.done;
			expect(result).toMatchObject({exitCode: 0, verified: 12, failed: 0});
		} finally {
			connection.close();
		}

		// Before anything was downloaded, only the probe was initiated (8 MiB/s assumed would have started all 12).
		const {requests} = w.emulator;
		const firstDownload = requests.findIndex(r => r.op === 'GetJobOutput');
		expect(requests.slice(0, firstDownload).filter(r => r.op === 'InitiateJob').length).toBe(2);
		// And the measured pace kept what was outstanding to the window all along.
		expect(most).toBeGreaterThanOrEqual(2);
		expect(most).toBeLessThanOrEqual(3);
		expect(initiationsByIndex(w)).toEqual(w.archives.map(() => 1));
		expect(await wrongFiles(w)).toEqual([]);
	});

	it('--bandwidth given: no probe, the window of that rate from the first wave', async () => {
		w = await world(archives(12, 1000));
		const result = await (await import('./run-helpers.js')).runHere(w, {bandwidth: 1024 * 1024, probeBytes: 1500, initiateRate: 1000, pollMs: 200});
		expect(result).toMatchObject({exitCode: 0, verified: 12});
		const {requests} = w.emulator;
		const firstDownload = requests.findIndex(r => r.op === 'GetJobOutput');
		expect(requests.slice(0, firstDownload).filter(r => r.op === 'InitiateJob').length).toBe(12);
	});
});
