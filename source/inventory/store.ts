/**
 * The row store: every archive of an inventory in columns.
 *
 * - sizes and creation dates in Float64Arrays (sizes exceed 2^32; dates in ms),
 * - archive ids and raw descriptions in paged byte columns with one Uint32
 *   offset per row,
 * - tree hashes as 32 raw bytes.
 * Strings are decoded only for rows asked for (get), so a browser showing 50
 * rows of 10 million decodes 50. totals() sums count and bytes of any set of
 * rows. The derived columns that filters and sorts read (search text, flags,
 * modified times) are in `index` (search-index.ts); the queries themselves
 * are in query.ts (view() here is a shorthand for query()).
 */
import {ByteColumn, FixedColumn, growFloat64} from './byte-column.js';
import {IdColumn} from './id-column.js';
import {decodeDescription, mightBeEncoded} from './decoders.js';
import {formatGlacierDate, hexOf} from './fields.js';
import type {Filter} from './filter/node.js';
import {query} from './query.js';
import {SearchIndex} from './search-index.js';
import type {SortSpec} from './sort.js';
import type {InventoryColumns, InventoryFormat, InventoryRow, RecordFields, Totals} from './types.js';

export class InventoryStore implements InventoryColumns {
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
	/** The derived columns filters and sorts read, built on first use (or ahead, in steps). */
	readonly index = new SearchIndex(this);

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
	 * in file order or sorted (stable: equal keys keep file order): query().
	 */
	view(filter?: Filter | string | null, sort?: SortSpec | null): Uint32Array {
		return query(this, {filter, sort});
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

	/** Approximate bytes held by the columns and their search index. */
	get memoryBytes(): number {
		return this.ids.byteLength + this.descriptions.byteLength + this.hashes.byteLength
			+ this.sizes.byteLength + this.created.byteLength + this.index.memoryBytes;
	}
}
