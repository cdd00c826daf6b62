/**
 * Queries over an inventory: the rows matching a filter, in a sort order.
 * One layer for `thaw inventory` (query()) and the browser, which keeps
 * every row in the chosen order (sortedOrder, once per sort) and narrows it
 * by the filter's mask (applyFilter + applyMask, once per keystroke), so
 * that typing a filter never re-sorts and sorting never re-filters.
 * Everything here reads the columns interface (types.ts), not the store.
 */
import {parseFilter} from './filter/parse.js';
import type {EvaluateOptions, Filter, FilterNode} from './filter/node.js';
import {sortRows, type SortField, type SortSpec} from './sort.js';
import type {QueryColumns} from './types.js';

/** The row numbers whose mask byte is set, in order. */
export function indicesOf(mask: Uint8Array): Uint32Array {
	let count = 0;
	for (let i = 0; i < mask.length; i++) count += mask[i];
	const rows = new Uint32Array(count);
	let k = 0;
	for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) rows[k++] = i;
	return rows;
}

/** 0..length-1, or the other way round. */
export function fileOrder(length: number, descending = false): Uint32Array {
	const rows = new Uint32Array(length);
	for (let i = 0; i < length; i++) rows[i] = descending ? length - 1 - i : i;
	return rows;
}

/** A sort the browser can show: a field, or none (file order, reversed when descending). */
export type OrderSpec = {field?: SortField; descending?: boolean};

/** Every row in this order (stable: equal keys keep file order; archives without a modified time go last). */
export function sortedOrder(columns: QueryColumns, order?: OrderSpec | null): Uint32Array {
	const descending = order?.descending === true;
	if (order?.field === undefined) return fileOrder(columns.length, descending);
	return sortRows(columns, fileOrder(columns.length), {field: order.field, descending});
}

/** The rows of `order` whose mask byte is set, in that order (all of them without a mask). */
export function applyMask(order: Uint32Array, mask: Uint8Array | undefined): Uint32Array {
	if (!mask) return order;
	let count = 0;
	for (let k = 0; k < order.length; k++) count += mask[order[k]];
	const rows = new Uint32Array(count);
	let j = 0;
	for (let k = 0; k < order.length; k++) {
		const i = order[k];
		if (mask[i] !== 0) rows[j++] = i;
	}

	return rows;
}

/** Does evaluating this filter read the search index (text and regex terms)? */
export function needsSearchIndex(node: FilterNode): boolean {
	switch (node.kind) {
		case 'text':
		case 'regex': return true;
		case 'not': return needsSearchIndex(node.node);
		case 'and':
		case 'or': return node.nodes.some(child => needsSearchIndex(child));
		default: return false;
	}
}

/** A filter applied to some columns, with its mask (none = every row). */
export type AppliedFilter = {columns: QueryColumns; filter: Filter; mask: Uint8Array | undefined};

/**
 * Apply a filter, looking only at the rows of the previous result when the
 * new filter narrows it (as when typing one more letter): the same rows as
 * a fresh evaluation, in a fraction of the time. Throws RegexTooSlowError
 * (a usage error) when a regex term runs out of its time budget.
 */
export function applyFilter(columns: QueryColumns, filter: Filter, previous?: AppliedFilter, options?: EvaluateOptions): AppliedFilter {
	if (filter.matchesAll) return {columns, filter, mask: undefined};
	if (previous?.columns === columns && previous.mask !== undefined && previous.mask.length === columns.length && filter.narrows(previous.filter)) {
		return {columns, filter, mask: filter.evaluate(columns, previous.mask, options)};
	}

	return {columns, filter, mask: filter.evaluate(columns, undefined, options)};
}

export type QuerySpec = EvaluateOptions & {
	/** A parsed filter or its text; none = every row. */
	filter?: Filter | string | null;
	/** None = file order. */
	sort?: SortSpec | null;
	/** Only rows set in this mask (an earlier filter's, which this filter narrows) are looked at. */
	within?: Uint8Array;
};

/**
 * Row numbers matching the filter, in file order or sorted (stable: equal
 * keys keep file order): what `thaw inventory` prints.
 */
export function query(columns: QueryColumns, spec: QuerySpec = {}): Uint32Array {
	const {filter, sort, within} = spec;
	const parsed = typeof filter === 'string' ? parseFilter(filter) : filter;
	let rows: Uint32Array;
	if ((parsed && !parsed.matchesAll) || within !== undefined) {
		rows = indicesOf(parsed ? parsed.evaluate(columns, within, spec) : within!.subarray(0, columns.length));
	} else {
		rows = fileOrder(columns.length);
	}

	return sort ? sortRows(columns, rows, sort) : rows;
}
