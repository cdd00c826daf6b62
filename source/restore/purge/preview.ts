/**
 * Before anything is deleted: which archives of the plan can be proven
 * restored right now, which are kept and why, and what deleting the proven
 * ones costs (the early-deletion charge of those younger than 90 days).
 * Only archives the restore journaled as verified are candidates, and each
 * one's file is hashed again now; archives outside the plan (older versions
 * the plan skipped, archives filtered out) are not in archives.jsonl and so
 * are never candidates.
 */
import {readdir} from 'node:fs/promises';
import {join} from 'node:path';
import {files, readPlanArchives, type PlanHeader} from '../plan-file.js';
import {builtInPrices, earlyDeletionUSD, minimumStorageDays, pricingUrl} from '../prices.js';
import {readShardState, StateCode, stateName} from '../state.js';
import {PurgeCode, type PurgeState} from './journal.js';
import type {PurgeStore} from './store.js';
import {keepReasonText, proveFile, type FileIdentity, type KeepReason} from './verify.js';

export type KeptArchive = {index: number; archiveId: string; path: string; size: number; reason: KeepReason; detail: string};

export type Count = {archives: number; bytes: number};

export type StoragePrice = {perGBMonth: number; source: string; date: string};

export type PurgePreview = {
	plan: string;
	planId: string;
	vaultName: string;
	vaultARN: string | null;
	to: string;
	/** The plan's archives. */
	total: Count;
	/** Proven now: what a confirmed purge deletes. */
	toDelete: Count;
	/** Deleted (or found gone) by an earlier purge of this plan: not checked again, not deleted again. */
	alreadyDeleted: Count;
	/** Not proven: kept in Glacier. */
	kept: Count & {byReason: Partial<Record<KeepReason, Count>>; list: KeptArchive[]};
	/** Of toDelete, the archives younger than 90 days (by CreationDate) and what deleting them now is charged. */
	earlyDeletion: Count & {usd: number; storage: StoragePrice};
	/** Archives of the vault the plan does not hold (older versions skipped with --versions latest): never touched. */
	outsidePlan: {skippedVersions: number; filter: string | null};
	/** Deletions an earlier purge started and did not journal the answer of (checked and deleted again: Glacier answers 204). */
	interrupted: number;
	checkedAt: string;
};

/** One archive to delete, with what was seen of its file (a quick look before the call tells whether it changed since). */
export type Candidate = {index: number; archiveId: string; path: string; size: number; treeHash: string; identity: FileIdentity; createdMs: number};

export const keptListLimit = 100;
const checkConcurrency = 4;

/** The storage price the charge is figured at: --prices FILE, else the plan's table, else the built-in one for the plan's region. */
export function storagePriceFor(header: PlanHeader, override?: {storagePerGBMonth?: number; source: string; date: string}): StoragePrice {
	if (override?.storagePerGBMonth !== undefined) return {perGBMonth: override.storagePerGBMonth, source: override.source, date: override.date};
	const planned = header.prices as PlanHeader['prices'] | undefined;
	if (planned?.storagePerGBMonth !== undefined) return {perGBMonth: planned.storagePerGBMonth, source: planned.source, date: planned.date};
	const table = builtInPrices(header.region);
	return {perGBMonth: table.storagePerGBMonth ?? 0, source: `built-in estimate for ${table.region} from ${pricingUrl}`, date: table.date};
}

/** Verified in any shard's journal (a re-sharded plan has several). */
async function verifiedIndexes(planDir: string, n: number): Promise<{verified: Uint8Array; states: Uint8Array}> {
	const verified = new Uint8Array(n);
	const states = new Uint8Array(n);
	let names: string[] = [];
	try {
		names = (await readdir(join(planDir, files.shards), {withFileTypes: true})).filter(entry => entry.isDirectory()).map(entry => entry.name).sort();
	} catch {
		// No runner has started: nothing is verified.
	}

	for (const name of names) {
		const state = await readShardState(join(planDir, files.shards, name), n);
		for (let i = 0; i < n; i++) {
			const code = state.states[i];
			if (code === StateCode.verified) verified[i] = 1;
			if (code > states[i]) states[i] = code;
		}
	}

	return {verified, states};
}

function addTo(count: Count, size: number): void {
	count.archives++;
	count.bytes += size;
}

export type PreviewInput = {
	planDir: string;
	planId: string;
	header: PlanHeader;
	journal: PurgeState;
	storage: StoragePrice;
	store: PurgeStore;
	signal: AbortSignal;
	now?: number;
};

/** Check every candidate's file now; the preview, and the candidates proven (in plan order). */
export async function buildPreview(input: PreviewInput): Promise<{preview: PurgePreview; candidates: Candidate[]}> {
	const {planDir, header, journal, store, signal} = input;
	const now = input.now ?? Date.now();
	const n = header.totals.archives;
	const {verified, states} = await verifiedIndexes(planDir, n);
	const preview: PurgePreview = {
		plan: planDir, planId: input.planId, vaultName: header.vaultName, vaultARN: header.vaultARN ?? null, to: header.to,
		total: {archives: 0, bytes: 0}, toDelete: {archives: 0, bytes: 0}, alreadyDeleted: {archives: 0, bytes: 0},
		kept: {archives: 0, bytes: 0, byReason: {}, list: []},
		earlyDeletion: {archives: 0, bytes: 0, usd: 0, storage: input.storage},
		outsidePlan: {skippedVersions: header.totals.skippedVersions ?? 0, filter: header.filter ?? null},
		interrupted: 0, checkedAt: new Date(now).toISOString(),
	};
	const keep = (entry: KeptArchive) => {
		addTo(preview.kept, entry.size);
		const byReason = preview.kept.byReason[entry.reason] ??= {archives: 0, bytes: 0};
		addTo(byReason, entry.size);
		if (preview.kept.list.length < keptListLimit) preview.kept.list.push(entry);
	};

	// First the plan's lines: what to check (sizes known up front, so the progress has a total).
	type Line = {index: number; archiveId: string; size: number; treeHash: string; path: string; createdMs: number};
	const toCheck: Line[] = [];
	let index = 0;
	for await (const [archiveId, size, treeHash, path, , creationDate] of readPlanArchives(planDir)) {
		const i = index++;
		addTo(preview.total, size);
		const code = journal.codes[i];
		if (code === PurgeCode.deleted || code === PurgeCode.gone) {
			addTo(preview.alreadyDeleted, size);
			continue;
		}

		if (code === PurgeCode.intent) preview.interrupted++;
		if (verified[i] !== 1) {
			keep({index: i, archiveId, path, size, reason: 'not-verified', detail: `the restore has it as ${stateName(states[i])}`});
			continue;
		}

		toCheck.push({index: i, archiveId, size, treeHash, path, createdMs: Date.parse(creationDate)});
	}

	store.set({toCheck: toCheck.length, bytesToCheck: toCheck.reduce((sum, line) => sum + line.size, 0)});
	const proven: Array<Candidate | undefined> = Array.from({length: toCheck.length});
	let next = 0;
	const worker = async () => {
		while (next < toCheck.length && !signal.aborted) {
			const k = next++;
			const line = toCheck[k];
			const proof = await proveFile(header.to, line.path, line.size, line.treeHash);
			if (proof.ok) proven[k] = {...line, identity: proof.identity};
			else keep({index: line.index, archiveId: line.archiveId, path: line.path, size: line.size, reason: proof.reason, detail: proof.detail});
			store.add('checked');
			store.add('bytesChecked', line.size);
		}
	};

	await Promise.all(Array.from({length: checkConcurrency}, async () => worker()));
	const candidates = proven.filter((c): c is Candidate => c !== undefined);
	for (const candidate of candidates) {
		addTo(preview.toDelete, candidate.size);
		const charge = earlyDeletionUSD(candidate.size, candidate.createdMs, now, input.storage.perGBMonth);
		if (charge > 0 || (Number.isFinite(candidate.createdMs) && now - candidate.createdMs < minimumStorageDays * 86_400_000)) {
			addTo(preview.earlyDeletion, candidate.size);
			preview.earlyDeletion.usd += charge;
		}
	}

	preview.earlyDeletion.usd = Math.round(preview.earlyDeletion.usd * 1e6) / 1e6;
	preview.kept.list.sort((a, b) => a.index - b.index);
	return {preview, candidates};
}

/** "3 file missing, 1 content differs (tree hash)": the kept archives by reason. */
export function keptSummary(preview: PurgePreview): string {
	return (Object.keys(keepReasonText) as KeepReason[]).filter(reason => preview.kept.byReason[reason]).map(reason => `${preview.kept.byReason[reason]!.archives.toLocaleString('en-US')} ${keepReasonText[reason]}`).join(', ');
}
