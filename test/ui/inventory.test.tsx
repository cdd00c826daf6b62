import {readFileSync, readdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {cloudBerry, fastGlacier, mt2, qnap} from '../../source/emulator/demo.js';
import type {Emulator} from '../../source/emulator/index.js';
import {listJobs} from '../../source/glacier/api.js';
import {fitsIn, flat, keys, startHarness, type Harness} from './helpers.js';

let harness: Harness | undefined;
afterEach(async () => {
	await harness?.close();
	harness = undefined;
});

const MiB = 1024 * 1024;

type Archive = {description: string; size: number; created: string; path?: string; modified?: string};

/** Like the demo's backups-mixed vault: tool-encoded descriptions, quotes, backslashes, commas, and hostile escape sequences. */
const archives: Archive[] = [
	{description: mt2('Documents/report 2013.pdf', '20130405T060708Z'), size: 734_003, created: '2013-03-01T10:00:00Z', path: 'Documents/report 2013.pdf', modified: '2013-04-05T06:07:08Z'},
	{description: mt2('Fotos/Ähre 日本.jpg', '20140102T030405Z'), size: 2_457_600, created: '2013-04-07T10:00:00Z', path: 'Fotos/Ähre 日本.jpg', modified: '2014-01-02T03:04:05Z'},
	{description: fastGlacier('Projects/budget,final "v2".xlsx', '20150315T120000Z'), size: 88_000, created: '2013-10-09T10:00:00Z', path: 'Projects/budget,final "v2".xlsx', modified: '2015-03-15T12:00:00Z'},
	{description: cloudBerry('CBB_HOST/C:/Users/anna/Ähre/notes.txt', '20150607T080910Z'), size: 31_337, created: '2014-01-28T10:00:00Z', path: 'CBB_HOST/C:/Users/anna/Ähre/notes.txt', modified: '2015-06-07T08:09:10Z'},
	{description: qnap('/Public/readme.txt'), size: 4096, created: '2014-04-12T10:00:00Z', path: '/Public/readme.txt'},
	{description: 'my archive description,1\\"2', size: 1002, created: '2014-11-20T10:00:00Z'},
	{description: 'say "hello"', size: 1005, created: '2015-03-11T10:00:00Z'},
	{description: 'C:\\Users\\data\\', size: 1004, created: '2015-02-02T10:00:00Z'},
	{description: 'evil \u001B]0;x\u0007 title', size: 10, created: '2015-05-01T10:00:00Z'},
	{description: 'wipe \u001B[2J screen', size: 20, created: '2015-06-01T10:00:00Z'},
	{description: 'big-backup.tar', size: 5 * MiB, created: '2016-01-01T10:00:00Z'},
];

type Added = Archive & {archiveId: string};

async function browserHarness(options: {size?: {columns: number; rows: number}; format?: 'JSON' | 'CSV'} = {}): Promise<{harness: Harness; added: Added[]; jobId: string}> {
	const added: Added[] = [];
	let jobId = '';
	const h = await startHarness({
		size: options.size,
		initial: [{screen: 'vaults'}, {screen: 'jobs', vaultName: 'mixed'}],
		async setup(emulator: Emulator) {
			emulator.createVault('mixed');
			for (const a of archives) {
				const {archiveId} = emulator.addArchive('mixed', {size: a.size, description: a.description, creationDate: a.created});
				added.push({...a, archiveId});
			}

			jobId = await emulator.addJob('mixed', {type: 'inventory-retrieval', format: options.format ?? 'JSON', description: 'weekly inventory'});
		},
	});
	return {harness: h, added, jobId};
}

/** Open the inventory job from the jobs screen (the only job, so under the cursor). */
async function openBrowser(h: Harness): Promise<string> {
	// Generous waits: the machine may be busy with other work.
	await h.waitFor('weekly inventory', 15_000);
	await h.press(keys.enter);
	return h.waitFor(/11 archives, /, 15_000);
}

function bodyLines(frame: string): string[] {
	const lines = frame.split('\n');
	const heading = lines.findIndex(l => l.includes('Path or description'));
	const end = lines.findIndex(l => / archives?, .*marked/.test(l));
	return lines.slice(heading + 1, end).filter(l => l.trim() !== '');
}

const rfcField = (text: string) => (/[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);

async function expectedCsv(emulator: Emulator, rows: Added[]): Promise<string> {
	let text = 'ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash,Path,LastModified\r\n';
	for (const a of rows) {
		const hash = await emulator.archiveTreeHash('mixed', a.archiveId);
		text += [a.archiveId, a.description, a.created, String(a.size), hash, a.path ?? '', a.modified ?? ''].map(rfcField).join(',') + '\r\n';
	}

	return text;
}

describe('inventory browser', () => {
	it('opens from an inventory job, streamed from GetJobOutput, with decoded paths and inert hostile descriptions (80x24)', async () => {
		const setup = await browserHarness();
		harness = setup.harness;
		const frame = await openBrowser(harness);
		expect(frame).toContain('Documents/report 2013.pdf');
		expect(frame).toContain('Fotos/Ähre 日本.jpg');
		expect(frame).toContain('Projects/budget,final "v2".xlsx');
		expect(frame).toContain('CBB_HOST/C:/Users/anna/Ähre/notes.t…');
		expect(frame).toContain('/Public/readme.txt');
		expect(frame).toContain('my archive description,1\\"2');
		expect(frame).toContain('C:\\Users\\data\\');
		expect(frame).toContain('11 archives, 8.16 MiB · marked 0, 0 B');
		expect(frame).toContain('JSON from inventory job');
		// Hostile descriptions are shown escaped; no escape character reaches the frame (colour codes are stripped by frame()).
		expect(frame).toContain('evil \\x1b]0;x\\x07 title');
		expect(frame).toContain('wipe \\x1b[2J screen');
		// eslint-disable-next-line no-control-regex -- the frame must hold no control character
		expect(frame).not.toMatch(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/);
		// The job output was read from the emulator with GetJobOutput.
		expect(harness.emulator.requests.some(r => r.op === 'GetJobOutput' && r.path.includes(setup.jobId))).toBe(true);
		const fit = fitsIn(frame, 80, 24);
		expect(fit.ok, JSON.stringify(fit)).toBe(true);
		// Never more rows than fit: 11 archives, table window of 20 lines minus heading.
		expect(bodyLines(frame)).toHaveLength(11);
	});

	it('is windowed and columns fit a wide terminal (200x50) with times, ids and hashes; and a short one (80x12)', async () => {
		const setup = await browserHarness({size: {columns: 200, rows: 50}});
		harness = setup.harness;
		const frame = await openBrowser(harness);
		expect(frame).toMatch(/Path or description\s+Size Created\s+Modified\s+ArchiveId\s+Tree hash/);
		expect(frame).toContain('2013-03-01 10:00 2013-04-05 06:07');
		expect(frame).toContain(setup.added[0].archiveId.slice(0, 23) + '…');
		const fit = fitsIn(frame, 200, 50);
		expect(fit.ok, JSON.stringify(fit)).toBe(true);
		await harness.close();

		const small = await browserHarness({size: {columns: 80, rows: 12}});
		harness = small.harness;
		const shortFrame = await openBrowser(harness);
		// 12 rows: header, table (heading + 5 rows), totals, info, detail, status bar, and one spare line.
		expect(bodyLines(shortFrame)).toHaveLength(5);
		expect(shortFrame).toContain('1/11 · mt-aws-glacier path: Documents/report 2013.pdf');
		expect(fitsIn(shortFrame, 80, 12).ok).toBe(true);
		await harness.press('G');
		const bottom = await harness.waitFor('11/11 · Description: big-backup.tar');
		expect(bottom).toContain('big-backup.tar');
		expect(bottom).not.toContain('Documents/report');
	});

	it('filters live (size, a bare word), shows parse errors without losing the table, and totals follow', async () => {
		const setup = await browserHarness();
		harness = setup.harness;
		await openBrowser(harness);
		// Pasted in one go (so no bare-word prefix like 'size' is applied on the way).
		await harness.press('/', 'size>');
		let frame = await harness.waitFor('missing number');
		// The table is still there, unfiltered.
		expect(frame).toContain('Documents/report 2013.pdf');
		expect(frame).not.toContain('shown');
		await harness.press(...'1MiB');
		frame = await harness.waitFor('shown 2, 7.34 MiB');
		expect(bodyLines(frame)).toHaveLength(2);
		expect(frame).toContain('Fotos/Ähre 日本.jpg');
		expect(frame).toContain('big-backup.tar');
		expect(frame).not.toContain('missing number');
		await harness.press(keys.enter);
		frame = await harness.waitFor('Filter: size>1MiB');
		// Esc clears the filter; a bare word matches decoded paths case-insensitively.
		await harness.press(keys.escape);
		await harness.waitFor(f => !f.includes('shown'));
		await harness.press('/', ...'ÄHRE', keys.enter);
		frame = await harness.waitFor('shown 2, 2.37 MiB');
		expect(bodyLines(frame).map(l => l.trim().split(/\s{2,}/)[0])).toEqual(['Fotos/Ähre 日本.jpg', 'CBB_HOST/C:/Users/anna/Ähre/notes.t…']);
		await harness.press(keys.escape, '/', ...'-created<2015 or "hello"', keys.enter);
		frame = await harness.waitFor('shown 5,');
		expect(flat(frame)).toContain('say "hello"');
	});

	it('sorts by each column, and reverses', async () => {
		const setup = await browserHarness();
		harness = setup.harness;
		await openBrowser(harness);
		const first = (frame: string) => bodyLines(frame)[0];
		await harness.press('s');
		let frame = await harness.waitFor('Path or description▲');
		expect(first(frame)).toContain('/Public/readme.txt');
		await harness.press('S');
		frame = await harness.waitFor('Path or description▼');
		expect(first(frame)).toContain('wipe \\x1b[2J screen');
		await harness.press('s');
		frame = await harness.waitFor('Size▲');
		expect(bodyLines(frame).map(l => l.match(/\s(\d+(?:\.\d+)? (?:B|KiB|MiB))\s/)?.[1])).toEqual(['10 B', '20 B', '1002 B', '1004 B', '1005 B', '4.00 KiB', '30.6 KiB', '85.9 KiB', '717 KiB', '2.34 MiB', '5.00 MiB']);
		await harness.press('s');
		frame = await harness.waitFor('Created▲');
		expect(first(frame)).toContain('Documents/report');
		await harness.press('s');
		frame = await harness.waitFor('Modified▲');
		// By the decoded modification time; archives without one last.
		expect(bodyLines(frame).slice(0, 4).map(l => l.trim().split(/\s{2,}/)[0])).toEqual(['Documents/report 2013.pdf', 'Fotos/Ähre 日本.jpg', 'Projects/budget,final "v2".xlsx', 'CBB_HOST/C:/Users/anna/Ähre/notes.t…']);
		await harness.press('S');
		frame = await harness.waitFor('Modified▼');
		expect(first(frame)).toContain('CBB_HOST');
		expect(bodyLines(frame)[10]).toContain('big-backup.tar');
	});

	it('shows one archive in full: every field and the decoded metadata, inert', async () => {
		const setup = await browserHarness();
		harness = setup.harness;
		await openBrowser(harness);
		await harness.press('/', ...'report', keys.enter, keys.enter);
		let frame = await harness.waitFor('Written by');
		const id = setup.added[0].archiveId;
		const text = flat(frame);
		expect(text).toContain(`ArchiveId ${id.slice(0, 64)}`);
		expect(frame.replace(/\s+/g, '')).toContain(id);
		expect(text).toContain('CreationDate 2013-03-01T10:00:00Z');
		expect(text).toContain('Size 717 KiB (734,003 bytes)');
		expect(text).toContain(`SHA256TreeHash ${await harness.emulator.archiveTreeHash('mixed', id)}`);
		expect(text).toContain('Written by mt-aws-glacier');
		expect(text).toContain('Path Documents/report 2013.pdf');
		expect(text).toContain('Modified 2013-04-05 06:07:08 UTC');
		expect(frame.replace(/\s+/g, '')).toContain(setup.added[0].description.replace(/\s+/g, ''));
		expect(fitsIn(frame, 80, 24).ok).toBe(true);
		// Back to the table, then a hostile one.
		await harness.press(keys.escape);
		await harness.waitFor('Path or description');
		await harness.press(keys.escape, '/', ...'title', keys.enter, keys.enter);
		frame = await harness.waitFor('Decoded');
		expect(flat(frame)).toContain('Description evil \\x1b]0;x\\x07 title');
		// eslint-disable-next-line no-control-regex -- the frame must hold no control character
		expect(frame).not.toMatch(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/);
	});

	it('marks rows with space and * and totals them; u clears', async () => {
		const setup = await browserHarness();
		harness = setup.harness;
		await openBrowser(harness);
		await harness.press(' ', ' ');
		let frame = await harness.waitFor('marked 2, 3.04 MiB');
		expect(bodyLines(frame).filter(l => l.startsWith('●'))).toHaveLength(2);
		await harness.press('/', ...'size<100', keys.enter);
		await harness.waitFor('shown 2, 30 B');
		await harness.press('*');
		frame = await harness.waitFor('marked 4, 3.04 MiB');
		expect(frame).toContain('Marked all 2 archives shown.');
		await harness.press('*');
		await harness.waitFor('marked 2, 3.04 MiB');
		await harness.press('u');
		await harness.waitFor('marked 0, 0 B');
	});

	it('exports filtered rows to CSV and marked rows to JSON with the exact values, and asks before overwriting', async () => {
		const setup = await browserHarness();
		harness = setup.harness;
		const {emulator, dir} = harness;
		const [, fotos, budget, , , , hello, , , wipe, big] = setup.added;
		await openBrowser(harness);
		await harness.press('/', ...'size>1MiB or budget or hello', keys.enter);
		await harness.waitFor('shown 4');
		await harness.press('e');
		let frame = await harness.waitFor('Export 4 archives shown');
		const csvPath = join(dir, 'mixed-filtered.csv');
		expect(frame).toContain(csvPath);
		expect(fitsIn(frame, 80, 24).ok).toBe(true);
		await harness.press(keys.enter);
		frame = await harness.waitFor('Exported 4 archives as CSV');
		expect(readFileSync(csvPath, 'utf8')).toBe(await expectedCsv(emulator, [fotos, budget, hello, big]));

		// Mark two (one hostile: its exact bytes go to the file), export them as JSON.
		await harness.press(keys.escape, keys.escape, '/', ...'wipe or budget', keys.enter);
		await harness.waitFor('shown 2');
		await harness.press('*', 'e');
		await harness.waitFor('Export 2 marked archives');
		await harness.press(keys.up, keys.right);
		frame = await harness.waitFor('mixed-marked.json');
		await harness.press(keys.enter);
		await harness.waitFor('Exported 2 archives as JSON');
		const json = readFileSync(join(dir, 'mixed-marked.json'), 'utf8');
		const expected = [
			{ArchiveId: budget.archiveId, ArchiveDescription: budget.description, CreationDate: budget.created, Size: budget.size, SHA256TreeHash: await emulator.archiveTreeHash('mixed', budget.archiveId), Path: budget.path, LastModified: budget.modified},
			{ArchiveId: wipe.archiveId, ArchiveDescription: wipe.description, CreationDate: wipe.created, Size: wipe.size, SHA256TreeHash: await emulator.archiveTreeHash('mixed', wipe.archiveId)},
		];
		expect(json).toBe(`[\n${expected.map(o => JSON.stringify(o)).join(',\n')}\n]\n`);
		expect(JSON.parse(json)[1].ArchiveDescription).toBe('wipe \u001B[2J screen');

		// Shown rows again: the default name moves on to a free one; typing an existing one asks first.
		await harness.press('u', 'e');
		frame = await harness.waitFor('Export 2 archives shown');
		expect(frame).toContain('mixed-filtered-2.csv');
		await harness.press('\u0015', ...csvPath, keys.enter);
		frame = await harness.waitFor('This file already exists.');
		expect(readFileSync(csvPath, 'utf8')).toBe(await expectedCsv(emulator, [fotos, budget, hello, big]));
		await harness.press('n');
		await harness.waitFor('Enter exports');
		await harness.press(keys.enter);
		await harness.waitFor('This file already exists.');
		await harness.press('y');
		await harness.waitFor('Exported 2 archives as CSV');
		expect(readFileSync(csvPath, 'utf8')).toBe(await expectedCsv(emulator, [budget, wipe]));
		// No temporary files left behind.
		expect(readdirSync(dir).filter(name => name.endsWith('.tmp'))).toEqual([]);
	});

	it('starts archive retrievals of the marked rows after a billing confirmation; ListJobs shows them', async () => {
		const setup = await browserHarness();
		harness = setup.harness;
		await openBrowser(harness);
		await harness.press('a');
		await harness.waitFor('Mark the archives to retrieve first');
		await harness.press(keys.escape, ' ', ' ', 'a');
		let frame = await harness.waitFor('Retrieve 2 archives (3.04 MiB)');
		expect(fitsIn(frame, 80, 24).ok).toBe(true);
		await harness.press(keys.right, keys.enter);
		frame = await harness.waitFor('Start 2 billed archive retrievals?');
		expect(flat(frame)).toContain('2 archives, 3.04 MiB (3,191,603 bytes) in total, Bulk tier');
		expect(flat(frame)).toContain('bills');
		await harness.press('y');
		frame = await harness.waitFor('Started 2 of 2 archives');
		const jobs = await listJobs(harness.connection, 'mixed');
		const retrievals = jobs.filter(j => j.Action === 'ArchiveRetrieval');
		expect(retrievals.map(j => j.ArchiveId).sort()).toEqual([setup.added[0].archiveId, setup.added[1].archiveId].sort());
		expect(retrievals.every(j => j.Tier === 'Bulk')).toBe(true);
		for (const job of retrievals) expect(flat(frame)).toContain(job.JobId.slice(0, 40));
		// Back in the browser the started ones are unmarked (issue 13 §6); in the jobs list, the new jobs show.
		await harness.press(keys.escape);
		frame = await harness.waitFor('Started 2 retrievals; those are unmarked.');
		expect(frame).toContain('marked 0, 0 B');
		await harness.press(keys.escape, keys.escape);
		await harness.waitFor('3 jobs in mixed');
	});

	it('reads a Glacier CSV inventory job the same way', async () => {
		const setup = await browserHarness({format: 'CSV'});
		harness = setup.harness;
		const frame = await openBrowser(harness);
		expect(frame).toContain('Glacier CSV from inventory job');
		expect(frame).toContain('my archive description,1\\"2');
		expect(frame).toContain('say "hello"');
		expect(frame).toContain('C:\\Users\\data\\');
		expect(frame).toContain('Projects/budget,final "v2".xlsx');
	});
});

describe('inventory browser on a file', () => {
	it('browses a file; retrievals need the vault; a malformed record stops the load until b skips it', async () => {
		harness = await startHarness({initial: [{screen: 'inventory', spec: {source: {kind: 'file', path: '/nonexistent'}}}]});
		await harness.waitFor('Could not read /nonexistent: cannot read /nonexistent: no such file');
		await harness.close();

		const {mkdtempSync} = await import('node:fs');
		const {tmpdir} = await import('node:os');
		const folder = mkdtempSync(join(tmpdir(), 'thaw-inv-'));
		const file = join(folder, 'inventory.json');
		const id = (n: number) => String(n).repeat(138).slice(0, 138);
		const hash = (n: number) => String(n).repeat(64).slice(0, 64);
		const list = [
			{ArchiveId: id(1), ArchiveDescription: mt2('a/b.txt', '20200101T000000Z'), CreationDate: '2020-01-01T00:00:00Z', Size: 5, SHA256TreeHash: hash(1)},
			{ArchiveId: id(2), ArchiveDescription: 'bad size', CreationDate: '2020-01-01T00:00:00Z', Size: -3, SHA256TreeHash: hash(2)},
			{ArchiveId: id(3), ArchiveDescription: 'plain', CreationDate: '2020-01-02T00:00:00Z', Size: 7, SHA256TreeHash: hash(3)},
		];
		writeFileSync(file, JSON.stringify({VaultARN: 'arn:aws:glacier:us-east-1:1:vaults/v', InventoryDate: '2020-02-01T00:00:00Z', ArchiveList: list}));
		harness = await startHarness({initial: [{screen: 'inventory', spec: {source: {kind: 'file', path: file}}}]});
		let frame = await harness.waitFor('Size');
		expect(frame).toContain('b loads again skipping malformed records');
		await harness.press('b');
		frame = await harness.waitFor('2 archives, 12 B');
		expect(frame).toContain('Skipped 1 malformed record');
		expect(frame).toContain('a/b.txt');
		expect(frame).toContain('plain');
		expect(frame).toContain('Inventory inventory.json');
		await harness.press(' ', 'a');
		await harness.waitFor('give --vault-name V');
	});

	it('export: the proposed name follows the rows chosen, and a format that does not match the name is refused (issue 13 §6)', async () => {
		const setup = await browserHarness();
		harness = setup.harness;
		const {dir} = harness;
		await openBrowser(harness);
		await harness.press(' ', 'e');
		await harness.waitFor('mixed-marked.csv');
		// Rows: marked -> shown (all, no filter): the name says so; and back.
		await harness.press(keys.up, keys.up, keys.right);
		let frame = await harness.waitFor('mixed-all.csv');
		expect(frame).not.toContain('mixed-marked');
		await harness.press(keys.right);
		await harness.waitFor('mixed-marked.csv');
		// JSON into a name ending in .csv: one line saying what to change, nothing written.
		await harness.press(keys.down, keys.right, keys.down, '\u0015', ...join(dir, 'out.csv'), keys.enter);
		frame = await harness.waitFor('the name ends in .csv but the format is json');
		expect(fitsIn(frame, 80, 24).ok).toBe(true);
		expect(readdirSync(dir).filter(name => name.startsWith('out'))).toEqual([]);
	});
});

