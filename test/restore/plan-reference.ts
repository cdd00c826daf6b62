/**
 * The planner as it was before the byte-level fast paths (issue 10's scale
 * work), kept verbatim as the reference the new one must agree with
 * byte for byte (test/restore/plan-scale.test.ts). Not used by thaw.
 */
import type {InventoryStore} from '../../source/inventory/store.js';
import {decodeDescription, safeRelativePath} from '../../source/inventory/decoders.js';

/** The folder for archives with no usable name: `_by-archive-id/<archive id>`. */
export const byIdFolder = '_by-archive-id';
/** What the runner appends while a file is in progress: every name must leave room for it. */
export const longestSuffix = '.part.journal';
/** Most file systems allow 255 bytes per name. */
export const maxNameBytes = 255 - Buffer.byteLength(longestSuffix);

export type NamedArchive = {
	/** Safe relative path ('/'-separated), before version / clash suffixes. */
	path: string;
	/** Decoded modification time (ms), or null. */
	mtime: number | null;
	/** True when no usable name was found (the path is under byIdFolder). */
	undecodable: boolean;
	/** True when a name was shortened to fit maxNameBytes. */
	shortened: boolean;
	/** True when the name had to be made safe ('..', absolute, drive letter, control characters): not just '\\' -> '/'. */
	madeSafe: boolean;
	/** The decoded path as written, when it was made safe or shortened (for the decision record). */
	original?: string;
	/** The safe path before names were shortened, when they were: what versions are grouped by (two long names cut alike are not versions). */
	unshortened?: string;
	/** The tool that wrote the description, or 'plain' / null. */
	tool: string | null;
};

const utf8Length = (text: string) => Buffer.byteLength(text, 'utf8');

/** Cut text to at most maxBytes of UTF-8 without splitting a code point (or a surrogate pair). */
export function cutUtf8(text: string, maxBytes: number): string {
	if (maxBytes <= 0) return '';
	if (utf8Length(text) <= maxBytes) return text;
	let bytes = 0;
	let end = 0;
	for (const ch of text) {
		const size = utf8Length(ch);
		if (bytes + size > maxBytes) break;
		bytes += size;
		end += ch.length;
	}

	return text.slice(0, end);
}

/** Split a file name into stem and extension ('.jpg', '.tar.gz' counts as '.gz'); a leading dot is part of the stem. */
export function splitExtension(name: string): [string, string] {
	const dot = name.lastIndexOf('.');
	if (dot <= 0 || name.length - dot > 16) return [name, ''];
	return [name.slice(0, dot), name.slice(dot)];
}

/** A name of at most maxNameBytes, keeping its extension and the given suffix (inserted before the extension). */
export function fitName(name: string, suffix = ''): string {
	const [stem, extension] = splitExtension(name);
	const whole = stem + suffix + extension;
	if (utf8Length(whole) <= maxNameBytes) return whole;
	const room = maxNameBytes - utf8Length(suffix) - utf8Length(extension);
	if (room >= 8) return cutUtf8(stem, room) + suffix + extension;
	// Absurdly long extension or suffix: cut the whole thing.
	return cutUtf8(whole, maxNameBytes);
}

function lastSegment(path: string): [string, string] {
	const slash = path.lastIndexOf('/');
	return slash === -1 ? ['', path] : [path.slice(0, slash + 1), path.slice(slash + 1)];
}

/** The path with a suffix inserted before the last name's extension, still fitting maxNameBytes. */
export function withSuffix(path: string, suffix: string): string {
	const [folder, name] = lastSegment(path);
	return folder + fitName(name, suffix);
}

/** A version's date for its suffix: `2019-05-01T12-00-00Z` (no colons: Windows forbids them). */
export function dateSuffix(ms: number): string {
	const iso = Number.isFinite(ms) ? new Date(ms).toISOString() : 'unknown-date';
	return ` (${iso.replace(/\.\d{3}Z$/, 'Z').replaceAll(':', '-')})`;
}

/** Names the runner uses for its own files are never given to an archive. */
function avoidRunnerNames(path: string): string {
	return /\.part(\.journal)?$/i.test(path) ? `${path}_` : path;
}

/** Normalise to NFC (what most file systems and people mean by "the same name"); ASCII needs nothing. */
function nfc(text: string): string {
	// eslint-disable-next-line no-control-regex
	return /^[\u0000-\u007F]*$/.test(text) ? text : text.normalize('NFC');
}

/**
 * Shorten every segment of a safe path to maxNameBytes. Directories are cut
 * the same way for every archive in them, so they stay one directory.
 */
function fitSegments(path: string): {path: string; shortened: boolean} {
	if (utf8Length(path) <= maxNameBytes) return {path, shortened: false};
	const segments = path.split('/');
	let shortened = false;
	for (let k = 0; k < segments.length; k++) {
		if (utf8Length(segments[k]) > maxNameBytes) {
			segments[k] = k === segments.length - 1 ? fitName(segments[k]) : cutUtf8(segments[k], maxNameBytes);
			shortened = true;
		}
	}

	return {path: segments.join('/'), shortened};
}

/** What decodeDescription() could recognise (the string twin of the inventory's mightBeEncoded). */
function looksEncoded(description: string): boolean {
	const first = description.charCodeAt(0);
	if (first === 0x7B) return true; // {
	if (first === 0x6D) return description.startsWith('mt2 ') || description.startsWith('mt1 ');
	if (first === 0x3C) return description.startsWith('<m>') || description.startsWith('<ArchiveMetadata>');
	return false;
}

/**
 * An archive's destination from its description: a decoded path (mt2,
 * FastGlacier, CloudBerry, QNAP) or a plain description that is a usable
 * relative path; otherwise `_by-archive-id/<id>`. Never absolute, never `..`.
 */
/**
 * A path that needs no work: printable ASCII without '\\', no leading,
 * trailing or doubled '/', no '.' or '..' segment, no name over
 * maxNameBytes and not a runner's name. Most descriptions and decoded paths
 * are like this; they skip the general path (split, regexes, NFC, byte counts).
 */
function isPlainSafe(path: string): boolean {
	const length = path.length;
	if (length === 0 || path.charCodeAt(0) === 0x2F || path.charCodeAt(length - 1) === 0x2F) return false;
	let segmentStart = 0;
	for (let k = 0; k <= length; k++) {
		const c = k === length ? 0x2F : path.charCodeAt(k);
		if (c === 0x2F) {
			const segment = k - segmentStart;
			if (segment === 0 || segment > maxNameBytes) return false;
			if (path.charCodeAt(segmentStart) === 0x2E && (segment === 1 || (segment === 2 && path.charCodeAt(segmentStart + 1) === 0x2E))) return false;
			segmentStart = k + 1;
		} else if (c < 0x20 || c > 0x7E || c === 0x5C) {
			return false;
		}
	}

	// A drive letter ('C:x') and the runner's own names go the general way.
	return !(length >= 2 && path.charCodeAt(1) === 0x3A) && !/\.(part|journal)$/i.test(path) /* (case-insensitive, as avoidRunnerNames: the one change from the old code) */;
}

export function nameArchive(description: string, archiveId: string): NamedArchive {
	let raw: string | null = null;
	let mtime: number | null = null;
	let tool: string | null = null;
	if (looksEncoded(description)) {
		const decoded = decodeDescription(description);
		if (decoded) {
			raw = decoded.path;
			mtime = decoded.lastModified ?? null;
			tool = decoded.tool;
		} else if (!/^(mt[12] |<m>|<ArchiveMetadata>)/.test(description)) {
			raw = description; // A '{' that is not one of the JSON formats: plain text
			tool = 'plain';
		}
	} else if (description.length > 0) {
		raw = description;
		tool = 'plain';
	}

	if (raw !== null && isPlainSafe(raw)) return {path: raw, mtime, undecodable: false, shortened: false, madeSafe: false, tool};
	const safe = raw === null ? null : safeRelativePath(raw.trim() === '' ? '' : raw);
	if (safe === null) {
		return {path: `${byIdFolder}/${fitName(safeRelativePath(archiveId) ?? 'archive')}`, mtime, undecodable: true, shortened: false, madeSafe: false, tool};
	}

	// Backslashes, a drive letter and leading slashes are how tools write paths; '..' and control characters are what "made safe" means.
	const benign = raw!.replaceAll('\\', '/').replace(/^[A-Za-z]:/, '').split('/').filter(segment => segment !== '' && segment !== '.').join('/');
	const madeSafe = safe !== benign;
	const whole = avoidRunnerNames(nfc(safe));
	const fitted = fitSegments(whole);
	const named: NamedArchive = {path: fitted.path, mtime, undecodable: false, shortened: fitted.shortened, madeSafe, tool};
	if (madeSafe || fitted.shortened) named.original = raw!.slice(0, 1024);
	if (fitted.shortened) named.unshortened = whole;
	return named;
}

/** The key two paths clash on, on a case-insensitive file system. */
export function foldKey(path: string): string {
	return path.toLowerCase();
}


type Versions = 'latest' | 'all';

type RenameReason = 'older version' | 'case-insensitive clash' | 'name of a folder' | 'name too long' | 'made safe';

type Decision =
	| {kind: 'skipped-version'; archiveId: string; path: string; kept: string}
	| {kind: 'renamed'; archiveId: string; from: string; to: string; reason: RenameReason}
	| {kind: 'undecodable'; archiveId: string; to: string};

type PlanResult = {
	/** Inventory rows in plan order (the plan index is the position here). */
	rows: Uint32Array;
	/** Final relative path per plan index. */
	paths: string[];
	/** Decoded mtime per plan index (NaN: none). */
	mtimes: Float64Array;
	totals: {archives: number; bytes: number; skippedVersions: number; renamed: number; undecodable: number; youngerThan90Days: number};
	decisions: Decision[];
};

const ninetyDaysMs = 90 * 24 * 60 * 60 * 1000;

/** FNV-1a over UTF-16 code units; `fold` lower-cases ASCII on the way (non-ASCII text is lower-cased first). */
function hashString(text: string, fold: boolean): number {
	let h = 0x81_1C_9D_C5;
	for (let k = 0; k < text.length; k++) {
		let c = text.charCodeAt(k);
		if (fold) {
			if (c >= 0x80) return hashString(foldKey(text), false);
			if (c >= 0x41 && c <= 0x5A) c += 0x20;
		}

		h = Math.imul(h ^ c, 0x01_00_01_93);
	}

	// Murmur3's finaliser: FNV's low bits (the table slot) cluster on paths that differ only near their end.
	h ^= h >>> 16;
	h = Math.imul(h, 0x85_EB_CA_6B);
	h ^= h >>> 13;
	h = Math.imul(h, 0xC2_B2_AE_35);
	h ^= h >>> 16;
	return h >>> 0;
}

/** Open addressing over 32-bit hashes; slots hold (id + 1). */
class HashIndex {
	private readonly mask: number;
	private readonly hashes: Uint32Array;
	private readonly ids: Int32Array;

	constructor(expected: number) {
		let size = 1024;
		while (size < expected * 2) size *= 2;
		this.mask = size - 1;
		this.hashes = new Uint32Array(size);
		this.ids = new Int32Array(size);
	}

	/** The id stored for this hash that `same` accepts, or -1. */
	find(hash: number, same: (id: number) => boolean): number {
		for (let slot = hash & this.mask; this.ids[slot] !== 0; slot = (slot + 1) & this.mask) {
			if (this.hashes[slot] === hash && same(this.ids[slot] - 1)) return this.ids[slot] - 1;
		}

		return -1;
	}

	insert(hash: number, id: number): void {
		let slot = hash & this.mask;
		while (this.ids[slot] !== 0) slot = (slot + 1) & this.mask;
		this.hashes[slot] = hash;
		this.ids[slot] = id + 1;
	}
}

export function referencePlan(store: InventoryStore, selected: Uint32Array, versions: Versions, now = Date.now()): PlanResult {
	const n = selected.length;
	const named: string[] = new Array<string>(n);
	const mtimes = new Float64Array(n);
	const dates = new Float64Array(n); // What "newest" compares: the decoded mtime, else the creation date
	const decisions: Decision[] = [];
	let undecodable = 0;
	let renamed = 0;
	const shortened = new Uint8Array(n); // 1: a name was shortened, 2: the path was made safe
	const originals = new Map<number, string>();
	const unshortened = new Map<number, string>();
	for (let k = 0; k < n; k++) {
		const row = selected[k];
		const archive = nameArchive(store.description(row), store.archiveId(row));
		named[k] = archive.path;
		mtimes[k] = archive.mtime ?? Number.NaN;
		dates[k] = archive.mtime ?? store.created[row];
		if (archive.undecodable) {
			undecodable++;
			decisions.push({kind: 'undecodable', archiveId: store.archiveId(row), to: archive.path});
		}

		if (archive.shortened) shortened[k] = 1;
		if (archive.madeSafe) shortened[k] |= 2;
		if (archive.original !== undefined) originals.set(k, archive.original);
		if (archive.unshortened !== undefined) unshortened.set(k, archive.unshortened);
	}

	// Versions: the same path. Chains: head[k] = first member of k's group, next[k] = the next member (-1: none).
	const exact = new HashIndex(n);
	const head = new Int32Array(n);
	const next = new Int32Array(n).fill(-1);
	const tail = new Int32Array(n);
	const versionKey = (k: number) => unshortened.get(k) ?? named[k];
	for (let k = 0; k < n; k++) {
		const path = versionKey(k);
		const hash = hashString(path, false);
		const first = exact.find(hash, id => versionKey(id) === path);
		if (first === -1) {
			exact.insert(hash, k);
			head[k] = k;
			tail[k] = k;
		} else {
			head[k] = first;
			next[tail[first]] = k;
			tail[first] = k;
		}
	}

	const newer = (a: number, b: number) => dates[a] !== dates[b] ? dates[a] > dates[b]
		: store.created[selected[a]] !== store.created[selected[b]] ? store.created[selected[a]] > store.created[selected[b]] : a > b;
	const finalPath: Array<string | undefined> = new Array<string | undefined>(n);
	const olderVersions: number[] = [];
	let skippedVersions = 0;
	for (let k = 0; k < n; k++) {
		if (head[k] !== k) continue;
		if (next[k] === -1) {
			finalPath[k] = named[k];
			continue;
		}

		let winner = k;
		for (let m = next[k]; m !== -1; m = next[m]) if (newer(m, winner)) winner = m;
		finalPath[winner] = named[winner];
		for (let m = k; m !== -1; m = next[m]) {
			if (m === winner) continue;
			if (versions === 'latest') {
				skippedVersions++;
				decisions.push({kind: 'skipped-version', archiveId: store.archiveId(selected[m]), path: named[m], kept: store.archiveId(selected[winner])});
			} else {
				olderVersions.push(m);
			}
		}
	}

	// Folders: a file may not take the name of a folder another file needs.
	const folders = new Set<string>();
	for (let k = 0; k < n; k++) {
		if (head[k] !== k) continue; // Versions share their folder
		const path = named[k];
		const folded = foldKey(path);
		// (Fixed: the old code took this first slash from path, not folded: wrong when lower-casing changes the length, as 'İ' does.)
		let slash = folded.lastIndexOf('/');
		if (slash === -1) continue;
		while (slash > 0) {
			const folder = folded.slice(0, slash);
			if (folders.has(folder)) break; // Its parents are in already
			folders.add(folder);
			slash = folded.lastIndexOf('/', slash - 1);
		}
	}

	// Unique names on a case-insensitive file system: winners first (in plan order), then older versions.
	const taken = new HashIndex(n + 16);
	const takenPaths: string[] = [];
	const isTaken = (path: string): boolean => {
		const folded = foldKey(path);
		if (folders.has(folded)) return true;
		return taken.find(hashString(path, true), id => foldKey(takenPaths[id]) === folded) !== -1;
	};

	const claim = (path: string) => {
		taken.insert(hashString(path, true), takenPaths.length);
		takenPaths.push(path);
	};

	const record = (k: number, path: string, why: RenameReason) => {
		finalPath[k] = path;
		claim(path);
		if (path !== named[k] || shortened[k] !== 0) {
			renamed++;
			const reason: RenameReason = path !== named[k] ? why : (shortened[k] & 1) === 0 ? 'made safe' : 'name too long';
			decisions.push({kind: 'renamed', archiveId: store.archiveId(selected[k]), from: path === named[k] ? (originals.get(k) ?? named[k]) : named[k], to: path, reason});
		}
	};

	// A suffixed name: the version's date before the extension, then a counter while that is taken too.
	const suffixed = (k: number): string => {
		const suffix = dateSuffix(dates[k]);
		let path = withSuffix(named[k], suffix);
		for (let count = 2; isTaken(path); count++) path = withSuffix(named[k], `${suffix.slice(0, -1)} ${count})`);
		return path;
	};

	// Names as they are come first (in plan order), so a generated name never takes a real one's; then the clashing ones and older versions.
	const clashing: Array<[number, RenameReason]> = [];
	for (let k = 0; k < n; k++) {
		const path = finalPath[k];
		if (path === undefined) continue;
		if (isTaken(path)) clashing.push([k, folders.has(foldKey(path)) ? 'name of a folder' : 'case-insensitive clash']);
		else record(k, path, 'case-insensitive clash');
	}

	for (const [k, why] of clashing) record(k, suffixed(k), why);
	for (const k of olderVersions) record(k, suffixed(k), 'older version');

	// Plan order: the inventory's, without skipped versions.
	let planned = 0;
	for (let k = 0; k < n; k++) if (finalPath[k] !== undefined) planned++;
	const rows = new Uint32Array(planned);
	const paths = new Array<string>(planned);
	const planMtimes = new Float64Array(planned);
	let bytes = 0;
	let young = 0;
	for (let k = 0, p = 0; k < n; k++) {
		if (finalPath[k] === undefined) continue;
		const row = selected[k];
		rows[p] = row;
		paths[p] = finalPath[k]!;
		planMtimes[p] = mtimes[k];
		bytes += store.sizes[row];
		if (now - store.created[row] < ninetyDaysMs) young++;
		p++;
	}

	return {
		rows,
		paths,
		mtimes: planMtimes,
		totals: {archives: planned, bytes, skippedVersions, renamed, undecodable, youngerThan90Days: young},
		decisions,
	};
}

/** archives.jsonl and decisions.jsonl as the old writePlan wrote them. */
export function referenceFiles(store: InventoryStore, selected: Uint32Array, versions: Versions, now: number): {archives: string; decisions: string; totals: PlanResult['totals']} {
	const plan = referencePlan(store, selected, versions, now);
	const dateText = (row: number): string => {
		const exact = store.dateTexts.get(row);
		if (exact !== undefined) return JSON.stringify(exact);
		const ms = store.created[row];
		const iso = new Date(ms).toISOString();
		return `"${ms % 1000 === 0 ? `${iso.slice(0, -5)}Z` : iso}"`;
	};

	let archives = '';
	for (let p = 0; p < plan.rows.length; p++) {
		const row = plan.rows[p];
		const mtime = plan.mtimes[p];
		archives += `["${store.archiveId(row)}",${store.sizes[row]},"${store.treeHash(row)}",${JSON.stringify(plan.paths[p])},${Number.isNaN(mtime) ? 'null' : mtime},${dateText(row)}]\n`;
	}

	return {archives, decisions: plan.decisions.map(decision => JSON.stringify(decision) + '\n').join(''), totals: plan.totals};
}
