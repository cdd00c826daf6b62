import {describe, expect, it} from 'vitest';
import {filterHelpEntries, filterHelpLines} from '../../source/inventory/filter/help.js';
import {comparisonFields, openAtEnd, parseFilter, textFields} from '../../source/inventory/filter/parse.js';

describe('the filter help (next to the parser, issue 13 §5)', () => {
	it('every example parses, every field the parser takes is explained, and each line fits 80 columns', () => {
		for (const entry of filterHelpEntries) expect(() => parseFilter(entry.example), entry.example).not.toThrow();
		const text = filterHelpLines().join('\n');
		for (const field of textFields) expect(text, field).toContain(`${field}:`);
		for (const field of comparisonFields) expect(text, field).toMatch(new RegExp(`${field}[<>=]`));
		for (const line of filterHelpLines()) expect([...line].length, line).toBeLessThanOrEqual(80);
	});

	it('knows when the text ends inside a quote or a regex (? is typed there)', () => {
		expect(openAtEnd('')).toBeUndefined();
		expect(openAtEnd('size>1')).toBeUndefined();
		expect(openAtEnd('/colou')).toBe('regex');
		expect(openAtEnd('/a[/]b')).toBe('regex');
		expect(openAtEnd('/ab/ x')).toBeUndefined();
		expect(openAtEnd('"two wo')).toBe('quote');
		expect(openAtEnd('path:"a b')).toBe('quote');
		expect(openAtEnd('"a" b')).toBeUndefined();
		// Terms that do not parse (yet) before the open regex do not hide it.
		expect(openAtEnd('size>x created<nope /ab')).toBe('regex');
		expect(openAtEnd('-')).toBeUndefined();
	});
});
