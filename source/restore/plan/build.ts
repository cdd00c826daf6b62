/**
 * The planner's core: selected inventory rows -> one destination per
 * archive, with every decision about versions, clashes and long names.
 *
 * Scale: a million rows are grouped with typed-array hash tables (32-bit
 * string hashes, chains of row positions, the strings compared only on a
 * hash match), not with Maps of a million string keys: that keeps the plan
 * inside the memory the inventory store already needs.
 */
import type {InventoryStore} from '../../inventory/store.js';
import {dateSuffix, foldKey, nameArchive, withSuffix} from './names.js';

export type Versions = 'latest' | 'all';

export type RenameReason = 'older version' | 'case-insensitive clash' | 'name of a folder' | 'name too long' | 'made safe';

export type Decision =
	| {kind: 'skipped-version'; archiveId: string; path: string; kept: string}
	| {kind: 'renamed'; archiveId: string; from: string; to: string; reason: RenameReason}
	| {kind: 'undecodable'; archiveId: string; to: string};

export type PlanResult = {
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

export function buildPlan(store: InventoryStore, selected: Uint32Array, versions: Versions, now = Date.now()): PlanResult {
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
		let slash = path.lastIndexOf('/');
		if (slash === -1) continue;
		const folded = foldKey(path);
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
