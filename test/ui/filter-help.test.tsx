import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {mt2} from '../../source/emulator/demo.js';
import {fitsIn, keys, startHarness, type Harness} from './helpers.js';

let harness: Harness | undefined;
let folder: string | undefined;
afterEach(async () => {
	await harness?.close();
	harness = undefined;
	if (folder) rmSync(folder, {recursive: true, force: true});
	folder = undefined;
});

/** A small inventory file: plain descriptions that look like paths, and decoded ones (no Glacier needed to browse a file). */
async function browseFile(size = {columns: 80, rows: 24}): Promise<Harness> {
	folder = mkdtempSync(join(tmpdir(), 'thaw-filter-help-'));
	const file = join(folder, 'inventory.json');
	const id = (n: number) => String(n).repeat(138).slice(0, 138);
	const hash = (n: number) => String(n % 10).repeat(64);
	const descriptions = ['2014/holiday/img_001.jpg', '2014/holiday/img_002.jpg', '2015/notes.txt', mt2('2014/decoded.pdf', '20140101T000000Z'), mt2('2016/other.pdf', '20160101T000000Z')];
	const list = descriptions.map((description, i) => ({ArchiveId: id(i + 1), ArchiveDescription: description, CreationDate: `2020-01-0${i + 1}T00:00:00Z`, Size: 1000 + i, SHA256TreeHash: hash(i + 1)}));
	writeFileSync(file, JSON.stringify({VaultARN: 'arn:aws:glacier:us-east-1:1:vaults/v', InventoryDate: '2020-02-01T00:00:00Z', ArchiveList: list}));
	const h = await startHarness({size, initial: [{screen: 'inventory', spec: {source: {kind: 'file', path: file}}}]});
	await h.waitFor('5 archives, ', 15_000);
	return h;
}

function names(frame: string): string[] {
	return frame.split('\n').filter(l => /^\s*\d{4}\//.test(l)).map(l => l.trim().split(/\s{2,}/)[0]);
}

describe('the filter prompt (issue 13 §5, §6)', () => {
	it('? at the / prompt shows the filter language at 80x24; Esc and ? go back with the typed text kept', async () => {
		harness = await browseFile();
		await harness.press('/', ...'size>1');
		await harness.waitFor('Filter / size>1', 15_000);
		await harness.press('?');
		let frame = await harness.waitFor('The filter language', 15_000);
		// What the parser takes: fields, comparisons with units, dates as periods, and/or/not, quoting.
		for (const text of ['path:', 'desc:', 'id:', 'hash:', 'size>1GiB', 'KiB', 'created<', 'a partial date is a period', ' or ', '-tmp']) expect(frame).toContain(text);
		expect(frame).toContain('Filter / size>1');
		expect(frame).not.toContain('size>1?');
		const fit = fitsIn(frame, 80, 24);
		expect(fit.ok, JSON.stringify(fit)).toBe(true);
		// Keys typed while it is open do not reach the prompt; Esc closes the help, not the filter.
		await harness.press('x', keys.escape);
		frame = await harness.waitFor(f => !f.includes('The filter language'), 15_000);
		expect(frame).toContain('Filter / size>1');
		await harness.press('0', '0', '2');
		frame = await harness.waitFor('Filter / size>1002', 15_000);
		expect(names(frame)).toEqual(['2014/decoded.pdf', '2016/other.pdf']);
		// ? closes it too.
		await harness.press('?');
		await harness.waitFor('The filter language', 15_000);
		await harness.press('?');
		frame = await harness.waitFor(f => !f.includes('The filter language'), 15_000);
		expect(frame).toContain('Filter / size>1002');
		await harness.press(keys.enter);
		frame = await harness.waitFor('Filter: size>1002', 15_000);
	});

	it('? inside a /regex/ or "quotes" is typed, not the help', async () => {
		harness = await browseFile();
		await harness.press('/', ...'/img_00?1/');
		let frame = await harness.waitFor('Filter / /img_00?1/', 15_000);
		expect(frame).not.toContain('The filter language');
		expect(names(frame)).toEqual(['2014/holiday/img_001.jpg']);
		await harness.press(keys.escape, '/', '"', '?');
		frame = await harness.waitFor('Filter / "?', 15_000);
		expect(frame).not.toContain('The filter language');
	});

	it('fits a wide terminal too (200x50)', async () => {
		harness = await browseFile({columns: 200, rows: 50});
		await harness.press('/', '?');
		const frame = await harness.waitFor('The filter language', 15_000);
		const fit = fitsIn(frame, 200, 50);
		expect(fit.ok, JSON.stringify(fit)).toBe(true);
	});

	it('path: matches what the Path column shows, plain descriptions as well as decoded paths (80x24)', async () => {
		harness = await browseFile();
		await harness.press('/', ...'path:2014', keys.enter);
		let frame = await harness.waitFor('Filter: path:2014', 15_000);
		expect(names(frame)).toEqual(['2014/holiday/img_001.jpg', '2014/holiday/img_002.jpg', '2014/decoded.pdf']);
		expect(frame).toContain('shown 3,');
		// desc: is the raw description: the decoded row's is mt2 …, not 2014/….
		await harness.press(keys.escape, '/', ...'desc:2014', keys.enter);
		frame = await harness.waitFor('Filter: desc:2014', 15_000);
		expect(names(frame)).toEqual(['2014/holiday/img_001.jpg', '2014/holiday/img_002.jpg']);
	});
});
