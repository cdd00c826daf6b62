/**
 * The rows the table shows: every row in the chosen sort order (computed once
 * per sort), then narrowed by the filter's mask (one pass per keystroke). So
 * typing a filter never re-sorts, and sorting never re-filters.
 */
import {decodeDescription, mightBeEncoded} from '../../inventory/decoders.js';
import type {InventoryStore} from '../../inventory/store.js';
import type {SortKey} from './columns.js';

const modifiedCache = new WeakMap<InventoryStore, {length: number; times: Float64Array}>();

/** The decoded modification time of every row (NaN when none), worked out once per store. */
export function modifiedTimes(store: InventoryStore): Float64Array {
	const cached = modifiedCache.get(store);
	if (cached && cached.length === store.length) return cached.times;
	const times = new Float64Array(store.length).fill(Number.NaN);
	for (let i = 0; i < store.length; i++) {
		const {buffer, start, end} = store.descriptions.locate(i);
		if (!mightBeEncoded(buffer, start, end)) continue;
		const decoded = decodeDescription(buffer.toString('utf8', start, end));
		if (decoded?.lastModified !== undefined) times[i] = decoded.lastModified;
	}

	modifiedCache.set(store, {length: store.length, times});
	return times;
}

/** Every row of the store in this order (stable: equal keys keep file order); no key = file order. */
export function sortedOrder(store: InventoryStore, key: SortKey | undefined, descending: boolean): Uint32Array {
	if (key === undefined) {
		const rows = new Uint32Array(store.length);
		for (let i = 0; i < rows.length; i++) rows[i] = descending ? rows.length - 1 - i : i;
		return rows;
	}

	if (key !== 'modified') return store.view(null, {field: key, descending});
	const times = modifiedTimes(store);
	const rows = new Uint32Array(store.length);
	for (let i = 0; i < rows.length; i++) rows[i] = i;
	const sign = descending ? -1 : 1;
	// Archives without a modification time go last either way.
	return rows.sort((a, b) => {
		const ta = times[a];
		const tb = times[b];
		if (Number.isNaN(ta) || Number.isNaN(tb)) return Number.isNaN(ta) === Number.isNaN(tb) ? a - b : (Number.isNaN(ta) ? 1 : -1);
		return ta === tb ? a - b : (ta - tb) * sign;
	});
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
