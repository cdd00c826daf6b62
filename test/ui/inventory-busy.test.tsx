import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {mt2} from '../../source/emulator/demo.js';
import {inert} from '../../source/inert.js';
import {formatBytes} from '../../source/format.js';
import {loadInventory, parseFilter} from '../../source/inventory/index.js';
import type {InventoryStore} from '../../source/inventory/store.js';
import {deferral} from '../../source/ui/inventory/deferral.js';
import {jsonInventory, record} from '../inventory/helpers.js';
import {startHarness, type Harness} from './helpers.js';

let harness: Harness | undefined;
let folder: string;
beforeEach(() => {
	folder = mkdtempSync(join(tmpdir(), 'thaw-inv-busy-'));
	// Every inventory counts as big here: sorts run after a status frame, text filters wait for the background index.
	deferral.rows = 0;
	deferral.delayMs = 0;
});

afterEach(async () => {
	await harness?.close();
	harness = undefined;
	rmSync(folder, {recursive: true, force: true});
	deferral.rows = 50_000;
	deferral.delayMs = 0;
});

const names = ['Photos/2014/IMG_1001.JPG', 'Photos/2014/IMG_1010.jpg', 'Photos/2015/img_2001.jpg', 'backup/photos-old.tar', 'Music/photo booth.mp3', 'photos.zip', 'Docs/IMG notes.txt', 'tmp/photos/img_1.png'];

/** An inventory file of a few dozen archives (names repeat in different rows) and the same inventory loaded as a store. */
async function inventoryFile(): Promise<{file: string; store: InventoryStore}> {
	const records = [];
	for (let n = 0; n < 36; n++) {
		const name = names[n % names.length] + (n >= names.length ? `.${n}` : '');
		records.push(record(n, n % 3 === 0 ? `${name}` : mt2(name, `201${n % 10}0102T030405Z`), {size: (n % 7) * 1_000_000 + n}));
	}

	const file = join(folder, 'inventory.json');
	writeFileSync(file, jsonInventory(records));
	const {store} = await loadInventory(file);
	return {file, store};
}

function bodyNames(frame: string): string[] {
	const lines = frame.split('\n');
	const heading = lines.findIndex(l => l.includes('Path or description'));
	const end = lines.findIndex(l => / archives?, .*marked/.test(l));
	return lines.slice(heading + 1, end).filter(l => l.trim() !== '' && !l.includes('No archive matches the filter.')).map(l => l.trim().split(/\s{2,}/)[0]);
}

describe('inventory browser on big inventories (busy states)', () => {
	it('typing a filter key by key shows, at every step, the rows and totals of a fresh store.view(text)', async () => {
		const {file, store} = await inventoryFile();
		harness = await startHarness({size: {columns: 200, rows: 50}, initial: [{screen: 'inventory', spec: {source: {kind: 'file', path: file}}}]});
		await harness.waitFor('36 archives');
		await harness.press('/');
		const typed = 'photos img_10 -tmp';
		let lastGood = '';
		for (let n = 1; n <= typed.length; n++) {
			await harness.press(typed[n - 1]);
			// A prefix that does not parse yet ('photos -') keeps the last good filter.
			try {
				parseFilter(typed.slice(0, n));
				lastGood = typed.slice(0, n);
			} catch {
				// Not a filter yet: keep the last good one.
			}

			const text = lastGood;
			const fresh = store.view(text);
			const expected = Array.from(fresh, i => inert(store.displayName(i)));
			const totals = store.totals(fresh);
			const shown = `shown ${totals.count}, ${formatBytes(totals.bytes)}`;
			const frame = await harness.waitFor(f => f.includes(shown) && !f.includes('indexing…') && bodyNames(f).join('|') === expected.join('|'), 5000);
			expect(bodyNames(frame), text).toEqual(expected);
			expect(expected.length, text).toBeLessThan(36);
		}

		expect(store.view(typed).length).toBeGreaterThan(0);
	});

	it('shows "sorting…" while a sort runs, then the sorted rows with the sort mark', async () => {
		const {file, store} = await inventoryFile();
		deferral.delayMs = 400;
		harness = await startHarness({size: {columns: 200, rows: 50}, initial: [{screen: 'inventory', spec: {source: {kind: 'file', path: file}}}]});
		await harness.waitFor('36 archives');
		await harness.press('s'); // By path or description
		let frame = await harness.waitFor('sorting…');
		// Still the file order meanwhile, marked as such.
		expect(bodyNames(frame)).toEqual(Array.from(store.view(), i => inert(store.displayName(i))));
		expect(frame).not.toContain('Path or description▲');
		const expected = Array.from(store.view(null, {field: 'description'}), i => inert(store.displayName(i)));
		frame = await harness.waitFor(f => !f.includes('sorting…') && f.includes('Path or description▲'), 5000);
		expect(bodyNames(frame)).toEqual(expected);
		await harness.press('S'); // Reversed
		await harness.waitFor('sorting…');
		frame = await harness.waitFor(f => !f.includes('sorting…') && f.includes('Path or description▼'), 5000);
		expect(bodyNames(frame)).toEqual(Array.from(store.view(null, {field: 'description', descending: true}), i => inert(store.displayName(i))));
	});
});
