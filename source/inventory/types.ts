/**
 * The shapes shared by the inventory readers, the row store and its users.
 */
import type {ByteColumn, FixedColumn} from './byte-column.js';
import type {IdColumn} from './id-column.js';
import type {JoinedText} from './joined-text.js';

export type InventoryFormat = 'json' | 'csv' | 'glacier-csv';

/** One archive as the browser and the exports see it. Strings are decoded lazily, only for rows asked for. */
export type InventoryRow = {
	/** Position of the archive in the file (0-based), the row index in the store. */
	index: number;
	archiveId: string;
	/** The description exactly as the inventory holds it (may contain anything: pass it through inert() before printing). */
	description: string;
	/** Creation date in ms since the epoch (UTC). */
	creationDate: number;
	/** The creation date exactly as written in the inventory. */
	creationDateText: string;
	size: number;
	/** SHA-256 tree hash, 64 hex digits as written in the inventory. */
	treeHash: string;
	/** Set when the description was written by a known tool and decoded. Untrusted: see safeRelativePath(). */
	path?: string;
	/** The file's modification time (ms) when the decoded description carries one. */
	lastModified?: number;
	/** Which tool wrote the decoded description ('mt-aws-glacier', 'fastglacier', 'cloudberry', 'qnap'). */
	tool?: string;
};

export type Totals = {count: number; bytes: number};

/** Bytes consumed so far and, when known, the total. */
export type LoadProgress = {bytes: number; totalBytes?: number; rows: number};

/** What a reader hands to the store for each valid record: byte ranges only valid during the call. */
export type RecordFields = {
	id: Buffer;
	idStart: number;
	idEnd: number;
	description: Buffer;
	descriptionStart: number;
	descriptionEnd: number;
	creationDate: number;
	/** Set only when the date text is not in Glacier's own `YYYY-MM-DDTHH:MM:SSZ` form, to keep it exactly. */
	creationDateText: string | undefined;
	size: number;
	/** 32 raw bytes. */
	treeHash: Uint8Array;
	/** Set only when the hex was not lower case, to keep it exactly. */
	treeHashText: string | undefined;
};

export type RecordSink = (fields: RecordFields) => void;

/** Called by a reader for a record that is malformed but does not stop the load (skipBad). */
export type BadRecordHandler = (error: Error & {line?: number}) => void;

/**
 * The stored columns of an inventory, one entry per archive (InventoryStore
 * holds them). The search index, filters and sorts read these, not the
 * store class, so that none of them imports the store.
 */
export type InventoryColumns = {
	readonly length: number;
	readonly ids: IdColumn;
	/** Raw descriptions, exactly as the inventory holds them. */
	readonly descriptions: ByteColumn;
	/** SHA-256 tree hashes, 32 raw bytes a row. */
	readonly hashes: FixedColumn;
	readonly sizes: Float64Array;
	/** Creation dates in ms since the epoch. */
	readonly created: Float64Array;
};

/** The texts of the search index that filters search as joined text (see joined-text.ts). */
export type SearchTextKind = 'search' | 'rawSearch' | 'display';

/** Columns derived from the stored ones, built on first use and kept up to date (search-index.ts). */
export type SearchColumns = {
	/** Lower-cased path (decoded rows) or description of every row. */
	readonly search: ByteColumn;
	/** One byte per row: flagDecoded, flagNonAscii (flags.ts). */
	readonly flags: Uint8Array;
	/** Lower-cased raw descriptions of the decoded rows (other rows: empty). */
	readonly rawSearch: ByteColumn;
	/** Path (decoded rows) or description, as written. */
	readonly display: ByteColumn;
	/** Decoded last-modified time (ms) of every row, NaN when none. */
	readonly modified: Float64Array;
	joinedText(kind: SearchTextKind): JoinedText;
};

/** What a query (filter, sort) reads: the stored columns and their search index. */
export type QueryColumns = InventoryColumns & {readonly index: SearchColumns};
