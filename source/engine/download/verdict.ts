/**
 * The verdict on a finished download: did every check that exists pass, and
 * in plain words what was checked against what. Pure: the engine hands in
 * the plan, the combined tree hash, the .part's size and the chunk views.
 */
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
};

/** ok: the bytes may be renamed into place; else `verdict.summary` says why not. */
export function judge({plan, computed, size, chunks, part, outfile}: VerdictInput): {ok: boolean; verdict: Verdict} {
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
		summary = `sizes checked (${plan.total} bytes), tree hash not verified: ${plan.verification.reason ?? 'Glacier sent no tree hashes'}`;
	}

	return {ok: true, verdict: {ok: true, computed, expected, checkedBy, summary}};
}
