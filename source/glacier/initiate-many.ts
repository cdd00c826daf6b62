/**
 * Many InitiateJob calls, a few in flight at once: the inventory browser's
 * "retrieve the marked archives" and any headless command that starts jobs
 * in bulk. Each job's id or error is reported as it comes back, in the order
 * the answers arrive; a stop signal lets the calls in flight finish and
 * starts no more (a job that Glacier started is never forgotten).
 */
import type {Connection} from './client.js';
import {initiateJob, type NewJob} from './api.js';

export type Initiated<T extends NewJob = NewJob> = {job: T; index: number} & ({jobId: string; error?: undefined} | {jobId?: undefined; error: unknown});

export type InitiateManyOptions<T extends NewJob> = {
	/** InitiateJob calls in flight at once (default 4). */
	concurrency?: number;
	/** Called once per job as its answer arrives. */
	onProgress?: (result: Initiated<T>, done: number, total: number) => void;
	/** When aborted, no further job is started; the calls in flight still report. */
	signal?: AbortSignal;
};

/** Starts the jobs; resolves to every answer (fewer than `jobs` when stopped), in the order they arrived. */
export async function initiateMany<T extends NewJob>(connection: Connection, vaultName: string, jobs: readonly T[], options: InitiateManyOptions<T> = {}): Promise<Array<Initiated<T>>> {
	const concurrency = Math.max(1, Math.floor(options.concurrency ?? 4));
	const results: Array<Initiated<T>> = [];
	let next = 0;
	const worker = async () => {
		while (!options.signal?.aborted && next < jobs.length) {
			const index = next++;
			const job = jobs[index];
			let result: Initiated<T>;
			try {
				result = {job, index, jobId: await initiateJob(connection, vaultName, job)};
			} catch (error) {
				result = {job, index, error};
			}

			results.push(result);
			options.onProgress?.(result, results.length, jobs.length);
		}
	};

	await Promise.all(Array.from({length: Math.min(concurrency, jobs.length)}, worker));
	return results;
}
