/**
 * The download engine's public surface. One download:
 *
 *     const download = startDownload({connection, vaultName, jobId, outfile});
 *     const {verdict} = await download.done;
 *
 * Many at once, sharing one connection, one limit on chunks in flight and one
 * slot-memory budget (a restore of a whole vault):
 *
 *     const pool = createDownloadPool({connection, concurrency: 16, maxBytesInFlight: 64 * MiB});
 *     const downloads = archives.map(a => startDownload({pool, vaultName, jobId: a.jobId, job: jobFromFacts(a), outfile: a.path}));
 *     ...
 *     await pool.close();
 */
import type {Job} from '../../glacier/api.js';
import {lockHolder} from '../lock.js';
import {lockPath} from './part-file.js';

export {defaultHashThreads, startDownload, type Download, type DownloadOptions, type DownloadResult} from './engine.js';
export {createDownloadPool, DownloadPool, type DownloadPoolOptions} from './pool.js';
export {inspectPartial, journalPath, localError, lockPath, partPath, type PartialInfo} from './part-file.js';
export type {ResponseHeaders} from './attempt.js';

export type JobFacts = {
	jobId: string;
	/** Default 'archive'. */
	kind?: 'archive' | 'inventory';
	/** ArchiveSizeInBytes (the whole archive's size, also for a ranged retrieval) or InventorySizeInBytes. */
	size: number;
	/** The job's SHA256TreeHash (of the retrieved bytes), when known. */
	treeHash?: string;
	/** The archive's ArchiveSHA256TreeHash, for whole-archive jobs. */
	archiveTreeHash?: string;
	/** 'START-END' in archive bytes for a ranged retrieval; absent for the whole archive. */
	retrievalByteRange?: string;
	archiveId?: string;
	inventoryFormat?: 'JSON' | 'CSV';
};

/** A Succeeded job from what a caller already knows (ListJobs, a plan), so the download sends no DescribeJob. */
export function jobFromFacts(facts: JobFacts): Job {
	if (facts.kind === 'inventory') {
		return {JobId: facts.jobId, Action: 'InventoryRetrieval', StatusCode: 'Succeeded', Completed: true, InventorySizeInBytes: facts.size, InventoryRetrievalParameters: {Format: facts.inventoryFormat ?? 'JSON'}};
	}

	return {
		JobId: facts.jobId,
		Action: 'ArchiveRetrieval',
		StatusCode: 'Succeeded',
		Completed: true,
		ArchiveSizeInBytes: facts.size,
		...(facts.archiveId ? {ArchiveId: facts.archiveId} : {}),
		...(facts.treeHash ? {SHA256TreeHash: facts.treeHash} : {}),
		...(facts.archiveTreeHash ? {ArchiveSHA256TreeHash: facts.archiveTreeHash} : {}),
		...(facts.retrievalByteRange ? {RetrievalByteRange: facts.retrievalByteRange} : {}),
	};
}

/** The one line naming the process downloading to `outfile` now (as a second download would fail with), or undefined. */
export async function downloadInProgress(outfile: string): Promise<string | undefined> {
	return (await lockHolder(lockPath(outfile)))?.message;
}
