import {DescribeJobCommand, GetJobOutputCommand, ListJobsCommand, ListVaultsCommand, paginateListJobs, paginateListVaults} from '@aws-sdk/client-glacier';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Emulator} from '../../source/emulator/index.js';
import {treeHash} from '../../source/engine/tree-hash.js';
import {bodyBytes, client, clock, emulator, MiB} from './helpers.js';

const minute = 60 * 1000;

describe('demo data', () => {
	const time = clock();
	let e: Emulator;
	let glacier: ReturnType<typeof client>;

	beforeAll(async () => {
		// No warm-up and no disk cache: only what a request needs gets hashed (the 10 GiB archive never is here).
		e = await emulator({demo: true, warmUp: false, now: time.now});
		glacier = client(e.url);
	});
	afterAll(async () => e.close());

	const jobs = async (vaultName: string) => {
		const all = [];
		for await (const page of paginateListJobs({client: glacier}, {accountId: '-', vaultName})) all.push(...page.JobList!);
		return all;
	};

	/** The jobs once every one the clock has completed shows its final status (their hashes are computed in the background). */
	const settled = async (vaultName: string) => {
		for (let i = 0; i < 1200; i++) {
			const list = await jobs(vaultName);
			if (list.every(j => j.StatusCode !== 'InProgress' || /in ?progress/i.test(j.JobDescription ?? ''))) return list;
			await new Promise(resolve => setTimeout(resolve, 25));
		}

		throw new Error(`the jobs of ${vaultName} never settled`);
	};

	it('has thirteen vaults over two ListVaults pages', async () => {
		const first = await glacier.send(new ListVaultsCommand({accountId: '-'}));
		expect(first.VaultList).toHaveLength(10);
		expect(first.Marker).toBeTruthy();
		const names: string[] = [];
		for await (const page of paginateListVaults({client: glacier}, {accountId: '-'})) names.push(...page.VaultList!.map(v => v.VaultName!));
		expect(names).toHaveLength(13);
		expect(names).toEqual(expect.arrayContaining(['empty-vault', 'photos-2014', 'backups-mixed', 'video-archive-2016', 'restore-demo']));
		const summary = Object.fromEntries(e.summary().map(v => [v.vault, v]));
		expect(summary['empty-vault'].archives).toBe(0);
		expect(summary['photos-2014'].archives).toBeGreaterThan(2000);
	});

	it('never dates a job in the future: created before now, completed after created', async () => {
		const names = e.summary().map(v => v.vault);
		for (const name of names) {
			for (const job of await jobs(name)) {
				const created = Date.parse(job.CreationDate!);
				expect(created, `${name}: ${job.JobDescription}`).toBeLessThanOrEqual(time.now());
				if (job.CompletionDate) expect(Date.parse(job.CompletionDate)).toBeGreaterThanOrEqual(created);
			}
		}
	});

	it('lists at once, before any hash is computed: a job whose hashes are not ready yet is InProgress, then Succeeds', async () => {
		// Nothing was hashed yet (no warm-up): the first ListJobs must not wait for the 300 MiB archive.
		const first = await jobs('backups-mixed');
		const big = first.find(j => j.JobDescription!.includes('whole archive of 300 MiB'))!;
		expect(big).toMatchObject({StatusCode: 'InProgress', Completed: false, ArchiveSizeInBytes: 300 * MiB});
		expect(big.SHA256TreeHash).toBeUndefined();
		expect(big.CompletionDate).toBeUndefined();
		const described = await glacier.send(new DescribeJobCommand({accountId: '-', vaultName: 'backups-mixed', jobId: big.JobId}));
		expect(described).toMatchObject({StatusCode: 'InProgress', Completed: false});
		const later = (await settled('backups-mixed')).find(j => j.JobId === big.JobId)!;
		expect(later).toMatchObject({StatusCode: 'Succeeded', Completed: true});
		expect(later.SHA256TreeHash).toMatch(/^[\da-f]{64}$/);
		expect(later.SHA256TreeHash).toBe(later.ArchiveSHA256TreeHash);
	});

	it('backups-mixed has jobs in every state, and they change with the clock', async () => {
		const list = await settled('backups-mixed');
		const by = (text: string) => list.find(j => j.JobDescription!.includes(text))!;
		expect(new Set(list.map(j => j.StatusCode))).toEqual(new Set(['Succeeded', 'InProgress', 'Failed']));
		expect(by('3 MiB + 1234').ArchiveSizeInBytes).toBe((3 * MiB) + 1234);
		expect(by('300 MiB').ArchiveSizeInBytes).toBe(300 * MiB);
		expect(by('first 8 MiB').SHA256TreeHash).toMatch(/^[\da-f]{64}$/);
		expect(by('not tree-hash aligned').SHA256TreeHash).toBeUndefined();
		expect(list.filter(j => j.Action === 'InventoryRetrieval').map(j => j.InventoryRetrievalParameters?.Format).sort()).toEqual(['CSV', 'JSON']);
		const expiring = by('expires about 2 minutes');
		const inProgress = by('InProgress');
		time.advance(3 * minute);
		const later = await jobs('backups-mixed');
		expect(later.map(j => j.JobId)).not.toContain(expiring.JobId);
		expect(later.find(j => j.JobId === inProgress.JobId)!.StatusCode).toBe('Succeeded');
		time.advance(-3 * minute);
	});

	it('backups-mixed inventory holds the tool descriptions, and the whole-archive job verifies', async () => {
		const list = await settled('backups-mixed');
		const inventoryJob = list.find(j => j.InventoryRetrievalParameters?.Format === 'JSON')!;
		const out = await glacier.send(new GetJobOutputCommand({accountId: '-', vaultName: 'backups-mixed', jobId: inventoryJob.JobId}));
		const inventory = JSON.parse((await bodyBytes(out.body)).toString()) as {ArchiveList: Array<{ArchiveDescription: string}>};
		const descriptions = inventory.ArchiveList.map(a => a.ArchiveDescription);
		expect(descriptions.some(d => d.startsWith('mt2 '))).toBe(true);
		expect(descriptions.some(d => d.startsWith('mt1 '))).toBe(true);
		expect(descriptions.some(d => d.startsWith('<m><v>4</v><p>'))).toBe(true);
		expect(descriptions.some(d => d.startsWith('{"Path":'))).toBe(true);
		expect(descriptions.some(d => d.startsWith('{"path":'))).toBe(true);
		expect(descriptions).toContain('my archive description,1\\"2');
		expect(descriptions.some(d => d.endsWith('\\'))).toBe(true);
		const fast = descriptions.find(d => d.startsWith('<m><v>4</v>'))!;
		expect(Buffer.from(/<p>(.*)<\/p>/.exec(fast)![1], 'base64').toString('utf8')).toBe('Fotos/Ähre 日本.jpg');

		const small = list.find(j => j.ArchiveSizeInBytes === (3 * MiB) + 1234 && j.StatusCode === 'Succeeded')!;
		const data = await glacier.send(new GetJobOutputCommand({accountId: '-', vaultName: 'backups-mixed', jobId: small.JobId}));
		const bytes = await bodyBytes(data.body);
		expect(treeHash(bytes)).toBe(small.SHA256TreeHash);
		expect(data.checksum).toBe(small.SHA256TreeHash);
	});

	it('photos-2014 has more than 50 jobs, so ListJobs pages', async () => {
		const first = await glacier.send(new ListJobsCommand({accountId: '-', vaultName: 'photos-2014'}));
		expect(first.JobList).toHaveLength(50);
		expect(first.Marker).toBeTruthy();
		expect((await jobs('photos-2014')).length).toBeGreaterThan(50);
	});

	it('is deterministic: same ids and tree hashes in a second emulator', async () => {
		const second = await emulator({demo: true, warmUp: false, now: time.now});
		try {
			const other = client(second.url);
			const a = (await settled('backups-mixed'))[0];
			let b = await other.send(new DescribeJobCommand({accountId: '-', vaultName: 'backups-mixed', jobId: a.JobId}));
			for (let i = 0; i < 400 && b.StatusCode === 'InProgress'; i++) {
				await new Promise(resolve => setTimeout(resolve, 25));
				b = await other.send(new DescribeJobCommand({accountId: '-', vaultName: 'backups-mixed', jobId: a.JobId}));
			}

			expect(b.ArchiveId).toBe(a.ArchiveId);
			expect(b.SHA256TreeHash).toBe(a.SHA256TreeHash);
		} finally {
			await second.close();
		}
	});
});
