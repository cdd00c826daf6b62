import {DescribeJobCommand, DescribeVaultCommand, GetJobOutputCommand, InitiateJobCommand, ListJobsCommand, ListVaultsCommand} from '@aws-sdk/client-glacier';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Emulator} from '../../source/emulator/index.js';
import {treeHash} from '../../source/engine/tree-hash.js';
import {client, clock, emulator, glacierHeaders, MiB, raw} from './helpers.js';

const hour = 60 * 60 * 1000;

describe('vault and job listings over the real SDK', () => {
	const time = clock();
	let e: Emulator;
	let glacier: ReturnType<typeof client>;
	const jobIds: string[] = [];
	let archiveId: string;

	beforeAll(async () => {
		e = await emulator({now: time.now});
		glacier = client(e.url);
		for (let i = 0; i < 23; i++) e.createVault(`vault-${String(i).padStart(2, '0')}`);
		archiveId = e.addArchive('vault-00', {size: MiB + 10, description: 'one', creationDate: '2014-03-04T05:06:07.000Z'}).archiveId;
		for (let i = 0; i < 120; i++) {
			const status = i % 10 === 3 ? 'InProgress' : i % 10 === 6 ? 'Failed' : 'Succeeded';
			jobIds.push(await e.addJob('vault-00', {type: 'archive-retrieval', archiveId, status, description: `job ${i}`, completedAt: status === 'InProgress' ? undefined : new Date(time.now() - hour).toISOString()}));
		}
	});
	afterAll(async () => e.close());

	it('pages ListVaults by 10 by default, with the vault ARN as marker', async () => {
		const names: string[] = [];
		let marker: string | undefined;
		let pages = 0;
		do {
			const page = await glacier.send(new ListVaultsCommand({accountId: '-', marker}));
			pages++;
			if (page.Marker) expect(page.VaultList).toHaveLength(10);
			names.push(...page.VaultList!.map(v => v.VaultName!));
			marker = page.Marker ?? undefined;
		} while (marker);
		expect(pages).toBe(3);
		expect(names).toEqual(Array.from({length: 23}, (_, i) => `vault-${String(i).padStart(2, '0')}`));
	});

	it('honours limit and rejects a bad limit or marker', async () => {
		const page = await glacier.send(new ListVaultsCommand({accountId: '-', limit: '4'}));
		expect(page.VaultList).toHaveLength(4);
		expect(page.Marker).toBe(`arn:aws:glacier:us-east-1:123456789012:vaults/vault-04`);
		const next = await glacier.send(new ListVaultsCommand({accountId: '123456789012', limit: '4', marker: page.Marker}));
		expect(next.VaultList![0].VaultName).toBe('vault-04');
		await expect(glacier.send(new ListVaultsCommand({accountId: '-', limit: '0'}))).rejects.toMatchObject({name: 'InvalidParameterValueException'});
		await expect(glacier.send(new ListVaultsCommand({accountId: '-', marker: 'nope'}))).rejects.toMatchObject({name: 'InvalidParameterValueException'});
	});

	it('describes a vault with every field', async () => {
		const vault = await glacier.send(new DescribeVaultCommand({accountId: '-', vaultName: 'vault-00'}));
		expect(vault).toMatchObject({VaultName: 'vault-00', VaultARN: 'arn:aws:glacier:us-east-1:123456789012:vaults/vault-00', NumberOfArchives: 1, SizeInBytes: MiB + 10, LastInventoryDate: '2014-03-04T05:06:07.000Z'});
		expect(vault.CreationDate).toBe(new Date(time.now()).toISOString());
		const empty = await glacier.send(new DescribeVaultCommand({accountId: '-', vaultName: 'vault-01'}));
		expect(empty).toMatchObject({NumberOfArchives: 0, SizeInBytes: 0});
		expect(empty.LastInventoryDate).toBeUndefined();
		await expect(glacier.send(new DescribeVaultCommand({accountId: '-', vaultName: 'nope'}))).rejects.toMatchObject({name: 'ResourceNotFoundException', $metadata: {httpStatusCode: 404}});
	});

	it('pages ListJobs by 50 by default and filters by completed and statuscode', async () => {
		const collect = async (filter: {completed?: string; statuscode?: string; limit?: string}): Promise<{ids: string[]; pages: number[]}> => {
			const ids: string[] = [];
			const pages: number[] = [];
			let marker: string | undefined;
			do {
				const page = await glacier.send(new ListJobsCommand({accountId: '-', vaultName: 'vault-00', marker, ...filter}));
				pages.push(page.JobList!.length);
				ids.push(...page.JobList!.map(j => j.JobId!));
				marker = page.Marker ?? undefined;
			} while (marker);
			return {ids, pages};
		};

		const all = await collect({});
		expect(all.pages).toEqual([50, 50, 20]);
		expect(all.ids).toEqual(jobIds);
		const inProgress = await collect({completed: 'false'});
		expect(inProgress.ids).toEqual(jobIds.filter((_, i) => i % 10 === 3));
		const done = await collect({completed: 'true', limit: '7'});
		expect(done.ids).toHaveLength(108);
		expect(done.pages[0]).toBe(7);
		const failed = await collect({statuscode: 'Failed'});
		expect(failed.ids).toEqual(jobIds.filter((_, i) => i % 10 === 6));
		await expect(glacier.send(new ListJobsCommand({accountId: '-', vaultName: 'vault-00', statuscode: 'Done'}))).rejects.toMatchObject({name: 'InvalidParameterValueException'});
		await expect(glacier.send(new ListJobsCommand({accountId: '-', vaultName: 'nope'}))).rejects.toMatchObject({name: 'ResourceNotFoundException'});
	});
});

describe('jobs: InitiateJob, DescribeJob, expiry, errors', () => {
	const time = clock();
	let e: Emulator;
	let glacier: ReturnType<typeof client>;
	let archiveId: string;
	const size = (3 * MiB) + 1234;

	beforeAll(async () => {
		e = await emulator({now: time.now, jobDelayMs: 4 * hour});
		glacier = client(e.url);
		e.createVault('v');
		archiveId = e.addArchive('v', {size, description: 'thesis.tar', creationDate: '2015-01-02T03:04:05.000Z'}).archiveId;
	});
	afterAll(async () => e.close());

	it('InitiateJob answers 202 with the job id and Location, the job stays InProgress for jobDelayMs, then Succeeds', async () => {
		const started = time.now();
		const out = await glacier.send(new InitiateJobCommand({accountId: '-', vaultName: 'v', jobParameters: {Type: 'archive-retrieval', ArchiveId: archiveId, Tier: 'Bulk', Description: 'my retrieval', SNSTopic: 'arn:aws:sns:us-east-1:123456789012:topic'}}));
		expect(out.$metadata.httpStatusCode).toBe(202);
		expect(out.jobId).toMatch(/^[\w-]{92}$/);
		expect(out.location).toBe(`/123456789012/vaults/v/jobs/${out.jobId}`);
		const pending = await glacier.send(new DescribeJobCommand({accountId: '-', vaultName: 'v', jobId: out.jobId}));
		expect(pending).toMatchObject({JobId: out.jobId, Action: 'ArchiveRetrieval', ArchiveId: archiveId, Completed: false, StatusCode: 'InProgress', Tier: 'Bulk', JobDescription: 'my retrieval', ArchiveSizeInBytes: size, RetrievalByteRange: `0-${size - 1}`, SNSTopic: 'arn:aws:sns:us-east-1:123456789012:topic', VaultARN: 'arn:aws:glacier:us-east-1:123456789012:vaults/v'});
		expect(pending.SHA256TreeHash).toBeUndefined(); // null while a whole-archive job is in progress
		expect(pending.CompletionDate).toBeUndefined();
		expect(pending.ArchiveSHA256TreeHash).toBe(await e.archiveTreeHash('v', archiveId));
		await expect(glacier.send(new GetJobOutputCommand({accountId: '-', vaultName: 'v', jobId: out.jobId}))).rejects.toMatchObject({name: 'InvalidParameterValueException', $metadata: {httpStatusCode: 400}});

		time.advance(4 * hour);
		const done = await glacier.send(new DescribeJobCommand({accountId: '-', vaultName: 'v', jobId: out.jobId}));
		expect(done).toMatchObject({Completed: true, StatusCode: 'Succeeded', StatusMessage: 'Succeeded', CreationDate: new Date(started).toISOString(), CompletionDate: new Date(started + (4 * hour)).toISOString()});
		expect(done.SHA256TreeHash).toBe(done.ArchiveSHA256TreeHash);
		expect(done.InventorySizeInBytes).toBeUndefined();

		// 24 hours after completion the job is gone: 404 for DescribeJob and GetJobOutput, and ListJobs no longer shows it.
		time.advance(24 * hour);
		expect((await glacier.send(new DescribeJobCommand({accountId: '-', vaultName: 'v', jobId: out.jobId}))).JobId).toBe(out.jobId);
		time.advance(1000);
		await expect(glacier.send(new DescribeJobCommand({accountId: '-', vaultName: 'v', jobId: out.jobId}))).rejects.toMatchObject({name: 'ResourceNotFoundException', $metadata: {httpStatusCode: 404}});
		await expect(glacier.send(new GetJobOutputCommand({accountId: '-', vaultName: 'v', jobId: out.jobId}))).rejects.toMatchObject({name: 'ResourceNotFoundException'});
		const list = await glacier.send(new ListJobsCommand({accountId: '-', vaultName: 'v'}));
		expect(list.JobList!.map(j => j.JobId)).not.toContain(out.jobId);
	});

	it('describes ranged retrievals: SHA256TreeHash of the range when tree-hash aligned, null when not', async () => {
		const big = e.addArchive('v', {size: 10 * MiB, description: 'big'}).archiveId;
		const aligned = await e.addJob('v', {type: 'archive-retrieval', archiveId: big, range: `${4 * MiB}-${(8 * MiB) - 1}`});
		const unaligned = await e.addJob('v', {type: 'archive-retrieval', archiveId: big, range: `${MiB}-${(4 * MiB) - 1}`});
		const a = await glacier.send(new DescribeJobCommand({accountId: '-', vaultName: 'v', jobId: aligned}));
		expect(a.RetrievalByteRange).toBe(`${4 * MiB}-${(8 * MiB) - 1}`);
		expect(a.SHA256TreeHash).toBe(treeHash(e.archiveBytes('v', big, 4 * MiB, (8 * MiB) - 1)));
		expect(a.ArchiveSHA256TreeHash).toBe(treeHash(e.archiveBytes('v', big, 0, (10 * MiB) - 1)));
		const u = await glacier.send(new DescribeJobCommand({accountId: '-', vaultName: 'v', jobId: unaligned}));
		expect(u.RetrievalByteRange).toBe(`${MiB}-${(4 * MiB) - 1}`);
		expect(u.SHA256TreeHash).toBeUndefined();
	});

	it('rejects what Glacier rejects at InitiateJob', async () => {
		const initiate = async (jobParameters: Record<string, unknown>) => glacier.send(new InitiateJobCommand({accountId: '-', vaultName: 'v', jobParameters}));
		await expect(initiate({Type: 'archive-retrieval', ArchiveId: archiveId, RetrievalByteRange: `1-${MiB}`})).rejects.toMatchObject({name: 'InvalidParameterValueException', message: expect.stringContaining('megabyte aligned') as unknown});
		await expect(initiate({Type: 'archive-retrieval', ArchiveId: archiveId, RetrievalByteRange: `0-${MiB}`})).rejects.toMatchObject({name: 'InvalidParameterValueException'});
		await expect(initiate({Type: 'archive-retrieval', ArchiveId: archiveId, RetrievalByteRange: `0-${size}`})).rejects.toMatchObject({name: 'InvalidParameterValueException'});
		await expect(initiate({Type: 'archive-retrieval', ArchiveId: archiveId, Tier: 'Fast'})).rejects.toMatchObject({name: 'InvalidParameterValueException'});
		await expect(initiate({Type: 'inventory-retrieval', Format: 'XML'})).rejects.toMatchObject({name: 'InvalidParameterValueException'});
		await expect(initiate({Type: 'archive-retrieval'})).rejects.toMatchObject({name: 'MissingParameterValueException'});
		await expect(initiate({Type: 'archive-retrieval', ArchiveId: 'x'.repeat(138)})).rejects.toMatchObject({name: 'ResourceNotFoundException'});
		const ok = await initiate({Type: 'archive-retrieval', ArchiveId: archiveId, RetrievalByteRange: `${MiB}-${size - 1}`});
		expect(ok.$metadata.httpStatusCode).toBe(202);
	});

	it('describes an inventory job and a failed job', async () => {
		const inventory = await e.addJob('v', {type: 'inventory-retrieval', format: 'CSV', description: 'inv'});
		const job = await glacier.send(new DescribeJobCommand({accountId: '-', vaultName: 'v', jobId: inventory}));
		expect(job).toMatchObject({Action: 'InventoryRetrieval', StatusCode: 'Succeeded', Completed: true, InventoryRetrievalParameters: {Format: 'CSV'}, Tier: 'Standard'});
		expect(job.InventorySizeInBytes).toBeGreaterThan(100);
		expect(job.ArchiveId).toBeUndefined();
		expect(job.SHA256TreeHash).toBeUndefined();
		const failed = await e.addJob('v', {type: 'archive-retrieval', archiveId, status: 'Failed', statusMessage: 'it broke'});
		const f = await glacier.send(new DescribeJobCommand({accountId: '-', vaultName: 'v', jobId: failed}));
		expect(f).toMatchObject({StatusCode: 'Failed', Completed: true, StatusMessage: 'it broke'});
		await expect(glacier.send(new GetJobOutputCommand({accountId: '-', vaultName: 'v', jobId: failed}))).rejects.toMatchObject({name: 'InvalidParameterValueException'});
	});

	it('answers requests without x-amz-glacier-version, or unsigned, with Glacier error bodies', async () => {
		const noVersion = await raw(e.url, '/-/vaults', {headers: {Authorization: glacierHeaders.Authorization}});
		expect(noVersion.status).toBe(400);
		expect(JSON.parse(noVersion.body.toString())).toMatchObject({code: 'MissingParameterValueException', type: 'Client'});
		expect(noVersion.headers['x-amzn-errortype']).toBe('MissingParameterValueException');
		const unsigned = await raw(e.url, '/-/vaults', {headers: {'x-amz-glacier-version': '2012-06-01'}});
		expect(unsigned.status).toBe(403);
		const ok = await raw(e.url, '/-/vaults', {headers: glacierHeaders});
		expect(ok.status).toBe(200);
		expect(JSON.parse(ok.body.toString())).toHaveProperty('VaultList');
		const otherAccount = await raw(e.url, '/999999999999/vaults', {headers: glacierHeaders});
		expect(otherAccount.status).toBe(403);
		expect(e.requests.at(-1)).toMatchObject({op: 'ListVaults', method: 'GET', path: '/999999999999/vaults', status: 403});
	});
});
