/**
 * The columns derived from an inventory's stored ones, for filtering and
 * sorting; each is built on first use and then kept up to date as rows are
 * added (every getter catches up with the stored rows first):
 * - search: lower-cased path (decoded rows) or description, with one flag
 *   byte per row (decoded? non-ASCII?),
 * - rawSearch: lower-cased raw descriptions of the decoded rows (`desc:`),
 * - display: path or description as written (case-sensitive regexes),
 * - modified: decoded last-modified times (sorting by Modified),
 * - joined texts of the first three (joined-text.ts), what text filters search.
 * The browser builds search (+ its joined text) and modified right after
 * loading, in steps (buildInSteps), so that no key press waits for them.
 */
import {ByteColumn, growUint8} from './byte-column.js';
import {decodeDescription, decodePath, mightBeEncoded} from './decoders.js';
import {decodedPath, decodePathBytes} from './fast-path.js';
import {flagDecoded, flagNonAscii} from './flags.js';
import {JoinedText} from './joined-text.js';
import type {InventoryColumns, SearchColumns, SearchTextKind} from './types.js';

/**
 * Run extend(stop) over rows in steps of about rowsPerStep, yielding to the
 * event loop after each step and after each of then(), until done() or the
 * signal aborts: the one "build in steps" loop of every background index.
 */
async function buildInSteps(options: {
	rowsPerStep: number;
	signal: AbortSignal | undefined;
	position: () => number;
	length: () => number;
	extend: (stop: number) => void;
	then?: () => void;
}): Promise<void> {
	const {rowsPerStep, signal, position, length, extend, then} = options;
	const yieldNow = async () => new Promise(resolve => setImmediate(resolve));
	const aborted = () => signal?.aborted === true;
	do {
		if (aborted()) return;
		extend(Math.min(length(), position() + rowsPerStep));
		await yieldNow();
		if (then !== undefined) {
			if (aborted()) return;
			then();
			await yieldNow();
		}
	} while (position() < length());
}

export class SearchIndex implements SearchColumns {
	private searchColumn: ByteColumn | undefined;
	private flagBytes: Uint8Array | undefined;
	private indexedRows = 0;
	private modifiedColumn: Float64Array | undefined;
	private modifiedRows = 0;
	private rawSearchColumn: ByteColumn | undefined;
	private displayColumn: ByteColumn | undefined;
	private readonly joined = new Map<SearchTextKind, JoinedText>();
	private scratch = Buffer.allocUnsafe(4096);

	constructor(private readonly columns: InventoryColumns) {}

	/**
	 * Lower-cased path (decoded rows) or description of every row, for
	 * case-insensitive search and sort. Built on first use (the first filter
	 * or sort by name); build() builds it ahead.
	 */
	get search(): ByteColumn {
		if (!this.built) this.build();
		return this.searchColumn!;
	}

	/** One byte per row: flagDecoded, flagNonAscii (built with the search column). */
	get flags(): Uint8Array {
		if (!this.built) this.build();
		return this.flagBytes!;
	}

	/** True once the search column covers every row. */
	get built(): boolean {
		return this.searchColumn !== undefined && this.indexedRows === this.columns.length;
	}

	/** Build the search column now (about 0.4 µs a row). */
	build(): void {
		this.indexTo(this.columns.length);
	}

	/**
	 * Build the search column in steps, yielding to the event loop between
	 * them, so a UI stays responsive. A filter arriving meanwhile finishes
	 * the job synchronously.
	 */
	async buildInSteps(rowsPerStep = 50_000, signal?: AbortSignal): Promise<void> {
		return buildInSteps({rowsPerStep, signal, position: () => this.indexedRows, length: () => this.columns.length, extend: stop => {
			this.indexTo(stop);
		}});
	}

	/**
	 * Build the search column and its joined text (what text filters search)
	 * in steps, so that the first filter waits for neither.
	 */
	async prepareSearchInSteps(rowsPerStep = 32_768, signal?: AbortSignal): Promise<void> {
		this.indexTo(0);
		let joined = this.joined.get('search');
		if (joined === undefined) this.joined.set('search', joined = new JoinedText(this.searchColumn!));
		return buildInSteps({rowsPerStep, signal, position: () => this.indexedRows, length: () => this.columns.length, extend: stop => {
			this.indexTo(stop);
		}, then() {
			joined.update(); // Rebuilds at most its last page (65,536 rows) and adds the new rows
		}});
	}

	private indexTo(stop: number): void {
		if (this.searchColumn === undefined) {
			this.searchColumn = new ByteColumn(this.columns.sizes.length);
			this.flagBytes = new Uint8Array(this.columns.sizes.length);
			this.indexedRows = 0;
		}

		while (this.indexedRows < stop) this.indexRow(this.indexedRows);
	}

	private indexRow(i: number): void {
		this.indexedRows = i + 1;
		if (this.flagBytes!.length <= i) this.flagBytes = growUint8(this.flagBytes!, i + 1);
		const {buffer, start, end} = this.columns.descriptions.locate(i);
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

	/**
	 * The decoded last-modified time (ms) of every row, NaN when its
	 * description carries none: a column for radix sorting. Built on first
	 * use (about 1 µs an encoded row, the others are skipped at once);
	 * buildModifiedInSteps() builds it ahead.
	 */
	get modified(): Float64Array {
		this.extendModified(this.columns.length);
		return this.modifiedColumn!.subarray(0, this.columns.length);
	}

	get modifiedBuilt(): boolean {
		return this.modifiedColumn !== undefined && this.modifiedRows === this.columns.length;
	}

	/** Build the modified column in steps, yielding to the event loop between them. */
	async buildModifiedInSteps(rowsPerStep = 10_000, signal?: AbortSignal): Promise<void> {
		return buildInSteps({rowsPerStep, signal, position: () => this.modifiedRows, length: () => this.columns.length, extend: stop => {
			this.extendModified(stop);
		}});
	}

	private extendModified(stop: number): void {
		let column = this.modifiedColumn;
		if (column === undefined || column.length < stop) {
			const next = new Float64Array(Math.max(stop, this.columns.sizes.length));
			if (column !== undefined) next.set(column.subarray(0, this.modifiedRows));
			this.modifiedColumn = column = next;
		}

		const descriptions = this.columns.descriptions;
		for (let i = this.modifiedRows; i < stop; i++) {
			column[i] = Number.NaN;
			const {buffer, start, end} = descriptions.locate(i);
			if (!mightBeEncoded(buffer, start, end)) continue;
			const decoded = decodeDescription(buffer.toString('utf8', start, end));
			if (decoded?.lastModified !== undefined) column[i] = decoded.lastModified;
		}

		if (stop > this.modifiedRows) this.modifiedRows = stop;
	}

	/**
	 * Lower-cased raw descriptions of the decoded rows (other rows: empty),
	 * for `desc:` filters; built on first use (about 0.1 µs a row). Costs
	 * about the size of those descriptions.
	 */
	get rawSearch(): ByteColumn {
		const flags = this.flags;
		const {length, descriptions} = this.columns;
		const column = this.rawSearchColumn ??= new ByteColumn(length);
		for (let i = column.count; i < length; i++) {
			if ((flags[i] & flagDecoded) === 0) {
				column.commit(0);
				continue;
			}

			const {buffer, start, end} = descriptions.locate(i);
			const size = end - start;
			const {buffer: out, start: at} = column.reserve(size);
			let folded = true;
			for (let j = 0; j < size; j++) {
				const b = buffer[start + j];
				if (b >= 0x80) {
					folded = false;
					break;
				}

				out[at + j] = b >= 65 && b <= 90 ? b + 32 : b;
			}

			if (folded) column.commit(size);
			else column.push(Buffer.from(buffer.toString('utf8', start, end).toLowerCase(), 'utf8'));
		}

		return column;
	}

	/**
	 * Path (decoded rows) or description of every row as written, not
	 * lower-cased: for case-sensitive regexes. Built on first use.
	 */
	get display(): ByteColumn {
		const flags = this.flags;
		const {length, descriptions} = this.columns;
		const column = this.displayColumn ??= new ByteColumn(length);
		for (let i = column.count; i < length; i++) {
			const {buffer, start, end} = descriptions.locate(i);
			if ((flags[i] & flagDecoded) === 0) {
				column.push(buffer, start, end);
				continue;
			}

			if (this.scratch.length <= end - start + 1) this.scratch = Buffer.allocUnsafe((end - start) * 2);
			const size = decodePathBytes(buffer, start, end, this.scratch);
			if (size > 0) {
				column.push(this.scratch, decodedPath.start, decodedPath.start + size);
			} else {
				const description = descriptions.text(i);
				column.push(Buffer.from(decodeDescription(description)?.path ?? description, 'utf8'));
			}
		}

		return column;
	}

	/**
	 * The search, rawSearch or display column decoded into a few long strings
	 * (rows joined by '\n') for one native search over many rows; built on
	 * first use, then kept up to date.
	 */
	joinedText(kind: SearchTextKind): JoinedText {
		const column = this[kind];
		let joined = this.joined.get(kind);
		if (joined === undefined) this.joined.set(kind, joined = new JoinedText(column));
		return joined.update();
	}

	/** Approximate bytes held. */
	get memoryBytes(): number {
		let joined = 0;
		for (const text of this.joined.values()) for (const page of text.pages) joined += page.text.length + page.starts.byteLength;
		return (this.searchColumn?.byteLength ?? 0) + (this.rawSearchColumn?.byteLength ?? 0) + (this.displayColumn?.byteLength ?? 0)
			+ joined + (this.flagBytes?.byteLength ?? 0) + (this.modifiedColumn?.byteLength ?? 0);
	}
}
