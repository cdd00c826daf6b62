/**
 * Column storage for millions of rows in little memory.
 *
 * ByteColumn keeps one variable-length byte string per row in 1 MiB pages
 * with one Uint32 end offset per row (upgraded to Float64 past 4 GiB). A
 * string never straddles two pages (it starts a new page when it does not
 * fit; one longer than a page gets a page of its own), so any row is a
 * zero-copy view and each page can be searched natively with indexOf.
 *
 * FixedColumn keeps fixed-width rows (the 32-byte tree hashes) the same way.
 */

export const pageSize = 1 << 20;

export function growFloat64(array: Float64Array, needed: number): Float64Array {
	if (needed <= array.length) return array;
	const next = new Float64Array(Math.max(needed, Math.ceil(array.length * 1.5), 1024));
	next.set(array);
	return next;
}

export function growUint8(array: Uint8Array, needed: number): Uint8Array {
	if (needed <= array.length) return array;
	const next = new Uint8Array(Math.max(needed, Math.ceil(array.length * 1.5), 1024));
	next.set(array);
	return next;
}

export type Page = {buffer: Buffer; base: number; used: number};

export class ByteColumn {
	count = 0;
	/** Virtual offset where the next string goes. */
	private end = 0;
	private ends: Uint32Array | Float64Array = new Uint32Array(1024);
	/** By virtual page number (end / pageSize); an oversized page fills several slots. */
	private readonly slots: Page[] = [];
	private readonly pages: Page[] = [];
	private current: Page | undefined;

	constructor(expectedRows = 0) {
		if (expectedRows > 0) this.ends = new Uint32Array(expectedRows);
	}

	/** Bytes held, pages included (for reports). */
	get byteLength(): number {
		let total = this.ends.byteLength;
		for (const page of this.pages) total += page.buffer.length;
		return total;
	}

	push(source: Buffer, start = 0, stop = source.length): void {
		const length = stop - start;
		if (this.count === this.ends.length) this.growEnds(this.count + 1);
		if (length > 0) {
			const page = this.pageWithRoom(length);

			if (length < 512) {
				const target = page.buffer;
				let t = this.end - page.base;
				for (let k = start; k < stop; k++) target[t++] = source[k];
			} else {
				source.copy(page.buffer, this.end - page.base, start, stop);
			}
			this.end += length;
			page.used = this.end - page.base;
			if (this.end > 0xFF_FF_FF_FF && this.ends instanceof Uint32Array) this.ends = Float64Array.from(this.ends);
		}

		this.ends[this.count++] = this.end;
	}

	/** The current page when it has room for length more bytes, else a new one (rows never span pages). */
	private pageWithRoom(length: number): Page {
		const page = this.current;
		if (page !== undefined && page.base + page.buffer.length - this.end >= length) return page;
		const base = Math.ceil(this.end / pageSize) * pageSize;
		const fresh = {buffer: Buffer.allocUnsafeSlow(Math.max(pageSize, length)), base, used: 0};
		for (let slot = base / pageSize; slot < (base + fresh.buffer.length) / pageSize; slot++) this.slots[slot] = fresh;
		this.pages.push(fresh);
		this.current = fresh;
		this.end = base;
		return fresh;
	}

	/**
	 * Room for the next row's bytes, up to length of them, to write in place:
	 * write into buffer[start..start + length), then commit() how many were
	 * written (or push() instead to give up). Saves a copy for rows made byte by byte.
	 */
	reserve(length: number): Location {
		const page = this.pageWithRoom(length);

		const location = sharedLocation;
		location.buffer = page.buffer;
		location.start = this.end - page.base;
		location.end = location.start + length;
		return location;
	}

	/** Append a row of the given length written in place after reserve(). */
	commit(length: number): void {
		if (this.count === this.ends.length) this.growEnds(this.count + 1);
		if (length > 0) {
			this.end += length;
			this.current!.used = this.end - this.current!.base;
			if (this.end > 0xFF_FF_FF_FF && this.ends instanceof Uint32Array) this.ends = Float64Array.from(this.ends);
		}

		this.ends[this.count++] = this.end;
	}

	/** Zero-copy view of row i's bytes (valid until the next push for the last row only if it was empty). */
	bytes(i: number): Buffer {
		const stop = this.ends[i];
		const start = i === 0 ? 0 : this.ends[i - 1];
		if (stop === start) return emptyBuffer;
		const page = this.slots[Math.floor((stop - 1) / pageSize)];
		return page.buffer.subarray(Math.max(start, page.base) - page.base, stop - page.base);
	}

	length(i: number): number {
		const stop = this.ends[i];
		const start = i === 0 ? 0 : this.ends[i - 1];
		if (stop === start) return 0;
		const page = this.slots[Math.floor((stop - 1) / pageSize)];
		return stop - Math.max(start, page.base);
	}

	text(i: number): string {
		return this.bytes(i).toString('utf8');
	}

	/** The pages in order, for native search. */
	pageList(): readonly Page[] {
		return this.pages;
	}

	/** Virtual end offset of row i (rows are in increasing order). */
	endOf(i: number): number {
		return this.ends[i];
	}

	/** Virtual start offset of row i's bytes. */
	startOf(i: number): number {
		const stop = this.ends[i];
		const start = i === 0 ? 0 : this.ends[i - 1];
		if (stop === start) return stop;
		const page = this.slots[Math.floor((stop - 1) / pageSize)];
		return Math.max(start, page.base);
	}

	/** Where row i's bytes are, without allocating: fills and returns a shared object. */
	locate(i: number): Location {
		const stop = this.ends[i];
		const previous = i === 0 ? 0 : this.ends[i - 1];
		const location = sharedLocation;
		if (stop === previous) {
			location.buffer = emptyBuffer;
			location.start = 0;
			location.end = 0;
			return location;
		}

		const page = this.slots[Math.floor((stop - 1) / pageSize)];
		location.buffer = page.buffer;
		location.start = Math.max(previous, page.base) - page.base;
		location.end = stop - page.base;
		return location;
	}

	/** True when row i's bytes start with prefix (no allocation). */
	startsWith(i: number, prefix: Uint8Array): boolean {
		const stop = this.ends[i];
		const previous = i === 0 ? 0 : this.ends[i - 1];
		if (stop - previous < prefix.length) return false;
		if (prefix.length === 0) return true;
		const page = this.slots[Math.floor((stop - 1) / pageSize)];
		const start = Math.max(previous, page.base);
		if (stop - start < prefix.length) return false;
		const buffer = page.buffer;
		const at = start - page.base;
		for (let k = 0; k < prefix.length; k++) if (buffer[at + k] !== prefix[k]) return false;
		return true;
	}

	/**
	 * Call fn with the string of every row i (in order) for which include(i):
	 * like strings() but holds no array, so the strings die young.
	 */
	eachString(include: (i: number) => boolean, isAscii: (i: number) => boolean, fn: (i: number, text: string) => void): void {
		let cachedPage: Page | undefined;
		let cachedText = '';
		for (let i = 0; i < this.count; i++) {
			if (!include(i)) continue;
			const stop = this.ends[i];
			const previous = i === 0 ? 0 : this.ends[i - 1];
			if (stop === previous) {
				fn(i, '');
				continue;
			}

			const page = this.slots[Math.floor((stop - 1) / pageSize)];
			const start = Math.max(previous, page.base);
			if (!isAscii(i)) {
				fn(i, page.buffer.toString('utf8', start - page.base, stop - page.base));
				continue;
			}

			if (page !== cachedPage) {
				cachedPage = page;
				cachedText = page.buffer.toString('latin1', 0, page.used);
			}

			fn(i, cachedText.slice(start - page.base, stop - page.base));
		}
	}

	/**
	 * Row strings for many rows at once: ASCII rows are sliced out of one
	 * latin1 string per page (fast); rows for which isAscii() is false are
	 * decoded as UTF-8.
	 */
	strings(rows: ArrayLike<number>, isAscii: (i: number) => boolean): string[] {
		const out = new Array<string>(rows.length);
		let cachedPage: Page | undefined;
		let cachedText = '';
		for (let k = 0; k < rows.length; k++) {
			const i = rows[k];
			const stop = this.ends[i];
			const previous = i === 0 ? 0 : this.ends[i - 1];
			if (stop === previous) {
				out[k] = '';
				continue;
			}

			const page = this.slots[Math.floor((stop - 1) / pageSize)];
			const start = Math.max(previous, page.base);
			if (!isAscii(i)) {
				out[k] = page.buffer.toString('utf8', start - page.base, stop - page.base);
				continue;
			}

			if (page !== cachedPage) {
				cachedPage = page;
				cachedText = page.buffer.toString('latin1', 0, page.used);
			}

			out[k] = cachedText.slice(start - page.base, stop - page.base);
		}

		return out;
	}

	private growEnds(needed: number): void {
		const next = this.ends instanceof Uint32Array
			? new Uint32Array(Math.max(needed, Math.ceil(this.ends.length * 1.5)))
			: new Float64Array(Math.max(needed, Math.ceil(this.ends.length * 1.5)));
		next.set(this.ends);
		this.ends = next;
	}
}

const emptyBuffer = Buffer.alloc(0);

export type Location = {buffer: Buffer; start: number; end: number};
const sharedLocation: Location = {buffer: emptyBuffer, start: 0, end: 0};

export class FixedColumn {
	count = 0;
	private readonly rowsPerPage: number;
	private readonly pages: Buffer[] = [];

	constructor(readonly width: number) {
		this.rowsPerPage = Math.max(1, Math.floor(pageSize / width));
	}

	get byteLength(): number {
		return this.pages.length * this.rowsPerPage * this.width;
	}

	push(source: Uint8Array): void {
		const page = Math.floor(this.count / this.rowsPerPage);
		// (source is the reader's 32-byte scratch)
		if (page === this.pages.length) this.pages.push(Buffer.allocUnsafeSlow(this.rowsPerPage * this.width));
		this.pages[page].set(source.subarray(0, this.width), (this.count % this.rowsPerPage) * this.width);
		this.count++;
	}

	/** Byte k of row i. */
	byteAt(i: number, k: number): number {
		return this.pages[Math.floor(i / this.rowsPerPage)][((i % this.rowsPerPage) * this.width) + k];
	}

	bytes(i: number): Buffer {
		const page = this.pages[Math.floor(i / this.rowsPerPage)];
		const at = (i % this.rowsPerPage) * this.width;
		return page.subarray(at, at + this.width);
	}

	/** Where row i's bytes are, without allocating: fills and returns a shared object. */
	locate(i: number): Location {
		const location = sharedLocation;
		location.buffer = this.pages[Math.floor(i / this.rowsPerPage)];
		location.start = (i % this.rowsPerPage) * this.width;
		location.end = location.start + this.width;
		return location;
	}
}
