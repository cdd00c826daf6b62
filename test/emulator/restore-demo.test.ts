import {GetJobOutputCommand, InitiateJobCommand, DescribeJobCommand, paginateListJobs} from '@aws-sdk/client-glacier';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {demoTierDelayMs, type Emulator} from '../../source/emulator/index.js';
import {decodeDescription} from '../../source/inventory/decoders.js';
import {bodyBytes, client, emulator, MiB} from './helpers.js';

type Row = {ArchiveId: string; ArchiveDescription: string; CreationDate: string; Size: number; SHA256TreeHash: string};

describe('the restore-demo vault', () => {
	let e: Emulator;
	let glacier: ReturnType<typeof client>;
	let rows: Row[];

	beforeAll(async () => {
		e = await emulator({demo: true, warmUp: false});
		glacier = client(e.url);
		const jobs = [];
		for await (const page of paginateListJobs({client: glacier}, {accountId: '-', vaultName: 'restore-demo'})) jobs.push(...page.JobList!);
		expect(jobs).toHaveLength(1);
		let job = jobs[0];
		for (let i = 0; i < 800 && job.StatusCode !== 'Succeeded'; i++) {
			await new Promise(resolve => setTimeout(resolve, 25));
			job = await glacier.send(new DescribeJobCommand({accountId: '-', vaultName: 'restore-demo', jobId: job.JobId}));
		}

		expect(job).toMatchObject({Action: 'InventoryRetrieval', StatusCode: 'Succeeded', InventoryRetrievalParameters: {Format: 'JSON'}});
		const out = await glacier.send(new GetJobOutputCommand({accountId: '-', vaultName: 'restore-demo', jobId: job.JobId}));
		rows = (JSON.parse((await bodyBytes(out.body)).toString()) as {ArchiveList: Row[]}).ArchiveList;
	});
	afterAll(async () => e.close());

	it('has a few thousand small archives, all in its succeeded inventory, with 0-, 1-byte and one > 32 MiB', () => {
		const summary = e.summary().find(v => v.vault === 'restore-demo')!;
		expect(summary.archives).toBeGreaterThan(3000);
		expect(summary.archives).toBeLessThan(5000);
		expect(summary.note).toMatch(/restore whole/);
		expect(rows).toHaveLength(summary.archives);
		const sizes = rows.map(r => r.Size);
		expect(sizes.filter(s => s === 0).length).toBeGreaterThan(0);
		expect(sizes.filter(s => s === 1).length).toBeGreaterThan(0);
		expect(sizes.filter(s => s > 32 * MiB)).toHaveLength(1);
		const small = sizes.filter(s => s > 1 && s <= 32 * MiB);
		expect(Math.max(...small)).toBeLessThanOrEqual(10 * 1024);
		expect(rows.every(r => /^[\da-f]{64}$/.test(r.SHA256TreeHash))).toBe(true);
	});

	it('holds every kind of description thaw decodes, non-ASCII names, versions and hostile names', () => {
		const decoded = rows.map(r => ({row: r, decoded: decodeDescription(r.ArchiveDescription)}));
		const tools = new Set(decoded.map(d => d.decoded?.tool ?? 'plain'));
		expect(tools).toEqual(new Set(['mt-aws-glacier', 'fastglacier', 'cloudberry', 'qnap', 'plain']));
		const descriptions = rows.map(r => r.ArchiveDescription);
		for (const prefix of ['mt2 ', 'mt1 ', '<m><v>4</v>', '<m><v>2</v>', '{"Path":', '{"path":']) expect(descriptions.some(d => d.startsWith(prefix)), prefix).toBe(true);
		// AWS only stores printable ASCII descriptions: non-ASCII names are inside the encodings.
		expect(descriptions.every(d => /^[\x20-\x7E]*$/.test(d))).toBe(true);
		const paths = decoded.map(d => d.decoded?.path ?? d.row.ArchiveDescription);
		// eslint-disable-next-line no-control-regex -- any character beyond ASCII: the range starts at U+0000 on purpose
		expect(paths.some(p => /[^\x00-\x7F]/.test(p))).toBe(true);
		expect(paths.some(p => /[\u3040-\u30FF\u4E00-\u9FFF]/.test(p))).toBe(true);
		// Versions: the same path more than once, with different dates.
		const byPath = new Map<string, number[]>();
		for (const d of decoded) {
			const path = d.decoded?.path ?? d.row.ArchiveDescription;
			byPath.set(path, [...(byPath.get(path) ?? []), d.decoded?.mtime ?? Date.parse(d.row.CreationDate)]);
		}

		const versions = [...byPath.values()].filter(dates => dates.length > 1);
		expect(versions.length).toBeGreaterThan(50);
		expect(versions.every(dates => new Set(dates).size === dates.length)).toBe(true);
		// Hostile names.
		expect(paths.some(p => p.startsWith('../'))).toBe(true);
		expect(paths.some(p => p.startsWith('/'))).toBe(true);
		expect(paths.some(p => /^[A-Za-z]:[\\/]/.test(p) || p.includes('C:\\'))).toBe(true);
		// eslint-disable-next-line no-control-regex
		expect(paths.some(p => /[\u0000-\u001F]/.test(p))).toBe(true);
		expect(paths.some(p => p.split('/').some(segment => Buffer.byteLength(segment) > 255))).toBe(true);
		expect(paths).toContain('Case/Readme.TXT');
		expect(paths).toContain('case/readme.txt');
	});

	it('is deterministic: the same archive ids and hashes on every start', async () => {
		const second = await emulator({demo: true, warmUp: false});
		try {
			const other = client(second.url);
			const jobs = [];
			for await (const page of paginateListJobs({client: other}, {accountId: '-', vaultName: 'restore-demo'})) jobs.push(...page.JobList!);
			expect(jobs[0].JobId).toBe((await glacier.send(new DescribeJobCommand({accountId: '-', vaultName: 'restore-demo', jobId: jobs[0].JobId}))).JobId);
			expect(await second.archiveTreeHash('restore-demo', rows[7].ArchiveId)).toBe(rows[7].SHA256TreeHash);
			expect(second.archiveBytes('restore-demo', rows[7].ArchiveId, 0, rows[7].Size - 1).equals(e.archiveBytes('restore-demo', rows[7].ArchiveId, 0, rows[7].Size - 1))).toBe(true);
		} finally {
			await second.close();
		}
	});

	it('retrieves on the demo\'s compressed Glacier times (Bulk 1 min), so a whole restore takes about a minute', async () => {
		// The clock runs at real speed, so the other demo jobs keep their 24-hour windows.
		expect(e.timeScale).toBe(1);
		expect(e.tierDelayMs).toEqual(demoTierDelayMs);
		expect(demoTierDelayMs).toEqual({Expedited: 375, Standard: 30_000, Bulk: 60_000});
		const big = rows.find(r => r.Size > 32 * MiB)!;
		const {jobId} = await glacier.send(new InitiateJobCommand({accountId: '-', vaultName: 'restore-demo', jobParameters: {Type: 'archive-retrieval', ArchiveId: big.ArchiveId, Tier: 'Bulk', Description: 'thaw-restore 0123456789abcdef 3026'}}));
		expect((await glacier.send(new DescribeJobCommand({accountId: '-', vaultName: 'restore-demo', jobId}))).StatusCode).toBe('InProgress');
		e.advance(60_000);
		let job = await glacier.send(new DescribeJobCommand({accountId: '-', vaultName: 'restore-demo', jobId}));
		for (let i = 0; i < 800 && job.StatusCode !== 'Succeeded'; i++) {
			await new Promise(resolve => setTimeout(resolve, 25));
			job = await glacier.send(new DescribeJobCommand({accountId: '-', vaultName: 'restore-demo', jobId}));
		}

		expect(job).toMatchObject({StatusCode: 'Succeeded', SHA256TreeHash: big.SHA256TreeHash, JobDescription: 'thaw-restore 0123456789abcdef 3026'});
		expect(e.initiations('restore-demo', big.ArchiveId)).toBe(1);
	});
});
