import {describe, expect, it} from 'vitest';
import {parseFilter, RegexTooSlowError} from '../../source/inventory/index.js';
import {jsonInventory, load, record} from './helpers.js';

describe('regex filters with a time budget', () => {
	it('stop a catastrophic pattern, remember it, and keep answering ordinary ones exactly', async () => {
		const {store} = await load(jsonInventory([record(0, 'photos/one.jpg'), record(1, 'a'.repeat(5000) + '!'), record(2, 'aaa'), record(3, 'Photos/two.JPG')]));
		const hostile = parseFilter('size>=0 /(a+)+$/');
		let started = performance.now();
		expect(() => hostile.evaluate(store, undefined, {regexBudgetMs: 200})).toThrow(RegexTooSlowError);
		expect(performance.now() - started).toBeLessThan(10_000);
		// Remembered for these rows: typing on fails at once.
		started = performance.now();
		expect(() => parseFilter('/(a+)+$/ -x').evaluate(store, undefined, {regexBudgetMs: 200})).toThrow(/filter: \/\(a\+\)\+\$\/ is too slow/);
		expect(performance.now() - started).toBeLessThan(100);
		// A new worker answers the next ones, the same as the row-by-row reference.
		const all = Array.from({length: store.length}, (_, i) => store.get(i));
		for (const text of ['/^a+$/', '/photos/', '/Photos/c', '/o(?=n)/', '/^(?!a)/', '/(a+)+$/c']) {
			const filter = parseFilter(text);
			if (text === '/(a+)+$/c') { // The same pattern case-sensitively searches another text (display): stopped there too
				expect(() => filter.evaluate(store, undefined, {regexBudgetMs: 200})).toThrow(RegexTooSlowError);
				continue;
			}

			expect(Array.from(store.view(filter)), text).toEqual(all.filter(row => filter.test(row)).map(row => row.index));
		}
	}, 30_000);
});
