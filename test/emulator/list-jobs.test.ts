import {ListJobsCommand, paginateListJobs, type GlacierJobDescription, type ListJobsCommandInput} from '@aws-sdk/client-glacier';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Emulator, JobStatus} from '../../source/emulator/index.js';
import {client, clock, emulator, raw, glacierHeaders} from './helpers.js';

const minute = 60 * 1000;
const hour = 60 * minute;

describe('ListJobs over thousands of jobs', () => {
	const time = clock();
	let e: Emulator;
	let glacier: ReturnType<typeof client>;
	const count = 5000;
	const expected: Array<{id: string; status: JobStatus}> = [];

	beforeAll(async () => {
		e = await emulator({now: time.now});
		e.createVault('many');
		const archives = Array.from({length: 20}, (_, i) => e.addArchive('many', {size: 100 + i, seed: `many:${i}`}).archiveId);
		const now = time.now();
		const at = (ms: number) => new Date(ms).toISOString();
		// Every fifth job InProgress, every seventh Failed, every eleventh expired (completed more than 24 h ago): interleaved.
		const ids = await Promise.all(Array.from({length: count}, async (_, i) => {
			const archiveId = archives[i % archives.length];
			if (i % 11 === 3) return {id: await e.addJob('many', {type: 'archive-retrieval', archiveId, completedAt: at(now - (25 * hour)), createdAt: at(now - (30 * hour))}), status: undefined};
			if (i % 5 === 0) return {id: await e.addJob('many', {type: 'archive-retrieval', archiveId, status: 'InProgress', completedAt: at(now + hour)}), status: 'InProgress' as const};
			if (i % 7 === 0) return {id: await e.addJob('many', {type: 'archive-retrieval', archiveId, status: 'Failed', completedAt: at(now - minute)}), status: 'Failed' as const};
			return {id: await e.addJob('many', {type: 'archive-retrieval', archiveId, completedAt: at(now - minute), description: `job ${i}`}), status: 'Succeeded' as const};
		}));
		for (const {id, status} of ids) if (status) expected.push({id, status});
		glacier = client(e.url);
	});
	afterAll(async () => e.close());

	const walk = async (input: Partial<ListJobsCommandInput> = {}) => {
		const pages: GlacierJobDescription[][] = [];
		for await (const page of paginateListJobs({client: glacier}, {accountId: '-', vaultName: 'many', ...input})) pages.push(page.JobList!);
		return pages;
	};

	it('walks every visible job once, in order, in pages of 50, fast (no O(n) work per page)', async () => {
		const started = performance.now();
		const pages = await walk();
		const ms = performance.now() - started;
		const ids = pages.flat().map(j => j.JobId);
		expect(ids).toEqual(expected.map(j => j.id));
		expect(pages.length).toBe(Math.ceil(expected.length / 50));
		expect(pages.slice(0, -1).every(p => p.length === 50)).toBe(true);
		// 91 pages of 50 over loopback; with an O(n) scan per page this was several times slower.
		expect(ms).toBeLessThan(8000);
	});

	it('honours Limit from 1 to 50, answers a larger one with 50, refuses 0 and junk', async () => {
		const first = await glacier.send(new ListJobsCommand({accountId: '-', vaultName: 'many', limit: 7}));
		expect(first.JobList!.map(j => j.JobId)).toEqual(expected.slice(0, 7).map(j => j.id));
		expect(first.Marker).toBe(expected[7].id);
		const second = await glacier.send(new ListJobsCommand({accountId: '-', vaultName: 'many', limit: 7, marker: first.Marker}));
		expect(second.JobList!.map(j => j.JobId)).toEqual(expected.slice(7, 14).map(j => j.id));
		expect((await glacier.send(new ListJobsCommand({accountId: '-', vaultName: 'many', limit: 1}))).JobList).toHaveLength(1);
		expect((await glacier.send(new ListJobsCommand({accountId: '-', vaultName: 'many', limit: 1000}))).JobList).toHaveLength(50);
		for (const limit of ['0', 'x', '-1']) {
			const answer = await raw(e.url, `/-/vaults/many/jobs?limit=${limit}`, {headers: glacierHeaders});
			expect(answer.status).toBe(400);
			expect(JSON.parse(answer.body.toString()).code).toBe('InvalidParameterValueException');
		}
	});

	it('filters by completed= and statuscode= as Glacier does, across pages', async () => {
		const ids = async (input: Partial<ListJobsCommandInput>) => (await walk(input)).flat().map(j => j.JobId);
		const of = (keep: (status: JobStatus) => boolean) => expected.filter(j => keep(j.status)).map(j => j.id);
		expect(await ids({completed: 'true'})).toEqual(of(s => s !== 'InProgress'));
		expect(await ids({completed: 'false'})).toEqual(of(s => s === 'InProgress'));
		expect(await ids({statuscode: 'Failed'})).toEqual(of(s => s === 'Failed'));
		expect(await ids({statuscode: 'Succeeded', completed: 'true'})).toEqual(of(s => s === 'Succeeded'));
		expect(await ids({statuscode: 'InProgress', completed: 'true'})).toEqual([]);
		const bad = await raw(e.url, '/-/vaults/many/jobs?statuscode=Done', {headers: glacierHeaders});
		expect(JSON.parse(bad.body.toString()).code).toBe('InvalidParameterValueException');
	});

	it('keeps a marker valid when its job expires between pages, and forgets expired jobs', async () => {
		const first = await glacier.send(new ListJobsCommand({accountId: '-', vaultName: 'many', statuscode: 'Succeeded', limit: 50}));
		const marker = first.Marker!;
		// The Succeeded jobs completed a minute ago: 24 h later they are gone, the marker still works.
		time.advance(24 * hour);
		const next = await glacier.send(new ListJobsCommand({accountId: '-', vaultName: 'many', marker, limit: 50}));
		// Failed jobs completed a minute ago too: gone. The InProgress ones completed 23 h ago: still there.
		const survivors = expected.filter(j => j.status === 'InProgress').map(j => j.id);
		const from = expected.findIndex(j => j.id === marker);
		expect(next.JobList!.map(j => j.JobId)).toEqual(expected.slice(from).filter(j => j.status === 'InProgress').slice(0, 50).map(j => j.id));
		const all = (await walk()).flat();
		expect(all.map(j => j.JobId)).toEqual(survivors);
		time.advance(-24 * hour);
		const unknown = await raw(e.url, '/-/vaults/many/jobs?marker=no-such-job', {headers: glacierHeaders});
		expect(unknown.status).toBe(400);
	});
});
