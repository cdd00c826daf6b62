/**
 * Which of the archives about to be retrieved already have a retrieval job
 * whose output is (or will be) there to download: in progress, or succeeded
 * and not expired, for the whole archive. Starting those again pays twice,
 * so the retrieval screen says so and skips them unless told otherwise.
 */
import {useEffect, useState} from 'react';
import {jobPages, type Job} from '../../glacier/api.js';
import {useServices} from '../context.js';
import {errorLine} from '../error-line.js';
import {expiryOf} from '../job-info.js';

/** A job that gives the whole archive, now or soon. */
export function coversArchive(job: Job, now: number): boolean {
	if (job.Action !== 'ArchiveRetrieval' || job.ArchiveId === undefined || job.ArchiveId === null) return false;
	if (job.StatusCode !== 'InProgress' && !(job.StatusCode === 'Succeeded' && expiryOf(job, now).kind !== 'expired')) return false;
	const range = job.RetrievalByteRange;
	const size = job.ArchiveSizeInBytes;
	return !range || size === undefined || size === null || range === `0-${size - 1}`;
}

/** Archive id -> the first such job's id (ListJobs lists newest first), among `wanted`. */
export function existingJobs(jobs: readonly Job[], wanted: ReadonlySet<string>, now: number): Map<string, string> {
	const found = new Map<string, string>();
	for (const job of jobs) {
		const archiveId = job.ArchiveId ?? '';
		if (!wanted.has(archiveId) || found.has(archiveId) || !coversArchive(job, now)) continue;
		found.set(archiveId, job.JobId);
	}

	return found;
}

export type ExistingJobs = {checking: true} | {checking: false; byArchive: Map<string, string>; error?: string};

/** Lists the vault's jobs once (every page) and finds the archives that already have one. */
export function useExistingJobs(vaultName: string, archiveIds: readonly string[]): ExistingJobs {
	const {connection, now} = useServices();
	const [state, setState] = useState<ExistingJobs>({checking: true});
	useEffect(() => {
		const controller = new AbortController();
		const wanted = new Set(archiveIds);
		(async () => {
			const jobs: Job[] = [];
			for await (const page of jobPages(connection, vaultName, {signal: controller.signal})) jobs.push(...page);
			if (!controller.signal.aborted) setState({checking: false, byArchive: existingJobs(jobs, wanted, now())});
		})().catch((error: unknown) => {
			if (!controller.signal.aborted) setState({checking: false, byArchive: new Map(), error: errorLine(error)});
		});
		return () => {
			controller.abort();
		};
	// The archives of one retrieval screen do not change.
	// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [connection, vaultName]);
	return state;
}
