/**
 * Stable sorts of row numbers by one column: rows with equal keys keep the
 * order they had in the file. Numbers: radix sort. Text (ids, lower-cased
 * path or description, hashes): by bytes, i.e. by Unicode code point.
 */
import {UsageError} from '../errors.js';
import {inert} from '../inert.js';
import type {Location} from './byte-column.js';
import type {QueryColumns} from './types.js';

/** modified: the decoded last-modified time (descriptions written by known tools); archives without one go last. */
export type SortField = 'id' | 'description' | 'created' | 'modified' | 'size' | 'hash';
export type SortSpec = {field: SortField; descending?: boolean};

const aliases: Record<string, SortField> = {
	id: 'id', archiveid: 'id',
	description: 'description', desc: 'description', path: 'description', name: 'description',
	created: 'created', date: 'created', creationdate: 'created',
	modified: 'modified', lastmodified: 'modified', mtime: 'modified',
	size: 'size',
	hash: 'hash', treehash: 'hash', sha256treehash: 'hash',
};

/** `size`, `size:desc`, `created:asc`, `name:desc`, `modified:desc`... */
export function parseSort(text: string): SortSpec {
	const [name, direction = 'asc', ...rest] = text.split(':');
	const field = aliases[name.toLowerCase()];
	if (field === undefined) throw new UsageError(`unknown sort field '${inert(name)}' (use id, description, path, created, modified, size or hash, then :asc or :desc)`);
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

/**
 * Stable LSD radix sort of order[from..to) by the 64-bit keys (hi, lo),
 * which move with it (all three arrays aligned; the *2 arrays are scratch).
 */
function sortSegment(order: Uint32Array, hi: Uint32Array, lo: Uint32Array, from: number, to: number, order2: Uint32Array, hi2: Uint32Array, lo2: Uint32Array): void {
	const n = to - from;
	if (n < 2) return;
	if (n <= 32) { // Insertion sort: stable
		for (let k = from + 1; k < to; k++) {
			const position = order[k];
			const h = hi[k];
			const l = lo[k];
			let j = k - 1;
			while (j >= from && (hi[j] > h || (hi[j] === h && lo[j] > l))) {
				order[j + 1] = order[j];
				hi[j + 1] = hi[j];
				lo[j + 1] = lo[j];
				j--;
			}

			order[j + 1] = position;
			hi[j + 1] = h;
			lo[j + 1] = l;
		}

		return;
	}

	const bits = n >= 65_536 ? 16 : 8;
	const mask = (1 << bits) - 1;
	const count = bits === 16 ? count16 : count8;
	let sOrder = order;
	let sHi = hi;
	let sLo = lo;
	let tOrder = order2;
	let tHi = hi2;
	let tLo = lo2;
	for (let pass = 0; pass < 64; pass += bits) {
		const digits = pass < 32 ? sLo : sHi;
		const shift = pass & 31;
		count.fill(0);
		for (let k = from; k < to; k++) count[(digits[k] >>> shift) & mask]++;
		if (count[(digits[from] >>> shift) & mask] === n) continue; // One digit value: nothing to do
		let sum = from;
		for (let d = 0; d <= mask; d++) {
			const c = count[d];
			count[d] = sum;
			sum += c;
		}

		for (let k = from; k < to; k++) {
			const t = count[(digits[k] >>> shift) & mask]++;
			tOrder[t] = sOrder[k];
			tHi[t] = sHi[k];
			tLo[t] = sLo[k];
		}

		[sOrder, tOrder] = [tOrder, sOrder];
		[sHi, tHi] = [tHi, sHi];
		[sLo, tLo] = [tLo, sLo];
	}

	if (sOrder !== order) {
		order.set(sOrder.subarray(from, to), from);
		hi.set(sHi.subarray(from, to), from);
		lo.set(sLo.subarray(from, to), from);
	}
}

const count16 = new Uint32Array(65_536);
const count8 = new Uint32Array(256);

/**
 * Stable sort of rows by byte strings, most significant bytes first. Each
 * level keys a row by its next 7 bytes (zero past its end) and a tag byte,
 * how many of those 7 it has (8 = more follow): so a row ending there sorts
 * before the rows it is a prefix of, shorter first, and equal keys with a
 * tag under 8 are equal strings. Only runs tying on tag 8 go on to the next
 * level. Keys are read in file order (sequential memory), then gathered.
 */
function sortByByteChunks(rows: Uint32Array, descending: boolean, locate: (i: number) => Location): Uint32Array {
	const n = rows.length;
	if (n < 2) return Uint32Array.from(rows);
	// Where each row's bytes are, by position: buffer number, start, length.
	const lengths = new Uint32Array(n);
	const starts = new Uint32Array(n);
	const bufferOf = new Uint32Array(n);
	const buffers: Uint8Array[] = [];
	const numbers = new Map<Uint8Array, number>();
	let lastBuffer: Uint8Array | undefined;
	let lastNumber = 0;
	for (let k = 0; k < n; k++) {
		const {buffer, start, end} = locate(rows[k]);
		if (buffer !== lastBuffer) {
			lastBuffer = buffer;
			let number = numbers.get(buffer);
			if (number === undefined) {
				number = buffers.length;
				buffers.push(buffer);
				numbers.set(buffer, number);
			}

			lastNumber = number;
		}

		bufferOf[k] = lastNumber;
		starts[k] = start;
		lengths[k] = end - start;
	}

	const order = new Uint32Array(n);
	for (let k = 0; k < n; k++) order[k] = k;
	const hi = new Uint32Array(n);
	const lo = new Uint32Array(n);
	const order2 = new Uint32Array(n);
	const hi2 = new Uint32Array(n);
	const lo2 = new Uint32Array(n);
	const keys = new Uint32Array(2 * n); // By position: hi, lo
	const flip = descending ? 0xFF_FF_FF_FF : 0;
	const alive = new Uint8Array(n).fill(1);
	let segments: number[] = [0, n];
	for (let at = 0; segments.length > 0; at += 7) {
		for (let position = 0; position < n; position++) {
			if (alive[position] === 0) continue;
			const buffer = buffers[bufferOf[position]];
			const start = starts[position] + at;
			const left = lengths[position] - at;
			let h: number;
			let l: number;
			if (left >= 8) {
				h = ((buffer[start] << 24) | (buffer[start + 1] << 16) | (buffer[start + 2] << 8) | buffer[start + 3]) >>> 0;
				l = ((buffer[start + 4] << 24) | (buffer[start + 5] << 16) | (buffer[start + 6] << 8) | 8) >>> 0;
			} else {
				const b = (k: number) => (k < left ? buffer[start + k] : 0);
				h = ((b(0) << 24) | (b(1) << 16) | (b(2) << 8) | b(3)) >>> 0;
				l = ((b(4) << 24) | (b(5) << 16) | (b(6) << 8) | left) >>> 0;
			}

			keys[2 * position] = (h ^ flip) >>> 0;
			keys[(2 * position) + 1] = (l ^ flip) >>> 0;
		}

		const following: number[] = [];
		const more = (8 ^ flip) & 0xFF;
		for (let s = 0; s < segments.length; s += 2) {
			const from = segments[s];
			const to = segments[s + 1];
			for (let k = from; k < to; k++) {
				const position = order[k];
				hi[k] = keys[2 * position];
				lo[k] = keys[(2 * position) + 1];
			}

			sortSegment(order, hi, lo, from, to, order2, hi2, lo2);
			for (let start = from; start < to;) {
				const h = hi[start];
				const l = lo[start];
				let end = start + 1;
				while (end < to && hi[end] === h && lo[end] === l) end++;
				if (end - start > 1 && (l & 0xFF) === more) {
					following.push(start, end);
				} else {
					for (let k = start; k < end; k++) alive[order[k]] = 0;
				}

				start = end;
			}
		}

		segments = following;
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

/**
 * Rows sorted by a numeric column (e.g. the modified times) with the stable
 * radix sort; rows whose key is NaN (none known) go last in either
 * direction, in their input order.
 */
export function sortRowsByKeys(rows: Uint32Array, keys: Float64Array, descending = false): Uint32Array {
	const n = rows.length;
	let known = 0;
	for (let k = 0; k < n; k++) if (!Number.isNaN(keys[rows[k]])) known++;
	if (known === n) return sortByNumbers(rows, keys, descending);
	const withKey = new Uint32Array(known);
	const sorted = new Uint32Array(n);
	let a = 0;
	let b = known;
	for (let k = 0; k < n; k++) {
		const i = rows[k];
		if (Number.isNaN(keys[i])) sorted[b++] = i;
		else withKey[a++] = i;
	}

	sorted.set(sortByNumbers(withKey, keys, descending));
	return sorted;
}

/** Rows sorted by spec; equal keys keep their input order. */
export function sortRows(columns: QueryColumns, rows: Uint32Array, spec: SortSpec): Uint32Array {
	const descending = spec.descending === true;
	switch (spec.field) {
		case 'size': return sortByNumbers(rows, columns.sizes, descending);
		case 'created': return sortByNumbers(rows, columns.created, descending);
		case 'modified': return sortRowsByKeys(rows, columns.index.modified, descending);
		case 'id': {
			const ids = columns.ids;
			return sortByBytes(rows, descending, i => ids.prefixNumber(i), i => ids.sortKey(i), i => ids.length(i));
		}

		case 'description': {
			const search = columns.index.search;
			return sortByByteChunks(rows, descending, i => search.locate(i));
		}

		case 'hash': {
			const hashes = columns.hashes;
			return sortByBytes(rows, descending, i => {
				let value = 0;
				for (let k = 0; k < 6; k++) value = (value * 256) + hashes.byteAt(i, k);
				return value;
			}, i => hashes.bytes(i).toString('latin1'));
		}
	}
}
