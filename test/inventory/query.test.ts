import {describe, expect, it} from 'vitest';
import {cloudBerry, fastGlacier, mt2, qnap} from '../../source/emulator/demo.js';
import {decodeDescription} from '../../source/inventory/decoders.js';
import {applyFilter, applyMask, loadInventory, needsSearchIndex, parseFilter, sortedOrder, type AppliedFilter, type InventoryStore} from '../../source/inventory/index.js';
import {glacierCsv, record} from './helpers.js';

/** Seeded: a mix of encoded descriptions (with and without times, equal times, times before 1970) and plain ones. */
async function mixedStore(count: number, seed = 3): Promise<InventoryStore> {
	let x = seed;
	const next = (n: number) => {
		x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0;
		return (x >>> 8) % n;
	};

	const times = ['20140102T030405Z', '20140102T030405Z', '19650301T000000Z', '20991231T235959Z', '20000101T000000Z'];
	const words = ['Photos', 'photos', 'backup', 'Ähre', 'img', 'IMG_1', 'tmp', 'a,b'];
	const records = [];
	for (let n = 0; n < count; n++) {
		const path = `${words[next(words.length)]}/${words[next(words.length)]}_${next(50)}.jpg`;
		const time = times[next(times.length)];
		const description = [
			() => mt2(path, time),
			() => fastGlacier(path, time),
			() => cloudBerry(`HOST/${path}`, time),
			() => qnap(`/${path}`),
			() => `plain ${path}`,
			() => mt2(path, time),
		][next(6)]();
		records.push(record(n, description, {size: next(5) * 1000, date: `201${next(5)}-0${1 + next(9)}-1${next(9)}T00:00:00Z`}));
	}

	return (await loadInventory([Buffer.from(glacierCsv(records))], {format: 'glacier-csv'})).store;
}

/** The comparator sort the browser used before the radix path: the reference. */
function referenceModifiedOrder(store: InventoryStore, descending: boolean): number[] {
	const times = Array.from({length: store.length}, (_, i) => {
		const decoded = decodeDescription(store.description(i));
		return decoded?.lastModified ?? Number.NaN;
	});
	const rows = Array.from({length: store.length}, (_, i) => i);
	const sign = descending ? -1 : 1;
	return rows.sort((a, b) => {
		const ta = times[a];
		const tb = times[b];
		if (Number.isNaN(ta) || Number.isNaN(tb)) return Number.isNaN(ta) === Number.isNaN(tb) ? a - b : (Number.isNaN(ta) ? 1 : -1);
		return ta === tb ? a - b : (ta - tb) * sign;
	});
}

describe('inventory view: sorting by modified time', () => {
	it('the store\'s modified column holds each row\'s decoded time, NaN without one', async () => {
		const store = await mixedStore(400);
		const column = store.index.modified;
		expect(column).toHaveLength(store.length);
		let known = 0;
		for (let i = 0; i < store.length; i++) {
			const expected = store.get(i).lastModified;
			if (expected === undefined) expect(column[i]).toBeNaN();
			else {
				expect(column[i]).toBe(expected);
				known++;
			}
		}

		expect(known).toBeGreaterThan(100);
		expect(known).toBeLessThan(store.length);
	});

	it('radix order equals the comparator order both ways (ties in file order, no time last)', async () => {
		const store = await mixedStore(1500);
		for (const descending of [false, true]) {
			expect(Array.from(sortedOrder(store, {field: 'modified', descending}))).toEqual(referenceModifiedOrder(store, descending));
		}
	});

	it('built in steps gives the same column, and rows added later are decoded too', async () => {
		const a = await mixedStore(700);
		const b = await mixedStore(700);
		expect(a.index.modifiedBuilt).toBe(false);
		await a.index.buildModifiedInSteps(64);
		expect(a.index.modifiedBuilt).toBe(true);
		expect(Array.from(a.index.modified)).toEqual(Array.from(b.index.modified));
		const extra = await mixedStore(20, 9);
		for (let i = 0; i < extra.length; i++) {
			const row = extra.get(i);
			const id = Buffer.from(row.archiveId, 'latin1');
			const description = Buffer.from(row.description, 'utf8');
			a.add({id, idStart: 0, idEnd: id.length, description, descriptionStart: 0, descriptionEnd: description.length, creationDate: row.creationDate, size: row.size, treeHash: Buffer.from(row.treeHash, 'hex')} as never);
		}

		expect(a.index.modifiedBuilt).toBe(false);
		expect(a.index.modified).toHaveLength(720);
		for (let i = 0; i < 20; i++) expect(Number.isNaN(a.index.modified[700 + i]) ? undefined : a.index.modified[700 + i]).toBe(extra.get(i).lastModified);
	});
});

describe('inventory view: search index built in steps', () => {
	it('gives the same index, joined text and filter results as building it at once; an aborted build is finished on use', async () => {
		const fresh = await mixedStore(900);
		const stepped = await mixedStore(900);
		const aborted = await mixedStore(900);
		expect(stepped.index.built).toBe(false);
		await stepped.index.prepareSearchInSteps(100);
		expect(stepped.index.built).toBe(true);
		const controller = new AbortController();
		const partial = aborted.index.prepareSearchInSteps(100, controller.signal);
		await new Promise(resolve => setImmediate(resolve));
		controller.abort();
		await partial;
		expect(aborted.index.built).toBe(false);
		for (let i = 0; i < fresh.length; i++) {
			expect(stepped.index.search.text(i)).toBe(fresh.index.search.text(i));
			expect(stepped.index.flags[i]).toBe(fresh.index.flags[i]);
		}

		expect(stepped.index.joinedText('search').pages.map(p => p.text)).toEqual(fresh.index.joinedText('search').pages.map(p => p.text));
		for (const text of ['photos', 'ähre', 'img_1 -tmp', '/^plain/', 'path:backup', 'desc:mt2', 'a,b or tmp']) {
			const expected = Array.from(fresh.view(text));
			expect(expected.length, text).toBeGreaterThan(0);
			expect(Array.from(stepped.view(text)), text).toEqual(expected);
			expect(Array.from(aborted.view(text)), text).toEqual(expected);
		}
	});
});

describe('inventory view: incremental filtering', () => {
	it('typing one key at a time gives, at every step, the rows and totals of a fresh filter in every sort order', async () => {
		const store = await mixedStore(2000);
		for (const typed of ['photos/img_1', 'ähre -tmp', 'size>1000 backup', 'created<2013 photo', 'id:ABC', '/img_\\d+/ photos']) {
			for (const key of [undefined, 'size', 'description'] as const) {
				const order = sortedOrder(store, {field: key});
				let previous: AppliedFilter | undefined;
				let narrowed = 0;
				for (let n = 1; n <= typed.length; n++) {
					const text = typed.slice(0, n);
					let filter;
					try {
						filter = parseFilter(text);
					} catch {
						continue;
					}

					if (previous && filter.narrows(previous.filter) && previous.mask) narrowed++;
					previous = applyFilter(store, filter, previous);
					const rows = applyMask(order, previous.mask);
					const fresh = store.view(text, key ? {field: key} : null);
					expect(Array.from(rows), `${text} by ${key}`).toEqual(Array.from(fresh));
					expect(store.totals(rows)).toEqual(store.totals(fresh));
				}

				expect(narrowed, typed).toBeGreaterThan(2);
			}
		}
	});

	it('a filter that widens the previous one (backspace, or) is evaluated afresh', async () => {
		const store = await mixedStore(500);
		const narrow = applyFilter(store, parseFilter('img_1'));
		for (const text of ['img_', 'img_1 or tmp', '']) {
			const wider = applyFilter(store, parseFilter(text), narrow);
			expect(Array.from(applyMask(store.view(), wider.mask)), text).toEqual(Array.from(store.view(text)));
			expect(store.view(text).length, text).toBeGreaterThan(store.view('img_1').length);
		}
	});

	it('knows which filters need the search index', () => {
		expect(needsSearchIndex(parseFilter('size>1MiB created<2015').node)).toBe(false);
		expect(needsSearchIndex(parseFilter('id:abc').node)).toBe(false);
		expect(needsSearchIndex(parseFilter('size>1MiB -tmp').node)).toBe(true);
		expect(needsSearchIndex(parseFilter('size>1 or /x/').node)).toBe(true);
	});
});
