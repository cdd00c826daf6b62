/**
 * Stable sorts of row numbers by one column: rows with equal keys keep the
 * order they had in the file. Numbers: radix sort. Text (ids, lower-cased
 * path or description, hashes): by bytes, i.e. by Unicode code point.
 */
import {UsageError} from '../errors.js';
import {inert} from '../inert.js';
import type {InventoryStore} from './store.js';

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

/**
 * LSD radix sort (16-bit digits) on the IEEE-754 bits of the keys, made to
 * order like the numbers: stable, and far faster than a comparator sort.
 */
function sortByNumbers(rows: Uint32Array, keys: Float64Array, descending: boolean): Uint32Array {
	const n = rows.length;
	if (n < 2) return Uint32Array.from(rows);
	const byPosition = new Float64Array(n);
	for (let k = 0; k < n; k++) byPosition[k] = keys[rows[k]];
	const order = radixOrder(byPosition, descending);
	const sorted = new Uint32Array(n);
	for (let k = 0; k < n; k++) sorted[k] = rows[order[k]];
	return sorted;
}

/** Positions 0..n-1 ordered by keys[position] (stable). */
function radixOrder(keys: Float64Array, descending: boolean): Uint32Array {
	const n = keys.length;
	const high = new Uint32Array(n);
	const low = new Uint32Array(n);
	const float = new Float64Array(1);
	const words = new Uint32Array(float.buffer); // Little-endian: words[0] low, words[1] high
	const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
	const hi = littleEndian ? 1 : 0;
	for (let k = 0; k < n; k++) {
		float[0] = keys[k] + 0; // -0 -> +0
		let h = words[hi];
		let l = words[1 - hi];
		if ((h & 0x8000_0000) !== 0) { // Negative: reverse the order
			h = ~h;
			l = ~l;
		} else {
			h |= 0x8000_0000;
		}

		if (descending) {
			h = ~h;
			l = ~l;
		}

		high[k] = h >>> 0;
		low[k] = l >>> 0;
	}

	let order = new Uint32Array(n);
	for (let k = 0; k < n; k++) order[k] = k;
	let next = new Uint32Array(n);
	const count = new Uint32Array(65_536);
	for (let pass = 0; pass < 4; pass++) {
		const digits = pass < 2 ? low : high;
		const shift = (pass & 1) * 16;
		count.fill(0);
		for (let k = 0; k < n; k++) count[(digits[order[k]] >>> shift) & 0xFFFF]++;
		if (count[(digits[order[0]] >>> shift) & 0xFFFF] === n) continue; // One digit value: nothing to do
		let sum = 0;
		for (let d = 0; d < 65_536; d++) {
			const c = count[d];
			count[d] = sum;
			sum += c;
		}

		for (let k = 0; k < n; k++) {
			const position = order[k];
			next[count[(digits[position] >>> shift) & 0xFFFF]++] = position;
		}

		[order, next] = [next, order];
	}

	return order;
}

/**
 * Sort by byte strings: a radix pass on the first 6 bytes (as a 48-bit
 * number), then a comparator sort only inside runs sharing those bytes,
 * on flat latin1 strings (which compare like the bytes). Stable.
 */
function sortByBytes(rows: Uint32Array, descending: boolean, prefixOf: (i: number) => number, keyOf: (i: number) => string, tieBreak?: (i: number) => number): Uint32Array {
	const n = rows.length;
	if (n < 2) return Uint32Array.from(rows);
	const prefixes = new Float64Array(n);
	for (let k = 0; k < n; k++) prefixes[k] = prefixOf(rows[k]);
	const order = radixOrder(prefixes, descending);
	const direction = descending ? -1 : 1;
	for (let start = 0; start < n;) {
		const prefix = prefixes[order[start]];
		let end = start + 1;
		while (end < n && prefixes[order[end]] === prefix) end++;
		if (end - start > 1) {
			const run = order.subarray(start, end);
			const keys = new Map<number, string>();
			for (const position of run) keys.set(position, keyOf(rows[position]));
			run.sort((a, b) => {
				const ka = keys.get(a)!;
				const kb = keys.get(b)!;
				if (ka < kb) return -direction;
				if (ka > kb) return direction;
				if (tieBreak !== undefined) {
					const difference = tieBreak(rows[a]) - tieBreak(rows[b]);
					if (difference !== 0) return difference * direction;
				}

				return a - b;
			});
		}

		start = end;
	}

	const sorted = new Uint32Array(n);
	for (let k = 0; k < n; k++) sorted[k] = rows[order[k]];
	return sorted;
}

function prefixNumber(buffer: Uint8Array, start: number, end: number): number {
	let value = 0;
	for (let k = 0; k < 6; k++) value = (value * 256) + (start + k < end ? buffer[start + k] : 0);
	return value;
}

/** Rows sorted by spec; equal keys keep their input order (view() gives file order). */
export function sortRows(store: InventoryStore, rows: Uint32Array, spec: SortSpec): Uint32Array {
	const descending = spec.descending === true;
	switch (spec.field) {
		case 'size': return sortByNumbers(rows, store.sizes, descending);
		case 'created': return sortByNumbers(rows, store.created, descending);
		case 'id': {
			const ids = store.ids;
			return sortByBytes(rows, descending, i => ids.prefixNumber(i), i => ids.sortKey(i), i => ids.length(i));
		}

		case 'description': {
			const search = store.search;
			return sortByBytes(rows, descending, i => {
				const {buffer, start, end} = search.locate(i);
				return prefixNumber(buffer, start, end);
			}, i => {
				const {buffer, start, end} = search.locate(i);
				return buffer.toString('latin1', start, end);
			});
		}

		case 'hash': {
			const hashes = store.hashes;
			return sortByBytes(rows, descending, i => {
				let value = 0;
				for (let k = 0; k < 6; k++) value = (value * 256) + hashes.byteAt(i, k);
				return value;
			}, i => hashes.bytes(i).toString('latin1'));
		}
	}
}
