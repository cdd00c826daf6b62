/**
 * The filter language of the inventory browser and `thaw inventory --filter`.
 *
 *   word            case-insensitive substring of the path (decoded descriptions) or description
 *   "two words"     the same, with spaces
 *   /regex/         regular expression on the same text, case-insensitive;
 *                   flags after the closing slash: c = case-sensitive, s, m, u as in JavaScript
 *   path:TEXT       substring of decoded paths only;  desc:TEXT  substring of the raw description
 *   id:PREFIX       archive ids starting with PREFIX (case-sensitive); hash:PREFIX  tree hashes (hex)
 *   size>1GiB       also >=, <, <=, = (or :); units B, KB, MB, GB, TB (1000), KiB, MiB, GiB, TiB (1024)
 *   created<2014    also 2014-06, 2014-06-30, 2014-06-30T12:00[:00[.000]][Z], all UTC; a partial date
 *                   is a period: created>2014 is from 2015 on, created<=2014-06 up to the end of June
 *   -term           not
 *   a b             and (also written `and`);   a or b   or; `and` binds tighter than `or`
 * To search for the words or / and, or for text starting with - or /, put them in quotes.
 */
import {UsageError} from '../errors.js';
import {packPrefix} from './id-column.js';
import type {InventoryStore} from './store.js';
import {flagDecoded, flagNonAscii} from './flags.js';
import type {InventoryRow} from './types.js';
import {JoinedText, type TextPage} from './joined-text.js';

export class FilterError extends UsageError {
	constructor(message: string) {
		super(`filter: ${message}`);
		this.name = 'FilterError';
	}
}

type Op = '>' | '>=' | '<' | '<=' | '=';

export type FilterNode =
	| {kind: 'text'; field: 'any' | 'path' | 'desc'; needle: string}
	| {kind: 'regex'; regex: RegExp; caseSensitive: boolean}
	| {kind: 'size'; op: Op; value: number}
	| {kind: 'created'; op: Op; from: number; to: number}
	| {kind: 'id'; prefix: string}
	| {kind: 'hash'; prefix: string}
	| {kind: 'not'; node: FilterNode}
	| {kind: 'and'; nodes: FilterNode[]}
	| {kind: 'or'; nodes: FilterNode[]}
	| {kind: 'all'};

export type Filter = {
	readonly text: string;
	readonly node: FilterNode;
	/** True for an empty filter. */
	readonly matchesAll: boolean;
	/** Does one row match? (Reference semantics; view() gives the same answers, column-wise.) */
	test(row: InventoryRow): boolean;
	/**
	 * One byte per row of the store: 1 = matches. With within (a mask), only
	 * rows set in it are looked at and can match: pass the previous filter's
	 * mask when this.narrows(previous), as when typing.
	 */
	evaluate(store: InventoryStore, within?: Uint8Array): Uint8Array;
	/**
	 * True when every row matching this filter matches previous too (this is
	 * previous with more terms, or a longer word), so that
	 * evaluate(store, previous.evaluate(store)) gives the same as evaluate(store).
	 */
	narrows(previous: Filter): boolean;
};

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

type Token = {kind: 'or' | 'and'; at: number} | {kind: 'term'; node: FilterNode; at: number};

function makeRegex(source: string, flags: string, term: string): FilterNode {
	for (const flag of flags) if (!'cimsu'.includes(flag)) throw new FilterError(`${term}: unknown regex flag '${flag}' (use c for case-sensitive, s, m, u)`);
	const caseSensitive = flags.includes('c');
	const jsFlags = [...new Set(flags.replaceAll('c', '').replaceAll('i', '') + (caseSensitive ? '' : 'i'))].join('');
	try {
		return {kind: 'regex', regex: new RegExp(source, jsFlags), caseSensitive};
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

		case 'path':
		case 'desc': {
			return {kind: 'text', field, needle: value.toLowerCase()};
		}

		default: {
			throw new FilterError(`${term}: unknown field`);
		}
	}
}

function wordTerm(word: string): FilterNode {
	const comparison = /^(size|created)(>=|<=|>|<|=|:)(.*)$/i.exec(word);
	if (comparison) {
		const field = comparison[1].toLowerCase();
		const op = (comparison[2] === ':' ? '=' : comparison[2]) as Op;
		if (field === 'size') return {kind: 'size', op, value: parseSize(word, comparison[3])};
		if (comparison[3] === '') throw new FilterError(`${word}: missing date (like created>=2016-01-01)`);
		return {kind: 'created', op, ...parseDatePeriod(word, comparison[3])};
	}

	const field = /^(id|hash|path|desc):(.*)$/i.exec(word);
	if (field) {
		if (field[2] === '') throw new FilterError(`${word}: missing value after ${field[1]}:`);
		return fieldTerm(field[1].toLowerCase(), field[2], word);
	}

	return {kind: 'text', field: 'any', needle: word.toLowerCase()};
}

function tokenize(text: string): Token[] {
	const tokens: Token[] = [];
	const space = /\s/;
	let i = 0;
	const readQuoted = (start: number): [string, number] => {
		const close = text.indexOf('"', start + 1);
		if (close === -1) throw new FilterError(`unterminated quote: ${text.slice(start)}`);
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
			if (i + 1 >= text.length || space.test(text[i + 1])) throw new FilterError(`'-' must be followed by a term (like -tmp)`);
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

			if (j >= text.length) throw new FilterError(`unterminated regular expression: ${text.slice(i)} (end it with /)`);
			let k = j + 1;
			while (k < text.length && !space.test(text[k])) k++;
			node = makeRegex(text.slice(i + 1, j), text.slice(j + 1, k), text.slice(i, k));
			i = k;
		} else {
			let j = i;
			while (j < text.length && !space.test(text[j])) {
				if (text[j] === '"' && /^(id|hash|path|desc):$/i.test(text.slice(i, j))) break;
				j++;
			}

			const word = text.slice(i, j);
			if (text[j] === '"') {
				const [phrase, next] = readQuoted(j);
				node = fieldTerm(word.slice(0, -1).toLowerCase(), phrase, text.slice(i, next));
				i = next;
			} else {
				i = j;
				const lower = word.toLowerCase();
				if (!negate && (lower === 'or' || lower === 'and')) {
					tokens.push({kind: lower, at});
					continue;
				}

				node = wordTerm(word);
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

function compare(value: number, op: Op, target: number): boolean {
	switch (op) {
		case '>': return value > target;
		case '>=': return value >= target;
		case '<': return value < target;
		case '<=': return value <= target;
		case '=': return value === target;
	}
}

function inPeriod(ms: number, op: Op, from: number, to: number): boolean {
	switch (op) {
		case '>': return ms >= to;
		case '>=': return ms >= from;
		case '<': return ms < from;
		case '<=': return ms < to;
		case '=': return ms >= from && ms < to;
	}
}

/** Reference semantics on one decoded row. */
function testRow(node: FilterNode, row: InventoryRow): boolean {
	switch (node.kind) {
		case 'all': return true;
		case 'text': {
			if (node.field === 'path') return row.path !== undefined && row.path.toLowerCase().includes(node.needle);
			if (node.field === 'desc') return row.description.toLowerCase().includes(node.needle);
			return (row.path ?? row.description).toLowerCase().includes(node.needle);
		}

		case 'regex': {
			const text = row.path ?? row.description;
			node.regex.lastIndex = 0;
			return node.regex.test(node.caseSensitive ? text : text.toLowerCase());
		}

		case 'size': return compare(row.size, node.op, node.value);
		case 'created': return inPeriod(row.creationDate, node.op, node.from, node.to);
		case 'id': return row.archiveId.startsWith(node.prefix);
		case 'hash': return row.treeHash.toLowerCase().startsWith(node.prefix);
		case 'not': return !testRow(node.node, row);
		case 'and': return node.nodes.every(n => testRow(n, row));
		case 'or': return node.nodes.some(n => testRow(n, row));
	}
}

function asciiTest(flags: Uint8Array) {
	return (i: number) => (flags[i] & flagNonAscii) === 0;
}

function inCandidates(candidates: Uint8Array | undefined, extra?: (i: number) => boolean): (i: number) => boolean {
	if (candidates === undefined) return extra ?? (() => true);
	if (extra === undefined) return i => candidates[i] !== 0;
	return i => candidates[i] !== 0 && extra(i);
}

function evaluateNode(node: FilterNode, store: InventoryStore, candidates?: Uint8Array): Uint8Array {
	const n = store.length;
	const mask = new Uint8Array(n);
	switch (node.kind) {
		case 'all': {
			mask.fill(1);
			return mask;
		}

		case 'text': {
			const flags = store.flags;
			if (node.field !== 'desc') {
				if (node.field === 'path') candidates = intersect(candidates, flags, flagDecoded, n);
				findText(store.joinedText('search'), node.needle, mask, candidates);
				return mask;
			}

			// Decoded rows keep their lower-cased path in the search column: look at their lower-cased raw description instead.
			findText(store.joinedText('search'), node.needle, mask, intersect(candidates, flags, flagDecoded, n, true));
			findText(store.joinedText('rawSearch'), node.needle, mask, intersect(candidates, flags, flagDecoded, n));
			return mask;
		}

		case 'regex': {
			const flags = store.flags;
			const regex = node.regex;
			if (!hasLookaround(regex.source)) {
				findRegex(store.joinedText(node.caseSensitive ? 'display' : 'search'), regex, mask, candidates);
				return mask;
			}

			// Lookarounds could see the neighbouring rows in joined text: one row at a time.
			const test = (i: number, text: string) => {
				regex.lastIndex = 0;
				if (regex.test(text)) mask[i] = 1;
			};

			if (!node.caseSensitive) {
				store.search.eachString(inCandidates(candidates), asciiTest(flags), test);
				return mask;
			}

			store.display.eachString(inCandidates(candidates), () => false, test);
			return mask;
		}

		case 'size': {
			const {op, value} = node;
			const sizes = store.sizes;
			compareInto(sizes, op, value, mask, n);
			return mask;
		}

		case 'created': {
			const {op, from, to} = node;
			const created = store.created;
			periodInto(created, op, from, to, mask, n);
			return mask;
		}

		case 'id': {
			const prefix = packPrefix(node.prefix);
			for (let i = 0; i < n; i++) if (store.ids.startsWith(i, prefix)) mask[i] = 1;
			return mask;
		}

		case 'hash': {
			const nibbles = [...node.prefix].map(ch => Number.parseInt(ch, 16));
			const hashes = store.hashes;
			for (let i = 0; i < n; i++) {
				let match = 1;
				for (let k = 0; k < nibbles.length; k++) {
					const byte = hashes.byteAt(i, k >> 1);
					if (((k & 1) === 0 ? byte >> 4 : byte & 15) !== nibbles[k]) {
						match = 0;
						break;
					}
				}

				mask[i] = match;
			}

			return mask;
		}

		case 'not': {
			const inner = evaluateNode(node.node, store, candidates);
			invertInto(inner, mask, n);
			return mask;
		}

		case 'and': {
			// Cheapest terms first; each later term looks only at the rows still in.
			let current = candidates;
			for (const child of [...node.nodes].sort((x, y) => cost(x) - cost(y))) {
				const result = evaluateNode(child, store, current);
				if (current !== undefined) andInto(result, current, n);
				current = result;
			}

			return current ?? mask.fill(1);
		}

		case 'or': {
			// Each later term looks only at the rows not matched yet.
			let first = true;
			for (const child of [...node.nodes].sort((x, y) => cost(x) - cost(y))) {
				let within = candidates;
				if (!first && cost(child) >= costText) {
					within = new Uint8Array(n);
					unmatchedInto(candidates, mask, within, n);
				}

				const result = evaluateNode(child, store, within);
				orInto(mask, result, within === candidates ? undefined : within, n);
				first = false;
			}

			return mask;
		}
	}
}

const costText = 3;

// Small loops in functions of their own, so that each is optimised on its own.
function compareInto(values: Float64Array, op: Op, target: number, mask: Uint8Array, n: number): void {
	switch (op) {
		case '>': for (let i = 0; i < n; i++) mask[i] = values[i] > target ? 1 : 0; break;
		case '>=': for (let i = 0; i < n; i++) mask[i] = values[i] >= target ? 1 : 0; break;
		case '<': for (let i = 0; i < n; i++) mask[i] = values[i] < target ? 1 : 0; break;
		case '<=': for (let i = 0; i < n; i++) mask[i] = values[i] <= target ? 1 : 0; break;
		case '=': for (let i = 0; i < n; i++) mask[i] = values[i] === target ? 1 : 0; break;
	}
}

function periodInto(values: Float64Array, op: Op, from: number, to: number, mask: Uint8Array, n: number): void {
	switch (op) {
		case '>': for (let i = 0; i < n; i++) mask[i] = values[i] >= to ? 1 : 0; break;
		case '>=': for (let i = 0; i < n; i++) mask[i] = values[i] >= from ? 1 : 0; break;
		case '<': for (let i = 0; i < n; i++) mask[i] = values[i] < from ? 1 : 0; break;
		case '<=': for (let i = 0; i < n; i++) mask[i] = values[i] < to ? 1 : 0; break;
		case '=': for (let i = 0; i < n; i++) mask[i] = values[i] >= from && values[i] < to ? 1 : 0; break;
	}
}

function invertInto(inner: Uint8Array, mask: Uint8Array, n: number): void {
	for (let i = 0; i < n; i++) mask[i] = inner[i] ^ 1;
}

function andInto(result: Uint8Array, current: Uint8Array, n: number): void {
	for (let i = 0; i < n; i++) result[i] &= current[i];
}

function orInto(mask: Uint8Array, result: Uint8Array, within: Uint8Array | undefined, n: number): void {
	if (within === undefined) for (let i = 0; i < n; i++) mask[i] |= result[i];
	else for (let i = 0; i < n; i++) mask[i] |= result[i] & within[i];
}

function unmatchedInto(candidates: Uint8Array | undefined, mask: Uint8Array, within: Uint8Array, n: number): void {
	if (candidates === undefined) for (let i = 0; i < n; i++) within[i] = mask[i] ^ 1;
	else for (let i = 0; i < n; i++) within[i] = candidates[i] & (mask[i] ^ 1);
}

/** Rough relative cost of evaluating a node over all rows. */
function cost(node: FilterNode): number {
	switch (node.kind) {
		case 'all': return 0;
		case 'size':
		case 'created': return 1;
		case 'id':
		case 'hash': return 2;
		case 'text': return node.field === 'desc' ? costText + 1 : costText;
		case 'regex': return 5;
		case 'not': return cost(node.node);
		case 'and':
		case 'or': return Math.max(0, ...node.nodes.map(child => cost(child)));
	}
}

/** candidates (all rows when undefined) and rows whose flag bit is set (clear, with invert). */
function intersect(candidates: Uint8Array | undefined, flags: Uint8Array, bit: number, n: number, invert = false): Uint8Array {
	const out = new Uint8Array(n);
	const want = invert ? 0 : bit;
	for (let i = 0; i < n; i++) out[i] = (flags[i] & bit) === want && (candidates === undefined || candidates[i] !== 0) ? 1 : 0;
	return out;
}

/** First row at or after k (within the page) that is a candidate; rows when none. */
function nextCandidate(candidates: Uint8Array | undefined, first: number, k: number, rows: number): number {
	if (candidates === undefined) return k;
	while (k < rows && candidates[first + k] === 0) k++;
	return k;
}

/** The row of page holding offset at, searching from row k on. */
function rowFrom(page: TextPage, at: number, k: number): number {
	const starts = page.starts;
	if (starts[k + 1] > at) return k;
	if (starts[k + 2] > at) return k + 1;
	return JoinedText.rowAt(page, at, k + 1);
}

/** Mark rows (candidates only, if given) whose text contains needle: one native indexOf per match over each page. */
function findText(joined: JoinedText, needle: string, mask: Uint8Array, candidates?: Uint8Array): void {
	for (const page of joined.pages) {
		const {text, first, starts} = page;
		const rows = starts.length - 1;
		let k = nextCandidate(candidates, first, 0, rows);
		if (k >= rows) continue;
		let from = starts[k];
		for (;;) {
			const at = text.indexOf(needle, from);
			if (at === -1) break;
			k = rowFrom(page, at, k);
			if (at + needle.length >= starts[k + 1]) { // Runs into the next row (needle has a line break): look further on
				from = at + 1;
				continue;
			}

			if (candidates === undefined || candidates[first + k] !== 0) mask[first + k] = 1;
			k = nextCandidate(candidates, first, k + 1, rows);
			if (k >= rows) break;
			from = starts[k];
		}
	}
}

function hasLookaround(source: string): boolean {
	return /\(\?<?[=!]/.test(source.replaceAll(/\\[^]/g, ''));
}

/** Does the regex use ^ or $ outside character classes? */
function hasAnchors(source: string): boolean {
	return /[$^]/.test(source.replaceAll(/\\[^]/g, '').replaceAll(/\[[^\]]*\]/g, ''));
}

const globalCache = new WeakMap<RegExp, {global: RegExp; exact: boolean}>();

/**
 * Mark rows (candidates only, if given) that regex matches: one global
 * multiline exec over each page per matching row. A match lying inside one
 * row counts as is when the regex behaves the same on the joined text
 * (no ^ or $, or the m flag); any other match is checked on that row alone.
 * No match is missed: a regex without lookarounds that matches a row alone
 * also matches at the same place in the joined text, where ^ and $ (m) meet
 * the '\n' between rows and \b sees a non-word character, as at a string's ends.
 */
function findRegex(joined: JoinedText, regex: RegExp, mask: Uint8Array, candidates?: Uint8Array): void {
	let cached = globalCache.get(regex);
	if (cached === undefined) {
		cached = {
			global: new RegExp(regex.source, [...new Set(regex.flags + 'gm')].join('')),
			exact: regex.flags.includes('m') || !hasAnchors(regex.source),
		};
		globalCache.set(regex, cached);
	}

	const {global, exact} = cached;
	for (const page of joined.pages) {
		const {text, first, starts} = page;
		const rows = starts.length - 1;
		let k = nextCandidate(candidates, first, 0, rows);
		while (k < rows) {
			global.lastIndex = starts[k];
			const match = global.exec(text);
			if (match === null) break;
			k = rowFrom(page, match.index, k);
			if (candidates === undefined || candidates[first + k] !== 0) {
				if (exact && match.index + match[0].length < starts[k + 1]) {
					mask[first + k] = 1;
				} else {
					regex.lastIndex = 0;
					if (regex.test(text.slice(starts[k], starts[k + 1] - 1))) mask[first + k] = 1;
				}
			}

			k = nextCandidate(candidates, first, k + 1, rows);
		}
	}
}

/** The terms of a conjunction (undefined for an `or`). */
function conjuncts(node: FilterNode): FilterNode[] | undefined {
	if (node.kind === 'or') return undefined;
	if (node.kind === 'and') return node.nodes.some(child => child.kind === 'or') ? undefined : node.nodes;
	return node.kind === 'all' ? [] : [node];
}

/** Does term a imply term b (every row matching a matches b)? */
function implies(a: FilterNode, b: FilterNode): boolean {
	if (a.kind === 'text' && b.kind === 'text') return a.field === b.field && a.needle.includes(b.needle);
	if (a.kind === 'not' && b.kind === 'not') return implies(b.node, a.node);
	if ((a.kind === 'id' && b.kind === 'id') || (a.kind === 'hash' && b.kind === 'hash')) return a.prefix.startsWith(b.prefix);
	if (a.kind === 'regex' && b.kind === 'regex') return a.regex.source === b.regex.source && a.regex.flags === b.regex.flags;
	return JSON.stringify(a) === JSON.stringify(b) && a.kind !== 'and' && a.kind !== 'or';
}

/** Every row matching next matches previous: each term of previous is implied by a term of next. */
function narrows(next: FilterNode, previous: FilterNode): boolean {
	const after = conjuncts(next);
	const before = conjuncts(previous);
	if (after === undefined || before === undefined) return false;
	return before.every(term => after.some(candidate => implies(candidate, term)));
}

export function parseFilter(text: string): Filter {
	const node = parseTokens(tokenize(text));
	return {
		text,
		node,
		matchesAll: node.kind === 'all',
		test: row => testRow(node, row),
		evaluate(store, within) {
			if (within === undefined) return evaluateNode(node, store);
			const mask = evaluateNode(node, store, within);
			for (let i = 0; i < mask.length; i++) mask[i] &= within[i];
			return mask;
		},
		narrows: previous => narrows(node, previous.node),
	};
}
