/**
 * The resume step: what an earlier run's journal vouches for, trusted only
 * after its bytes in the .part are hashed again, and the response headers
 * (journal meta) journaled once so a resumed run still reports them.
 */
import type {EngineStore} from '../download-store.js';
import type {DownloadPlan} from '../job-plan.js';
import type {JournalChunk, JournalLeaves, JournalMeta} from '../journal.js';
import {LEAF_SIZE} from '../tree-hash.js';
import {journalMeta, mostKept, reportedHeaders, type KeptLeaves, type ResponseHeaders} from './attempt.js';
import {partPath, type PartFile} from './part-file.js';
import {journalOnlyReason} from './verdict.js';

export type AdoptContext = {
	files: PartFile;
	plan: DownloadPlan;
	store: EngineStore;
	outfile: string;
	/** Filled in for each chunk adopted. */
	chunkHashes: Array<string | undefined>;
	/** Throws when the download is stopping. */
	checkStopped: () => void;
	/** Filled in for each chunk whose kept leaves are still in the .part. */
	kept: Map<number, KeptLeaves & {journaled?: boolean}>;
};

/**
 * Trust a journaled chunk only after hashing its bytes in the .part again.
 * Returns how many resumed chunks only the journal vouches for (no whole-output hash to re-check them).
 */
export async function adoptJournal(context: AdoptContext, chunks: Map<number, JournalChunk>, leaves: Map<number, JournalLeaves> = new Map()): Promise<number> {
	const {files, plan, store, chunkHashes, checkStopped} = context;
	let journalOnly = 0;
	const {adopted, rejected} = await files.rehashJournaled(plan.chunks, chunks, plan.start, {
		checking: index => {
			checkStopped();
			store.updateChunk(index, {state: 'verifying'});
		},
		checked: (chunk, hash) => {
			if (hash === undefined) {
				store.updateChunk(chunk.index, {state: 'pending', received: 0});
				return;
			}

			chunkHashes[chunk.index] = hash;
			// Without a whole-output hash nothing from Glacier re-checks a resumed chunk: only our journal vouches for it.
			store.updateChunk(chunk.index, {state: 'verified', received: chunk.end - chunk.start + 1, treeHash: hash, checkedBy: plan.hashExpected[chunk.index] && plan.expectedTreeHash ? 'tree-hash' : 'size', resumed: true});
		},
	});
	store.set({resumedChunks: adopted});
	if (adopted > 0 && !plan.expectedTreeHash) {
		journalOnly = adopted;
		store.set({verification: {mode: 'size', reason: journalOnlyReason(adopted, plan.verification.reason)}});
	}

	store.log('info', `resuming: ${adopted} of ${plan.chunks.length} chunks already verified in ${partPath(context.outfile)}`);
	if (rejected > 0) store.log('warn', `${rejected} journaled chunks no longer match the .part file and will be fetched again`);
	await adoptLeaves(context, leaves);
	return journalOnly;
}

/**
 * Chunks an earlier run stopped mid-way: each kept leaf is hashed again from
 * the .part, and only the first ones that still match are kept (a journal
 * line whose bytes never reached the disk keeps nothing past them). They are
 * not verified yet: the chunk is, once its rest is in and the whole adds up
 * to the chunk hash Glacier sent.
 */
async function adoptLeaves(context: AdoptContext, leaves: Map<number, JournalLeaves>): Promise<void> {
	const {files, plan, store, chunkHashes, kept, checkStopped} = context;
	let leavesKept = 0;
	let leavesDropped = 0;
	const buffer = Buffer.allocUnsafe(LEAF_SIZE);
	for (const entry of leaves.values()) {
		const chunk = plan.chunks[entry.index];
		if (!chunk || chunk.start !== entry.start || chunk.end !== entry.end || chunkHashes[chunk.index] !== undefined) continue;
		const most = Math.min(entry.leaves.length / 64, mostKept(chunk));
		checkStopped();
		const matched = await files.matchingLeaves(chunk.start - plan.start, entry.leaves.slice(0, most * 64), buffer);
		leavesDropped += most - matched.length;
		if (matched.length === 0) continue;
		leavesKept += matched.length;
		kept.set(chunk.index, {leaves: matched, ...(entry.chunkHash ? {chunkHash: entry.chunkHash} : {}), journaled: true});
		store.updateChunk(chunk.index, {state: 'pending', received: matched.length * LEAF_SIZE});
	}

	if (leavesKept > 0) store.log('info', `resuming: ${leavesKept} MiB of chunks stopped mid-way are kept; only the rest of those chunks is fetched`);
	if (leavesDropped > 0) store.log('warn', `${leavesDropped} kept 1 MiB leaves no longer match the .part file and will be fetched again`);
}

/** The first response's headers worth keeping: journaled once, before the next verified chunk's line. */
export class ResponseMeta {
	private meta: JournalMeta | undefined;
	private journaled = false;

	/** Resuming: the journal already holds these. */
	adopt(meta: JournalMeta | undefined): void {
		if (meta) {
			this.meta = meta;
			this.journaled = true;
		}
	}

	note(response: ResponseHeaders): void {
		this.meta ??= journalMeta(response);
	}

	async recordOnce(files: PartFile): Promise<void> {
		if (!this.journaled && this.meta) {
			this.journaled = true;
			await files.record(this.meta);
		}
	}

	reported(): ReturnType<typeof reportedHeaders> {
		return reportedHeaders(this.meta);
	}
}
