import {afterEach, describe, expect, it} from 'vitest';
import {fitsIn, flat, keys, startHarness, type Harness} from './helpers.js';

// What a person must read before saying yes (what AWS bills, why a value is refused) wraps at 80x24, never cut (issue 13 §3).
let harness: Harness | undefined;
afterEach(async () => {
	await harness?.close();
	harness = undefined;
});

const onStarted = () => undefined;

/** The frame's text as read: lines joined, runs of spaces and the dialog's borders as one space. */
function read(frame: string): string {
	return flat(frame.replace(/[│╭╮╰╯─]/g, ' '));
}

function expectFits(frame: string) {
	expect(fitsIn(frame, 80, 24).ok, frame).toBe(true);
	// Below the header (its title is cut to the room the connection leaves): no line cut short.
	expect(frame.split('\n').slice(1).join('\n')).not.toMatch(/…\s*$/m);
}

describe('billing text and its confirmation at 80x24', () => {
	it('a new inventory retrieval: the billing notice and the question show whole', async () => {
		harness = await startHarness({
			initial: [{screen: 'vaults'}, {screen: 'jobs', vaultName: 'photos'}, {screen: 'new-job', vaultName: 'photos', kind: 'inventory', onStarted}],
			setup(emulator) {
				emulator.createVault('photos');
			},
		});
		const billing = 'AWS bills each retrieval request; inventories usually take about 4 hours (Standard) or longer (Bulk).';
		const form = await harness.waitFor('Retrievals are billed');
		expect(read(form)).toContain(`Retrievals are billed by AWS. ${billing}`);
		expectFits(form);
		await harness.press(keys.enter);
		const question = await harness.waitFor('Start this retrieval?');
		expect(read(question)).toContain(`Inventory of 'photos' as JSON, Standard tier. ${billing} y start it`);
		expectFits(question);
	});

	it('a new archive retrieval: the billing notice shows whole', async () => {
		harness = await startHarness({
			initial: [{screen: 'vaults'}, {screen: 'jobs', vaultName: 'photos'}, {screen: 'new-job', vaultName: 'photos', kind: 'archive', onStarted}],
			setup(emulator) {
				emulator.createVault('photos');
			},
		});
		const form = await harness.waitFor('Retrievals are billed');
		expect(read(form)).toContain('Retrievals are billed by AWS. AWS bills retrievals per GB and per request (Expedited costs most); Standard takes 3-5 hours, Bulk 5-12.');
		expectFits(form);
	});

	it('retrievals of marked archives: the billing notice and the question show whole', async () => {
		const archives = [{archiveId: 'a'.repeat(138), size: 5 * 1024 ** 3, name: 'photos/2014/holiday.tar'}, {archiveId: 'b'.repeat(138), size: 1024, name: 'notes.txt'}];
		harness = await startHarness({
			initial: [{screen: 'vaults'}, {screen: 'retrieve', vaultName: 'photos', archives}],
		});
		const form = await harness.waitFor('Retrievals are billed');
		expect(read(form)).toContain('Retrievals are billed by AWS. AWS bills every retrieval request and each GB retrieved (Expedited costs most); Standard takes 3-5 hours, Bulk 5-12, then each output stays 24 hours.');
		expectFits(form);
		await harness.press(keys.enter);
		const question = await harness.waitFor('Start 2 billed archive retrievals?');
		expect(read(question)).toContain('2 archives, 5.00 GiB (5,368,710,144 bytes) in total, Standard tier: one job per archive. AWS bills each request and each GB retrieved. y start them');
		expectFits(question);
	});
});

describe('the download setup at 80x24', () => {
	it('a refused chunk size is explained whole', async () => {
		harness = await startHarness({
			initial: [{screen: 'vaults'}, {screen: 'jobs', vaultName: 'photos'}],
			async setup(emulator) {
				emulator.createVault('photos');
				const {archiveId} = emulator.addArchive('photos', {size: 1024, description: 'notes.txt'});
				await emulator.addJob('photos', {type: 'archive-retrieval', archiveId});
			},
		});
		await harness.waitFor('1 job in photos');
		await harness.press(keys.enter);
		await harness.waitFor('File name:   notes.txt');
		await harness.press(keys.down, keys.backspace, keys.backspace, keys.backspace, keys.backspace, '3', keys.enter);
		const frame = await harness.waitFor('chunk size is auto');
		expect(read(frame)).toContain('chunk size is auto or a power of two number of MiB from 1 to 4096 (1, 2, 4, ... 64, 128 ...), not \'3\': only those keep chunks tree-hash aligned');
		expectFits(frame);
	});
});
