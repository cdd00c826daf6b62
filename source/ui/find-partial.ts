/**
 * "Open this job again to resume" must work whatever the file was named:
 * the journals beside the .part files in the folder say which vault and job
 * each belongs to, so the setup can offer the partial of this job first.
 */
import {readdir} from 'node:fs/promises';
import {join} from 'node:path';

export type FoundPartial = {name: string; verifiedChunks: number; totalChunks: number; verifiedBytes: number};

const suffix = '.part.journal';

/** The partial download of this vault's job in `folder` with the most verified bytes, if any (at most 500 journals read). */
export async function findPartial(folder: string, vaultName: string, jobId: string): Promise<FoundPartial | undefined> {
	const names = await readdir(folder).catch(() => [] as string[]);
	const journals = names.filter(name => name.endsWith(suffix)).slice(0, 500);
	if (journals.length === 0) return undefined;
	const {inspectPartial} = await import('../engine/download/index.js');
	let best: FoundPartial | undefined;
	for (const journal of journals) {
		const name = journal.slice(0, -suffix.length);
		const partial = await inspectPartial(join(folder, name)).catch(() => null);
		if (!partial || partial.vaultName !== vaultName || partial.jobId !== jobId) continue;
		if (!best || partial.verifiedBytes > best.verifiedBytes) best = {name, verifiedChunks: partial.verifiedChunks, totalChunks: partial.totalChunks, verifiedBytes: partial.verifiedBytes};
	}

	return best;
}
