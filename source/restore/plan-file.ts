/**
 * The PLAN directory on disk (see the restore contract):
 *   plan.json        the header, written last (temp + fsync + rename): no plan.json, no plan
 *   archives.jsonl   one JSON array per archive, in plan order:
 *                    [archiveId, size, sha256TreeHash, relativePath, mtimeMs|null, creationDateIso]
 *   sizes.bin        Float64Array of sizes in plan order (status sums bytes per state without archives.jsonl)
 *   decisions.jsonl  one line per decision (skipped version, rename, undecodable name)
 *   offsets.bin      Float64Array: where each line of archives.jsonl starts, then its length
 *   shards/<K>-of-<N>/  the runners' journals
 */
import {createHash} from 'node:crypto';
import {createReadStream} from 'node:fs';
import {mkdir, open, readdir, readFile, rename, rm, stat, type FileHandle} from 'node:fs/promises';
import {join} from 'node:path';
import {createInterface} from 'node:readline';
import {ExitCode, ThawError} from '../errors.js';
import {inert} from '../inert.js';
import {syncDirectory} from './atomic.js';
import type {InventoryStore} from '../inventory/store.js';
import type {PlanResult, Versions} from './plan/build.js';
import {writeArchiveLines, writeDecisionLines, type ArchiveLines} from './plan/lines.js';
import type {Estimate, PriceTable, PriceTier} from './prices.js';

export const planFormat = 'thaw-restore-plan';
export const planVersion = 1;

export type PolicyInfo = {strategy: 'FreeTier' | 'BytesPerHour' | 'None' | 'unknown'; bytesPerHour?: number; note: string};

export type PlanHeader = {
	format: typeof planFormat;
	version: typeof planVersion;
	createdAt: string;
	vaultName: string;
	vaultARN: string | null;
	region: string;
	accountId: string | null;
	tier: PriceTier;
	to: string;
	versions: Versions;
	filter: string | null;
	inventory: {source: 'file' | 'job'; path?: string; jobId?: string; inventoryDate: string | null};
	totals: PlanResult['totals'];
	prices: PriceTable;
	estimate: Estimate;
	policy: PolicyInfo;
	decisions: {file: string; skippedVersions: number; renamed: number; undecodable: number};
};

/** One line of archives.jsonl. */
export type PlanArchive = [archiveId: string, size: number, treeHash: string, relativePath: string, mtimeMs: number | null, creationDate: string];

export const files = {
	plan: 'plan.json',
	archives: 'archives.jsonl',
	sizes: 'sizes.bin',
	decisions: 'decisions.jsonl',
	/** Float64Array of the byte offset where each line of archives.jsonl starts (plus its length): status reads single lines by it. */
	offsets: 'offsets.bin',
	shards: 'shards',
} as const;

/** The plan's identity for job descriptions: the first 16 hex of sha256 of plan.json's bytes. */
export function planIdOf(planJsonBytes: Uint8Array): string {
	return createHash('sha256').update(planJsonBytes).digest('hex').slice(0, 16);
}

function localError(what: string, path: string, error: unknown): ThawError {
	const code = (error as NodeJS.ErrnoException).code;
	const reason = code === 'ENOENT' ? 'no such file or folder' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'ENOSPC' ? 'no space left on the device' : (error as Error).message;
	return new ThawError(`cannot ${what} ${inert(path)}: ${inert(reason)}`, ExitCode.local, {cause: error});
}

/** Does any shard directory hold a runner's state (a journal or a snapshot)? */
export async function hasShardState(planDir: string): Promise<boolean> {
	let entries: string[];
	try {
		entries = await readdir(join(planDir, files.shards));
	} catch {
		return false;
	}

	for (const entry of entries) {
		try {
			const inside = await readdir(join(planDir, files.shards, entry));
			if (inside.some(name => name === 'journal.log' || name === 'state.bin')) return true;
		} catch {
			// Not a folder.
		}
	}

	return false;
}

async function sha256File(path: string): Promise<string | null> {
	try {
		const hash = createHash('sha256');
		for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
		return hash.digest('hex');
	} catch {
		return null;
	}
}

export type WriteResult = {unchanged: boolean; planId: string};

async function writeBinary(path: string, array: Float64Array): Promise<void> {
	const handle = await open(path, 'w');
	try {
		await handle.writeFile(Buffer.from(array.buffer, array.byteOffset, array.byteLength));
		await handle.sync();
	} finally {
		await handle.close();
	}
}

/**
 * Write the plan into planDir. The data files go first under temporary
 * names; an old plan.json is moved away before they replace theirs, and the
 * new plan.json is renamed in last: a crash anywhere leaves no plan.json, or
 * a whole plan. A PLAN whose shards hold runner state is only "re-planned"
 * when the new plan is identical (then nothing is written); otherwise exit 6.
 */
export async function writePlan(planDir: string, header: PlanHeader, store: InventoryStore, plan: PlanResult): Promise<WriteResult> {
	try {
		await mkdir(planDir, {recursive: true});
	} catch (error) {
		throw localError('create the plan folder', planDir, error);
	}

	const suffix = `.tmp-${process.pid}`;
	const temp = (name: string) => join(planDir, name + suffix);
	const cleanUp = async () => Promise.all([files.archives, files.sizes, files.offsets, files.decisions, files.plan].map(async name => rm(temp(name), {force: true})));
	try {
		// With runners' state, the new archives.jsonl is compared by its sha256 (hashed as it is written; with none, not at all).
		const started = await hasShardState(planDir);
		const archivesFile = await open(temp(files.archives), 'w');
		let lines: ArchiveLines;
		try {
			lines = await writeArchiveLines(archivesFile, store, plan, started);
			await archivesFile.sync();
		} finally {
			await archivesFile.close();
		}

		const sizes = new Float64Array(plan.scratch, lines.offsets.byteLength, plan.rows.length);
		for (let p = 0; p < plan.rows.length; p++) sizes[p] = store.sizes[plan.rows[p]];
		await writeBinary(temp(files.sizes), sizes);
		await writeBinary(temp(files.offsets), lines.offsets);
		const decisionsFile = await open(temp(files.decisions), 'w');
		try {
			await writeDecisionLines(decisionsFile, store, plan);
			await decisionsFile.sync();
		} finally {
			await decisionsFile.close();
		}

		const planJson = Buffer.from(JSON.stringify(header, null, '\t') + '\n', 'utf8');
		if (started || await hasShardState(planDir)) {
			const archivesHash = lines.sha256 ?? await sha256File(temp(files.archives));
			const existing = await readPlanHeader(planDir).catch(() => null);
			const same = existing !== null
				&& existing.vaultName === header.vaultName && existing.tier === header.tier && existing.to === header.to
				&& existing.versions === header.versions && existing.totals.archives === header.totals.archives
				&& await sha256File(join(planDir, files.archives)) === archivesHash;
			await cleanUp();
			if (!same) {
				throw new ThawError(`${inert(planDir)} already holds a plan that runners have started (shards/ has their journals), and this plan differs: plan into a new folder, or move ${inert(planDir)} away first`, ExitCode.local);
			}

			return {unchanged: true, planId: planIdOf(await readFile(join(planDir, files.plan)))};
		}

		const planTemp = temp(files.plan);
		const handle = await open(planTemp, 'w');
		try {
			await handle.writeFile(planJson);
			await handle.sync();
		} finally {
			await handle.close();
		}

		await rm(join(planDir, files.plan), {force: true});
		await syncDirectory(planDir);
		for (const name of [files.archives, files.sizes, files.offsets, files.decisions]) await rename(temp(name), join(planDir, name));
		await syncDirectory(planDir);
		await rename(planTemp, join(planDir, files.plan));
		await syncDirectory(planDir);
		return {unchanged: false, planId: planIdOf(planJson)};
	} catch (error) {
		await cleanUp().catch(() => undefined);
		if (error instanceof ThawError) throw error;
		throw localError('write the plan in', planDir, error);
	}
}

function isPlanHeader(value: unknown): value is PlanHeader {
	const header = value as Partial<PlanHeader> | null;
	return Boolean(header) && header!.format === planFormat && typeof header!.vaultName === 'string'
		&& Boolean(header!.totals) && Number.isSafeInteger(header!.totals!.archives);
}

export async function readPlanBytes(planDir: string): Promise<Buffer> {
	const path = join(planDir, files.plan);
	try {
		return await readFile(path);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
			throw new ThawError(`${inert(planDir)} holds no restore plan (no plan.json): make one with thaw restore plan ${inert(planDir)} --vault-name V --inventory FILE`, ExitCode.local);
		}

		throw localError('read', path, error);
	}
}

export function parsePlanHeader(bytes: Buffer, planDir: string): PlanHeader {
	let value: unknown;
	try {
		value = JSON.parse(bytes.toString('utf8'));
	} catch {
		value = null;
	}

	if (!isPlanHeader(value)) throw new ThawError(`${inert(join(planDir, files.plan))} is not a thaw restore plan (damaged, or another program's file)`, ExitCode.local);
	if (value.version !== planVersion) throw new ThawError(`${inert(join(planDir, files.plan))} is plan format version ${String(value.version)}; this thaw reads version ${planVersion}`, ExitCode.local);
	return value;
}

export async function readPlanHeader(planDir: string): Promise<PlanHeader> {
	return parsePlanHeader(await readPlanBytes(planDir), planDir);
}

/** sizes.bin: the size of every planned archive, in plan order. */
export async function readPlanSizes(planDir: string, archives: number): Promise<Float64Array> {
	const path = join(planDir, files.sizes);
	let bytes: Buffer;
	try {
		bytes = await readFile(path);
	} catch (error) {
		throw localError('read', path, error);
	}

	if (bytes.length !== archives * 8) throw new ThawError(`${inert(path)} holds ${bytes.length / 8} sizes, not the plan's ${archives}: the plan is damaged; plan again into a new folder`, ExitCode.local);
	const sizes = new Float64Array(archives);
	sizes.set(new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)));
	return sizes;
}

/** Every archive of the plan, in plan order (index = position), streamed from archives.jsonl. */
export async function * readPlanArchives(planDir: string): AsyncGenerator<PlanArchive> {
	const path = join(planDir, files.archives);
	try {
		await stat(path);
	} catch (error) {
		throw localError('read', path, error);
	}

	const lines = createInterface({input: createReadStream(path, {encoding: 'utf8', highWaterMark: 1 << 20}), crlfDelay: Infinity});
	let index = 0;
	for await (const line of lines) {
		if (line === '') continue;
		let value: unknown;
		try {
			value = JSON.parse(line);
		} catch {
			value = null;
		}

		if (!Array.isArray(value) || value.length !== 6 || typeof value[0] !== 'string' || typeof value[3] !== 'string') {
			throw new ThawError(`${inert(path)} line ${index + 1} is damaged: plan again into a new folder`, ExitCode.local);
		}

		index++;
		yield value as PlanArchive;
	}
}

/** Archives at the given plan indexes, read line by line through offsets.bin (no full read of archives.jsonl). */
export async function readPlanArchivesAt(planDir: string, indexes: number[]): Promise<Map<number, PlanArchive>> {
	const found = new Map<number, PlanArchive>();
	if (indexes.length === 0) return found;
	let offsets: Float64Array;
	let handle: FileHandle | undefined;
	try {
		const bytes = await readFile(join(planDir, files.offsets));
		offsets = new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
		handle = await open(join(planDir, files.archives), 'r');
		for (const index of indexes) {
			if (!(index >= 0 && index + 1 < offsets.length)) continue;
			const length = offsets[index + 1] - offsets[index];
			if (!(length > 0 && length < 1 << 20)) continue;
			const buffer = Buffer.alloc(length);
			await handle.read(buffer, 0, length, offsets[index]);
			try {
				const value = JSON.parse(buffer.toString('utf8')) as unknown;
				if (Array.isArray(value) && value.length === 6) found.set(index, value as PlanArchive);
			} catch {
				// A damaged line: shown by index only.
			}
		}
	} catch {
		// No offsets.bin (or unreadable): the caller shows indexes only.
	} finally {
		await handle?.close();
	}

	return found;
}
