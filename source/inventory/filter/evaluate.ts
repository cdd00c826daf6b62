/**
 * Filters evaluated column-wise: one byte per row, terms in order of cost,
 * each later term of an `and` looking only at the rows still in. Text terms
 * search the joined text of the search index with one native indexOf per
 * match; regex terms run with a time budget (regex.ts). testRow() is the
 * reference semantics on one decoded row.
 */
import {packPrefix} from '../id-column.js';
import {flagDecoded} from '../flags.js';
import {JoinedText, type TextPage} from '../joined-text.js';
import type {InventoryRow, QueryColumns} from '../types.js';
import type {EvaluateOptions, FilterNode, Op} from './node.js';
import {findRegex} from './regex.js';

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
export function testRow(node: FilterNode, row: InventoryRow): boolean {
	switch (node.kind) {
		case 'all': return true;
		case 'text': {
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

/**
 * One byte per row of columns: 1 = matches. With within (a mask), only rows
 * set in it are looked at and can match.
 */
export function evaluateFilter(node: FilterNode, columns: QueryColumns, within?: Uint8Array, options: EvaluateOptions = {}): Uint8Array {
	const context = {columns, regexBudgetMs: options.regexBudgetMs};
	if (within === undefined) return evaluateNode(node, context);
	const mask = evaluateNode(node, context, within);
	for (let i = 0; i < mask.length; i++) mask[i] &= within[i];
	return mask;
}

type Context = {columns: QueryColumns; regexBudgetMs: number | undefined};

function evaluateNode(node: FilterNode, context: Context, candidates?: Uint8Array): Uint8Array {
	const {columns} = context;
	const n = columns.length;
	const mask = new Uint8Array(n);
	switch (node.kind) {
		case 'all': {
			mask.fill(1);
			return mask;
		}

		case 'text': {
			const {index} = columns;
			const flags = index.flags;
			if (node.field !== 'desc') {
				findText(index.joinedText('search'), node.needle, mask, candidates);
				return mask;
			}

			// Decoded rows keep their lower-cased path in the search column: look at their lower-cased raw description instead.
			findText(index.joinedText('search'), node.needle, mask, intersect(candidates, flags, flagDecoded, n, true));
			findText(index.joinedText('rawSearch'), node.needle, mask, intersect(candidates, flags, flagDecoded, n));
			return mask;
		}

		case 'regex': {
			const joined = columns.index.joinedText(node.caseSensitive ? 'display' : 'search');
			findRegex(joined, node.regex, node.text, mask, candidates, context.regexBudgetMs);
			return mask;
		}

		case 'size': {
			const {op, value} = node;
			const sizes = columns.sizes;
			compareInto(sizes, op, value, mask, n);
			return mask;
		}

		case 'created': {
			const {op, from, to} = node;
			const created = columns.created;
			periodInto(created, op, from, to, mask, n);
			return mask;
		}

		case 'id': {
			const prefix = packPrefix(node.prefix);
			for (let i = 0; i < n; i++) if (columns.ids.startsWith(i, prefix)) mask[i] = 1;
			return mask;
		}

		case 'hash': {
			const nibbles = [...node.prefix].map(ch => Number.parseInt(ch, 16));
			const hashes = columns.hashes;
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
			const inner = evaluateNode(node.node, context, candidates);
			invertInto(inner, mask, n);
			return mask;
		}

		case 'and': {
			// Cheapest terms first; each later term looks only at the rows still in.
			let current = candidates;
			for (const child of [...node.nodes].sort((x, y) => cost(x) - cost(y))) {
				const result = evaluateNode(child, context, current);
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

				const result = evaluateNode(child, context, within);
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
