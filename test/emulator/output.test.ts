import {DescribeJobCommand, GetJobOutputCommand} from '@aws-sdk/client-glacier';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Emulator} from '../../source/emulator/index.js';
import {combineTreeHashes, treeHash} from '../../source/engine/tree-hash.js';
import {bodyBytes, client, difference, emulator, MiB} from './helpers.js';

describe('GetJobOutput', () => {
	let e: Emulator;
	let glacier: ReturnType<typeof client>;
	const size = (3 * MiB) + 1234;
	let archiveId: string;
	let whole: string;
	let content: Buffer;

	beforeAll(async () => {
		e = await emulator();
		glacier = client(e.url);
		e.createVault('v');
		archiveId = e.addArchive('v', {size, description: 'projects/thesis,final "v2".tar', seed: 'output-test'}).archiveId;
		whole = await e.addJob('v', {type: 'archive-retrieval', archiveId});
		content = e.archiveBytes('v', archiveId, 0, size - 1);
	});
	afterAll(async () => e.close());

	const get = async (jobId: string, range?: string) => {
		const out = await glacier.send(new GetJobOutputCommand({accountId: '-', vaultName: 'v', jobId, range}));
		return {out, bytes: await bodyBytes(out.body)};
	};

	it('sends the whole output with 200 and the tree hash DescribeJob reports', async () => {
		const {out, bytes} = await get(whole);
		expect(out.status).toBe(200);
		expect(out.contentType).toBe('application/octet-stream');
		expect(out.acceptRanges).toBe('bytes');
		expect(out.contentRange).toBeUndefined();
		expect(out.archiveDescription).toBe('projects/thesis,final "v2".tar');
		expect(bytes.length).toBe(size);
		expect(difference(bytes, content)).toBe('');
		expect(out.checksum).toBe(treeHash(bytes));
		const job = await glacier.send(new DescribeJobCommand({accountId: '-', vaultName: 'v', jobId: whole}));
		expect(out.checksum).toBe(job.SHA256TreeHash);
		expect(out.checksum).toBe(await e.archiveTreeHash('v', archiveId));
		expect(e.requests.at(-2)).toMatchObject({op: 'GetJobOutput', status: 200});
	});

	it('sends an aligned 1 MiB range with 206, Content-Range and its tree hash', async () => {
		const {out, bytes} = await get(whole, `bytes=${MiB}-${(2 * MiB) - 1}`);
		expect(out.status).toBe(206);
		expect(out.contentRange).toBe(`bytes ${MiB}-${(2 * MiB) - 1}/${size}`);
		expect(difference(bytes, content.subarray(MiB, 2 * MiB))).toBe('');
		expect(out.checksum).toBe(treeHash(bytes));
	});

	it('sends checksums for power-of-two chunks that combine into the whole tree hash', async () => {
		const chunk = 2 * MiB;
		const hashes: string[] = [];
		for (let start = 0; start < size; start += chunk) {
			const end = Math.min(size, start + chunk) - 1;
			const {out, bytes} = await get(whole, `bytes=${start}-${end}`);
			expect(bytes.length).toBe(end - start + 1);
			expect(out.checksum).toBe(treeHash(bytes));
			hashes.push(out.checksum!);
		}

		expect(combineTreeHashes(hashes).toString('hex')).toBe(await e.archiveTreeHash('v', archiveId));
	});

	it('sends no checksum for unaligned ranges', async () => {
		for (const range of [`bytes=100-${MiB + 99}`, `bytes=${MiB}-${(3 * MiB) - 1}`, `bytes=${MiB}-${size - 1}`, 'bytes=0-99']) {
			const {out, bytes} = await get(whole, range);
			expect(out.status).toBe(206);
			expect(out.checksum, range).toBeUndefined();
			const [, a, b] = /=(\d+)-(\d+)/.exec(range)!;
			expect(difference(bytes, content.subarray(Number(a), Number(b) + 1))).toBe('');
		}
	});

	it('sends the tail as a checksummed range when it is tree-hash aligned', async () => {
		const {out, bytes} = await get(whole, `bytes=${2 * MiB}-${size - 1}`);
		expect(out.contentRange).toBe(`bytes ${2 * MiB}-${size - 1}/${size}`);
		expect(out.checksum).toBe(treeHash(bytes));
	});

	it('answers a range starting beyond the data with 400, and ignores a malformed one', async () => {
		await expect(get(whole, `bytes=${size}-${size + 10}`)).rejects.toMatchObject({name: 'InvalidParameterValueException', $metadata: {httpStatusCode: 400}});
		const {out, bytes} = await get(whole, `bytes 0-99/${size}`);
		expect(out.status).toBe(200);
		expect(bytes.length).toBe(size);
	});

	it('serves ranged retrieval jobs in output coordinates, with checksums only when the retrieval is aligned', async () => {
		const bigId = e.addArchive('v', {size: (12 * MiB) + 5, description: 'big', seed: 'ranged'}).archiveId;
		const aligned = await e.addJob('v', {type: 'archive-retrieval', archiveId: bigId, range: `0-${(8 * MiB) - 1}`});
		const unaligned = await e.addJob('v', {type: 'archive-retrieval', archiveId: bigId, range: `${MiB}-${(4 * MiB) - 1}`});
		const a = await get(aligned);
		expect(a.out.status).toBe(200);
		expect(a.bytes.length).toBe(8 * MiB);
		expect(difference(a.bytes, e.archiveBytes('v', bigId, 0, (8 * MiB) - 1))).toBe('');
		expect(a.out.checksum).toBe(treeHash(a.bytes));
		const describe = await glacier.send(new DescribeJobCommand({accountId: '-', vaultName: 'v', jobId: aligned}));
		expect(describe.SHA256TreeHash).toBe(a.out.checksum);
		const part = await get(aligned, `bytes=${4 * MiB}-${(8 * MiB) - 1}`);
		expect(part.out.contentRange).toBe(`bytes ${4 * MiB}-${(8 * MiB) - 1}/${8 * MiB}`);
		expect(part.out.checksum).toBe(treeHash(e.archiveBytes('v', bigId, 4 * MiB, (8 * MiB) - 1)));

		const u = await get(unaligned);
		expect(u.bytes.length).toBe(3 * MiB);
		expect(difference(u.bytes, e.archiveBytes('v', bigId, MiB, (4 * MiB) - 1))).toBe('');
		expect(u.out.checksum).toBeUndefined();
		const uPart = await get(unaligned, `bytes=0-${MiB - 1}`);
		expect(difference(uPart.bytes, e.archiveBytes('v', bigId, MiB, (2 * MiB) - 1))).toBe('');
		expect(uPart.out.checksum).toBeUndefined(); // the retrieved range is not aligned in archive coordinates

		const tail = await e.addJob('v', {type: 'archive-retrieval', archiveId: bigId, range: `${8 * MiB}-${(12 * MiB) + 4}`});
		const t = await get(tail);
		expect(t.bytes.length).toBe((4 * MiB) + 5);
		expect(t.out.checksum).toBe(treeHash(t.bytes)); // 4 MiB + 5 bytes to the end at 8 MiB: a node of the tree (P = 8 MiB)
		const notNode = await e.addJob('v', {type: 'archive-retrieval', archiveId: bigId, range: `${4 * MiB}-${(12 * MiB) + 4}`});
		const n = await get(notNode);
		expect(n.bytes.length).toBe((8 * MiB) + 5);
		expect(n.out.checksum).toBeUndefined(); // 8 MiB + 5 bytes at 4 MiB: P = 16 MiB, 4 MiB is not a multiple
	});
});

describe('inventory output', () => {
	let e: Emulator;
	let glacier: ReturnType<typeof client>;
	const tricky = ['my archive description,1', 'my archive description,1"2', 'my archive description,1\\"2', 'ends with a comma, and a backslash\\', 'C:\\plain\\path\\', 'mt2 eyJmaWxlbmFtZSI6ImEifQ', ''];

	beforeAll(async () => {
		e = await emulator();
		glacier = client(e.url);
		e.createVault('inv');
		for (const [i, description] of tricky.entries()) e.addArchive('inv', {size: 1000 + i, description, creationDate: `2014-0${i + 1}-02T03:04:05.000Z`});
	});
	afterAll(async () => e.close());

	it('writes JSON exactly as the AWS page shows, matching the vault', async () => {
		const jobId = await e.addJob('inv', {type: 'inventory-retrieval'});
		const out = await glacier.send(new GetJobOutputCommand({accountId: '-', vaultName: 'inv', jobId}));
		expect(out.contentType).toBe('application/json');
		expect(out.checksum).toBeUndefined();
		const text = (await bodyBytes(out.body)).toString('utf8');
		const inventory = JSON.parse(text) as {VaultARN: string; InventoryDate: string; ArchiveList: Array<Record<string, unknown>>};
		expect(Object.keys(inventory)).toEqual(['VaultARN', 'InventoryDate', 'ArchiveList']);
		expect(inventory.VaultARN).toBe('arn:aws:glacier:us-east-1:123456789012:vaults/inv');
		expect(inventory.InventoryDate).toBe('2014-07-02T03:04:05Z');
		expect(inventory.ArchiveList.map(a => a.ArchiveDescription)).toEqual(tricky);
		const first = inventory.ArchiveList[0];
		expect(Object.keys(first)).toEqual(['ArchiveId', 'ArchiveDescription', 'CreationDate', 'Size', 'SHA256TreeHash']);
		expect(first).toMatchObject({CreationDate: '2014-01-02T03:04:05Z', Size: 1000});
		expect(first.ArchiveId).toMatch(/^[\w-]{138}$/);
		expect(first.SHA256TreeHash).toBe(treeHash(e.archiveBytes('inv', first.ArchiveId as string, 0, 999)));
		const job = await glacier.send(new DescribeJobCommand({accountId: '-', vaultName: 'inv', jobId}));
		expect(job.InventorySizeInBytes).toBe(Buffer.byteLength(text));
		const ranged = await glacier.send(new GetJobOutputCommand({accountId: '-', vaultName: 'inv', jobId, range: 'bytes=0-9'}));
		expect((await bodyBytes(ranged.body)).toString()).toBe(text.slice(0, 10));
		expect(ranged.contentRange).toBe(`bytes 0-9/${Buffer.byteLength(text)}`);
	});

	it('writes CSV with Glacier\'s escaping, exactly as GLACIER.md and the AWS page show', async () => {
		const jobId = await e.addJob('inv', {type: 'inventory-retrieval', format: 'CSV'});
		const out = await glacier.send(new GetJobOutputCommand({accountId: '-', vaultName: 'inv', jobId}));
		expect(out.contentType).toBe('text/csv');
		const lines = (await bodyBytes(out.body)).toString('utf8').split('\n');
		expect(lines[0]).toBe('ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash');
		expect(lines.at(-1)).toBe('');
		const descriptions = lines.slice(1, -1).map(line => line.slice(line.indexOf(',') + 1, line.split(',').slice(0, -3).join(',').length));
		expect(descriptions).toEqual([
			'"my archive description,1"',
			'"my archive description,1\\"2"',
			'"my archive description,1\\\\"2"',
			'"ends with a comma, and a backslash\\"',
			'C:\\plain\\path\\',
			'mt2 eyJmaWxlbmFtZSI6ImEifQ',
			'',
		]);
		expect(lines[1]).toMatch(/^[\w-]{138},"my archive description,1",2014-01-02T03:04:05Z,1000,[\da-f]{64}$/);
	});
});
