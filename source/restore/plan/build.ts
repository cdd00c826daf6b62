/**
 * The planner's core: selected inventory rows -> one destination per
 * archive, with every decision about versions, clashes and long names.
 *
 * Scale: a million rows without a string or an object each. Names are kept
 * as bytes (fast-name.ts); versions, clashes and folders are grouped with
 * typed-array hash tables (keys.ts: 32-bit hashes, the paths compared only
 * on a hash match); decisions are kept as numbers and made into objects
 * only when written or shown. Strings are made only for the few paths that
 * need the general way, a new name, or a comparison.
 */
import type {InventoryStore} from '../../inventory/store.js';
import {Named, namePaths, type NamedPaths} from './fast-name.js';
import {FolderSet, HashIndex, PathKeys} from './keys.js';
import {dateSuffix, withSuffix} from './names.js';

export type Versions = 'latest' | 'all';

export type RenameReason = 'older version' | 'case-insensitive clash' | 'name of a folder' | 'name too long' | 'made safe';

export type Decision =
	| {kind: 'skipped-version'; archiveId: string; path: string; kept: string}
	| {kind: 'renamed'; archiveId: string; from: string; to: string; reason: RenameReason}
	| {kind: 'undecodable'; archiveId: string; to: string};

const reasons: RenameReason[] = ['older version', 'case-insensitive clash', 'name of a folder', 'name too long', 'made safe'];
export const enum DecisionKind { undecodable, skipped, renamed }

/** Every decision as three numbers (kind, candidate, detail: the kept candidate or the reason); objects on demand. */
export class DecisionList {
	private readonly kinds: number[] = [];
	private readonly candidates: number[] = [];
	private readonly details: number[] = [];

	constructor(private readonly plan: {named: NamedPaths; finalText: (k: number) => string}) {}

	get length(): number {
		return this.kinds.length;
	}

	add(kind: DecisionKind, k: number, detail: number): void {
		this.kinds.push(kind);
		this.candidates.push(k);
		this.details.push(detail);
	}

	kindAt(index: number): DecisionKind {
		return this.kinds[index];
	}

	/** The candidate (index into the selected rows) a decision is about. */
	candidateAt(index: number): number {
		return this.candidates[index];
	}

	/** The kept candidate (skipped version) or the reason's index (rename). */
	detailAt(index: number): number {
		return this.details[index];
	}

	at(index: number): Decision {
		const {named, finalText} = this.plan;
		const k = this.candidates[index];
		const detail = this.details[index];
		const archiveId = named.archiveId(k);
		switch (this.kinds[index] as DecisionKind) {
			case DecisionKind.undecodable: {
				return {kind: 'undecodable', archiveId, to: named.text(k)};
			}

			case DecisionKind.skipped: {
				return {kind: 'skipped-version', archiveId, path: named.text(k), kept: named.archiveId(detail)};
			}

			case DecisionKind.renamed: {
				const to = finalText(k);
				const namedText = named.text(k);
				return {kind: 'renamed', archiveId, from: to === namedText ? (named.originals.get(k) ?? namedText) : namedText, to, reason: reasons[detail]};
			}
		}
	}

	slice(start: number, end = this.length): Decision[] {
		const out: Decision[] = [];
		for (let index = start; index < Math.min(end, this.length); index++) out.push(this.at(index));
		return out;
	}
}

export type PlanResult = {
	/** Inventory rows in plan order (the plan index is the position here). */
	rows: Uint32Array;
	/** Candidate (index into the selected rows) per plan index. */
	candidates: Int32Array;
	named: NamedPaths;
	/** Final paths that are not the named one (suffixed versions and clashes), by candidate. */
	renamedTo: Map<number, string>;
	/** Memory the planner is done with: room for count + 1 and count Float64s (the writer's offsets and sizes). */
	scratch: ArrayBuffer;
	totals: {archives: number; bytes: number; skippedVersions: number; renamed: number; undecodable: number; youngerThan90Days: number};
	decisions: DecisionList;
};

/** Final relative path of plan index p. */
export function pathAt(plan: PlanResult, p: number): string {
	const k = plan.candidates[p];
	return plan.renamedTo.get(k) ?? plan.named.text(k);
}

/** Decoded mtime of plan index p (NaN: none). */
export function mtimeAt(plan: PlanResult, p: number): number {
	return plan.named.mtimes[plan.candidates[p]];
}

const ninetyDaysMs = 90 * 24 * 60 * 60 * 1000;

export function buildPlan(store: InventoryStore, selected: Uint32Array, versions: Versions, now = Date.now()): PlanResult {
	const n = selected.length;
	const named = namePaths(store, selected);
	const {flags, mtimes} = named;
	const created = store.created;
	const keys = new PathKeys(named);
	const renamedTo = new Map<number, string>();
	const finalText = (k: number) => renamedTo.get(k) ?? named.text(k);
	const decisions = new DecisionList({named, finalText});
	for (let k = 0; k < n; k++) if ((flags[k] & Named.undecodable) !== 0) decisions.add(DecisionKind.undecodable, k, 0);

	// What "newest" compares: the decoded mtime, else the creation date.
	const dateOf = (k: number) => (Number.isNaN(mtimes[k]) ? created[selected[k]] : mtimes[k]);

	// Groups, in one pass: paths equal when lower-cased (one case-insensitive name on disk: a "folded group"), and in
	// them paths equal as they are (versions of one file: an "exact group", in a chain of members). The folded
	// groups' folders are added as the groups appear.
	//   head[k] >= 0: the head of k's exact group; head[k] < 0: k is a head, of the folded group that -head[k] - 1 heads.
	//   next[k]: the next member of k's exact group (-1: none); tail[h]: a head's last member;
	//   nextGroup[h]: a head's next exact group in the same folded group; foldHash[f]: a folded group's hash.
	const table = new HashIndex(n);
	const folders = new FolderSet(keys, n);
	// Four arrays in one buffer, which the writer reuses for its offsets and sizes (PlanResult.scratch): they are done
	// with by then, and a million-archive plan should not hold both until the garbage collector runs.
	const scratch = new ArrayBuffer((n * 16) + 16);
	const head = new Int32Array(scratch, 0, n);
	const next = new Int32Array(scratch, n * 4, n).fill(-1);
	const nextGroup = new Int32Array(scratch, n * 8, n).fill(-1);
	const foldHash = new Uint32Array(scratch, n * 12, n);
	const tail = new Int32Array(n);
	let probe = 0;
	const sameFoldedAsProbe = (id: number) => keys.sameFolded(id, -1, probe, -1);
	for (let k = 0; k < n; k++) {
		const hash = folders.hashWithFolders(k);
		probe = k;
		const folded = table.find(hash, sameFoldedAsProbe);
		if (folded === -1) {
			table.insert(hash, k);
			folders.addFolders(); // A folded group's folders are the same for all in it
			head[k] = -k - 1;
			tail[k] = k;
			foldHash[k] = hash;
			continue;
		}

		let group = folded;
		let last = folded;
		while (group !== -1 && !keys.sameExact(group, k)) {
			last = group;
			group = nextGroup[group];
		}

		if (group === -1) {
			nextGroup[last] = k;
			head[k] = -folded - 1;
			tail[k] = k;
		} else {
			head[k] = group;
			next[tail[group]] = k;
			tail[group] = k;
		}
	}

	const newer = (a: number, b: number) => {
		const dateA = dateOf(a);
		const dateB = dateOf(b);
		if (dateA !== dateB) return dateA > dateB;
		const createdA = created[selected[a]];
		const createdB = created[selected[b]];
		return createdA !== createdB ? createdA > createdB : a > b;
	};

	// State per candidate: 0 not planned (a skipped version, for now every older one), 1 planned.
	const planned = new Uint8Array(n);
	const olderVersions: number[] = [];
	let skippedVersions = 0;
	for (let k = 0; k < n; k++) {
		if (head[k] >= 0) continue;
		if (next[k] === -1) {
			planned[k] = 1;
			continue;
		}

		let winner = k;
		for (let m = next[k]; m !== -1; m = next[m]) if (newer(m, winner)) winner = m;
		planned[winner] = 1;
		for (let m = k; m !== -1; m = next[m]) {
			if (m === winner) continue;
			if (versions === 'latest') {
				skippedVersions++;
				decisions.add(DecisionKind.skipped, m, winner);
			} else {
				olderVersions.push(m);
			}
		}
	}

	// Unique names on a case-insensitive file system: names as they are first (in plan order), so a generated name
	// never takes a real one's; then the clashing ones and the older versions, suffixed. A folded group is taken
	// once one of its paths is planned as it is (claimed); a generated name by the `generated` table.
	const claimed = new Uint8Array(n); // By folded group: 1 claimed; 2, 3: (not) the name of a folder, when asked
	const generated = new HashIndex(16);
	const groupOf = (k: number) => -head[head[k] < 0 ? k : head[k]] - 1;
	const isFolder = (group: number): boolean => {
		if ((claimed[group] & 6) === 0) claimed[group] |= folders.has(group, foldHash[group]) ? 2 : 4;
		return (claimed[group] & 2) !== 0;
	};

	let generatedProbe = 0;
	const sameFoldedAsGenerated = (id: number) => keys.sameFolded(id, -1, generatedProbe, -1);
	/** Is the generated name id taken (by a folder, a claimed group or another generated name)? */
	const isTakenGenerated = (id: number, hash: number): boolean => {
		if (folders.has(id, hash)) return true;
		generatedProbe = id;
		const group = table.find(hash, sameFoldedAsGenerated);
		if (group !== -1 && (claimed[group] & 1) !== 0) return true;
		return generated.find(hash, sameFoldedAsGenerated) !== -1;
	};

	let renamed = 0;
	const record = (k: number, path: string | undefined, why: number, hash: number) => {
		if (path !== undefined && path === named.text(k)) path = undefined;
		if (path === undefined) {
			claimed[groupOf(k)] |= 1;
		} else {
			renamedTo.set(k, path);
			generated.insert(hash, keys.addGenerated(path));
		}

		planned[k] = 1;
		if (path !== undefined || (flags[k] & (Named.shortened | Named.madeSafe)) !== 0) {
			renamed++;
			decisions.add(DecisionKind.renamed, k, path !== undefined ? why : (flags[k] & Named.shortened) === 0 ? 4 : 3);
		}
	};

	// A suffixed name: the version's date before the extension, then a counter while that is taken too.
	const suffixed = (k: number): [string, number] => {
		const suffix = dateSuffix(dateOf(k));
		const text = named.text(k);
		let path = withSuffix(text, suffix);
		const id = keys.addGenerated(path); // (For the comparisons; record() adds it for good)
		let hash = keys.foldHash(id);
		for (let count = 2; isTakenGenerated(id, hash); count++) {
			path = withSuffix(text, `${suffix.slice(0, -1)} ${count})`);
			keys.generated[id - keys.base] = path;
			keys.forget(id);
			hash = keys.foldHash(id);
		}

		keys.generated.pop();
		keys.forget(id);
		return [path, hash];
	};

	const clashing: number[] = [];
	const clashReasons: number[] = [];
	for (let k = 0; k < n; k++) {
		if (planned[k] === 0) continue;
		const group = groupOf(k);
		const folder = isFolder(group);
		if (folder || (claimed[group] & 1) !== 0) {
			clashing.push(k);
			clashReasons.push(folder ? 2 : 1);
		} else {
			record(k, undefined, 1, 0);
		}
	}

	for (let c = 0; c < clashing.length; c++) {
		const [path, hash] = suffixed(clashing[c]);
		record(clashing[c], path, clashReasons[c], hash);
	}

	for (const k of olderVersions) {
		const [path, hash] = suffixed(k);
		record(k, path, 0, hash);
	}

	// Plan order: the inventory's, without skipped versions.
	let count = 0;
	for (let k = 0; k < n; k++) if (planned[k] !== 0) count++;
	const candidates = tail.subarray(0, count); // (tail is done with: no second million-entry array)
	const rows = new Uint32Array(count);
	let bytes = 0;
	let young = 0;
	for (let k = 0, p = 0; k < n; k++) {
		if (planned[k] === 0) continue;
		const row = selected[k];
		candidates[p] = k;
		rows[p] = row;
		bytes += store.sizes[row];
		if (now - created[row] < ninetyDaysMs) young++;
		p++;
	}

	return {
		rows,
		candidates,
		named,
		renamedTo,
		scratch,
		totals: {archives: count, bytes, skippedVersions, renamed, undecodable: named.undecodable, youngerThan90Days: young},
		decisions,
	};
}
