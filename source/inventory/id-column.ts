/**
 * Archive ids, packed. An id is URL-safe base64 ([A-Za-z0-9_-], 138
 * characters from AWS): 6 bits a character, so 138 characters fit in 104
 * bytes instead of 138. The 6-bit values follow ASCII order
 * (- 0-9 A-Z _ a-z), so packed bytes sort like the text. Longer ids (not
 * seen from AWS) are kept as strings on the side. Validates while packing.
 */
import {pageSize} from './byte-column.js';
import {FieldError} from './format-error.js';

const alphabet = '-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz';
const alphabetCodes = Uint8Array.from(alphabet, ch => ch.charCodeAt(0));
const textScratch = Buffer.alloc(256);
const valueOf = new Int8Array(256).fill(-1);
for (let v = 0; v < 64; v++) valueOf[alphabet.charCodeAt(v)] = v;

export const maxPackedLength = 138;
const slotWidth = Math.ceil(maxPackedLength * 6 / 8);
const rowsPerPage = Math.floor(pageSize / slotWidth);

function packedLength(characters: number): number {
	return Math.ceil(characters * 6 / 8);
}

function invalid(bytes: Uint8Array, start: number, end: number): never {
	if (end <= start) throw new FieldError('ArchiveId is empty');
	const text = Buffer.from(bytes.buffer, bytes.byteOffset + start, Math.min(end - start, 80)).toString('utf8');
	throw new FieldError(`ArchiveId ${JSON.stringify(text)} has a character outside A-Z a-z 0-9 _ -`);
}

/** Pack characters into out at offset; throws FieldError on a character outside the alphabet. */
function pack(bytes: Uint8Array, start: number, end: number, out: Uint8Array, offset: number): void {
	let o = offset;
	let i = start;
	for (; i + 4 <= end; i += 4) {
		const a = valueOf[bytes[i]];
		const b = valueOf[bytes[i + 1]];
		const c = valueOf[bytes[i + 2]];
		const d = valueOf[bytes[i + 3]];
		if ((a | b | c | d) < 0) invalid(bytes, start, end);
		out[o] = (a << 2) | (b >> 4);
		out[o + 1] = ((b & 15) << 4) | (c >> 2);
		out[o + 2] = ((c & 3) << 6) | d;
		o += 3;
	}

	let bits = 0;
	let count = 0;
	for (; i < end; i++) {
		const v = valueOf[bytes[i]];
		if (v < 0) invalid(bytes, start, end);
		bits = ((bits << 6) | v) & 0xFFFF;
		count += 6;
		if (count >= 8) {
			count -= 8;
			out[o++] = (bits >> count) & 0xFF;
		}
	}

	if (count > 0) out[o] = (bits << (8 - count)) & 0xFF;
}

export class IdColumn {
	count = 0;
	private readonly pages: Buffer[] = [];
	/** Characters per row; 0 = kept in long. */
	private lengths: Uint8Array;
	private readonly long = new Map<number, string>();

	constructor(expectedRows = 1024) {
		this.lengths = new Uint8Array(Math.max(1024, expectedRows));
	}

	get byteLength(): number {
		return this.pages.length * rowsPerPage * slotWidth + this.lengths.byteLength;
	}

	push(bytes: Buffer, start: number, end: number): void {
		const i = this.count;
		const length = end - start;
		if (length === 0) invalid(bytes, start, end);
		if (i === this.lengths.length) {
			const next = new Uint8Array(Math.ceil(i * 1.5));
			next.set(this.lengths);
			this.lengths = next;
		}

		if (length > maxPackedLength) {
			for (let k = start; k < end; k++) if (valueOf[bytes[k]] < 0) invalid(bytes, start, end);
			this.long.set(i, bytes.toString('latin1', start, end));
			this.lengths[i] = 0;
		} else {
			const page = Math.floor(i / rowsPerPage);
			if (page === this.pages.length) this.pages.push(Buffer.allocUnsafeSlow(rowsPerPage * slotWidth));
			pack(bytes, start, end, this.pages[page], (i % rowsPerPage) * slotWidth);
			this.lengths[i] = length;
		}

		this.count = i + 1;
	}

	text(i: number): string {
		const length = this.copyText(i, textScratch, 0);
		return length < 0 ? this.long.get(i) ?? '' : textScratch.toString('latin1', 0, length);
	}

	/**
	 * Row i's id as ASCII bytes into out at `at` (room for maxPackedLength):
	 * its length, or -1 for an id kept on the side (ask text()).
	 */
	copyText(i: number, out: Uint8Array, at: number): number {
		const length = this.lengths[i];
		if (length === 0) return -1;
		const page = this.pages[Math.floor(i / rowsPerPage)];
		const offset = (i % rowsPerPage) * slotWidth;
		// Characters into a buffer, then (text()) one flat string: concatenating 138 characters makes a
		// rope of 138 nodes (~4 KB while it lives) and is ~5x slower (the restore planner reads every id).
		// Three packed bytes are four characters; the last few one by one.
		let o = offset;
		let c = 0;
		for (; c + 4 <= length; c += 4, o += 3) {
			const a = page[o];
			const b = page[o + 1];
			const d = page[o + 2];
			out[at + c] = alphabetCodes[a >> 2];
			out[at + c + 1] = alphabetCodes[((a & 3) << 4) | (b >> 4)];
			out[at + c + 2] = alphabetCodes[((b & 15) << 2) | (d >> 6)];
			out[at + c + 3] = alphabetCodes[d & 63];
		}

		let bits = 0;
		let count = 0;
		for (; c < length; c++) {
			if (count < 6) {
				bits = ((bits << 8) | page[o++]) & 0xFFFF;
				count += 8;
			}

			count -= 6;
			out[at + c] = alphabetCodes[(bits >> count) & 63];
		}

		return length;
	}

	/** Does row i's id start with prefix (already checked to be in the alphabet)? */
	startsWith(i: number, prefix: PackedPrefix): boolean {
		const length = this.lengths[i];
		if (length === 0) return (this.long.get(i) ?? '').startsWith(prefix.text);
		if (length < prefix.text.length) return false;
		const page = this.pages[Math.floor(i / rowsPerPage)];
		const offset = (i % rowsPerPage) * slotWidth;
		const {bytes, full, mask} = prefix;
		for (let k = 0; k < full; k++) if (page[offset + k] !== bytes[k]) return false;
		return mask === 0 || (page[offset + full] & mask) === bytes[full];
	}

	/** The first 6 packed bytes (8 characters) as a number that orders like the ids. */
	prefixNumber(i: number): number {
		const length = this.lengths[i];
		if (length === 0) {
			const key = this.sortKey(i);
			let value = 0;
			for (let k = 0; k < 6; k++) value = (value * 256) + (k < key.length ? key.charCodeAt(k) : 0);
			return value;
		}

		const page = this.pages[Math.floor(i / rowsPerPage)];
		const offset = (i % rowsPerPage) * slotWidth;
		const bytes = packedLength(length);
		let value = 0;
		for (let k = 0; k < 6; k++) value = (value * 256) + (k < bytes ? page[offset + k] : 0);
		return value;
	}

	/** A latin1 string of the packed bytes: sorts like the id (equal keys: compare length()). */
	sortKey(i: number): string {
		const length = this.lengths[i];
		if (length === 0) {
			const text = this.long.get(i) ?? '';
			const out = Buffer.alloc(packedLength(text.length));
			pack(Buffer.from(text, 'latin1'), 0, text.length, out, 0);
			return out.toString('latin1');
		}

		const page = this.pages[Math.floor(i / rowsPerPage)];
		const offset = (i % rowsPerPage) * slotWidth;
		return page.toString('latin1', offset, offset + packedLength(length));
	}

	/** Keys that sort like the ids (compare equal keys by length(), then by row). */
	sortKeys(rows: ArrayLike<number>): string[] {
		const keys = new Array<string>(rows.length);
		let cachedPage = -1;
		let cachedText = '';
		for (let k = 0; k < rows.length; k++) {
			const i = rows[k];
			const length = this.lengths[i];
			if (length === 0) {
				const text = this.long.get(i) ?? '';
				const out = Buffer.alloc(packedLength(text.length));
				pack(Buffer.from(text, 'latin1'), 0, text.length, out, 0);
				keys[k] = out.toString('latin1');
				continue;
			}

			const page = Math.floor(i / rowsPerPage);
			if (page !== cachedPage) {
				cachedPage = page;
				cachedText = this.pages[page].toString('latin1');
			}

			const offset = (i % rowsPerPage) * slotWidth;
			keys[k] = cachedText.slice(offset, offset + packedLength(length));
		}

		return keys;
	}

	length(i: number): number {
		return this.lengths[i] === 0 ? (this.long.get(i)?.length ?? 0) : this.lengths[i];
	}
}

export type PackedPrefix = {text: string; bytes: Uint8Array; full: number; mask: number};

/** A prefix ready for IdColumn.startsWith; throws FieldError when it has characters outside the alphabet. */
export function packPrefix(text: string): PackedPrefix {
	const bytes = new Uint8Array(packedLength(text.length) + 1);
	pack(Buffer.from(text, 'latin1'), 0, text.length, bytes, 0);
	const bits = text.length * 6;
	const full = Math.floor(bits / 8);
	const rest = bits % 8;
	return {text, bytes, full, mask: rest === 0 ? 0 : (0xFF << (8 - rest)) & 0xFF};
}
