import {describe, expect, it} from 'vitest';
import {parseFilter, parseSort, type InventoryRow} from '../../source/inventory/index.js';
import {archiveId, jsonInventory, load, record, rows, type TestRecord} from './helpers.js';

function mt2(filename: string): string {
	return 'mt2 ' + Buffer.from(JSON.stringify({filename, mtime: '20150101T000000Z'})).toString('base64url');
}

const pool = ['\uFF21 fullwidth', '😀 emoji', 'Holiday Photos', 'holiday', 'holiday', 'Holiday', 'holiday-2014.tar.gz', 'TAX 2013.pdf', 'Ähre ÄHRE', '日本 trip', '', 'backup, final', 'say "cheese"',
	mt2('Photos/IMG_0001.JPG'), mt2('docs/Ähre.txt'), `<m><v>4</v><p>${Buffer.from('video/Holiday.mov').toString('base64')}</p><lm>20150101T000000Z</lm></m>`,
	'İstanbul', 'a\\b', 'x'.repeat(300), `<m><v>4</v><p>${Buffer.from('x/Y.txt').toString('base64')}</p><n>ÄHRE Backup</n></m>`];

function randomRecords(count: number, seed = 3): TestRecord[] {
	let x = seed;
	const next = (n: number) => {
		x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0;
		return (x >>> 8) % n;
	};

	return Array.from({length: count}, (_, n) => record(n, pool[next(pool.length)], {
		size: [0, 1, 999, 1000, 1024, 5e8, 2 ** 30, 2 ** 30 + 1, 3e12][next(9)],
		date: `${2012 + next(6)}-${String(1 + next(12)).padStart(2, '0')}-${String(1 + next(28)).padStart(2, '0')}T${String(next(24)).padStart(2, '0')}:00:00Z`,
		id: next(10) === 0 ? 'AB' + archiveId(n).slice(2) : archiveId(n),
	}));
}

async function storeOf(records: TestRecord[]) {
	return (await load(jsonInventory(records))).store;
}

describe('row store', () => {
	it('gives rows back with decoded paths, lazily', async () => {
		const store = await storeOf([record(0, mt2('Fotos/Ähre 日本.jpg')), record(1, 'plain')]);
		expect(store.length).toBe(2);
		expect(store.index.built).toBe(false);
		const row = store.get(0);
		expect(row.path).toBe('Fotos/Ähre 日本.jpg');
		expect(row.tool).toBe('mt-aws-glacier');
		expect(row.lastModified).toBe(Date.UTC(2015, 0, 1));
		expect(store.get(1).path).toBeUndefined();
		expect(store.displayName(0)).toBe('Fotos/Ähre 日本.jpg');
		expect(store.window(store.view(), 1, 5).map(r => r.description)).toEqual(['plain']);
		expect(() => store.get(2)).toThrow(RangeError);
	});

	it('builds the search index in steps or on demand, and keeps it up to date', async () => {
		const records = Array.from({length: 250}, (_, n) => record(n, n % 2 === 0 ? `Even ${n}` : mt2(`odd/${n}.txt`)));
		const stepped = await storeOf(records);
		const building = stepped.index.buildInSteps(40);
		expect(stepped.index.built).toBe(false);
		expect(stepped.view('odd').length).toBe(125); // A filter meanwhile finishes the index
		await building;
		expect(stepped.index.built).toBe(true);
		stepped.add({id: Buffer.from('NEWID'), idStart: 0, idEnd: 5, description: Buffer.from('Fresh row'), descriptionStart: 0, descriptionEnd: 9, creationDate: 0, creationDateText: undefined, size: 1, treeHash: new Uint8Array(32), treeHashText: undefined});
		expect([...stepped.view('fresh')]).toEqual([250]);
		const whole = await storeOf(records);
		expect([...whole.view('even 1')]).toEqual([...stepped.view('even 1')]);
	});

	it('keeps archive ids exactly, whatever their length', async () => {
		const ids = ['A', '-', '_', 'a-_Z09', archiveId(5), archiveId(6) + 'XYZ', 'z'.repeat(137), '0'.repeat(139)];
		const store = await storeOf(ids.map((id, n) => record(n, 'd', {id})));
		expect(Array.from({length: store.length}, (_, i) => store.archiveId(i))).toEqual(ids);
	});

	it('totals all, filtered and marked rows', async () => {
		const records = randomRecords(200);
		const store = await storeOf(records);
		const sum = (list: TestRecord[]) => list.reduce((total, r) => total + r.size, 0);
		expect(store.totals()).toEqual({count: 200, bytes: sum(records)});
		const view = store.view('size>1GiB');
		expect(store.totals(view)).toEqual({count: records.filter(r => r.size > 2 ** 30).length, bytes: sum(records.filter(r => r.size > 2 ** 30))});
		expect(store.totals(new Set([0, 5, 7]))).toEqual({count: 3, bytes: records[0].size + records[5].size + records[7].size});
	});

	it('filters exactly like the row-by-row reference', async () => {
		const records = randomRecords(600);
		const store = await storeOf(records);
		const all: InventoryRow[] = Array.from({length: store.length}, (_, i) => store.get(i));
		const expressions = ['holiday', 'HOLIDAY', 'ähre', 'ÄHRE', '日本', '"say \\"', '"backup, final"', 'photos', 'img_0001',
			'/^holi/', '/photos\\/img/', '/Holiday/c', '/ähre/', 'path:holiday', 'desc:holiday', 'desc:mt2', 'path:ähre', 'id:AB', 'id:' + archiveId(7).slice(0, 9),
			'hash:a', 'hash:' + records[3].hash.slice(0, 5).toUpperCase(), 'size>1GiB', 'size>=1GiB', 'size<1KB', 'size<=1KiB', 'size=0', 'size:1000', 'size>1.5GB',
			'created<2014', 'created<=2014', 'created>2014', 'created>=2014-06', 'created=2015-03', 'created=2013-02-10', 'created>2016-12-31T23:00',
			'holiday size>1GiB', 'holiday or tax', '-holiday', '-holiday -tax', 'holiday or tax size=0', 'holiday and 2014', 'a or b or c -x', '', 'x'.repeat(5),
			'istanbul', 'i̇stanbul', 'a\\b', '/a\\\\b/', 'desc:ähre', 'desc:"ähre backup"', 'desc:<n>', 'desc:eyj', 'desc:MT2', 'desc:backup', 'desc:y.txt', '-desc:mt2 holiday'];
		for (const expression of expressions) {
			const filter = parseFilter(expression);
			const expected = all.filter(row => filter.test(row)).map(row => row.index);
			expect([...store.view(filter)], expression).toEqual(expected);
		}
	});

	it('sorts stably by every column, both ways', async () => {
		const records = randomRecords(300);
		const store = await storeOf(records);
		const all: InventoryRow[] = Array.from({length: store.length}, (_, i) => store.get(i));
		const keys: Record<string, (row: InventoryRow) => number | string> = {
			size: row => row.size,
			created: row => row.creationDate,
			id: row => row.archiveId,
			hash: row => row.treeHash,
			description: row => Buffer.from((row.path ?? row.description).toLowerCase()).toString('latin1'), // Code point (UTF-8 byte) order
		};
		for (const [field, key] of Object.entries(keys)) {
			for (const descending of [false, true]) {
				const expected = [...all].sort((a, b) => {
					const ka = key(a);
					const kb = key(b);
					const order = ka < kb ? -1 : ka > kb ? 1 : 0;
					return (descending ? -order : order) || a.index - b.index;
				}).map(row => row.index);
				expect([...store.view(null, parseSort(`${field}:${descending ? 'desc' : 'asc'}`))], `${field} ${descending}`).toEqual(expected);
			}
		}

		// Filter and sort together.
		const view = store.view('size>0', {field: 'size', descending: true});
		expect([...view]).toEqual(all.filter(r => r.size > 0).sort((a, b) => (b.size - a.size) || (a.index - b.index)).map(r => r.index));
	});

	it('sorts names by bytes: prefixes, shared prefixes past 7 bytes, ties, both ways', async () => {
		let x = 11;
		const next = (n: number) => {
			x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0;
			return (x >>> 8) % n;
		};

		const pieces = ['a', 'b', 'A', '\u0001', 'é', 'photos/2015/', 'photos/2015/holiday_', 'z'];
		for (const count of [40, 3000, 66_000]) { // Insertion sort, 8-bit and 16-bit radix segments
			const descriptions = Array.from({length: count}, () => {
				let text = '';
				const parts = next(6);
				for (let k = 0; k < parts; k++) text += pieces[next(pieces.length)];
				return text;
			});
			const store = await storeOf(descriptions.map((description, n) => ({id: 'A' + n.toString(36), description, date: '2014-01-31T12:00:00Z', size: n, hash: 'ab'.repeat(32)})));
			const keys = descriptions.map(d => Buffer.from(d.toLowerCase()).toString('latin1'));
			for (const descending of [false, true]) {
				const expected = keys.map((key, n) => ({key, n})).sort((a, b) => {
					const order = a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
					return (descending ? -order : order) || a.n - b.n;
				}).map(e => e.n);
				expect(store.view(null, {field: 'description', descending}).join(), `${count} rows, descending ${descending}`).toBe(expected.join());
				// Sorting a filtered view keeps to those rows.
				expect(store.view('a', {field: 'description', descending}).join()).toBe(expected.filter(n => keys[n].includes('a')).join());
			}
		}
	});

	it('sorts dates before 1970 and equal keys in file order', async () => {
		const dates = ['2014-01-01T00:00:00Z', '1969-12-31T23:59:59Z', '1900-01-01T00:00:00Z', '1970-01-01T00:00:00Z', '2014-01-01T00:00:00Z', '1969-12-31T23:59:59.500Z', '1900-01-01T00:00:00Z'];
		const store = await storeOf(dates.map((date, n) => record(n, 'd', {date, size: [5, 0, 5, 2 ** 53 - 1, 0, 1, 5][n]})));
		const byDate = (descending: boolean) => dates.map((date, n) => ({ms: Date.parse(date), n})).sort((a, b) => (descending ? b.ms - a.ms : a.ms - b.ms) || a.n - b.n).map(x => x.n);
		expect([...store.view(null, {field: 'created'})]).toEqual(byDate(false));
		expect([...store.view(null, {field: 'created', descending: true})]).toEqual(byDate(true));
		expect([...store.view(null, {field: 'size'})]).toEqual([1, 4, 5, 0, 2, 6, 3]);
		expect([...store.view(null, {field: 'size', descending: true})]).toEqual([3, 0, 2, 6, 5, 1, 4]);
	});

	it('sorts ids of different lengths like text', async () => {
		const ids = ['A---', 'A--', 'A-', 'A', 'A0', '_', 'a', 'Z', '-', '9', 'A-B', 'z'.repeat(139), 'z'.repeat(138)];
		const store = await storeOf(ids.map((id, n) => record(n, 'd', {id})));
		const sorted = [...store.view(null, {field: 'id'})].map(i => store.archiveId(i));
		expect(sorted).toEqual([...ids].sort());
	});

	it('parses sort specs', () => {
		expect(parseSort('size')).toEqual({field: 'size', descending: false});
		expect(parseSort('name:desc')).toEqual({field: 'description', descending: true});
		expect(() => parseSort('colour')).toThrow(/unknown sort field 'colour'/);
		expect(() => parseSort('size:up')).toThrow(/asc or desc/);
	});

	it('grows past a page of strings', async () => {
		const long = 'y'.repeat(3 * 1024 * 1024);
		const records = [record(0, 'first'), record(1, long), ...Array.from({length: 3000}, (_, n) => record(n + 2, `row ${n} ${'z'.repeat(n % 700)}`))];
		const result = await load(jsonInventory(records));
		expect(rows(result).map(r => r.description)).toEqual(records.map(r => r.description));
		expect([...result.store.view('"row 2999 "')]).toEqual([3001]);
		expect([...result.store.view('yyyy')]).toEqual([1]);
	});
});
