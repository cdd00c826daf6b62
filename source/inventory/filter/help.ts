/**
 * The filter language explained, next to its parser (parse.ts) so the two
 * cannot drift apart: every example here is parsed by test/inventory/filter-help.test.ts,
 * and every field parse.ts accepts must be named here. `thaw inventory --help`
 * prints these lines, and the browser shows them on `?` at the / prompt;
 * each fits 80 columns.
 */

export type FilterHelpEntry = {
	/** A filter text that parses, as typed. */
	example: string;
	meaning: string;
};

export const filterHelpEntries: readonly FilterHelpEntry[] = [
	{example: 'photos "two words"', meaning: 'text in the Path column: decoded path, else description'},
	{example: '/img_\\d+\\.jpg/', meaning: 'regular expression on that text; /…/c: case-sensitive'},
	{example: 'path:2014/', meaning: 'the same as a bare word: what the Path column shows'},
	{example: 'desc:mt2', meaning: 'the raw description, as Glacier stores it (not decoded)'},
	{example: 'id:AbC hash:3f2a', meaning: 'archive id / tree hash (hex) starting with that'},
	{example: 'size>1GiB size<=5MB', meaning: 'also >= < =; KB MB GB TB (1000), KiB MiB GiB TiB (1024)'},
	{example: 'created<2014-06-30', meaning: 'also 2014, 2014-06, 2014-06-30T12:00Z, all UTC'},
	{example: 'created>2014', meaning: 'a partial date is a period: from 2015-01-01 on'},
	{example: 'a b', meaning: 'both (also a and b)'},
	{example: 'a or b', meaning: 'either; and binds tighter than or'},
	{example: '-tmp', meaning: 'not'},
	{example: '"or" "-x" path:"a b"', meaning: 'quotes: the words or/and, text starting with - or /'},
];

/** The width the examples are padded to. */
const exampleWidth = 21;

/** The entries as lines of at most 80 columns, each indented by `indent`. */
export function filterHelpLines(indent = '  '): string[] {
	return filterHelpEntries.map(entry => `${indent}${entry.example.padEnd(exampleWidth)}${entry.meaning}`);
}
