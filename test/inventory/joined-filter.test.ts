import {describe, expect, it} from 'vitest';
import {parseFilter, query, type InventoryRow, type InventoryStore} from '../../source/inventory/index.js';
import {jsonInventory, load, record} from './helpers.js';

function mt2(filename: string): string {
	return 'mt2 ' + Buffer.from(JSON.stringify({filename, mtime: '20150101T000000Z'})).toString('base64url');
}

// Rows with line breaks, non-ASCII, emoji (surrogate pairs), empty rows, and long rows that fill pages.
const pool = ['ab', 'b', 'a', '', 'line one\nline two', 'end\n', '\nstart', 'Ähre ÄHRE', '😀 emoji 😀', '日本 trip', 'x'.repeat(300_000),
	mt2('Photos/IMG_0001.JPG'), mt2('docs/Ähre.txt\nsecond'), 'holiday', 'HOLIDAY photos', 'a-b c', 'tail ab'];

async function storeOf(count: number): Promise<{store: InventoryStore; all: InventoryRow[]}> {
	let x = 12_345;
	const records = Array.from({length: count}, (_, n) => {
		x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0;
		return record(n, pool[(x >>> 8) % pool.length] + (n % 3 === 0 ? ` n${n}` : ''));
	});
	const {store} = await load(jsonInventory(records));
	return {store, all: Array.from({length: store.length}, (_, i) => store.get(i))};
}

const expressions = [
	// Regexes that could match across the '\n' between rows in the joined text, or only at a row's ends
	'/b\\na/', '/b\\sa/', '/b[^x]a/', '/b.a/s', '/ab$/', '/^ab/', '/^b$/', '/^$/', '/^/', '/$/', '/a$/m', '/^line/m', '/^line two/', '/two$/', '/\\n/', '/^\\n/',
	'/end$/', '/end\\n$/', '/^start/', '/^\\nstart/', '/b\\b/', '/\\ba/', '/\\Bb/', '/x*/', '/[^]/', '/[^a-z]$/',
	// Unicode and case
	'/ähre/', '/Ähre/c', '/ÄHRE/c', '/ähre/c', '/^.{4} /', '/^.{4} /u', '/😀/', '/^\\S+ emoji \\S+$/u', '/日本/', '/img_\\d{4}\\.jpg/', '/IMG/c', '/Photos\\/IMG/c', '/ähre\\.txt$/', '/second$/',
	// Lookarounds (row by row)
	'/(?<=b)\\na/', '/(?<!a)b/', '/a(?!b)/', '/b(?=\\n)/', '/(?<=\\n)a/',
	// Text, with and without candidates
	'ab', '"b\na"', 'ähre', '😀', 'holiday photos', 'photos or ab', '-ab b', 'size>5000 ab -b or /^b$/', '/^b$/ size<5000', 'desc:mt2 ähre', 'path:ähre /txt$/',
	'-/^a/ size>3000', 'a or b or /^$/', '/^$/ or -/x/',
];

describe('filters over joined row text', () => {
	it('agree with the row-by-row reference: no match across rows, anchors per row, unicode', async () => {
		const {store, all} = await storeOf(400);
		for (const expression of expressions) {
			const filter = parseFilter(expression);
			const expected = all.filter(row => filter.test(row)).map(row => row.index);
			expect([...store.view(filter)], expression).toEqual(expected);
		}
	});

	it('keeps agreeing as rows are added after the first search', async () => {
		const {store} = await storeOf(50);
		store.view('/^ab$/');
		const more = await storeOf(120);
		// Append the rows of another store to this one, as a reader would.
		for (let i = 0; i < more.store.length; i++) {
			const description = Buffer.from(more.store.description(i), 'utf8');
			const id = Buffer.from(more.store.archiveId(i), 'latin1');
			store.add({id, idStart: 0, idEnd: id.length, description, descriptionStart: 0, descriptionEnd: description.length, treeHash: more.store.hashes.bytes(i), size: more.store.sizes[i], creationDate: more.store.created[i], creationDateText: undefined, treeHashText: undefined});
		}

		const all = Array.from({length: store.length}, (_, i) => store.get(i));
		for (const expression of ['/^ab$/', 'ab', '/Ähre/c', '/b\\na/', 'holiday']) {
			const filter = parseFilter(expression);
			expect([...store.view(filter)], expression).toEqual(all.filter(row => filter.test(row)).map(row => row.index));
		}
	});

	it('narrows: a filter typed further evaluates within the previous mask with the same result', async () => {
		const {store} = await storeOf(300);
		const steps = ['h', 'ho', 'hol', 'holi', 'holi p', 'holi ph', 'holi ph size>100', 'holi ph size>100 -n1', 'holi ph size>100 -n'];
		for (let k = 1; k < steps.length; k++) {
			const previous = parseFilter(steps[k - 1]);
			const next = parseFilter(steps[k]);
			expect(next.narrows(previous), steps[k]).toBe(true);
			const within = previous.evaluate(store);
			expect([...query(store, {filter: next, within})], steps[k]).toEqual([...store.view(next)]);
		}

		for (const [before, after] of [['ab', 'ab or b'], ['-ab', '-abc'], ['size>1', 'size>10'], ['ab', 'a'], ['/a/', '/ab/'], ['id:AB', 'id:A'], ['ab', '"ab" or x']]) {
			expect(parseFilter(after).narrows(parseFilter(before)), `${before} -> ${after}`).toBe(false);
		}

		for (const [before, after] of [['', 'x'], ['-abc', '-ab'], ['id:A', 'id:AB'], ['/a/', '/a/ b'], ['size>1', 'size>1 x']]) {
			expect(parseFilter(after).narrows(parseFilter(before)), `${before} -> ${after}`).toBe(true);
		}
	});
});
