/**
 * A purge of one plan, as the headless command and the TUI drive it:
 *
 *   const purge = await openPurge({planDir});   // takes PLAN/purge/lock, opens the journal
 *   const preview = await purge.preview();       // hashes every verified file again (progress in purge.store)
 *   if (confirmationMatches(typed, preview)) result = await purge.run(connection);
 *   await purge.close();
 *
 * Nothing is deleted before run(), and run() deletes only what preview()
 * proved (each file looked at once more just before its call).
 */
import {mkdir} from 'node:fs/promises';
import {join} from 'node:path';
import {describeVault} from '../../glacier/api.js';
import type {Connection} from '../../glacier/client.js';
import {acquireLock, type Lock} from '../../engine/lock.js';
import {ExitCode, ThawError, type ExitCodeValue} from '../../errors.js';
import {inert} from '../../inert.js';
import {parsePlanHeader, planIdOf, readPlanBytes, type PlanHeader} from '../plan-file.js';
import type {PriceTable} from '../prices.js';
import {deleteCandidates, type DeleteOptions} from './delete.js';
import {PurgeCode, PurgeJournal, purgeDirName} from './journal.js';
import {recordDeletions} from './ledger.js';
import {buildPreview, storagePriceFor, type Candidate, type Count, type KeptArchive, type PurgePreview} from './preview.js';
import {PurgeStore, type PurgeStoreView} from './store.js';

export type PurgeOptions = {
	planDir: string;
	/** --prices FILE: its storagePerGBMonth prices the early-deletion charge. */
	prices?: PriceTable;
	/** Where thaw keeps its record of deletions per vault (deletions.json beside the settings); none: not recorded. */
	ledgerFile?: string;
	delete?: DeleteOptions;
	now?: () => number;
};

export type PurgeResult = {
	preview: PurgePreview;
	/** Deleted by this run (204), and found already gone (404: no such archive). */
	deleted: Count;
	gone: number;
	/** Proven at the preview, changed before their call: kept. */
	changed: KeptArchive[];
	/** DeleteArchive kept failing: kept for now; run again. */
	failed: KeptArchive[];
	/** Gone from Glacier over every purge of this plan. */
	totalDeleted: Count;
	/** Kept in Glacier now (not proven, changed, or failing). */
	kept: Count;
	cancelled: boolean;
	exitCode: ExitCodeValue;
};

export type PurgeSession = {
	readonly store: PurgeStoreView;
	readonly header: PlanHeader;
	readonly planId: string;
	preview(): Promise<PurgePreview>;
	/** Delete what the preview proved. */
	run(connection: Connection): Promise<PurgeResult>;
	/** Stop: no new calls; those in flight finish (or are abandoned: a rerun checks them again). */
	cancel(): void;
	close(): Promise<void>;
};

/** The typed confirmation: the count to delete, with or without thousands separators. */
export function confirmationMatches(typed: string, preview: PurgePreview): boolean {
	const text = typed.trim().replaceAll(/[,_ ]/g, '');
	return preview.toDelete.archives > 0 && /^\d+$/.test(text) && Number(text) === preview.toDelete.archives;
}

export async function openPurge(options: PurgeOptions): Promise<PurgeSession> {
	const {planDir} = options;
	const now = options.now ?? Date.now;
	const bytes = await readPlanBytes(planDir);
	const header = parsePlanHeader(bytes, planDir);
	const planId = planIdOf(bytes);
	const n = header.totals.archives;
	try {
		await mkdir(join(planDir, purgeDirName), {recursive: true});
	} catch (error) {
		throw new ThawError(`cannot create ${inert(join(planDir, purgeDirName))}: ${inert((error as NodeJS.ErrnoException).code ?? String(error))}`, ExitCode.local);
	}

	const lock: Lock = await acquireLock(join(planDir, purgeDirName, 'lock'), {what: `the plan ${planDir} is being purged`});
	let journal: PurgeJournal;
	try {
		journal = await PurgeJournal.open(planDir, planId, n);
	} catch (error) {
		await lock.release();
		throw error;
	}

	const store = new PurgeStore(now());
	const abort = new AbortController();
	const storage = storagePriceFor(header, options.prices);
	let proved: {preview: PurgePreview; candidates: Candidate[]} | undefined;
	let closed = false;

	return {
		store,
		header,
		planId,
		async preview() {
			store.set({phase: 'checking'});
			try {
				proved = await buildPreview({planDir, planId, header, journal: journal.state, storage, store, signal: abort.signal, now: now()});
			} catch (error) {
				store.set({phase: 'failed'});
				throw error;
			}

			if (abort.signal.aborted) {
				store.set({phase: 'cancelled'});
				throw new ThawError('stopped while checking the files: nothing was deleted', ExitCode.interrupted);
			}

			store.set({phase: 'previewed', toDelete: proved.preview.toDelete.archives, bytesToDelete: proved.preview.toDelete.bytes});
			return proved.preview;
		},
		async run(connection) {
			if (!proved) throw new ThawError('purge: preview() first: nothing is deleted before it was proven and shown', ExitCode.unexpected);
			const {preview, candidates} = proved;
			store.set({phase: 'deleting'});
			let outcome;
			try {
				outcome = await deleteCandidates({connection, vaultName: header.vaultName, to: header.to, candidates, journal, store, signal: abort.signal, options: options.delete});
			} catch (error) {
				store.set({phase: 'failed'});
				await record(connection, preview, null).catch(() => undefined);
				throw error;
			}

			const total = {archives: preview.alreadyDeleted.archives + outcome.deleted + outcome.gone, bytes: preview.alreadyDeleted.bytes + outcome.bytesDeleted + outcome.bytesGone};
			const kept: Count = {archives: preview.kept.archives, bytes: preview.kept.bytes};
			for (const entry of [...outcome.changed, ...outcome.failed]) {
				kept.archives++;
				kept.bytes += entry.size;
			}

			const cancelled = abort.signal.aborted;
			if (cancelled) {
				// What was not reached is still there, unproven by this run's calls.
				for (const c of candidates) {
					const code = journal.state.codes[c.index];
					if (code !== PurgeCode.deleted && code !== PurgeCode.gone && !outcome.changed.some(e => e.index === c.index) && !outcome.failed.some(e => e.index === c.index)) {
						kept.archives++;
						kept.bytes += c.size;
					}
				}
			}

			await record(connection, preview, {total, kept}).catch((error: unknown) => {
				store.log('warn', `could not record the deletions for 'thaw delete-vault' (${(error as Error).message}): it will explain less, Glacier still decides`);
			});
			const exitCode: ExitCodeValue = cancelled ? ExitCode.interrupted : outcome.failed.length > 0 ? ExitCode.service : kept.archives > 0 ? ExitCode.verification : ExitCode.ok;
			store.set({phase: cancelled ? 'cancelled' : 'done'});
			return {
				preview,
				deleted: {archives: outcome.deleted, bytes: outcome.bytesDeleted},
				gone: outcome.gone,
				changed: outcome.changed,
				failed: outcome.failed,
				totalDeleted: total,
				kept,
				cancelled,
				exitCode,
			};
		},
		cancel() {
			abort.abort();
		},
		async close() {
			if (closed) return;
			closed = true;
			try {
				await journal.close();
			} finally {
				await lock.release();
			}
		},
	};

	/** Tell the ledger what this plan deleted, with the vault's inventory date as Glacier answers it now (after the last deletion). */
	async function record(connection: Connection, preview: PurgePreview, counts: {total: Count; kept: Count} | null): Promise<void> {
		const last = journal.state.lastDeletedAt;
		if (!options.ledgerFile || last === null) return;
		let inventoryAfter: string | null = null;
		let arn = header.vaultARN;
		try {
			const vault = await describeVault(connection, header.vaultName);
			inventoryAfter = vault.LastInventoryDate ?? null;
			arn = vault.VaultARN ?? arn;
		} catch {
			// Unknown: delete-vault then compares times.
		}

		if (!arn) return;
		await recordDeletions(options.ledgerFile, arn, {
			vaultName: header.vaultName,
			lastDeletionAt: new Date(last).toISOString(),
			inventoryAfter,
			plan: planDir,
			deleted: counts?.total.archives ?? preview.alreadyDeleted.archives,
			bytes: counts?.total.bytes ?? preview.alreadyDeleted.bytes,
			kept: counts?.kept.archives ?? preview.kept.archives,
			skippedVersions: preview.outsidePlan.skippedVersions,
		});
	}
}
