import {describe, expect, it} from 'vitest';
import {FilterError, parseFilter, type InventoryRow} from '../../source/inventory/index.js';

function row(overrides: Partial<InventoryRow>): InventoryRow {
	return {index: 0, archiveId: 'AbCdEf', description: 'Holiday photos 2014', creationDate: Date.UTC(2014, 5, 15, 12), creationDateText: '', size: 1000, treeHash: 'ab'.repeat(32), ...overrides};
}

const matches = (expression: string, overrides: Partial<InventoryRow> = {}) => parseFilter(expression).test(row(overrides));

describe('filter language', () => {
	it('matches words, phrases and regexes case-insensitively', () => {
		expect(matches('holiday')).toBe(true);
		expect(matches('PHOTOS')).toBe(true);
		expect(matches('"holiday photos"')).toBe(true);
		expect(matches('"photos holiday"')).toBe(false);
		expect(matches('/^holiday\\s+photos/')).toBe(true);
		expect(matches('/^holiday/c')).toBe(false);
		expect(matches('/^Holiday/c')).toBe(true);
		expect(matches('/ /')).toBe(true);
		expect(matches('/a[/]b/', {description: 'a/b'})).toBe(true);
		expect(matches('ähre', {description: 'ÄHRE'})).toBe(true);
	});

	it('uses the decoded path when there is one', () => {
		const decoded = {path: 'Fotos/Ähre.jpg', description: 'mt2 eyJmaWxlbmFtZSI6IkZvdG9zL'};
		expect(matches('ähre', decoded)).toBe(true);
		expect(matches('mt2', decoded)).toBe(false);
		expect(matches('desc:mt2', decoded)).toBe(true);
		expect(matches('path:fotos', decoded)).toBe(true);
		// path: matches what the Path column shows: a plain description too (issue 13 §6).
		expect(matches('path:holiday')).toBe(true);
		expect(matches('path:mt2', decoded)).toBe(false);
		expect(matches('path:"fotos/ä"', decoded)).toBe(true);
	});

	it('compares sizes with units', () => {
		const gib = 2 ** 30;
		expect(matches('size>1GiB', {size: gib})).toBe(false);
		expect(matches('size>=1GiB', {size: gib})).toBe(true);
		expect(matches('size>1GB', {size: gib})).toBe(true);
		expect(matches('size<=500MB', {size: 500e6})).toBe(true);
		expect(matches('size<500MB', {size: 500e6})).toBe(false);
		expect(matches('size=0', {size: 0})).toBe(true);
		expect(matches('size=1.5KiB', {size: 1536})).toBe(true);
		expect(matches('size>2TiB', {size: 3e12})).toBe(true);
		expect(matches('size>2tb', {size: 3e12})).toBe(true);
		expect(matches('SIZE<10b', {size: 9})).toBe(true);
		expect(matches('size:1000')).toBe(true);
	});

	it('treats partial dates as periods', () => {
		const at = (iso: string) => ({creationDate: Date.parse(iso)});
		expect(matches('created<2014', at('2013-12-31T23:59:59Z'))).toBe(true);
		expect(matches('created<2014', at('2014-01-01T00:00:00Z'))).toBe(false);
		expect(matches('created>2014', at('2014-12-31T23:59:59Z'))).toBe(false);
		expect(matches('created>2014', at('2015-01-01T00:00:00Z'))).toBe(true);
		expect(matches('created<=2014-06', at('2014-06-30T23:59:59Z'))).toBe(true);
		expect(matches('created<=2014-06', at('2014-07-01T00:00:00Z'))).toBe(false);
		expect(matches('created>=2016-01-01', at('2016-01-01T00:00:00Z'))).toBe(true);
		expect(matches('created=2014-12', at('2014-12-31T10:00:00Z'))).toBe(true);
		expect(matches('created=2014-02-28', at('2014-02-28T23:59:59.999Z'))).toBe(true);
		expect(matches('created>=2014-06-15T12:00Z', at('2014-06-15T12:00:00Z'))).toBe(true);
		expect(matches('created>2014-06-15T12:00:00', at('2014-06-15T12:00:00.500Z'))).toBe(false);
		expect(matches('created>2014-06-15T12:00:00', at('2014-06-15T12:00:01Z'))).toBe(true);
		expect(matches('created=2014-06-15T12:00:00.250Z', at('2014-06-15T12:00:00.250Z'))).toBe(true);
	});

	it('matches id and hash prefixes', () => {
		expect(matches('id:AbC')).toBe(true);
		expect(matches('id:abc')).toBe(false);
		expect(matches('hash:ABAB')).toBe(true);
		expect(matches('hash:abb')).toBe(false);
	});

	it('combines with and, or (looser) and -', () => {
		expect(matches('holiday 2014')).toBe(true);
		expect(matches('holiday and 2015')).toBe(false);
		expect(matches('holiday 2015 or photos')).toBe(true); // (holiday and 2015) or photos
		expect(matches('nothing or holiday 2015')).toBe(false); // nothing or (holiday and 2015)
		expect(matches('-holiday')).toBe(false);
		expect(matches('-nothing holiday')).toBe(true);
		expect(matches('-"holiday photos"')).toBe(false);
		expect(matches('-size>1KB')).toBe(true);
		expect(matches('"or"', {description: 'black or white'})).toBe(true);
		expect(() => parseFilter('OR')).toThrow(/'or' needs a term on each side/);
		expect(parseFilter('  ').matchesAll).toBe(true);
		expect(parseFilter('a OR b').node).toEqual({kind: 'or', nodes: [{kind: 'text', field: 'any', needle: 'a'}, {kind: 'text', field: 'any', needle: 'b'}]});
	});

	it('explains malformed input', () => {
		const cases: Array<[string, RegExp]> = [
			['size>12XB', /^filter: size>12XB: unknown unit XB \(use B, KB, MB, GB, TB, KiB, MiB, GiB, TiB\)$/],
			['size>', /size>: missing number/],
			['size>big', /'big' is not a size/],
			['created<2014-13', /'2014-13' is not a date/],
			['created>=2014-02-30', /not a date/],
			['created<', /missing date/],
			['"unterminated', /unterminated quote/],
			['/abc', /unterminated regular expression/],
			['/a(/', /invalid regular expression/],
			['/a/x', /unknown regex flag 'x'/],
			['or a', /'or' needs a term on each side/],
			['a or', /'or' needs a term on each side/],
			['a or or b', /'or' needs a term/],
			['a - b', /'-' must be followed by a term/],
			['id:', /missing value/],
			['id:a/b', /archive id has only/],
			['hash:xyz', /only hex digits/],
		];
		for (const [text, message] of cases) {
			let error: unknown;
			try {
				parseFilter(text);
			} catch (error_) {
				error = error_;
			}

			expect(error, text).toBeInstanceOf(FilterError);
			expect((error as FilterError).exitCode).toBe(2);
			expect((error as Error).message, text).toMatch(message);
		}
	});
});
