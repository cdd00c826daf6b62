/**
 * An inventory job's output as a byte stream for loadInventory(): checks the
 * job first (an inventory retrieval that succeeded), then streams
 * GetJobOutput's body. Shared by `thaw inventory --vault-name V --job-id J`
 * and the browser, so both read the same bytes the same way.
 */
import {ExitCode, ThawError} from '../errors.js';
import {describeJob, getJobOutput, type Job} from '../glacier/api.js';
import type {Connection} from '../glacier/client.js';
import {toThawError} from '../glacier/errors.js';
import {inert} from '../inert.js';
import type {InventoryFormat} from './types.js';

export type JobInventory = {
	body: AsyncIterable<Uint8Array>;
	/** The job's InventorySizeInBytes. */
	totalBytes?: number;
	/** From the job's requested format (JSON or CSV as Glacier writes it). */
	format?: InventoryFormat;
	job: Job;
	/** Stop reading (the stream is destroyed). */
	cancel(): void;
};

/** Why a job's output is not an inventory that can be read now, or undefined when it is. */
export function inventoryJobProblem(job: Job): ThawError | undefined {
	const id = inert(job.JobId.slice(0, 20));
	if (job.Action !== undefined && job.Action !== 'InventoryRetrieval') {
		return new ThawError(`job ${id}… is an archive retrieval, not an inventory: download it with thaw get-job-output`, ExitCode.usage);
	}

	if (job.StatusCode === 'InProgress') return new ThawError(`inventory job ${id}… is still in progress: its output can be read once it succeeds (usually about 4 hours)`, ExitCode.job);
	if (job.StatusCode === 'Failed') return new ThawError(`inventory job ${id}… failed (${inert(job.StatusMessage ?? 'no reason given')}): start a new inventory retrieval`, ExitCode.job);
	return undefined;
}

export async function openJobInventory(connection: Connection, vaultName: string, jobId: string, options: {job?: Job; signal?: AbortSignal} = {}): Promise<JobInventory> {
	const context = {connection, what: 'read the inventory', vaultName, jobId};
	let job: Job;
	try {
		job = options.job ?? await describeJob(connection, vaultName, jobId);
	} catch (error) {
		throw toThawError(error, {...context, what: 'describe the inventory job'});
	}

	const problem = inventoryJobProblem(job);
	if (problem) throw problem;
	let output;
	try {
		output = await getJobOutput(connection, vaultName, jobId, {signal: options.signal});
	} catch (error) {
		throw toThawError(error, context);
	}

	const body = output.body as (AsyncIterable<Uint8Array> & {destroy?: () => void}) | undefined;
	if (!body) throw new ThawError(`Glacier sent no body for inventory job ${inert(jobId.slice(0, 20))}…`, ExitCode.service);
	const requested = job.InventoryRetrievalParameters?.Format;
	const type = output.contentType ?? '';
	const format: InventoryFormat | undefined = requested === 'CSV' || /text\/csv/i.test(type) ? 'glacier-csv' : requested === 'JSON' || /json/i.test(type) ? 'json' : undefined;
	async function * chunks(): AsyncGenerator<Uint8Array> {
		try {
			for await (const chunk of body!) yield chunk;
		} catch (error) {
			throw toThawError(error, context);
		}
	}

	return {
		body: chunks(),
		totalBytes: job.InventorySizeInBytes ?? undefined,
		format,
		job,
		cancel() {
			body.destroy?.();
		},
	};
}
