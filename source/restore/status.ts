/**
 * What a restore plan has done so far, from its files alone (no Glacier):
 * plan.json, sizes.bin and every PLAN/shards/<K>-of-<N>/ (state.bin + the
 * journal's tail, read-only: runners may be writing). archives.jsonl is not
 * read, except the lines of failed archives (through offsets.bin), so a
 * 1,000,000-archive plan answers in well under a second.
 */
import {readdir} from 'node:fs/promises';
import {join} from 'node:path';
import {archiveStates, jobWindowMs, readShardState, StateCode, type ArchiveState} from './state.js';
import {files, parsePlanHeader, planIdOf, readPlanArchivesAt, readPlanBytes, readPlanSizes, type PlanHeader} from './plan-file.js';
import {GiB} from './prices.js';

export type ShardSummary = {name: string; updatedAt: number | null; badRecords: number; bytesPerSecond: number | null};

export type FailureInfo = {index: number; archiveId: string | null; path: string | null; reason: string; final: boolean};

export type PlanStatus = {
	plan: string;
	planId: string;
	vaultName: string;
	tier: PlanHeader['tier'];
	to: string;
	total: number;
	verified: number;
	failed: number;
	bytesTotal: number;
	bytesVerified: number;
	/** Counts by state name. */
	states: Record<ArchiveState, number>;
	bytesByState: Record<ArchiveState, number>;
	/** Re-initiations so far (jobs that were gone and had to be started again). */
	reinitiated: number;
	/** What was committed: every answered InitiateJob (requests and GB) at the plan's prices, plus transfer out of what is verified. */
	committed: {requests: number; retrievedBytes: number; retrievalUSD: number; requestsUSD: number; transferUSD: number; totalUSD: number};
	/** The earliest output window that ends (ready or downloading archives), and how many end within an hour of it. */
	nextExpiry: {at: string; inSeconds: number; archives: number} | null;
	/** Measured download rate, summed over shards. */
	bytesPerSecond: number | null;
	/** Remaining bytes / throughput: the download time left (retrieval waits not included). */
	etaSeconds: number | null;
	updatedAt: string | null;
	shards: ShardSummary[];
	/** Failed archives (final) and archives whose last attempt failed (will be retried), the first 50. */
	failures: FailureInfo[];
	failuresTotal: number;
};

/** How far along a state is, for merging shards whose plans overlap (a re-sharded plan). */
const rank = [0, 2, 3, 4, 5, 7, 6, 1] as const; // planned, initiating, initiated, ready, downloading, verified, failed, reinitiated

function round(value: number): number {
	return Math.round(value * 1e6) / 1e6;
}

/** Every shard of a plan merged: each archive's furthest state (StateCode), InitiateJob calls, job completion, last failure reason. */
export type PlanStates = {
	states: Uint8Array;
	initiations: Uint32Array;
	completedAt: Map<number, number>;
	reasons: Map<number, string>;
	/** Bytes the ranged jobs of an archive retrieved (archives retrieved in ranges only). */
	rangedBytes: Map<number, number>;
	reinitiated: number;
	bytesPerSecond: number | null;
	updatedAt: number | null;
	shards: ShardSummary[];
};

/** Read every PLAN/shards/*\/ of a plan of `n` archives (read-only, no lock) and merge them. */
export async function readPlanStates(planDir: string, n: number): Promise<PlanStates> {
	let shardNames: string[] = [];
	try {
		shardNames = (await readdir(join(planDir, files.shards), {withFileTypes: true})).filter(entry => entry.isDirectory()).map(entry => entry.name).sort();
	} catch {
		// No runner has started yet.
	}

	const states = new Uint8Array(n);
	const initiations = new Uint32Array(n);
	const completedAt = new Map<number, number>();
	const reasons = new Map<number, string>();
	// Archives retrieved in ranges: the bytes their jobs retrieved (not initiations x size).
	const rangedBytes = new Map<number, number>();
	let reinitiated = 0;
	let bytesPerSecond: number | null = null;
	let updatedAt: number | null = null;
	const shards: ShardSummary[] = [];
	for (const name of shardNames) {
		const state = await readShardState(join(planDir, files.shards, name), n);
		shards.push({name, updatedAt: state.updatedAt, badRecords: state.badRecords, bytesPerSecond: state.bytesPerSecond});
		const s = state.states;
		if (shards.length === 1) {
			states.set(s);
			initiations.set(state.initiations);
		} else {
			for (let i = 0; i < n; i++) {
				if (s[i] !== 0 && rank[s[i]] > rank[states[i]]) states[i] = s[i];
				initiations[i] += state.initiations[i];
			}
		}

		for (const [i, at] of state.completedAt) completedAt.set(i, Math.max(at, completedAt.get(i) ?? 0));
		for (const [i, reason] of state.failures) reasons.set(i, reason);
		for (const [i, bytes] of state.rangedBytes) rangedBytes.set(i, (rangedBytes.get(i) ?? 0) + bytes);
		reinitiated += state.reinitiated;
		if (state.bytesPerSecond !== null) bytesPerSecond = (bytesPerSecond ?? 0) + state.bytesPerSecond;
		if (state.updatedAt !== null && (updatedAt === null || state.updatedAt > updatedAt)) updatedAt = state.updatedAt;
	}

	return {states, initiations, completedAt, reasons, rangedBytes, reinitiated, bytesPerSecond, updatedAt, shards};
}

export async function readPlanStatus(planDir: string, now = Date.now()): Promise<PlanStatus> {
	const bytes = await readPlanBytes(planDir);
	const header = parsePlanHeader(bytes, planDir);
	const n = header.totals.archives;
	const sizes = await readPlanSizes(planDir, n);
	const {states, initiations, completedAt, reasons, rangedBytes, reinitiated, bytesPerSecond, updatedAt, shards} = await readPlanStates(planDir, n);

	const counts = new Float64Array(archiveStates.length);
	const byState = new Float64Array(archiveStates.length);
	let requests = 0;
	let retrievedBytes = 0;
	let bytesTotal = 0;
	for (let i = 0; i < n; i++) {
		const code = states[i];
		counts[code]++;
		byState[code] += sizes[i];
		bytesTotal += sizes[i];
		const calls = initiations[i];
		if (calls > 0) {
			requests += calls;
			retrievedBytes += rangedBytes.get(i) ?? calls * sizes[i];
		}
	}

	let nextAt = Number.POSITIVE_INFINITY;
	for (const [i, at] of completedAt) {
		const code = states[i];
		if ((code === StateCode.ready || code === StateCode.downloading) && at + jobWindowMs < nextAt) nextAt = at + jobWindowMs;
	}

	let expiring = 0;
	if (Number.isFinite(nextAt)) {
		for (const [i, at] of completedAt) {
			const code = states[i];
			if ((code === StateCode.ready || code === StateCode.downloading) && at + jobWindowMs <= nextAt + (60 * 60 * 1000)) expiring++;
		}
	}

	const failedIndexes: number[] = [];
	for (const i of [...reasons.keys()].sort((a, b) => a - b)) if (states[i] !== StateCode.verified) failedIndexes.push(i);
	const shown = failedIndexes.slice(0, 50);
	const lines = await readPlanArchivesAt(planDir, shown);
	const failures: FailureInfo[] = shown.map(index => {
		const line = lines.get(index);
		return {index, archiveId: line?.[0] ?? null, path: line?.[3] ?? null, reason: reasons.get(index)!, final: states[index] === StateCode.failed};
	});

	const prices = header.prices;
	const tierPrice = prices[header.tier];
	const retrievalUSD = (retrievedBytes / GiB) * tierPrice.perGB;
	const requestsUSD = (requests / 1000) * tierPrice.per1000Requests;
	const bytesVerified = byState[StateCode.verified];
	const transferUSD = (bytesVerified / GiB) * prices.transferOutPerGB;
	const remaining = bytesTotal - bytesVerified - byState[StateCode.failed];
	const stateCounts = Object.fromEntries(archiveStates.map((name, code) => [name, counts[code]])) as Record<ArchiveState, number>;
	const stateBytes = Object.fromEntries(archiveStates.map((name, code) => [name, byState[code]])) as Record<ArchiveState, number>;
	return {
		plan: planDir,
		planId: planIdOf(bytes),
		vaultName: header.vaultName,
		tier: header.tier,
		to: header.to,
		total: n,
		verified: counts[StateCode.verified],
		failed: counts[StateCode.failed],
		bytesTotal,
		bytesVerified,
		states: stateCounts,
		bytesByState: stateBytes,
		reinitiated,
		committed: {requests, retrievedBytes, retrievalUSD: round(retrievalUSD), requestsUSD: round(requestsUSD), transferUSD: round(transferUSD), totalUSD: round(retrievalUSD + requestsUSD + transferUSD)},
		nextExpiry: Number.isFinite(nextAt) ? {at: new Date(nextAt).toISOString(), inSeconds: Math.round((nextAt - now) / 1000), archives: expiring} : null,
		bytesPerSecond,
		etaSeconds: bytesPerSecond && bytesPerSecond > 0 ? Math.round(remaining / bytesPerSecond) : (remaining === 0 ? 0 : null),
		updatedAt: updatedAt === null ? null : new Date(updatedAt).toISOString(),
		shards,
		failures,
		failuresTotal: failedIndexes.length,
	};
}
