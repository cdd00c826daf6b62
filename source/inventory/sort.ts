/**
 * Stable sorts of row numbers by one column: rows with equal keys keep the
 * order they had in the file.
 */
import {UsageError} from '../errors.js';
import {inert} from '../inert.js';
import type {InventoryStore} from './store.js';
import {flagNonAscii} from './flags.js';

export type SortField = 'id' | 'description' | 'created' | 'size' | 'hash';
export type SortSpec = {field: SortField; descending?: boolean};

const aliases: Record<string, SortField> = {
	id: 'id', archiveid: 'id',
	description: 'description', desc: 'description', path: 'description', name: 'description',
	created: 'created', date: 'created', creationdate: 'created',
	size: 'size',
	hash: 'hash', treehash: 'hash', sha256treehash: 'hash',
};

/** `size`, `size:desc`, `created:asc`, `name:desc`... */
export function parseSort(text: string): SortSpec {
	const [name, direction = 'asc', ...rest] = text.split(':');
	const field = aliases[name.toLowerCase()];
	if (field === undefined) throw new UsageError(`unknown sort field '${inert(name)}' (use id, description, path, created, size or hash, then :asc or :desc)`);
	if (rest.length > 0 || !/^(asc|desc)$/i.test(direction)) throw new UsageError(`sort direction must be asc or desc, not '${inert(text.slice(name.length + 1))}'`);
	return {field, descending: direction.toLowerCase() === 'desc'};
}

function sortByNumbers(rows: Uint32Array, keys: Float64Array, descending: boolean): Uint32Array {
	const sorted = Uint32Array.from(rows);
	if (descending) sorted.sort((a, b) => (keys[b] - keys[a]) || (a - b));
	else sorted.sort((a, b) => (keys[a] - keys[b]) || (a - b));
	return sorted;
}

function sortByStrings(rows: Uint32Array, keys: string[], descending: boolean, tieBreak?: (k: number) => number): Uint32Array {
	const order = new Uint32Array(rows.length);
	for (let k = 0; k < order.length; k++) order[k] = k;
	const direction = descending ? -1 : 1;
	order.sort((a, b) => {
		const ka = keys[a];
		const kb = keys[b];
		if (ka < kb) return -direction;
		if (ka > kb) return direction;
		if (tieBreak !== undefined) {
			const difference = tieBreak(a) - tieBreak(b);
			if (difference !== 0) return difference * direction;
		}

		return a - b;
	});
	const sorted = new Uint32Array(rows.length);
	for (let k = 0; k < order.length; k++) sorted[k] = rows[order[k]];
	return sorted;
}

/** Rows sorted by spec; the input order decides between equal keys (view() gives file order). */
export function sortRows(store: InventoryStore, rows: Uint32Array, spec: SortSpec): Uint32Array {
	const descending = spec.descending === true;
	switch (spec.field) {
		case 'size': return sortByNumbers(rows, store.sizes, descending);
		case 'created': return sortByNumbers(rows, store.created, descending);
		case 'id': return sortByStrings(rows, store.ids.sortKeys(rows), descending, k => store.ids.length(rows[k]));
		case 'description': {
			const flags = store.flags;
			return sortByStrings(rows, store.search.strings(rows, i => (flags[i] & flagNonAscii) === 0), descending);
		}

		case 'hash': {
			const keys = Array.from(rows, i => store.hashes.bytes(i).toString('latin1'));
			return sortByStrings(rows, keys, descending);
		}
	}
}
