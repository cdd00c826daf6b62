/**
 * The row store: every archive of an inventory in columns.
 *
 * - sizes and creation dates in Float64Arrays (sizes exceed 2^32; dates in ms),
 * - archive ids and raw descriptions in paged byte columns with one Uint32
 *   offset per row; on first search, a lower-cased search text (the decoded
 *   path when the description was written by a known tool, else the
 *   description) the same way,
 * - tree hashes as 32 raw bytes,
 * - one flag byte per row (with the search text).
 * Strings are decoded only for rows asked for (get), so a browser showing 50
 * rows of 10 million decodes 50. view() gives the row numbers matching a
 * filter in a sort order; totals() sums count and bytes of any set of rows.
 */
import {ByteColumn, FixedColumn, growFloat64, growUint8} from './byte-column.js';
import {IdColumn} from './id-column.js';
import {JoinedText} from './joined-text.js';
import {decodeDescription, decodePath, mightBeEncoded} from './decoders.js';
import {decodedPath, decodePathBytes} from './fast-path.js';
import {formatGlacierDate, hexOf} from './fields.js';
import {flagDecoded, flagNonAscii} from './flags.js';
import type {Filter} from './filter.js';
import {parseFilter} from './filter.js';
import {sortRows, type SortSpec} from './sort.js';
import type {InventoryFormat, InventoryRow, RecordFields, Totals} from './types.js';

export {flagDecoded, flagNonAscii} from './flags.js';

export class InventoryStore {
	readonly ids: IdColumn;
	readonly descriptions: ByteColumn;
	readonly hashes = new FixedColumn(32);
	sizes: Float64Array;
	created: Float64Array;
	/** Exact text of creation dates not in Glacier's YYYY-MM-DDTHH:MM:SSZ form, by row. */
	readonly dateTexts = new Map<number, string>();
	/** Exact text of tree hashes not written in lower case, by row. */
	readonly hashTexts = new Map<number, string>();
	length = 0;
	totalBytes = 0;
	vaultArn: string | undefined;
	inventoryDate: string | undefined;
	format: InventoryFormat | undefined;
	private searchColumn: ByteColumn | undefined;
	private flagBytes: Uint8Array | undefined;
	private scratch = Buffer.allocUnsafe(4096);

	constructor(expectedRows = 0) {
		const rows = Math.max(1024, Math.min(expectedRows, 50_000_000));
		this.ids = new IdColumn(rows);
		this.descriptions = new ByteColumn(rows);
		this.sizes = new Float64Array(rows);
		this.created = new Float64Array(rows);
	}

	/** Append one validated record (the readers call this). */
	add(fields: RecordFields): void {
		const i = this.length;
		if (i === this.sizes.length) {
			this.sizes = growFloat64(this.sizes, i + 1);
			this.created = growFloat64(this.created, i + 1);
		}

		this.ids.push(fields.id, fields.idStart, fields.idEnd);
		this.descriptions.push(fields.description, fields.descriptionStart, fields.descriptionEnd);
		this.hashes.push(fields.treeHash);
		this.sizes[i] = fields.size;
		this.created[i] = fields.creationDate;
		this.totalBytes += fields.size;
		if (fields.creationDateText !== undefined) this.dateTexts.set(i, fields.creationDateText);
		if (fields.treeHashText !== undefined) this.hashTexts.set(i, fields.treeHashText);
		this.length = i + 1;
		if (this.searchColumn !== undefined && this.indexedRows === i) this.indexRow(i);
	}

	/**
	 * Lower-cased path (decoded rows) or description of every row, for
	 * case-insensitive search and sort. Built on first use (the first filter
	 * or sort by name), then kept up to date; call buildSearchIndex() to build it ahead.
	 */
	get search(): ByteColumn {
		if (!this.searchIndexBuilt) this.buildSearchIndex();
		return this.searchColumn!;
	}

	/** One byte per row: flagDecoded, flagNonAscii (built with the search index). */
	get flags(): Uint8Array {
		if (!this.searchIndexBuilt) this.buildSearchIndex();
		return this.flagBytes!;
	}

	get searchIndexBuilt(): boolean {
		return this.searchColumn !== undefined && this.indexedRows === this.length;
	}

	/** Build the search index now (about 0.4 µs a row). */
	buildSearchIndex(): void {
		this.startSearchIndex();
		while (this.indexedRows < this.length) this.indexRow(this.indexedRows);
	}

	/**
	 * Build the search index in steps, yielding to the event loop between
	 * them, so a UI stays responsive (e.g. right after loading). A filter
	 * arriving meanwhile finishes the job synchronously.
	 */
	async buildSearchIndexInSteps(rowsPerStep = 50_000, signal?: AbortSignal): Promise<void> {
		this.startSearchIndex();
		while (this.indexedRows < this.length && signal?.aborted !== true) {
			const stop = Math.min(this.length, this.indexedRows + rowsPerStep);
			while (this.indexedRows < stop) this.indexRow(this.indexedRows);
			await new Promise(resolve => setImmediate(resolve));
		}
	}

	private indexedRows = 0;

	private startSearchIndex(): void {
		if (this.searchColumn !== undefined) return;
		this.searchColumn = new ByteColumn(this.sizes.length);
		this.flagBytes = new Uint8Array(this.sizes.length);
		this.indexedRows = 0;
	}

	private indexRow(i: number): void {
		this.indexedRows = i + 1;
		if (this.flagBytes!.length <= i) this.flagBytes = growUint8(this.flagBytes!, i + 1);
		const {buffer, start, end} = this.descriptions.locate(i);
		if (mightBeEncoded(buffer, start, end)) {
			if (this.scratch.length <= end - start + 1) this.scratch = Buffer.allocUnsafe((end - start) * 2);
			const length = decodePathBytes(buffer, start, end, this.scratch);
			if (length > 0) { // The path's UTF-8 bytes in scratch
				const from = decodedPath.start;
				this.flagBytes![i] = flagDecoded | this.pushFolded(this.scratch, from, from + length);
				return;
			}

			const path = decodePath(buffer.toString('utf8', start, end));
			if (path !== null) {
				this.flagBytes![i] = flagDecoded | this.pushSearchText(path);
				return;
			}
		}

		this.flagBytes![i] = this.pushFolded(buffer, start, end);
	}

	private pushSearchText(text: string): number {
		const lower = Buffer.from(text.toLowerCase(), 'utf8');
		this.searchColumn!.push(lower);
		return lower.length === text.length ? 0 : flagNonAscii;
	}

	/** ASCII-fold UTF-8 bytes straight into the search column; non-ASCII text goes through toLowerCase. */
	private pushFolded(bytes: Uint8Array, start: number, end: number): number {
		const length = end - start;
		const column = this.searchColumn!;
		const {buffer: out, start: at} = column.reserve(length);
		for (let j = 0; j < length; j++) {
			const b = bytes[start + j];
			if (b >= 0x80) return this.pushSearchText(Buffer.from(bytes.buffer, bytes.byteOffset + start, length).toString('utf8'));
			out[at + j] = b >= 65 && b <= 90 ? b + 32 : b;
		}

		column.commit(length);
		return 0;
	}

	private modifiedColumn: Float64Array | undefined;
	private modifiedRows = 0;

	/**
	 * The decoded last-modified time (ms) of every row, NaN when its
	 * description carries none: a column for radix sorting. Built on first
	 * use (about 1 µs an encoded row, the others are skipped at once), then
	 * kept up to date; buildModifiedInSteps() builds it ahead.
	 */
	get modified(): Float64Array {
		this.extendModified(this.length);
		return this.modifiedColumn!.subarray(0, this.length);
	}

	get modifiedBuilt(): boolean {
		return this.modifiedColumn !== undefined && this.modifiedRows === this.length;
	}

	/** Build the modified column in steps, yielding to the event loop between them. */
	async buildModifiedInSteps(rowsPerStep = 10_000, signal?: AbortSignal): Promise<void> {
		while (this.modifiedRows < this.length && signal?.aborted !== true) {
			this.extendModified(Math.min(this.length, this.modifiedRows + rowsPerStep));
			await new Promise(resolve => setImmediate(resolve));
		}
	}

	private extendModified(stop: number): void {
		let column = this.modifiedColumn;
		if (column === undefined || column.length < stop) {
			const next = new Float64Array(Math.max(stop, this.sizes.length));
			if (column !== undefined) next.set(column.subarray(0, this.modifiedRows));
			this.modifiedColumn = column = next;
		}

		for (let i = this.modifiedRows; i < stop; i++) {
			column[i] = Number.NaN;
			const {buffer, start, end} = this.descriptions.locate(i);
			if (!mightBeEncoded(buffer, start, end)) continue;
			const decoded = decodeDescription(buffer.toString('utf8', start, end));
			if (decoded?.lastModified !== undefined) column[i] = decoded.lastModified;
		}

		if (stop > this.modifiedRows) this.modifiedRows = stop;
	}

	/**
	 * Build the search index and its joined text (what text filters search)
	 * in steps of about rowsPerStep rows, yielding to the event loop between
	 * them, so that the first filter does not wait for either. A filter or
	 * sort needing them meanwhile finishes the job synchronously.
	 */
	async prepareSearchInSteps(rowsPerStep = 32_768, signal?: AbortSignal): Promise<void> {
		this.startSearchIndex();
		const yieldNow = async () => new Promise(resolve => setImmediate(resolve));
		const aborted = () => signal?.aborted === true;
		let joined = this.joined.get('search');
		if (joined === undefined) this.joined.set('search', joined = new JoinedText(this.searchColumn!));
		for (;;) {
			if (aborted()) return;
			const stop = Math.min(this.length, this.indexedRows + rowsPerStep);
			while (this.indexedRows < stop) this.indexRow(this.indexedRows);
			// eslint-disable-next-line no-await-in-loop
			await yieldNow();
			if (aborted()) return;
			joined.update(); // Rebuilds at most its last page (65,536 rows) and adds the new rows
			if (this.indexedRows >= this.length) return;
			// eslint-disable-next-line no-await-in-loop
			await yieldNow();
		}
	}

	private rawSearchColumn: ByteColumn | undefined;

	/**
	 * Lower-cased raw descriptions of the decoded rows (other rows: empty),
	 * for `desc:` filters; built on first use (about 0.1 µs a row), then kept
	 * up to date. Costs about the size of those descriptions.
	 */
	get rawSearch(): ByteColumn {
		const flags = this.flags;
		const column = this.rawSearchColumn ??= new ByteColumn(this.length);
		for (let i = column.count; i < this.length; i++) {
			if ((flags[i] & flagDecoded) === 0) {
				column.commit(0);
				continue;
			}

			const {buffer, start, end} = this.descriptions.locate(i);
			const length = end - start;
			const {buffer: out, start: at} = column.reserve(length);
			let folded = true;
			for (let j = 0; j < length; j++) {
				const b = buffer[start + j];
				if (b >= 0x80) {
					folded = false;
					break;
				}

				out[at + j] = b >= 65 && b <= 90 ? b + 32 : b;
			}

			if (folded) column.commit(length);
			else column.push(Buffer.from(buffer.toString('utf8', start, end).toLowerCase(), 'utf8'));
		}

		return column;
	}

	private displayColumn: ByteColumn | undefined;

	/**
	 * Path (decoded rows) or description of every row as written, not
	 * lower-cased: for case-sensitive regexes. Built on first use, then kept up to date.
	 */
	get display(): ByteColumn {
		const flags = this.flags;
		const column = this.displayColumn ??= new ByteColumn(this.length);
		for (let i = column.count; i < this.length; i++) {
			const {buffer, start, end} = this.descriptions.locate(i);
			if ((flags[i] & flagDecoded) === 0) {
				column.push(buffer, start, end);
				continue;
			}

			if (this.scratch.length <= end - start + 1) this.scratch = Buffer.allocUnsafe((end - start) * 2);
			const length = decodePathBytes(buffer, start, end, this.scratch);
			if (length > 0) column.push(this.scratch, decodedPath.start, decodedPath.start + length);
			else column.push(Buffer.from(this.displayName(i), 'utf8'));
		}

		return column;
	}

	private readonly joined = new Map<'search' | 'rawSearch' | 'display', JoinedText>();

	/**
	 * The search, rawSearch or display column decoded into a few long strings
	 * (rows joined by '\n') for one native search over many rows; built on
	 * first use, then kept up to date.
	 */
	joinedText(kind: 'search' | 'rawSearch' | 'display'): JoinedText {
		const column = this[kind];
		let joined = this.joined.get(kind);
		if (joined === undefined) this.joined.set(kind, joined = new JoinedText(column));
		return joined.update();
	}

	archiveId(i: number): string {
		return this.ids.text(i);
	}

	description(i: number): string {
		return this.descriptions.text(i);
	}

	creationDateText(i: number): string {
		return this.dateTexts.get(i) ?? formatGlacierDate(this.created[i]);
	}

	treeHash(i: number): string {
		return this.hashTexts.get(i) ?? hexOf(this.hashes.bytes(i), 0, 32);
	}

	/** Path (decoded descriptions) or description: what a person recognises the archive by. */
	displayName(i: number): string {
		const description = this.description(i);
		if (mightBeEncoded(this.descriptions.bytes(i))) return decodeDescription(description)?.path ?? description;
		return description;
	}

	get(i: number): InventoryRow {
		if (!(i >= 0 && i < this.length)) throw new RangeError(`row ${i} is outside 0..${this.length - 1}`);
		const description = this.description(i);
		const row: InventoryRow = {
			index: i,
			archiveId: this.archiveId(i),
			description,
			creationDate: this.created[i],
			creationDateText: this.creationDateText(i),
			size: this.sizes[i],
			treeHash: this.treeHash(i),
		};
		if (mightBeEncoded(this.descriptions.bytes(i))) {
			const decoded = decodeDescription(description);
			if (decoded) {
				row.path = decoded.path;
				row.tool = decoded.tool;
				if (decoded.lastModified !== undefined) row.lastModified = decoded.lastModified;
			}
		}

		return row;
	}

	/** Rows from..to (exclusive) of a view, decoded: what a windowed list draws. */
	window(view: ArrayLike<number>, from: number, to: number): InventoryRow[] {
		const rows: InventoryRow[] = [];
		for (let k = Math.max(0, from); k < Math.min(to, view.length); k++) rows.push(this.get(view[k]));
		return rows;
	}

	/**
	 * Row numbers matching a filter (a parsed Filter or its text; none = all),
	 * in file order or sorted (stable: equal keys keep file order).
	 */
	view(filter?: Filter | string | null, sort?: SortSpec | null): Uint32Array {
		return this.narrowedView(undefined, filter, sort);
	}

	/**
	 * Like view(), but only rows that are set in within (a mask from an
	 * earlier evaluate()) are looked at: for a filter that narrows the
	 * previous one (filter.narrows(previous)), as when typing.
	 */
	narrowedView(within: Uint8Array | undefined, filter?: Filter | string | null, sort?: SortSpec | null): Uint32Array {
		let rows: Uint32Array;
		const parsed = typeof filter === 'string' ? parseFilter(filter) : filter;
		if ((parsed && !parsed.matchesAll) || within !== undefined) {
			rows = indicesOf(parsed ? parsed.evaluate(this, within) : within!.subarray(0, this.length));
		} else {
			rows = new Uint32Array(this.length);
			for (let i = 0; i < rows.length; i++) rows[i] = i;
		}

		return sort ? sortRows(this, rows, sort) : rows;
	}

	/** Count and bytes of the given rows (all rows when none given). */
	totals(rows?: ArrayLike<number> | Iterable<number>): Totals {
		if (rows === undefined) return {count: this.length, bytes: this.totalBytes};
		let count = 0;
		let bytes = 0;
		if (typeof (rows as ArrayLike<number>).length === 'number') {
			const list = rows as ArrayLike<number>;
			for (let k = 0; k < list.length; k++) bytes += this.sizes[list[k]];
			count = list.length;
		} else {
			for (const i of rows as Iterable<number>) {
				bytes += this.sizes[i];
				count++;
			}
		}

		return {count, bytes};
	}

	/** Approximate bytes held by the columns. */
	get memoryBytes(): number {
		let joined = 0;
		for (const text of this.joined.values()) for (const page of text.pages) joined += page.text.length + page.starts.byteLength;
		return this.ids.byteLength + this.descriptions.byteLength + (this.searchColumn?.byteLength ?? 0) + (this.rawSearchColumn?.byteLength ?? 0) + this.hashes.byteLength
			+ (this.displayColumn?.byteLength ?? 0) + joined
			+ this.sizes.byteLength + this.created.byteLength + (this.flagBytes?.byteLength ?? 0);
	}
}

export function indicesOf(mask: Uint8Array): Uint32Array {
	let count = 0;
	for (let i = 0; i < mask.length; i++) count += mask[i];
	const rows = new Uint32Array(count);
	let k = 0;
	for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) rows[k++] = i;
	return rows;
}
