/**
 * Glacier's range rules, judged the way the service does (GLACIER.md,
 * "Alignment"): megabyte aligned for RetrievalByteRange, tree-hash aligned for
 * whether a checksum comes back.
 */
import {MiB} from '../engine/tree-hash.js';

/** Start on a MiB boundary; end+1 on a MiB boundary or the end of the data. */
export function isMegabyteAligned(start: number, endInclusive: number, total: number): boolean {
	if (start % MiB !== 0) return false;
	return (endInclusive + 1) % MiB === 0 || endInclusive === total - 1;
}

/**
 * The range's own tree hash is a node of the whole tree: with P the smallest
 * power-of-two number of MiB at least as long as the range, start is a
 * multiple of P and the range is exactly P long or runs to the end of the data.
 */
export function isTreeHashAligned(start: number, endInclusive: number, total: number): boolean {
	const length = endInclusive - start + 1;
	if (length <= 0 || start % MiB !== 0 || endInclusive > total - 1) return false;
	let p = MiB;
	while (p < length) p *= 2;
	if (start % p !== 0) return false;
	return length === p || endInclusive === total - 1;
}

export type RangeRequest =
	| {kind: 'none'} // no Range header, or one that is not a single bytes range: the whole output
	| {kind: 'range'; start: number; endInclusive: number}
	| {kind: 'error'; message: string};

/**
 * Parse a Range header against an output of `total` bytes. As Glacier does, a
 * header that does not parse is ignored (whole output, 200); a start beyond
 * the data is a 400; an end beyond the data is cut to the end.
 */
export function parseRangeHeader(header: string | undefined, total: number): RangeRequest {
	if (header === undefined) return {kind: 'none'};
	const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/.exec(header);
	if (!match || (match[1] === '' && match[2] === '')) return {kind: 'none'};
	let start: number;
	let end: number;
	if (match[1] === '') {
		const suffix = Number(match[2]);
		if (suffix === 0) return {kind: 'error', message: `The requested range is not satisfiable: ${header}`};
		start = Math.max(0, total - suffix);
		end = total - 1;
	} else {
		start = Number(match[1]);
		end = match[2] === '' ? total - 1 : Number(match[2]);
	}

	if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end)) return {kind: 'error', message: `Invalid range: ${header}`};
	if (start >= total) return {kind: 'error', message: `The start of the range is larger than size of retrieved data: ${header}`};
	if (end < start) return {kind: 'error', message: `The end of the range is smaller than its start: ${header}`};
	return {kind: 'range', start, endInclusive: Math.min(end, total - 1)};
}
