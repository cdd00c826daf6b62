import {DeleteArchiveCommand, DeleteVaultCommand, DescribeJobCommand, DescribeVaultCommand, GetJobOutputCommand, InitiateJobCommand, ListVaultsCommand} from '@aws-sdk/client-glacier';
import {afterEach, describe, expect, it} from 'vitest';
import type {Emulator} from '../../source/emulator/index.js';
import {bodyBytes, client, clock, emulator} from './helpers.js';

const minute = 60 * 1000;
const hour = 60 * minute;

describe('DeleteArchive and DeleteVault as Glacier does them', () => {
	let e: Emulator | undefined;
	afterEach(async () => e?.close());

	const setUp = async (archives = 3) => {
		const time = clock();
		e = await emulator({now: time.now});
		e.createVault('v');
		const ids = Array.from({length: archives}, (_, i) => e!.addArchive('v', {size: 1000 + i, description: `file-${i}`, seed: `delete:${i}`}).archiveId);
		return {time, e, glacier: client(e.url), ids};
	};

	const inventory = async (glacier: ReturnType<typeof client>) => {
		const {jobId} = await glacier.send(new InitiateJobCommand({accountId: '-', vaultName: 'v', jobParameters: {Type: 'inventory-retrieval'}}));
		const out = await glacier.send(new GetJobOutputCommand({accountId: '-', vaultName: 'v', jobId}));
		return JSON.parse((await bodyBytes(out.body)).toString()) as {InventoryDate: string; ArchiveList: Array<{ArchiveId: string}>};
	};

	it('DeleteArchive answers 204, again 204 for an archive already deleted (idempotent), 404 for an id that never existed or a missing vault', async () => {
		const {glacier, ids} = await setUp();
		const first = await glacier.send(new DeleteArchiveCommand({accountId: '-', vaultName: 'v', archiveId: ids[0]}));
		expect(first.$metadata.httpStatusCode).toBe(204);
		const again = await glacier.send(new DeleteArchiveCommand({accountId: '-', vaultName: 'v', archiveId: ids[0]}));
		expect(again.$metadata.httpStatusCode).toBe(204);
		await expect(glacier.send(new DeleteArchiveCommand({accountId: '-', vaultName: 'v', archiveId: 'never-existed'}))).rejects.toMatchObject({name: 'ResourceNotFoundException', $metadata: {httpStatusCode: 404}});
		await expect(glacier.send(new DeleteArchiveCommand({accountId: '-', vaultName: 'nope', archiveId: ids[1]}))).rejects.toMatchObject({name: 'ResourceNotFoundException'});
		// A deleted archive can no longer be retrieved.
		await expect(glacier.send(new InitiateJobCommand({accountId: '-', vaultName: 'v', jobParameters: {Type: 'archive-retrieval', ArchiveId: ids[0]}}))).rejects.toMatchObject({name: 'ResourceNotFoundException'});
	});

	it('a retrieval in progress when its archive is deleted fails; a finished one can still be downloaded', async () => {
		const {time, e, glacier, ids} = await setUp();
		const done = await e.addJob('v', {type: 'archive-retrieval', archiveId: ids[1]});
		const running = await e.addJob('v', {type: 'archive-retrieval', archiveId: ids[1], status: 'InProgress', completedAt: new Date(time.now() + hour).toISOString()});
		await glacier.send(new DeleteArchiveCommand({accountId: '-', vaultName: 'v', archiveId: ids[1]}));
		expect(await glacier.send(new DescribeJobCommand({accountId: '-', vaultName: 'v', jobId: running}))).toMatchObject({StatusCode: 'Failed', Completed: true});
		const out = await glacier.send(new GetJobOutputCommand({accountId: '-', vaultName: 'v', jobId: done}));
		expect((await bodyBytes(out.body)).length).toBe(1001);
	});

	it('DescribeVault and inventories show the vault as of its last inventory, taken a day after the first write', async () => {
		const {time, glacier, ids} = await setUp();
		const before = await glacier.send(new DescribeVaultCommand({accountId: '-', vaultName: 'v'}));
		expect(before.NumberOfArchives).toBe(3);
		await glacier.send(new DeleteArchiveCommand({accountId: '-', vaultName: 'v', archiveId: ids[0]}));
		const deletedAt = time.now();
		time.advance(12 * hour);
		await glacier.send(new DeleteArchiveCommand({accountId: '-', vaultName: 'v', archiveId: ids[1]}));
		// Still as before: no inventory since.
		expect(await glacier.send(new DescribeVaultCommand({accountId: '-', vaultName: 'v'}))).toMatchObject({NumberOfArchives: 3, SizeInBytes: 3003, LastInventoryDate: before.LastInventoryDate});
		expect((await inventory(glacier)).ArchiveList).toHaveLength(3);
		time.advance(12 * hour);
		const after = await glacier.send(new DescribeVaultCommand({accountId: '-', vaultName: 'v'}));
		expect(after).toMatchObject({NumberOfArchives: 1, SizeInBytes: 1002});
		expect(Date.parse(after.LastInventoryDate!)).toBe(deletedAt + (24 * hour));
		const listed = await inventory(glacier);
		expect(listed.ArchiveList.map(a => a.ArchiveId)).toEqual([ids[2]]);
		expect(Date.parse(listed.InventoryDate)).toBe(Math.floor((deletedAt + (24 * hour)) / 1000) * 1000);
	});

	it('DeleteVault: 400 "Vault not empty or recently written to" until an inventory after the last write shows it empty; then 204 and the vault is gone', async () => {
		const {time, e, glacier, ids} = await setUp();
		const arn = `arn:aws:glacier:us-east-1:${e.accountId}:vaults/v`;
		const refused = {name: 'InvalidParameterValueException', message: `Vault not empty or recently written to: ${arn}`, $metadata: {httpStatusCode: 400}};
		await expect(glacier.send(new DeleteVaultCommand({accountId: '-', vaultName: 'v'}))).rejects.toMatchObject(refused);
		for (const archiveId of ids) await glacier.send(new DeleteArchiveCommand({accountId: '-', vaultName: 'v', archiveId}));
		// Empty now, but written to since the last inventory.
		await expect(glacier.send(new DeleteVaultCommand({accountId: '-', vaultName: 'v'}))).rejects.toMatchObject(refused);
		time.advance((24 * hour) - 1);
		await expect(glacier.send(new DeleteVaultCommand({accountId: '-', vaultName: 'v'}))).rejects.toMatchObject(refused);
		time.advance(1);
		expect((await glacier.send(new DescribeVaultCommand({accountId: '-', vaultName: 'v'}))).NumberOfArchives).toBe(0);
		const deleted = await glacier.send(new DeleteVaultCommand({accountId: '-', vaultName: 'v'}));
		expect(deleted.$metadata.httpStatusCode).toBe(204);
		expect((await glacier.send(new ListVaultsCommand({accountId: '-'}))).VaultList).toEqual([]);
		await expect(glacier.send(new DescribeVaultCommand({accountId: '-', vaultName: 'v'}))).rejects.toMatchObject({name: 'ResourceNotFoundException'});
		await expect(glacier.send(new DeleteVaultCommand({accountId: '-', vaultName: 'v'}))).rejects.toMatchObject({name: 'ResourceNotFoundException'});
	});

	it('a vault that never held an archive can be deleted at once', async () => {
		const {e, glacier} = await setUp(0);
		e.createVault('fresh');
		expect((await glacier.send(new DeleteVaultCommand({accountId: '-', vaultName: 'fresh'}))).$metadata.httpStatusCode).toBe(204);
		expect(e.summary().map(v => v.vault)).toEqual(['v']);
	});

	it('a write after the inventory was due starts a new day: the vault waits for the next one', async () => {
		const {time, glacier, ids} = await setUp();
		await glacier.send(new DeleteArchiveCommand({accountId: '-', vaultName: 'v', archiveId: ids[0]}));
		await glacier.send(new DeleteArchiveCommand({accountId: '-', vaultName: 'v', archiveId: ids[1]}));
		time.advance(30 * hour);
		await glacier.send(new DeleteArchiveCommand({accountId: '-', vaultName: 'v', archiveId: ids[2]}));
		// The inventory due at +24 h saw one archive; the last delete came after it.
		expect((await glacier.send(new DescribeVaultCommand({accountId: '-', vaultName: 'v'}))).NumberOfArchives).toBe(1);
		await expect(glacier.send(new DeleteVaultCommand({accountId: '-', vaultName: 'v'}))).rejects.toMatchObject({name: 'InvalidParameterValueException'});
		time.advance(24 * hour);
		expect((await glacier.send(new DeleteVaultCommand({accountId: '-', vaultName: 'v'}))).$metadata.httpStatusCode).toBe(204);
	});

	it('under a time scale the daily inventory follows the emulated clock: DescribeVault and DeleteVault change only once it has run', async () => {
		// 86,400x: an emulated day is a real second.
		e = await emulator({timeScale: 86_400});
		e.createVault('v');
		const ids = [0, 1].map(i => e!.addArchive('v', {size: 100 + i, seed: `scaled:${i}`}).archiveId);
		const glacier = client(e.url);
		const firstDelete = e.now();
		for (const archiveId of ids) await glacier.send(new DeleteArchiveCommand({accountId: '-', vaultName: 'v', archiveId}));
		const deletedAt = e.now();
		const seen = await glacier.send(new DescribeVaultCommand({accountId: '-', vaultName: 'v'}));
		expect(seen.NumberOfArchives).toBe(2);
		await expect(glacier.send(new DeleteVaultCommand({accountId: '-', vaultName: 'v'}))).rejects.toMatchObject({name: 'InvalidParameterValueException'});
		// Poll (a real second or so) until the emulated day has passed: the inventory then shows the vault empty, dated after the deletes.
		let after = seen;
		const deadline = Date.now() + 10_000;
		while (after.NumberOfArchives !== 0 && Date.now() < deadline) {
			await new Promise(resolve => setTimeout(resolve, 50));
			after = await glacier.send(new DescribeVaultCommand({accountId: '-', vaultName: 'v'}));
		}

		expect(after.NumberOfArchives).toBe(0);
		// Taken a day after the first write since the last inventory (the second delete came before it, so it is in it).
		expect(Date.parse(after.LastInventoryDate!)).toBeGreaterThanOrEqual(firstDelete + (24 * hour));
		expect(Date.parse(after.LastInventoryDate!)).toBeGreaterThan(deletedAt);
		expect((await glacier.send(new DeleteVaultCommand({accountId: '-', vaultName: 'v'}))).$metadata.httpStatusCode).toBe(204);
	});
});
