/**
 * The runner's view of a PLAN directory (RESTORE-CONTRACT.md): plan.json's
 * header, its planId (the tag every InitiateJob carries), and this shard's
 * archives from archives.jsonl, streamed line by line and kept in flat
 * arrays (a million archives, one shard of them in memory).
 */
import {createReadStream} from 'node:fs';
import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import {createInterface} from 'node:readline';
import {ExitCode, ThawError} from '../../errors.js';
import {inert} from '../../inert.js';
import {shardOf, type Shard} from '../shard.js';
import {planIdOf} from './tag.js';

export type Tier = 'Bulk' | 'Standard' | 'Expedited';

export type PlanHeader = {
	format: 'thaw-restore-plan';
	version: number;
	vaultName: string;
	region?: string;
	accountId?: string | null;
	tier: Tier;
	/** Absolute destination folder. */
	to: string;
	/** When the plan allows it, Expedited retrievals refused for capacity are retried in this tier (optional; default: wait). */
	fallbackTier?: Tier | null;
	totals?: {archives?: number; bytes?: number};
	policy?: {strategy?: string; bytesPerHour?: number};
};

export type ShardPlan = {
	dir: string;
	header: PlanHeader;
	planId: string;
	/** Archives in the whole plan (journal states are indexed by plan index). */
	planArchives: number;
	/** This shard's archives, in plan order: plan index, id, size, inventory tree hash, relative path, mtime (NaN: none). */
	index: Int32Array;
	ids: string[];
	sizes: Float64Array;
	hashes: string[];
	paths: string[];
	mtimes: Float64Array;
	/** Plan index -> position in the arrays above, -1 when the archive is another shard's. */
	position: Int32Array;
	bytes: number;
};

const tiers = new Set(['Bulk', 'Standard', 'Expedited']);

function bad(path: string, why: string): ThawError {
	return new ThawError(`${path} is not a usable restore plan (${why}): make it again with 'thaw restore plan'`, ExitCode.usage);
}

/** A relative path the plan promised is safe; checked again here because the runner creates it. */
export function isSafeRelativePath(path: string): boolean {
	if (path.length === 0 || path.startsWith('/') || path.includes('\\')) return false;
	// eslint-disable-next-line no-control-regex
	if (/[\u0000-\u001f\u007f]/.test(path)) return false;
	for (const segment of path.split('/')) {
		if (segment === '' || segment === '.' || segment === '..') return false;
		if (Buffer.byteLength(segment) > 255) return false;
	}

	return true;
}

export async function readPlanHeader(dir: string): Promise<{header: PlanHeader; planId: string}> {
	const path = join(dir, 'plan.json');
	let bytes: Buffer;
	try {
		bytes = await readFile(path);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ENOENT') throw new ThawError(`${inert(dir)} holds no plan.json: give the PLAN directory that 'thaw restore plan' made`, ExitCode.usage);
		throw new ThawError(`cannot read ${inert(path)}: ${code ?? (error as Error).message}`, ExitCode.local);
	}

	let header: PlanHeader;
	try {
		header = JSON.parse(bytes.toString('utf8')) as PlanHeader;
	} catch {
		throw bad(inert(path), 'not JSON');
	}

	if (!header || header.format !== 'thaw-restore-plan') throw bad(inert(path), 'no "format": "thaw-restore-plan"');
	if (header.version !== 1) throw new ThawError(`${inert(path)} is a version ${inert(String(header.version))} plan; this thaw reads version 1: use the thaw that made it`, ExitCode.usage);
	if (typeof header.vaultName !== 'string' || header.vaultName === '') throw bad(inert(path), 'no vaultName');
	if (!tiers.has(header.tier)) throw bad(inert(path), 'tier is not Bulk, Standard or Expedited');
	if (typeof header.to !== 'string' || !header.to.startsWith('/')) throw bad(inert(path), '"to" is not an absolute folder');
	if (header.fallbackTier !== undefined && header.fallbackTier !== null && !tiers.has(header.fallbackTier)) throw bad(inert(path), 'fallbackTier is not a tier');
	return {header, planId: planIdOf(bytes)};
}

export async function loadShardPlan(dir: string, shard: Shard): Promise<ShardPlan> {
	const {header, planId} = await readPlanHeader(dir);
	const path = join(dir, 'archives.jsonl');
	const index: number[] = [];
	const ids: string[] = [];
	const sizes: number[] = [];
	const hashes: string[] = [];
	const paths: string[] = [];
	const mtimes: number[] = [];
	let line = 0;
	let bytes = 0;
	try {
		const lines = createInterface({input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY});
		for await (const text of lines) {
			const i = line++;
			if (text === '') throw bad(inert(path), `line ${i + 1} is empty`);
			let entry: unknown;
			try {
				entry = JSON.parse(text);
			} catch {
				throw bad(inert(path), `line ${i + 1} is not JSON`);
			}

			if (!Array.isArray(entry) || typeof entry[0] !== 'string' || !Number.isSafeInteger(entry[1]) || entry[1] < 0 || typeof entry[2] !== 'string' || typeof entry[3] !== 'string') {
				throw bad(inert(path), `line ${i + 1} is not [archiveId, size, sha256TreeHash, relativePath, mtimeMs|null, creationDate]`);
			}

			const [id, size, hash, relativePath, mtime] = entry as [string, number, string, string, unknown];
			if (shard.n > 1 && shardOf(id, shard.n) !== shard.k) continue;
			if (!/^[0-9a-f]{64}$/.test(hash)) throw bad(inert(path), `line ${i + 1}: the tree hash is not 64 hex digits`);
			if (!isSafeRelativePath(relativePath)) throw bad(inert(path), `line ${i + 1}: the path '${inert(relativePath)}' is not a safe relative path`);
			index.push(i);
			ids.push(id);
			sizes.push(size);
			hashes.push(hash);
			paths.push(relativePath);
			mtimes.push(typeof mtime === 'number' && Number.isFinite(mtime) ? mtime : Number.NaN);
			bytes += size;
		}
	} catch (error) {
		if (error instanceof ThawError) throw error;
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ENOENT') throw bad(inert(path), 'archives.jsonl is missing');
		throw new ThawError(`cannot read ${inert(path)}: ${code ?? (error as Error).message}`, ExitCode.local);
	}

	const position = new Int32Array(line).fill(-1);
	for (let j = 0; j < index.length; j++) position[index[j]] = j;
	return {
		dir, header, planId, planArchives: line,
		index: Int32Array.from(index), ids, sizes: Float64Array.from(sizes), hashes, paths, mtimes: Float64Array.from(mtimes), position, bytes,
	};
}
