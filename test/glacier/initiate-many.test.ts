import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {startEmulator, type Emulator} from '../../source/emulator/index.js';
import {connect, listJobs, type Connection} from '../../source/glacier/index.js';
import {initiateMany} from '../../source/glacier/initiate-many.js';

let emulator: Emulator;
let connection: Connection;
const archiveIds: string[] = [];

beforeAll(async () => {
	emulator = await startEmulator();
	emulator.createVault('many');
	for (let i = 0; i < 9; i++) archiveIds.push(emulator.addArchive('many', {size: 100 + i, description: `file ${i}`}).archiveId);
	connection = connect({endpointUrl: emulator.url, demoCredentials: true, maxAttempts: 1});
});

afterAll(async () => {
	connection?.close();
	await emulator?.close();
});

describe('initiateMany', () => {
	it('starts one job per archive, a few at a time, and reports each answer, errors included', async () => {
		const jobs = [...archiveIds.map(archiveId => ({type: 'archive-retrieval' as const, archiveId, description: 'bulk'})), {type: 'archive-retrieval' as const, archiveId: 'no-such-archive'}];
		const seen: number[] = [];
		const results = await initiateMany(connection, 'many', jobs, {concurrency: 3, onProgress: (_result, done, total) => seen.push(done * 100 + total)});
		expect(results).toHaveLength(10);
		expect(seen).toEqual(Array.from({length: 10}, (_, k) => ((k + 1) * 100) + 10));
		expect(new Set(results.map(r => r.index))).toEqual(new Set(jobs.map((_, k) => k)));
		const failed = results.filter(r => r.error !== undefined);
		expect(failed.map(r => r.job.archiveId)).toEqual(['no-such-archive']);
		const listed = await listJobs(connection, 'many');
		expect(listed.filter(j => j.JobDescription === 'bulk').map(j => j.ArchiveId).sort()).toEqual([...archiveIds].sort());
	});

	it('starts no more jobs once stopped; the calls in flight still report', async () => {
		const controller = new AbortController();
		const jobs = archiveIds.map(archiveId => ({type: 'archive-retrieval' as const, archiveId, description: 'stopped'}));
		const results = await initiateMany(connection, 'many', jobs, {concurrency: 2, signal: controller.signal, onProgress: () => controller.abort()});
		expect(results.length).toBeGreaterThanOrEqual(1);
		expect(results.length).toBeLessThanOrEqual(2);
		expect((await listJobs(connection, 'many')).filter(j => j.JobDescription === 'stopped')).toHaveLength(results.length);
	});
});
