/**
 * The filter language of the inventory browser and `thaw inventory --filter`:
 * text -> a tree of FilterNodes (node.ts), wrapped as a Filter.
 *
 *   word            case-insensitive substring of the path (decoded descriptions) or description
 *   "two words"     the same, with spaces
 *   /regex/         regular expression on the same text, case-insensitive;
 *                   flags after the closing slash: c = case-sensitive, s, m, u as in JavaScript
 *   path:TEXT       substring of what the Path column shows (the decoded path, else the description);
 *                   desc:TEXT  substring of the raw description
 *   id:PREFIX       archive ids starting with PREFIX (case-sensitive); hash:PREFIX  tree hashes (hex)
 *   size>1GiB       also >=, <, <=, = (or :); units B, KB, MB, GB, TB (1000), KiB, MiB, GiB, TiB (1024)
 *   created<2014    also 2014-06, 2014-06-30, 2014-06-30T12:00[:00[.000]][Z], all UTC; a partial date
 *                   is a period: created>2014 is from 2015 on, created<=2014-06 up to the end of June
 *   -term           not
 *   a b             and (also written `and`);   a or b   or; `and` binds tighter than `or`
 * To search for the words or / and, or for text starting with - or /, put them in quotes.
 * A regex runs with a time budget (regex.ts): one that backtracks without end
 * is stopped, and the evaluation throws RegexTooSlowError.
 */
import {FilterError} from './error.js';
import {evaluateFilter, testRow} from './evaluate.js';
import {narrows} from './narrow.js';
import type {Filter, FilterNode, Op} from './node.js';

const units: Record<string, number> = {
	b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, tib: 1024 ** 4,
};

function parseSize(term: string, text: string): number {
	const match = /^(\d+(?:\.\d+)?|\.\d+)([A-Za-z]*)$/.exec(text);
	if (!match) {
		if (text === '') throw new FilterError(`${term}: missing number (like size>1GiB or size<=500MB)`);
		throw new FilterError(`${term}: '${text}' is not a size (like size>1GiB or size<=500MB)`);
	}

	const unit = match[2] === '' ? 1 : units[match[2].toLowerCase()];
	if (unit === undefined) throw new FilterError(`${term}: unknown unit ${match[2]} (use B, KB, MB, GB, TB, KiB, MiB, GiB, TiB)`);
	return Number(match[1]) * unit;
}

function parseDatePeriod(term: string, text: string): {from: number; to: number} {
	const match = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?)?)?[Zz]?$/.exec(text);
	const bad = () => new FilterError(`${term}: '${text}' is not a date (use 2014, 2014-06, 2014-06-30 or 2014-06-30T12:00:00Z, UTC)`);
	if (!match || (match[0].toUpperCase().endsWith('Z') && match[4] === undefined)) throw bad();
	const [year, month = 1, day = 1, hour = 0, minute = 0, second = 0] = match.slice(1, 7).map(v => v === undefined ? undefined : Number(v));
	const ms = match[7] === undefined ? 0 : Number(match[7].padEnd(3, '0'));
	const date = new Date(0);
	date.setUTCFullYear(year!, month! - 1, day);
	date.setUTCHours(hour!, minute, second, ms);
	if (date.getUTCMonth() !== month! - 1 || date.getUTCDate() !== day || hour! > 23 || minute! > 59 || second! > 59) throw bad();
	const from = date.getTime();
	const end = new Date(from);
	if (match[2] === undefined) end.setUTCFullYear(year! + 1);
	else if (match[3] === undefined) end.setUTCMonth(month!); // Next month (setUTCMonth rolls the year)
	else if (match[4] === undefined) end.setUTCDate(day! + 1);
	else if (match[6] === undefined) end.setUTCMinutes(minute! + 1);
	else if (match[7] === undefined) end.setUTCSeconds(second! + 1);
	else end.setUTCMilliseconds(ms + 1);
	return {from, to: end.getTime()};
}

/** The fields a term can name, as `field:TEXT` and as comparisons (help.ts explains each; its test checks it does). */
export const textFields = ['path', 'desc', 'id', 'hash'] as const;
export const comparisonFields = ['size', 'created'] as const;
const fieldPattern = new RegExp(`^(${textFields.join('|')}):(.*)$`, 'i');
const fieldPrefix = new RegExp(`^(${textFields.join('|')}):$`, 'i');
const comparisonPattern = new RegExp(`^(${comparisonFields.join('|')})(>=|<=|>|<|=|:)(.*)$`, 'i');

type Token = {kind: 'or' | 'and'; at: number} | {kind: 'term'; node: FilterNode; at: number};

function makeRegex(source: string, flags: string, term: string): FilterNode {
	for (const flag of flags) if (!'cimsu'.includes(flag)) throw new FilterError(`${term}: unknown regex flag '${flag}' (use c for case-sensitive, s, m, u)`);
	const caseSensitive = flags.includes('c');
	const jsFlags = [...new Set(flags.replaceAll('c', '').replaceAll('i', '') + (caseSensitive ? '' : 'i'))].join('');
	try {
		return {kind: 'regex', regex: new RegExp(source, jsFlags), caseSensitive, text: term};
	} catch (error) {
		throw new FilterError(`${term}: invalid regular expression: ${(error as Error).message.replace(/^Invalid regular expression: /, '')}`);
	}
}

function fieldTerm(field: string, value: string, term: string): FilterNode {
	switch (field) {
		case 'id': {
			if (!/^[A-Za-z0-9_-]+$/.test(value)) throw new FilterError(`${term}: an archive id has only A-Z a-z 0-9 _ - (give the start of one)`);
			return {kind: 'id', prefix: value};
		}

		case 'hash': {
			if (!/^[\dA-Fa-f]{1,64}$/.test(value)) throw new FilterError(`${term}: a tree hash has only hex digits 0-9 a-f (give the start of one)`);
			return {kind: 'hash', prefix: value.toLowerCase()};
		}

		// The Path column shows the decoded path, else the description: path: matches what it shows (a bare word does the same).
		case 'path': {
			return {kind: 'text', field: 'any', needle: value.toLowerCase()};
		}

		case 'desc': {
			return {kind: 'text', field, needle: value.toLowerCase()};
		}

		default: {
			throw new FilterError(`${term}: unknown field`);
		}
	}
}

function wordTerm(word: string): FilterNode {
	const comparison = comparisonPattern.exec(word);
	if (comparison) {
		const field = comparison[1].toLowerCase();
		const op = (comparison[2] === ':' ? '=' : comparison[2]) as Op;
		if (field === 'size') return {kind: 'size', op, value: parseSize(word, comparison[3])};
		if (comparison[3] === '') throw new FilterError(`${word}: missing date (like created>=2016-01-01)`);
		return {kind: 'created', op, ...parseDatePeriod(word, comparison[3])};
	}

	const field = fieldPattern.exec(word);
	if (field) {
		if (field[2] === '') throw new FilterError(`${word}: missing value after ${field[1]}:`);
		return fieldTerm(field[1].toLowerCase(), field[2], word);
	}

	return {kind: 'text', field: 'any', needle: word.toLowerCase()};
}

/** A quote or regex still open at the end of the text: what is typed next is inside it. */
class Unterminated extends FilterError {
	constructor(message: string, readonly construct: 'quote' | 'regex') {
		super(message);
	}
}

/** The tokens of text; with build false, only the scan (no term is checked): what openAtEnd() needs. */
function tokenize(text: string, build = true): Token[] {
	const tokens: Token[] = [];
	const space = /\s/;
	let i = 0;
	const readQuoted = (start: number): [string, number] => {
		const close = text.indexOf('"', start + 1);
		if (close === -1) throw new Unterminated(`unterminated quote: ${text.slice(start)}`, 'quote');
		return [text.slice(start + 1, close), close + 1];
	};

	while (i < text.length) {
		if (space.test(text[i])) {
			i++;
			continue;
		}

		const at = i;
		let negate = false;
		if (text[i] === '-') {
			if (build && (i + 1 >= text.length || space.test(text[i + 1]))) throw new FilterError(`'-' must be followed by a term (like -tmp)`);
			negate = true;
			i++;
		}

		let node: FilterNode;
		if (text[i] === '"') {
			const [phrase, next] = readQuoted(i);
			node = {kind: 'text', field: 'any', needle: phrase.toLowerCase()};
			i = next;
		} else if (text[i] === '/') {
			let j = i + 1;
			let inClass = false;
			for (; j < text.length; j++) {
				const ch = text[j];
				if (ch === '\\') j++;
				else if (ch === '[') inClass = true;
				else if (ch === ']') inClass = false;
				else if (ch === '/' && !inClass) break;
			}

			if (j >= text.length) throw new Unterminated(`unterminated regular expression: ${text.slice(i)} (end it with /)`, 'regex');
			let k = j + 1;
			while (k < text.length && !space.test(text[k])) k++;
			node = build ? makeRegex(text.slice(i + 1, j), text.slice(j + 1, k), text.slice(i, k)) : {kind: 'all'};
			i = k;
		} else {
			let j = i;
			while (j < text.length && !space.test(text[j])) {
				if (text[j] === '"' && fieldPrefix.test(text.slice(i, j))) break;
				j++;
			}

			const word = text.slice(i, j);
			if (text[j] === '"') {
				const [phrase, next] = readQuoted(j);
				node = build ? fieldTerm(word.slice(0, -1).toLowerCase(), phrase, text.slice(i, next)) : {kind: 'all'};
				i = next;
			} else {
				i = j;
				const lower = word.toLowerCase();
				if (!negate && (lower === 'or' || lower === 'and')) {
					tokens.push({kind: lower, at});
					continue;
				}

				node = build ? wordTerm(word) : {kind: 'all'};
			}
		}

		tokens.push({kind: 'term', node: negate ? {kind: 'not', node} : node, at});
	}

	return tokens;
}

function parseTokens(tokens: Token[]): FilterNode {
	if (tokens.length === 0) return {kind: 'all'};
	const alternatives: FilterNode[] = [];
	let current: FilterNode[] = [];
	let previous: Token['kind'] | undefined;
	for (const token of tokens) {
		if (token.kind === 'term') {
			current.push(token.node);
		} else if (previous === undefined || previous !== 'term') {
			throw new FilterError(`'${token.kind}' needs a term on each side (to search for the word, put it in quotes: "${token.kind}")`);
		} else if (token.kind === 'or') {
			alternatives.push(current.length === 1 ? current[0] : {kind: 'and', nodes: current});
			current = [];
		}

		previous = token.kind;
	}

	if (previous !== 'term') throw new FilterError(`'${previous}' needs a term on each side (to search for the word, put it in quotes: "${previous}")`);
	alternatives.push(current.length === 1 ? current[0] : {kind: 'and', nodes: current});
	return alternatives.length === 1 ? alternatives[0] : {kind: 'or', nodes: alternatives};
}

/**
 * Does text end inside a "quote" or a /regex/ (so that a character typed
 * next is part of it)? The browser's prompt types ? there and shows the
 * filter help elsewhere.
 */
export function openAtEnd(text: string): 'quote' | 'regex' | undefined {
	try {
		tokenize(text, false);
		return undefined;
	} catch (error) {
		return error instanceof Unterminated ? error.construct : undefined;
	}
}

export function parseFilter(text: string): Filter {
	const node = parseTokens(tokenize(text));
	return {
		text,
		node,
		matchesAll: node.kind === 'all',
		test: row => testRow(node, row),
		evaluate: (columns, within, options) => evaluateFilter(node, columns, within, options),
		narrows: previous => narrows(node, previous.node),
	};
}
