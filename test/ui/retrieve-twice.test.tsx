import {afterEach, describe, expect, it} from 'vitest';
import {mt2} from '../../source/emulator/demo.js';
import {listJobs} from '../../source/glacier/api.js';
import {fitsIn, flat, keys, startHarness, type Harness} from './helpers.js';

let harness: Harness | undefined;
afterEach(async () => {
	await harness?.close();
	harness = undefined;
});

const paths = ['a/one.jpg', 'a/two.jpg', 'a/three.jpg', 'a/four.jpg'];

/** A vault of four archives, an inventory job listing them, and a retrieval of the fourth started earlier (another session). */
async function vault(): Promise<{h: Harness; ids: string[]}> {
	const ids: string[] = [];
	const h = await startHarness({
		initial: [{screen: 'vaults'}, {screen: 'jobs', vaultName: 'v'}],
		async setup(emulator) {
			emulator.createVault('v');
			for (const [i, path] of paths.entries()) ids.push(emulator.addArchive('v', {size: 1024 * (i + 1), description: mt2(path, '20200101T000000Z'), creationDate: `2020-01-0${i + 1}T00:00:00Z`}).archiveId);
			await emulator.addJob('v', {type: 'inventory-retrieval', format: 'JSON', description: 'the inventory'});
			await emulator.addJob('v', {type: 'archive-retrieval', archiveId: ids[3], status: 'InProgress', description: 'earlier'});
		},
	});
	return {h, ids};
}

async function openInventory(h: Harness): Promise<void> {
	await h.waitFor('the inventory', 15_000);
	await h.press('t', 't'); // Only the inventory job, so that it is under the cursor.
	await h.waitFor('(type inventory)', 15_000);
	await h.press(keys.enter);
	await h.waitFor('4 archives, ', 15_000);
}

const initiated = async (h: Harness) => (await listJobs(h.connection, 'v')).filter(j => j.Action === 'ArchiveRetrieval').map(j => j.ArchiveId);

describe('billed retrievals of marked archives are never offered twice without a word (issue 13 §6)', () => {
	it('unmarks the archives whose jobs started; marked again, those with a job are skipped and the question says so (80x24)', async () => {
		const {h, ids} = await vault();
		harness = h;
		await openInventory(h);
		// Mark one and two, start them.
		await h.press(' ', ' ', 'a');
		await h.waitFor('Retrieve 2 archives', 15_000);
		await h.press(keys.enter);
		let frame = await h.waitFor('Start 2 billed archive retrievals?', 15_000);
		await h.press('y');
		await h.waitFor('Started 2 of 2 archives', 15_000);
		await h.press(keys.escape);
		frame = await h.waitFor('Started 2 retrievals; those are unmarked.', 15_000);
		expect(frame).toContain('marked 0, 0 B');
		expect((await initiated(h)).sort()).toEqual([ids[0], ids[1], ids[3]].sort());

		// Mark all four: three have a job (two just started, one from earlier): only the third is offered, and the screen says why.
		await h.press('*', 'a');
		frame = await h.waitFor('3 of 4 archives already have a job (in progress or ready): skipped.', 15_000);
		expect(fitsIn(frame, 80, 24).ok).toBe(true);
		await h.press(keys.enter);
		frame = await h.waitFor('Start 1 billed archive retrieval?', 15_000);
		expect(flat(frame)).toContain('1 archive, 3.00 KiB (3,072 bytes) in total');
		expect(flat(frame)).toContain('3 that already have a job in progress or ready: skipped.');
		expect(fitsIn(frame, 80, 24).ok).toBe(true);
		await h.press('y');
		frame = await h.waitFor('Started 1 of 1 archive', 15_000);
		expect(frame).toContain('Skipped 3 that already had a job in progress or ready (not billed again).');
		await h.press(keys.escape);
		frame = await h.waitFor('Started 1 retrieval, skipped 3 that had one; those are unmarked.', 15_000);
		expect(frame).toContain('marked 0, 0 B');
		expect((await initiated(h)).sort()).toEqual([...ids].sort());
	});

	it('paying again is a choice the question names', async () => {
		const {h} = await vault();
		harness = h;
		await openInventory(h);
		await h.press('G', ' ', 'a');
		await h.waitFor('1 of 1 archive already has a job (in progress or ready): skipped.', 15_000);
		// Enter with nothing left to start says so and starts nothing.
		await h.press(keys.enter);
		await h.waitFor('It already has a job in progress or ready: nothing to start.', 15_000);
		await h.press(keys.tab, keys.tab, keys.right);
		let frame = await h.waitFor('1 of 1 archive already has a job (in progress or ready): billed again.', 15_000);
		expect(frame).toContain('[start again]');
		await h.press(keys.enter);
		frame = await h.waitFor('Start 1 billed archive retrieval?', 15_000);
		expect(flat(frame)).toContain('1 of them already has a job in progress or ready: billed again.');
		await h.press('n', keys.escape);
		expect(h.emulator.requests.filter(r => r.op === 'InitiateJob')).toHaveLength(0);
	});
});
