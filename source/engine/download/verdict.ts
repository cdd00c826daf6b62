/**
 * The verdict on a finished download: did every check that exists pass, and
 * in plain words what was checked against what. Pure: the engine hands in
 * the plan, the combined tree hash, the .part's size and the chunk views.
 */
import {inert} from '../../inert.js';
import type {ChunkView, Verdict} from '../download-state.js';
import type {DownloadPlan} from '../job-plan.js';

export type VerdictInput = {
	plan: DownloadPlan;
	/** Tree hash of the downloaded bytes, combined from the chunk roots (hex). */
	computed: string;
	/** Bytes in the .part. */
	size: number;
	chunks: readonly ChunkView[];
	/** The .part and the final name, for the failure message. */
	part: string;
	outfile: string;
	/** Chunks resumed from the journal that nothing from Glacier re-checked. */
	journalOnly?: number;
};

/** Why a download with chunks resumed from the journal, and no whole-output hash, is not verified. */
export function journalOnlyReason(chunks: number, reason?: string): string {
	const own = `${chunks === 1 ? '1 chunk was' : `${chunks} chunks were`} resumed from thaw's journal and checked only against its hashes (nothing from Glacier can re-check them here): --no-resume fetches every chunk and checks it against Glacier`;
	return reason ? `${reason}; ${own}` : own;
}

/** ok: the bytes may be renamed into place; else `verdict.summary` says why not. */
export function judge({plan, computed, size, chunks, part, outfile, journalOnly = 0}: VerdictInput): {ok: boolean; verdict: Verdict} {
	const failures: string[] = [];
	if (size !== plan.total) failures.push(`${part} holds ${size} bytes, not ${plan.total}`);
	if (plan.expectedTreeHash && computed !== plan.expectedTreeHash) failures.push(`tree hash ${computed} does not match the job's SHA256TreeHash ${plan.expectedTreeHash}`);
	if (plan.archiveTreeHash && computed !== plan.archiveTreeHash) failures.push(`tree hash ${computed} does not match the archive's ArchiveSHA256TreeHash ${plan.archiveTreeHash}`);
	if (plan.info.kind === 'inventory' && plan.whole && size !== plan.info.outputSize) failures.push(`the inventory is ${size} bytes, not InventorySizeInBytes ${plan.info.outputSize}`);
	const allChunksHashed = plan.chunks.length > 0 && chunks.every(chunk => chunk.checkedBy === 'tree-hash');
	const checkedBy: Verdict['checkedBy'] = plan.expectedTreeHash || allChunksHashed ? 'tree-hash' : 'size';
	const expected = plan.expectedTreeHash ?? (allChunksHashed ? computed : undefined);

	if (failures.length > 0) {
		const summary = `verification failed: ${failures.join('; ')}. Nothing was written under ${outfile}; ${part} and its journal are kept (delete both to download again)`;
		return {ok: false, verdict: {ok: false, computed, expected, checkedBy, summary}};
	}

	let summary: string;
	if (plan.expectedTreeHash) {
		summary = `verified: tree hash ${computed} matches the job's SHA256TreeHash${plan.archiveTreeHash ? ' and the archive\'s ArchiveSHA256TreeHash' : ''}`;
	} else if (allChunksHashed) {
		summary = `verified: ${plan.chunks.length === 1 ? 'the chunk matches Glacier\'s tree hash' : `all ${plan.chunks.length} chunks match Glacier's tree hashes`}; tree hash of the bytes ${computed}`;
	} else {
		const reason = journalOnly > 0 ? journalOnlyReason(journalOnly, plan.verification.reason) : plan.verification.reason;
		summary = `sizes checked (${plan.total === 0 ? '0 bytes, as GetJobOutput answered' : `${plan.total} bytes`}), tree hash not verified: ${reason ?? 'Glacier sent no tree hashes'}`;
	}

	return {ok: true, verdict: {ok: true, computed, expected, checkedBy, summary}};
}

/**
 * Two hashes that differ, shown where they differ: 16 hex digits from just
 * before the first difference, not the first 16 (which a hash cut short or a
 * near miss shares). `sent` is the server's text, made inert.
 */
export function hashDifference(computed: string, sent: string): string {
	let same = 0;
	while (same < computed.length && same < sent.length && computed[same] === sent[same]) same++;
	const from = Math.max(0, same - 4);
	const show = (hash: string) => `${from > 0 ? '…' : ''}${hash.slice(from, from + 16)}${hash.length > from + 16 ? '…' : ''}`;
	const where = same === Math.min(computed.length, sent.length) ? `Glacier's is ${sent.length} hex digits long, not ${computed.length}` : `first difference at hex digit ${same + 1}${sent.length === computed.length ? '' : `; Glacier's is ${sent.length} hex digits long, not ${computed.length}`}`;
	return `computed ${show(computed)}, Glacier sent ${inert(show(sent))} (${where})`;
}
