/**
 * The rows the table shows: every row in the chosen sort order (computed once
 * per sort), then narrowed by the filter's mask (one pass per keystroke). So
 * typing a filter never re-sorts, and sorting never re-filters.
 */
import type {Filter, FilterNode} from '../../inventory/filter.js';
import {sortRowsByKeys} from '../../inventory/sort.js';
import type {InventoryStore} from '../../inventory/store.js';
import type {SortKey} from './columns.js';

/** The decoded modification time of every row (NaN when none): the store's lazily built column. */
export function modifiedTimes(store: InventoryStore): Float64Array {
	return store.modified;
}

/** Every row of the store in this order (stable: equal keys keep file order); no key = file order. */
export function sortedOrder(store: InventoryStore, key: SortKey | undefined, descending: boolean): Uint32Array {
	if (key === undefined) {
		const rows = new Uint32Array(store.length);
		for (let i = 0; i < rows.length; i++) rows[i] = descending ? rows.length - 1 - i : i;
		return rows;
	}

	if (key !== 'modified') return store.view(null, {field: key, descending});
	// Radix sort on the decoded times; archives without one go last either way.
	return sortRowsByKeys(store.view(), store.modified, descending);
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

/** A filter applied to a store, with its mask (none = every row). */
export type AppliedFilter = {store: InventoryStore; filter: Filter; mask: Uint8Array | undefined};

/**
 * Apply a filter, looking only at the rows of the previous result when the
 * new filter narrows it (as when typing one more letter): the same rows as
 * a fresh evaluation, in a fraction of the time.
 */
export function applyFilter(store: InventoryStore, filter: Filter, previous?: AppliedFilter): AppliedFilter {
	if (filter.matchesAll) return {store, filter, mask: undefined};
	if (previous?.store === store && previous.mask !== undefined && previous.mask.length === store.length && filter.narrows(previous.filter)) {
		return {store, filter, mask: filter.evaluate(store, previous.mask)};
	}

	return {store, filter, mask: filter.evaluate(store)};
}

/**
 * From this many rows on, the browser sorts after drawing a "sorting…"
 * status (a sort may then take over 100 ms), and a text filter waits for the
 * background search index instead of building it at once ("indexing…").
 * delayMs: how long the status shows before the work starts, at least one
 * frame. (Tests lower rows to see the busy states on small inventories.)
 */
export const deferral = {rows: 50_000, delayMs: 0};
