/**
 * Byte ranges of job output: Glacier's alignment rules, HTTP Range and
 * Content-Range headers, and the chunk plan of a parallel download.
 *
 * All ranges here are inclusive at both ends ({start, end} means bytes
 * start..end), as in HTTP headers and Glacier's RetrievalByteRange. Sizes are
 * plain numbers (exact up to 2^53 bytes, far beyond Glacier's 40 TB archives).
 *
 * Alignment (GLACIER.md §Alignment and the AWS GetJobOutput page):
 * - megabyte aligned: start is a multiple of 1 MiB, and end+1 is a multiple of
 *   1 MiB or the end of the data;
 * - tree-hash aligned: with P = the range's length rounded up to a power of two
 *   and at least 1 MiB, start is a multiple of P, and the range is exactly P
 *   long or runs to the end of the data. Such a range's tree hash is a node of
 *   the whole tree, so Glacier can send it (x-amz-sha256-tree-hash).
 */
import {MiB} from './tree-hash.js';

/** Why a range, Range header or Content-Range header was refused. */
export type RangeProblem =
	| 'invalid-number' // not a whole number of bytes >= 0, or too large
	| 'malformed' // does not look like bytes=START-END / bytes START-END/TOTAL
	| 'suffix' // bytes=-N
	| 'open' // bytes=N-
	| 'multiple' // bytes=a-b,c-d
	| 'reversed' // START > END
	| 'beyond-end' // END >= total size
	| 'unsatisfied' // Content-Range: bytes */TOTAL
	| 'missing' // no Content-Range header at all
	| 'mismatch' // Content-Range is not the range that was asked for
	| 'chunk-size'; // not a power-of-two number of MiB

/** A range, Range header or Content-Range header that cannot be used. The message says what to do. */
export class RangeHeaderError extends Error {
	readonly problem: RangeProblem;

	constructor(message: string, problem: RangeProblem) {
		super(message);
		this.name = 'RangeHeaderError';
		this.problem = problem;
	}
}

export type ByteRange = {start: number; end: number};

function isByteCount(n: number): boolean {
	return Number.isSafeInteger(n) && n >= 0;
}

/** True when 0 <= start <= end < totalSize, all whole numbers. */
function isValidRange(start: number, end: number, totalSize: number): boolean {
	return isByteCount(start) && isByteCount(end) && isByteCount(totalSize) && start <= end && end < totalSize;
}

/** The smallest power of two times 1 MiB that is >= length (1 MiB for anything up to 1 MiB). */
export function treeHashSpan(length: number): number {
	let span = MiB;
	while (span < length) span *= 2;
	return span;
}

/**
 * Megabyte aligned: start a multiple of 1 MiB, end+1 a multiple of 1 MiB or the
 * end of the data. False for a range that is not inside the data.
 */
export function isMegabyteAligned(start: number, endInclusive: number, totalSize: number): boolean {
	if (!isValidRange(start, endInclusive, totalSize)) return false;
	return start % MiB === 0 && ((endInclusive + 1) % MiB === 0 || endInclusive + 1 === totalSize);
}

/**
 * Tree-hash aligned: the range's tree hash is a node of the whole data's tree.
 * With P = length rounded up to a power of two (at least 1 MiB): start is a
 * multiple of P and the range is exactly P long or runs to the end of the
 * data. False for a range that is not inside the data.
 */
export function isTreeHashAligned(start: number, endInclusive: number, totalSize: number): boolean {
	if (!isValidRange(start, endInclusive, totalSize)) return false;
	const length = endInclusive - start + 1;
	const span = treeHashSpan(length);
	return start % span === 0 && (length === span || endInclusive + 1 === totalSize);
}

export type ChecksumQuestion = {
	/** Size of the archive in bytes. */
	archiveSize: number;
	/** The job's RetrievalByteRange in archive coordinates; absent = the whole archive. */
	retrieval?: ByteRange;
	/** The GetJobOutput Range in output coordinates (relative to the retrieved bytes); absent = the whole output. */
	download?: ByteRange;
};

/**
 * Whether Glacier sends x-amz-sha256-tree-hash with an archive-retrieval job's
 * output: the retrieved range must be tree-hash aligned in the archive, and the
 * downloaded range tree-hash aligned in the retrieved output. A whole archive
 * and a whole output count as aligned (also when empty). Inventory output never
 * carries the header; that is the caller's business. A range outside the data
 * gives false.
 */
export function checksumAvailable({archiveSize, retrieval, download}: ChecksumQuestion): boolean {
	if (!isByteCount(archiveSize)) return false;
	let outputSize = archiveSize;
	if (retrieval) {
		const whole = retrieval.start === 0 && retrieval.end === archiveSize - 1;
		if (!whole && !isTreeHashAligned(retrieval.start, retrieval.end, archiveSize)) return false;
		outputSize = retrieval.end - retrieval.start + 1;
	}

	if (download) {
		const whole = download.start === 0 && download.end === outputSize - 1;
		if (!whole && !isTreeHashAligned(download.start, download.end, outputSize)) return false;
	}

	return true;
}

/** `bytes=START-END` for an HTTP Range header. */
export function formatRange(start: number, endInclusive: number): string {
	if (!isByteCount(start) || !isByteCount(endInclusive)) {
		throw new RangeHeaderError(`byte range ${String(start)}-${String(endInclusive)} is not two whole numbers of bytes >= 0`, 'invalid-number');
	}

	if (start > endInclusive) {
		throw new RangeHeaderError(`byte range ${start}-${endInclusive} starts after it ends: the start must be <= the end`, 'reversed');
	}

	return `bytes=${start}-${endInclusive}`;
}

/** Quote untrusted header text for a message, cut short if long. */
function quote(text: string): string {
	return `'${text.length > 80 ? text.slice(0, 77) + '...' : text}'`;
}

const digits = /^\d+$/;

function parseBound(text: string, header: string, which: string): number {
	if (!digits.test(text)) {
		throw new RangeHeaderError(`range ${quote(header)} has a ${which} that is not a whole number of bytes: use bytes=START-END with digits only, e.g. bytes=0-1048575`, 'invalid-number');
	}

	const n = Number(text);
	if (!Number.isSafeInteger(n)) throw new RangeHeaderError(`range ${quote(header)} has a ${which} too large to be a byte offset`, 'invalid-number');
	return n;
}

/**
 * Parse one HTTP byte range `bytes=START-END` (both ends given, inclusive), as
 * given to `--range`. With totalSize, the range must also lie inside the data.
 * Suffix (`bytes=-N`), open (`bytes=N-`) and multiple ranges are refused.
 */
export function parseRangeHeader(header: string, totalSize?: number): ByteRange {
	const text = header.trim();
	const match = /^bytes\s*=\s*(.*)$/i.exec(text);
	if (!match) {
		throw new RangeHeaderError(`range ${quote(header)} should look like bytes=START-END (inclusive byte offsets, e.g. bytes=0-1048575 for the first MiB)`, 'malformed');
	}

	const spec = match[1].trim();
	if (spec.includes(',')) {
		throw new RangeHeaderError(`range ${quote(header)} asks for several ranges: give a single range bytes=START-END`, 'multiple');
	}

	const dash = spec.indexOf('-');
	if (dash === -1) {
		throw new RangeHeaderError(`range ${quote(header)} has no '-': use bytes=START-END, e.g. bytes=0-1048575`, 'malformed');
	}

	const first = spec.slice(0, dash).trim();
	const last = spec.slice(dash + 1).trim();
	if (first === '' && last === '') {
		throw new RangeHeaderError(`range ${quote(header)} gives neither start nor end: use bytes=START-END`, 'malformed');
	}

	if (first === '') {
		throw new RangeHeaderError(`range ${quote(header)} is a suffix range (the last N bytes), which is not supported: give both ends, bytes=START-END`, 'suffix');
	}

	if (last === '') {
		const end = totalSize !== undefined && totalSize > 0 ? String(totalSize - 1) : 'END';
		throw new RangeHeaderError(`range ${quote(header)} has no end, which is not supported: give both ends, e.g. bytes=${first}-${end}`, 'open');
	}

	const start = parseBound(first, header, 'start');
	const end = parseBound(last, header, 'end');
	if (start > end) {
		throw new RangeHeaderError(`range ${quote(header)} starts after it ends: the start (${start}) must be <= the end (${end})`, 'reversed');
	}

	if (totalSize !== undefined && end >= totalSize) {
		const hint = totalSize === 0 ? 'the data is empty' : `the data is ${totalSize} bytes, so the last byte is ${totalSize - 1}`;
		throw new RangeHeaderError(`range ${quote(header)} ends beyond the data: ${hint}`, 'beyond-end');
	}

	return {start, end};
}

export type ContentRange = {start: number; end: number; total: number | null};

/**
 * Parse a Content-Range response header `bytes START-END/TOTAL` (TOTAL may be
 * `*`, giving total null). Refuses a malformed header, START > END, END >= TOTAL
 * and the unsatisfied form `bytes *\/TOTAL`.
 */
export function parseContentRange(header: string): ContentRange {
	const text = header.trim();
	if (/^bytes\s+\*\s*\/\s*\d+$/i.test(text)) {
		throw new RangeHeaderError(`the server answered Content-Range ${quote(header)}: the range asked for is not satisfiable (beyond the end of the output)`, 'unsatisfied');
	}

	const match = /^bytes\s+(\d+)\s*-\s*(\d+)\s*\/\s*(\d+|\*)$/i.exec(text);
	if (!match) {
		throw new RangeHeaderError(`the server sent a malformed Content-Range ${quote(header)} (expected bytes START-END/TOTAL)`, 'malformed');
	}

	const start = Number(match[1]);
	const end = Number(match[2]);
	const total = match[3] === '*' ? null : Number(match[3]);
	if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || (total !== null && !Number.isSafeInteger(total))) {
		throw new RangeHeaderError(`the server sent a Content-Range with numbers too large to be byte offsets: ${quote(header)}`, 'invalid-number');
	}

	if (start > end) {
		throw new RangeHeaderError(`the server sent an inconsistent Content-Range ${quote(header)}: it starts after it ends`, 'reversed');
	}

	if (total !== null && end >= total) {
		throw new RangeHeaderError(`the server sent an inconsistent Content-Range ${quote(header)}: it ends at or beyond its own total size`, 'beyond-end');
	}

	return {start, end, total};
}

/**
 * Check that a 206 response's Content-Range is exactly the range that was asked
 * for (and, when expectedTotal is given and the server states one, the output
 * size). Returns the parsed header; throws RangeHeaderError otherwise.
 */
export function checkContentRange(header: string | null | undefined, expectedStart: number, expectedEnd: number, expectedTotal?: number): ContentRange {
	if (header === null || header === undefined || header.trim() === '') {
		throw new RangeHeaderError(`the server sent no Content-Range for bytes=${expectedStart}-${expectedEnd}, so the bytes cannot be placed safely`, 'missing');
	}

	const got = parseContentRange(header);
	if (got.start !== expectedStart || got.end !== expectedEnd) {
		throw new RangeHeaderError(`the server sent bytes ${got.start}-${got.end} (Content-Range ${quote(header)}) but bytes ${expectedStart}-${expectedEnd} were asked for`, 'mismatch');
	}

	if (expectedTotal !== undefined && got.total !== null && got.total !== expectedTotal) {
		throw new RangeHeaderError(`the server says the output is ${got.total} bytes (Content-Range ${quote(header)}) but it should be ${expectedTotal} bytes`, 'mismatch');
	}

	return got;
}

/** True for 1, 2, 4, 8, ... MiB (as a byte count). */
export function isPowerOfTwoMiB(n: number): boolean {
	if (!Number.isSafeInteger(n) || n < MiB || n % MiB !== 0) return false;
	let span = MiB;
	while (span < n) span *= 2;
	return span === n;
}

export const MIN_CHUNK_SIZE = MiB;
export const MAX_CHUNK_SIZE = 64 * MiB;
/** defaultChunkSize picks the smallest chunk size giving at most this many chunks (so 65..128 once above 1 MiB chunks). */
export const TARGET_MAX_CHUNKS = 128;

/**
 * A chunk size for downloading totalBytes: the smallest power-of-two MiB giving
 * at most 128 chunks, at least 1 MiB and at most 64 MiB. So small outputs get
 * 1 MiB chunks, 1 GiB gets 8 MiB (128 chunks), and from 8 GiB on it is 64 MiB.
 */
export function defaultChunkSize(totalBytes: number): number {
	let size = MIN_CHUNK_SIZE;
	while (size < MAX_CHUNK_SIZE && Math.ceil(totalBytes / size) > TARGET_MAX_CHUNKS) size *= 2;
	return size;
}

/**
 * The largest power-of-two MiB chunk size, at most `preferred`, of which start
 * is a multiple, so that a plan starting there gets checksums from Glacier; null
 * when start is not a multiple of 1 MiB (no chunk of such a plan is aligned).
 */
export function alignedChunkSize(start: number, preferred: number): number | null {
	if (!isByteCount(start) || start % MiB !== 0) return null;
	let size = MiB;
	while (size * 2 <= preferred && start % (size * 2) === 0) size *= 2;
	return size;
}

export type Chunk = {
	/** 0, 1, 2, ... in order. */
	index: number;
	/** First byte, in output coordinates. */
	start: number;
	/** Last byte (inclusive), in output coordinates. */
	end: number;
	/** Tree-hash aligned in the output: Glacier sends this chunk's tree hash (for an archive job whose retrieval is aligned). */
	aligned: boolean;
};

export type ChunkPlanOptions = {
	/** First byte to download (output coordinates). */
	start: number;
	/** Last byte to download, inclusive. */
	end: number;
	/** Chunk size in bytes: a power-of-two number of MiB. */
	chunkSize: number;
	/** Size of the whole job output; defaults to end+1 (the plan runs to the end of the output). */
	totalSize?: number;
};

/**
 * Cut [start, end] into chunks of chunkSize bytes (the last may be shorter),
 * counted from start. Because the chunk size is a power-of-two MiB, the
 * chunks' tree hashes always combine (combineTreeHashes) into the tree hash of
 * the bytes start..end.
 *
 * Each chunk says whether it is tree-hash aligned in the output (Glacier then
 * sends its tree hash). When start is a multiple of chunkSize (always when
 * start is 0), every chunk is aligned: all but the last are exactly chunkSize
 * long at a multiple of chunkSize, and the last runs to the end of the output
 * or is full. When start is not a multiple of chunkSize, the chunks are still
 * cut from start (so their hashes still combine), and none but possibly a short
 * last one is aligned; alignedChunkSize(start, ...) gives a size that avoids that.
 */
export function planChunks({start, end, chunkSize, totalSize}: ChunkPlanOptions): Chunk[] {
	if (!isPowerOfTwoMiB(chunkSize)) {
		throw new RangeHeaderError(`chunk size ${chunkSize} is not a power-of-two number of MiB (1 MiB, 2 MiB, 4 MiB, ...): only those keep chunks tree-hash aligned`, 'chunk-size');
	}

	if (!isByteCount(start) || !isByteCount(end)) {
		throw new RangeHeaderError(`cannot plan chunks for ${String(start)}-${String(end)}: start and end must be whole numbers of bytes >= 0`, 'invalid-number');
	}

	if (start > end) throw new RangeHeaderError(`cannot plan chunks for ${start}-${end}: the start must be <= the end`, 'reversed');
	const total = totalSize ?? end + 1;
	if (!isByteCount(total) || end >= total) {
		throw new RangeHeaderError(`cannot plan chunks for ${start}-${end}: the output is only ${String(total)} bytes`, 'beyond-end');
	}

	const chunks: Chunk[] = [];
	for (let from = start, index = 0; from <= end; from += chunkSize, index++) {
		const to = Math.min(from + chunkSize - 1, end);
		chunks.push({index, start: from, end: to, aligned: isTreeHashAligned(from, to, total)});
	}

	return chunks;
}

/** True when every chunk of the plan is tree-hash aligned (an empty plan counts as aligned). */
export function isPlanAligned(chunks: readonly Chunk[]): boolean {
	return chunks.every(chunk => chunk.aligned);
}
