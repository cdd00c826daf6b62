/**
 * Every selected archive's destination (names.ts's nameArchive), for a
 * million archives without a string or an object each: the commonest
 * descriptions (mt2, FastGlacier <m>, plain paths) are decoded and checked
 * on their bytes, and a path that needs no work is kept as bytes -- in a
 * paged column, or as the description itself. Anything the byte checks are
 * not sure of goes the general way (nameArchive on strings), so the answers
 * are always nameArchive's (test/restore/plan-scale.test.ts compares them).
 */
import {ByteColumn, type Location} from '../../inventory/byte-column.js';
import {decodedPath, decodePathBytes, parseCompactDateBytes} from '../../inventory/fast-path.js';
import type {InventoryStore} from '../../inventory/store.js';
import {byIdFolder, maxNameBytes, nameArchive, type NamedArchive} from './names.js';

/** Flags per candidate (index into `selected`). */
export const enum Named {
	/** The path is ASCII. */
	ascii = 1,
	/** The path is the description's bytes as they are (not in the column). */
	inDescription = 2,
	/** The path is a string in `texts` (it has a lone surrogate: no UTF-8 form). */
	inText = 4,
	undecodable = 8,
	shortened = 16,
	madeSafe = 32,
	/** The path's bytes can be lower-cased as bytes (keys.ts): ASCII, U+00A1..U+00FF and CJK ideographs only. */
	foldable = 64,
}

const byIdPrefix = Buffer.from(`${byIdFolder}/`, 'latin1');

export class NamedPaths {
	readonly flags: Uint8Array;
	/** Decoded modification time, NaN: none. */
	readonly mtimes: Float64Array;
	/** One row per candidate (empty when the path is elsewhere). */
	readonly column: ByteColumn;
	readonly texts = new Map<number, string>();
	/** The decoded path as written, when it was made safe or shortened (for the decision record). */
	readonly originals = new Map<number, string>();
	/** The safe path before names were shortened: what versions group by. */
	readonly unshortened = new Map<number, string>();
	undecodable = 0;

	constructor(readonly store: InventoryStore, readonly selected: Uint32Array) {
		this.flags = new Uint8Array(selected.length);
		this.mtimes = new Float64Array(selected.length).fill(Number.NaN);
		this.column = new ByteColumn(selected.length);
	}

	/** Where k's path bytes are (not for inText): a shared location, valid until the next locate(). */
	locate(k: number): Location {
		return (this.flags[k] & Named.inDescription) === 0 ? this.column.locate(k) : this.store.descriptions.locate(this.selected[k]);
	}

	text(k: number): string {
		const flags = this.flags[k];
		if ((flags & Named.inText) !== 0) return this.texts.get(k)!;
		const {buffer, start, end} = this.locate(k);
		return buffer.toString((flags & Named.ascii) === 0 ? 'utf8' : 'latin1', start, end);
	}

	archiveId(k: number): string {
		return this.store.archiveId(this.selected[k]);
	}
}

/**
 * What the general way would do with these bytes as a path: 1 = keep them
 * as they are (ASCII), 2 = keep them (non-ASCII), 0 = not sure (go the
 * general way); 3 = keep them (non-ASCII, and byte-foldable: see
 * Named.foldable). Kept means: well-formed UTF-8, no control, bidi or
 * line-separator character, no '\\', no empty, '.' or '..' segment, no
 * leading or trailing '/', no drive letter, every name within maxNameBytes,
 * not a runner's name (in any case), and already NFC: the only non-ASCII
 * characters taken are U+00A1..U+02FF and the CJK ideographs U+4E00..U+9FFF,
 * which NFC never changes (nor combines), and none of which is white space.
 */
export function keepAsIs(bytes: Uint8Array, start: number, end: number): number {
	if (end <= start || bytes[start] === 0x2F || bytes[end - 1] === 0x2F) return 0;
	if (end - start >= 2 && bytes[start + 1] === 0x3A) return 0; // 'C:'
	let ascii = true;
	let foldable = true;
	let segmentStart = start;
	for (let i = start; i < end; i++) {
		const kind = byteKinds[bytes[i]];
		if (kind === 0) continue;
		if (kind === 1) { // '/'
			if (!goodSegment(bytes, segmentStart, i)) return 0;
			segmentStart = i + 1;
			continue;
		}

		if (kind === 2) return 0;
		const b = bytes[i];
		ascii = false;
		let cp: number;
		if (b >= 0xC2 && b <= 0xDF) {
			if (i + 1 >= end) return 0;
			const b1 = bytes[i + 1];
			if ((b1 & 0xC0) !== 0x80) return 0;
			cp = ((b & 0x1F) << 6) | (b1 & 0x3F);
			i += 1;
		} else if (b >= 0xE4 && b <= 0xE9) { // U+4000..U+9FFF (never an overlong or a surrogate)
			if (i + 2 >= end) return 0;
			const b1 = bytes[i + 1];
			const b2 = bytes[i + 2];
			if ((b1 & 0xC0) !== 0x80 || (b2 & 0xC0) !== 0x80) return 0;
			cp = ((b & 0x0F) << 12) | ((b1 & 0x3F) << 6) | (b2 & 0x3F);
			i += 2;
		} else {
			return 0;
		}

		if (!((cp >= 0xA1 && cp < 0x300) || (cp >= 0x4E00 && cp <= 0x9FFF))) return 0;
		if (cp >= 0x100 && cp < 0x300) foldable = false;
	}

	if (!goodSegment(bytes, segmentStart, end)) return 0;
	// '.part' / '.journal' at the end, in any case: avoidRunnerNames() has a say.
	const length = end - start;
	if (length >= 5 && bytes[end - 5] === 0x2E && (bytes[end - 4] | 0x20) === 0x70 && (bytes[end - 3] | 0x20) === 0x61 && (bytes[end - 2] | 0x20) === 0x72 && (bytes[end - 1] | 0x20) === 0x74) return 0;
	if (length >= 8 && bytes[end - 8] === 0x2E && (bytes[end - 7] | 0x20) === 0x6A && (bytes[end - 6] | 0x20) === 0x6F && (bytes[end - 5] | 0x20) === 0x75
		&& (bytes[end - 4] | 0x20) === 0x72 && (bytes[end - 3] | 0x20) === 0x6E && (bytes[end - 2] | 0x20) === 0x61 && (bytes[end - 1] | 0x20) === 0x6C) return 0;
	return ascii ? 1 : foldable ? 3 : 2;
}

/** Bytes by what keepAsIs() does with them: 0 take, 1 '/', 2 refuse (controls, DEL, '\\'), 3 a multi-byte character starts. */
const byteKinds = new Uint8Array(256);
for (let b = 0; b < 0x20; b++) byteKinds[b] = 2;
byteKinds[0x7F] = 2;
byteKinds[0x5C] = 2;
byteKinds[0x2F] = 1;
for (let b = 0x80; b < 0x100; b++) byteKinds[b] = 3;

/** A name between two '/': not empty, not '.' or '..', within maxNameBytes. */
function goodSegment(bytes: Uint8Array, start: number, end: number): boolean {
	const length = end - start;
	if (length === 0 || length > maxNameBytes) return false;
	return !(bytes[start] === 0x2E && (length === 1 || (length === 2 && bytes[start + 1] === 0x2E)));
}

/** Has the string a lone surrogate (so no UTF-8 form that gives it back)? */
function hasLoneSurrogate(text: string): boolean {
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (c < 0xD800 || c > 0xDFFF) continue;
		if (c >= 0xDC00 || i + 1 >= text.length) return true;
		const low = text.charCodeAt(i + 1);
		if (low < 0xDC00 || low > 0xDFFF) return true;
		i++;
	}

	return false;
}

function isAsciiText(text: string): boolean {
	for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x80) return false;
	return true;
}

/** Keep what the general way decided for k. */
function keepGeneral(named: NamedPaths, k: number, archive: NamedArchive): void {
	let flags = 0;
	if (archive.undecodable) {
		flags |= Named.undecodable;
		named.undecodable++;
	}

	if (archive.shortened) flags |= Named.shortened;
	if (archive.madeSafe) flags |= Named.madeSafe;
	if (archive.original !== undefined) named.originals.set(k, archive.original);
	if (archive.unshortened !== undefined) named.unshortened.set(k, archive.unshortened);
	if (archive.mtime !== null) named.mtimes[k] = archive.mtime;
	const {path} = archive;
	if (hasLoneSurrogate(path)) {
		flags |= Named.inText;
		named.texts.set(k, path);
		named.column.commit(0);
	} else {
		if (isAsciiText(path)) flags |= Named.ascii | Named.foldable;
		named.column.push(Buffer.from(path, 'utf8'));
	}

	named.flags[k] = flags;
}

/** Name every candidate: the byte paths where they are sure, nameArchive otherwise. */
export function namePaths(store: InventoryStore, selected: Uint32Array): NamedPaths {
	const named = new NamedPaths(store, selected);
	const {flags, mtimes, column} = named;
	const descriptions = store.descriptions;
	let scratch = Buffer.allocUnsafe(4096);
	for (let k = 0; k < selected.length; k++) {
		const row = selected[k];
		const at = descriptions.locate(row);
		const bytes = at.buffer;
		const start = at.start;
		const end = at.end;
		const length = end - start;
		if (length === 0) {
			// No description: `_by-archive-id/<id>` (ids are [A-Za-z0-9_-]: safe as they are, and short).
			const id = store.archiveId(row);
			if (id.length > maxNameBytes) {
				keepGeneral(named, k, nameArchive('', id));
				continue;
			}

			const room = column.reserve(byIdPrefix.length + id.length);
			byIdPrefix.copy(room.buffer, room.start);
			room.buffer.write(id, room.start + byIdPrefix.length, 'latin1');
			column.commit(byIdPrefix.length + id.length);
			flags[k] = Named.ascii | Named.foldable | Named.undecodable;
			named.undecodable++;
			continue;
		}

		const first = bytes[start];
		const mt2 = first === 0x6D && length >= 4 && bytes[start + 1] === 0x74 && bytes[start + 2] === 0x32 && bytes[start + 3] === 0x20;
		const m = first === 0x3C && length >= 3 && bytes[start + 1] === 0x6D && bytes[start + 2] === 0x3E;
		if (mt2 || m) {
			if (scratch.length <= length) scratch = Buffer.allocUnsafe(length * 2);
			const pathLength = decodePathBytes(bytes, start, end, scratch);
			if (pathLength > 0) {
				const pathStart = decodedPath.start;
				const kind = keepAsIs(scratch, pathStart, pathStart + pathLength);
				if (kind !== 0) {
					if (decodedPath.dateStart >= 0) mtimes[k] = parseCompactDateBytes(decodedPath.dateInOut ? scratch : bytes, decodedPath.dateStart, decodedPath.dateEnd);
					column.push(scratch, pathStart, pathStart + pathLength);
					flags[k] = kindFlags[kind];
					continue;
				}
			}

			keepGeneral(named, k, nameArchive(store.description(row), store.archiveId(row)));
			continue;
		}

		// What nameArchive takes for encoded ('{', mt1, <ArchiveMetadata>) goes its way; the rest is a plain path.
		const encoded = first === 0x7B || (first === 0x6D && length >= 4 && bytes[start + 1] === 0x74 && bytes[start + 2] === 0x31 && bytes[start + 3] === 0x20)
			|| (first === 0x3C && descriptions.startsWith(row, archiveMetadata));
		const kind = encoded ? 0 : keepAsIs(bytes, start, end);
		if (kind === 0) {
			keepGeneral(named, k, nameArchive(store.description(row), store.archiveId(row)));
			continue;
		}

		column.commit(0);
		flags[k] = Named.inDescription | kindFlags[kind];
	}

	return named;
}

const archiveMetadata = Buffer.from('<ArchiveMetadata>', 'latin1');
/** Flags for keepAsIs()'s answers 1..3. */
const kindFlags = [0, Named.ascii | Named.foldable, 0, Named.foldable];
