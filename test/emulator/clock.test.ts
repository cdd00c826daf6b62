import {DescribeJobCommand, GetJobOutputCommand, InitiateJobCommand, ListJobsCommand} from '@aws-sdk/client-glacier';
import {afterEach, describe, expect, it} from 'vitest';
import type {Emulator, EmulatorOptions, Tier} from '../../source/emulator/index.js';
import {bodyBytes, client, clock, emulator} from './helpers.js';

const minute = 60 * 1000;
const hour = 60 * minute;

describe('the emulated clock and tier delays', () => {
	let e: Emulator | undefined;
	afterEach(async () => e?.close());

	const setUp = async (options: EmulatorOptions) => {
		e = await emulator(options);
		e.createVault('v');
		const archiveId = e.addArchive('v', {size: 5000, description: 'a.txt', seed: 'clock'}).archiveId;
		return {e, glacier: client(e.url), archiveId};
	};

	const initiate = async (glacier: ReturnType<typeof client>, archiveId: string, tier: Tier) =>
		(await glacier.send(new InitiateJobCommand({accountId: '-', vaultName: 'v', jobParameters: {Type: 'archive-retrieval', ArchiveId: archiveId, Tier: tier}}))).jobId!;
	const describe_ = async (glacier: ReturnType<typeof client>, jobId: string) => glacier.send(new DescribeJobCommand({accountId: '-', vaultName: 'v', jobId}));

	it('completes each tier after Glacier\'s typical time once a time scale is set (Expedited 3 min, Standard 4 h, Bulk 8 h), moved by advance()', async () => {
		const time = clock();
		const {e, glacier, archiveId} = await setUp({timeScale: 1, now: time.now});
		const jobs = {
			Expedited: await initiate(glacier, archiveId, 'Expedited'),
			Standard: await initiate(glacier, archiveId, 'Standard'),
			Bulk: await initiate(glacier, archiveId, 'Bulk'),
		};
		const statuses = async () => Object.fromEntries(await Promise.all(Object.entries(jobs).map(async ([tier, id]) => [tier, (await describe_(glacier, id)).StatusCode])));
		expect(await statuses()).toEqual({Expedited: 'InProgress', Standard: 'InProgress', Bulk: 'InProgress'});
		const start = e.now();
		e.advance((3 * minute) - 1);
		expect((await statuses()).Expedited).toBe('InProgress');
		e.advance(1);
		expect(await statuses()).toEqual({Expedited: 'Succeeded', Standard: 'InProgress', Bulk: 'InProgress'});
		e.advance((4 * hour) - (3 * minute));
		expect(await statuses()).toEqual({Expedited: 'Succeeded', Standard: 'Succeeded', Bulk: 'InProgress'});
		e.advance(4 * hour);
		expect(await statuses()).toEqual({Expedited: 'Succeeded', Standard: 'Succeeded', Bulk: 'Succeeded'});
		const bulk = await describe_(glacier, jobs.Bulk);
		expect(Date.parse(bulk.CompletionDate!) - Date.parse(bulk.CreationDate!)).toBe(8 * hour);
		expect(e.now() - start).toBe(8 * hour);
		expect(() => {
			e.advance(-1);
		}).toThrow(RangeError);
	});

	it('runs timeScale times faster than its base clock', async () => {
		const time = clock();
		const {e} = await setUp({timeScale: 480, now: time.now});
		const start = e.now();
		time.advance(1000);
		expect(e.now() - start).toBe(480_000);
		e.advance(hour);
		time.advance(500);
		expect(e.now() - start).toBe(720_000 + hour);
		expect(e.timeScale).toBe(480);
	});

	it('a real-time scale completes an 8-hour Bulk job in about a second', async () => {
		const {glacier, archiveId} = await setUp({timeScale: 8 * hour / 1000});
		const started = performance.now();
		const jobId = await initiate(glacier, archiveId, 'Bulk');
		let status = (await describe_(glacier, jobId)).StatusCode;
		if (performance.now() - started < 900) expect(status).toBe('InProgress');
		while (status !== 'Succeeded' && performance.now() - started < 10_000) {
			await new Promise(resolve => setTimeout(resolve, 50));
			status = (await describe_(glacier, jobId)).StatusCode;
		}

		expect(status).toBe('Succeeded');
		expect(performance.now() - started).toBeGreaterThanOrEqual(990);
	});

	it('tierDelayMs overrides a tier; jobDelayMs wins over both; no time scale means 0 as before', async () => {
		const time = clock();
		let setup = await setUp({timeScale: 1, tierDelayMs: {Bulk: 10 * minute}, now: time.now});
		let bulk = await initiate(setup.glacier, setup.archiveId, 'Bulk');
		const standard = await initiate(setup.glacier, setup.archiveId, 'Standard');
		setup.e.advance(10 * minute);
		expect((await describe_(setup.glacier, bulk)).StatusCode).toBe('Succeeded');
		expect((await describe_(setup.glacier, standard)).StatusCode).toBe('InProgress');
		await setup.e.close();

		setup = await setUp({timeScale: 1, tierDelayMs: {Bulk: 10 * minute}, jobDelayMs: minute, now: time.now});
		bulk = await initiate(setup.glacier, setup.archiveId, 'Bulk');
		setup.e.advance(minute);
		expect((await describe_(setup.glacier, bulk)).StatusCode).toBe('Succeeded');
		await setup.e.close();

		setup = await setUp({now: time.now});
		bulk = await initiate(setup.glacier, setup.archiveId, 'Bulk');
		expect((await describe_(setup.glacier, bulk)).StatusCode).toBe('Succeeded');
		await expect(emulator({timeScale: 0})).rejects.toThrow(RangeError);
	});

	it('a job is gone 24 emulated hours after completion: ListJobs omits it, DescribeJob and GetJobOutput answer 404', async () => {
		const time = clock();
		const {e, glacier, archiveId} = await setUp({timeScale: 1, now: time.now});
		const jobId = await initiate(glacier, archiveId, 'Expedited');
		e.advance(3 * minute);
		const output = await glacier.send(new GetJobOutputCommand({accountId: '-', vaultName: 'v', jobId}));
		expect((await bodyBytes(output.body)).length).toBe(5000);
		e.advance(24 * hour);
		expect((await describe_(glacier, jobId)).StatusCode).toBe('Succeeded');
		e.advance(1);
		expect((await glacier.send(new ListJobsCommand({accountId: '-', vaultName: 'v'}))).JobList).toEqual([]);
		await expect(describe_(glacier, jobId)).rejects.toMatchObject({name: 'ResourceNotFoundException', $metadata: {httpStatusCode: 404}});
		await expect(glacier.send(new GetJobOutputCommand({accountId: '-', vaultName: 'v', jobId}))).rejects.toMatchObject({name: 'ResourceNotFoundException'});
	});

	it('counts successful archive-retrieval initiations per archive, not setup jobs, inventory jobs or refused calls', async () => {
		const {e, glacier, archiveId} = await setUp({});
		const other = e.addArchive('v', {size: 10, seed: 'other'}).archiveId;
		await e.addJob('v', {type: 'archive-retrieval', archiveId});
		expect(e.initiations('v', archiveId)).toBe(0);
		await initiate(glacier, archiveId, 'Bulk');
		await initiate(glacier, archiveId, 'Standard');
		await initiate(glacier, other, 'Bulk');
		await glacier.send(new InitiateJobCommand({accountId: '-', vaultName: 'v', jobParameters: {Type: 'inventory-retrieval'}}));
		await expect(glacier.send(new InitiateJobCommand({accountId: '-', vaultName: 'v', jobParameters: {Type: 'archive-retrieval', ArchiveId: archiveId, Tier: 'Slow'}}))).rejects.toMatchObject({name: 'InvalidParameterValueException'});
		expect(e.initiations('v', archiveId)).toBe(2);
		expect(e.initiations('v', other)).toBe(1);
		expect(e.initiations('v', 'no-such-archive')).toBe(0);
		expect(e.initiations('v')).toBe(3);
		expect(e.requests.filter(r => r.op === 'InitiateJob' && r.status === 202)).toHaveLength(4);
	});
});
