/**
 * A ByteColumn's rows decoded once into a few long JavaScript strings, one
 * per page, rows joined by '\n', with each row's start offset (in UTF-16
 * units) in its page string. One native indexOf or global regex pass over a
 * page finds the matches of all its rows; offsets map back to rows by binary
 * search. Built lazily (about the column's size in memory, twice that for
 * pages with non-ASCII text) and extended when rows are added.
 */
import type {ByteColumn} from './byte-column.js';

export type TextPage = {
	/** The rows of this page joined by '\n'. */
	text: string;
	/** First row of the page. */
	first: number;
	/** starts[k] = offset of row first + k in text; starts[rows] = text.length + 1. */
	starts: Uint32Array;
};

export const separator = '\n';
const maxRows = 1 << 16;

export class JoinedText {
	readonly pages: TextPage[] = [];
	private rows = 0;

	constructor(private readonly column: ByteColumn) {}

	/** Bring the pages up to the column's rows. */
	update(): this {
		const column = this.column;
		const count = column.count;
		if (this.rows === count) return this;
		// The last text page may have room for the new rows: rebuild it with them.
		const last = this.pages.pop();
		if (last !== undefined) this.rows = last.first;
		const bufferOf = (i: number) => column.length(i) === 0 ? undefined : column.locate(i).buffer;
		let row = this.rows;
		while (row < count) {
			// Rows are grouped by the page holding their bytes (empty rows go with any).
			let buffer = bufferOf(row);
			let stop = row + 1;
			for (; stop < count && stop - row < maxRows; stop++) {
				const next = bufferOf(stop);
				if (next === undefined) continue;
				if (buffer === undefined) buffer = next;
				else if (next !== buffer) break;
			}

			this.pages.push(joinRows(column, row, stop));
			row = stop;
		}

		this.rows = count;
		return this;
	}

	/** Row of the page holding offset at (rows own [start, start + length], the separator included). */
	static rowAt(page: TextPage, at: number, from = 0): number {
		const starts = page.starts;
		let low = from;
		let high = starts.length - 2;
		while (low < high) {
			const middle = (low + high + 1) >>> 1;
			if (starts[middle] <= at) low = middle;
			else high = middle - 1;
		}

		return low;
	}
}

/** UTF-16 length of well-formed UTF-8 bytes. */
function utf16Length(bytes: Uint8Array, start: number, end: number): number {
	let length = 0;
	for (let k = start; k < end; k++) {
		const b = bytes[k];
		if ((b & 0xC0) !== 0x80) length += b >= 0xF0 ? 2 : 1;
	}

	return length;
}

function joinRows(column: ByteColumn, first: number, stop: number): TextPage {
	const rows = stop - first;
	let bytes = 0;
	for (let i = first; i < stop; i++) bytes += column.length(i) + 1;
	const joined = Buffer.allocUnsafe(Math.max(0, bytes - 1));
	const starts = new Uint32Array(rows + 1);
	let at = 0;
	for (let i = first; i < stop; i++) {
		const {buffer, start, end} = column.locate(i);
		buffer.copy(joined, at, start, end);
		at += end - start;
		if (i + 1 < stop) joined[at++] = 0x0A;
	}

	const text = joined.toString('utf8');
	if (text.length === joined.length) { // ASCII: offsets are byte offsets
		let offset = 0;
		for (let k = 0; k < rows; k++) {
			starts[k] = offset;
			offset += column.length(first + k) + 1;
		}

		starts[rows] = offset;
		return {text, first, starts};
	}

	let offset = 0;
	for (let k = 0; k < rows; k++) {
		starts[k] = offset;
		const {buffer, start, end} = column.locate(first + k);
		offset += utf16Length(buffer, start, end) + 1;
	}

	starts[rows] = offset;
	if (offset === text.length + 1) return {text, first, starts};
	// Not well-formed UTF-8 somewhere: decode row by row, as a row's own text() would.
	const parts: string[] = [];
	offset = 0;
	for (let k = 0; k < rows; k++) {
		const part = column.text(first + k);
		parts.push(part);
		starts[k] = offset;
		offset += part.length + 1;
	}

	starts[rows] = offset;
	return {text: parts.join(separator), first, starts};
}
