/**
 * What Glacier does to a long run, against the emulator: throttled
 * InitiateJob bursts (AIMD), a full retrieval policy (deferred, never a
 * failure), no Expedited capacity (wait, or the plan's fallback tier), jobs
 * gone before their output was read (re-initiated, journaled, counted).
 */
import {afterEach, describe, expect, it} from 'vitest';
import {startRestore} from '../../source/restore/runner/runner.js';
import {connect} from '../../source/glacier/client.js';
import {listJobs} from '../../source/glacier/api.js';
import {fastClock, initiationsByIndex, journalRecords, MiB, runHere, until, world, wrongFiles, type ArchiveInput, type World} from './run-helpers.js';

let w: World | undefined;
afterEach(async () => {
	await w?.close();
	w = undefined;
});

function archives(count: number, size: number): ArchiveInput[] {
	return Array.from({length: count}, (_, k) => ({size: size + k, path: `files/${k}.bin`}));
}

const hour = 60 * 60 * 1000;

describe('thaw restore run against what Glacier does', () => {
	it('ThrottlingException on InitiateJob: slows down (AIMD) and carries on; each archive initiated once', async () => {
		w = await world(archives(30, 500), {emulator: {initiateRate: {perSecond: 25, burst: 3}}});
		const result = await runHere(w, {initiateRate: 50});
		expect(result).toMatchObject({exitCode: 0, verified: 30, failed: 0});
		expect(w.emulator.requests.filter(r => r.op === 'InitiateJob' && r.status === 400).length).toBeGreaterThan(0);
		expect(initiationsByIndex(w)).toEqual(w.archives.map(() => 1));
		expect(await wrongFiles(w)).toEqual([]);
	});

	it('PolicyEnforcedException: waits and retries, saying so, journaled as deferred, never a failure', async () => {
		w = await world(archives(6, 100 * 1024), {tier: 'Standard', emulator: {retrievalPolicy: {Strategy: 'BytesPerHour', BytesPerHour: 250 * 1024}, tierDelayMs: {Standard: 60_000}}});
		const connection = connect({endpointUrl: w.emulator.url, region: 'us-east-1', demoCredentials: true});
		let stop = () => undefined as void;
		try {
			const run = startRestore({connection, planDir: w.planDir, shard: {k: 0, n: 1}, pollMs: 50, deferMs: 60});
			// Emulated time moves once the policy refused one: then hours pass and the policy lets the rest through.
			await until(() => w!.emulator.requests.some(r => r.op === 'InitiateJob' && r.status === 400));
			stop = fastClock(w, 10 * 60 * 1000, 50);
			const result = await run.done;
			expect(result).toMatchObject({exitCode: 0, verified: 6, failed: 0});
			expect(run.store.getSnapshot().log.some(entry => entry.level === 'warn' && /retrieval policy is full.*not a failure/.test(entry.message))).toBe(true);
		} finally {
			stop();
			connection.close();
		}

		expect(w.emulator.requests.some(r => r.op === 'InitiateJob' && r.status === 400)).toBe(true);
		expect(initiationsByIndex(w)).toEqual(w.archives.map(() => 1));
		expect(await wrongFiles(w)).toEqual([]);
	});

	it('InsufficientCapacityException on Expedited: waits for capacity (the plan allows no other tier)', async () => {
		w = await world(archives(5, 1000), {tier: 'Expedited', emulator: {expeditedCapacity: 2}});
		const connection = connect({endpointUrl: w.emulator.url, region: 'us-east-1', demoCredentials: true});
		let stop = () => undefined as void;
		try {
			const run = startRestore({connection, planDir: w.planDir, shard: {k: 0, n: 1}, pollMs: 50, deferMs: 60});
			// Emulated time moves only once capacity ran out: then 5-minute windows pass and let the rest through.
			await until(() => w!.emulator.requests.some(r => r.op === 'InitiateJob' && r.status === 400));
			stop = fastClock(w, 2 * 60 * 1000, 50);
			expect(await run.done).toMatchObject({exitCode: 0, verified: 5});
			expect(run.store.getSnapshot().log.some(entry => /no Expedited capacity now.*waiting/.test(entry.message))).toBe(true);
		} finally {
			stop();
			connection.close();
		}

		expect(w.emulator.requests.filter(r => r.op === 'InitiateJob' && r.status === 400).length).toBeGreaterThan(0);
		expect(initiationsByIndex(w)).toEqual(w.archives.map(() => 1));
		expect(await wrongFiles(w)).toEqual([]);
	});

	it('InsufficientCapacityException with fallbackTier Standard in the plan: falls back, saying so', async () => {
		w = await world(archives(5, 1000), {tier: 'Expedited', fallbackTier: 'Standard', emulator: {expeditedCapacity: 2, jobDelayMs: 0}});
		const connection = connect({endpointUrl: w.emulator.url, region: 'us-east-1', demoCredentials: true});
		try {
			const run = startRestore({connection, planDir: w.planDir, shard: {k: 0, n: 1}, pollMs: 50});
			expect(await run.done).toMatchObject({exitCode: 0, verified: 5});
			expect(run.store.getSnapshot().log.some(entry => /using Standard, as the plan allows/.test(entry.message))).toBe(true);
			const tiers = (await listJobs(connection, w.vault)).map(job => job.Tier);
			expect(tiers.filter(t => t === 'Expedited')).toHaveLength(2);
			expect(tiers.filter(t => t === 'Standard')).toHaveLength(3);
		} finally {
			connection.close();
		}

		expect(initiationsByIndex(w)).toEqual(w.archives.map(() => 1));
	});

	it('jobs that expired while no runner was looking are re-initiated, journaled and counted', async () => {
		w = await world(archives(4, 300), {emulator: {jobDelayMs: 8 * hour}});
		const connection = connect({endpointUrl: w.emulator.url, region: 'us-east-1', demoCredentials: true});
		try {
			const run = startRestore({connection, planDir: w.planDir, shard: {k: 0, n: 1}, pollMs: 50});
			await until(async () => (await journalRecords(w!)).filter(r => r.t === 'initiated').length === 4);
			run.cancel();
			expect((await run.done).exitCode).toBe(130);
		} finally {
			connection.close();
		}

		w.emulator.advance(8 * hour + 25 * hour); // completed and gone
		const stop = fastClock(w, hour, 50);
		try {
			const result = await runHere(w);
			expect(result).toMatchObject({exitCode: 0, verified: 4, reinitiated: 4});
		} finally {
			stop();
		}

		expect(initiationsByIndex(w)).toEqual([2, 2, 2, 2]);
		const records = await journalRecords(w);
		expect(records.filter(r => r.t === 'reinitiate')).toHaveLength(0); // compacted into state.bin at the end
		const {readShardState} = await import('../../source/restore/state.js');
		const state = await readShardState(`${w.planDir}/shards/0-of-1`, 4);
		expect(state.reinitiated).toBe(4);
		expect([...state.initiations]).toEqual([2, 2, 2, 2]);
		expect(await wrongFiles(w)).toEqual([]);
	});

	it('a job gone in the middle of its download (404): re-initiated, the new job downloaded, right bytes', async () => {
		w = await world([{size: 9 * MiB, path: 'big.bin'}]);
		w.emulator.faults.add({kind: 'bandwidth', bytesPerSecond: 2 * MiB, times: Number.POSITIVE_INFINITY});
		const connection = connect({endpointUrl: w.emulator.url, region: 'us-east-1', demoCredentials: true});
		try {
			const run = startRestore({connection, planDir: w.planDir, shard: {k: 0, n: 1}, pollMs: 50, retryBaseMs: 2, retryCapMs: 20});
			await until(async () => (await journalRecords(w!)).some(r => r.t === 'downloading'));
			w.emulator.advance(25 * hour);
			await until(async () => (await journalRecords(w!)).some(r => r.t === 'reinitiate'));
			w.emulator.faults.clear();
			const result = await run.done;
			expect(result).toMatchObject({exitCode: 0, verified: 1, reinitiated: 1});
			expect(run.store.getSnapshot().log.some(entry => /gone before its output was read/.test(entry.message))).toBe(true);
		} finally {
			connection.close();
		}

		expect(initiationsByIndex(w)).toEqual([2]);
		expect(await wrongFiles(w)).toEqual([]);
	});

	it('paces: smallest first, never more initiated and not yet on disk than --max-bytes-in-flight (or the free disk) allows', async () => {
		const sizes = [9000, 1000, 5000, 3000, 7000, 2000, 8000, 4000, 6000, 10_000];
		w = await world(sizes.map((size, k) => ({size, path: `p/${k}`})), {emulator: {jobDelayMs: 0}});
		const connection = connect({endpointUrl: w.emulator.url, region: 'us-east-1', demoCredentials: true});
		const order: number[] = [];
		let most = 0;
		try {
			const run = startRestore({connection, planDir: w.planDir, shard: {k: 0, n: 1}, pollMs: 30, maxBytesInFlight: 12_000, freeDisk: async () => 1e12});
			const seen = new Set<number>();
			const watcher = setInterval(async () => {
				const records = await journalRecords(w!).catch(() => []);
				for (const record of records) {
					if (record.t === 'intent' && !seen.has(record.i as number)) {
						seen.add(record.i as number);
						order.push(record.i as number);
					}
				}

				const open = new Set<number>();
				for (const record of records) {
					if (record.t === 'intent') open.add(record.i as number);
					if (record.t === 'verified') open.delete(record.i as number);
				}

				most = Math.max(most, [...open].reduce((sum, i) => sum + sizes[i], 0));
			}, 3);
			expect(await run.done).toMatchObject({exitCode: 0, verified: 10});
			clearInterval(watcher);
		} finally {
			connection.close();
		}

		expect(most).toBeGreaterThan(0);
		expect(most).toBeLessThanOrEqual(12_000);
		// Waves go smallest first.
		expect(order.slice(0, 3).map(i => sizes[i])).toEqual([1000, 2000, 3000]);
		expect(await wrongFiles(w)).toEqual([]);
	});

	it('a job answered while a walk of every status is under way is not taken for gone (never a second InitiateJob)', async () => {
		w = await world(archives(2, 1000), {emulator: {jobDelayMs: hour}});
		// The first call gets no clear answer (500): the next walk covers every status. Every walk is slow (its
		// listing made at once, sent 800 ms later), and the second call (500 ms after the first) is answered meanwhile.
		w.emulator.faults.add({kind: 'unavailable', op: 'InitiateJob', times: 1});
		w.emulator.faults.add({kind: 'stall', op: 'ListJobs', afterBytes: 0, stallMs: 800, times: Number.POSITIVE_INFINITY});
		const connection = connect({endpointUrl: w.emulator.url, region: 'us-east-1', demoCredentials: true});
		try {
			const run = startRestore({connection, planDir: w.planDir, shard: {k: 0, n: 1}, pollMs: 50, initiateRate: 2});
			await until(() => w!.emulator.initiations(w!.vault) >= 2, 15_000, 'both archives initiated');
			// Two more slow walks, each of which would have found the second job "gone".
			await new Promise(resolve => setTimeout(resolve, 2000));
			run.cancel();
			await run.done;
		} finally {
			connection.close();
		}

		expect(initiationsByIndex(w)).toEqual([1, 1]);
	});
});
