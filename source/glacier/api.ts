/**
 * Thin, typed calls over @aws-sdk/client-glacier: lists that follow every
 * page, describe, initiate, and job output streams.
 */
import {
	DeleteArchiveCommand,
	DeleteVaultCommand,
	DescribeJobCommand,
	DescribeVaultCommand,
	GetJobOutputCommand,
	InitiateJobCommand,
	ListJobsCommand,
	ListVaultsCommand,
	type DescribeVaultOutput,
	type GetJobOutputCommandOutput,
	type GlacierJobDescription,
} from '@aws-sdk/client-glacier';
import {ExitCode, ThawError} from '../errors.js';
import type {Connection} from './client.js';
import {toThawError, type ErrorContext} from './errors.js';

export type Vault = Required<Pick<DescribeVaultOutput, 'VaultName'>> & DescribeVaultOutput;
export type Job = GlacierJobDescription & {JobId: string};

export type JobFilter = {completed?: boolean; statuscode?: 'InProgress' | 'Succeeded' | 'Failed'};

async function call<T>(work: () => Promise<T>, context: ErrorContext): Promise<T> {
	try {
		return await work();
	} catch (error) {
		throw toThawError(error, context);
	}
}

/**
 * No real account has anywhere near this many pages of vaults (1,000 vaults
 * per region, pages of 10 by default) or of one vault's jobs (pages of 50):
 * a list still going after this many is a server paging forever.
 */
export const maxListPages = 10_000;

type PageOptions = {signal?: AbortSignal; maxPages?: number};

/**
 * Follows a list's Marker through every page, and stops, saying so, when the
 * service pages in a circle: a Marker given back that was already followed
 * (a ListVaults answering the same Marker forever once made the TUI send 500+
 * requests and pile up 2,700 duplicate rows), or more pages than any real
 * list has. Rows seen on an earlier page are not yielded again.
 */
async function * pages<T>(list: {operation: string; noun: string; context: ErrorContext}, key: (row: T) => string, fetchPage: (marker: string | undefined) => Promise<{rows: T[]; marker: string | undefined}>, options: PageOptions): AsyncGenerator<T[]> {
	const limit = options.maxPages ?? maxListPages;
	const followed = new Set<string>();
	const seen = new Set<string>();
	let marker: string | undefined;
	let count = 0;
	for (let page = 1; ; page++) {
		const answer = await call(async () => fetchPage(marker), list.context);
		const fresh = answer.rows.filter(row => {
			const id = key(row);
			if (seen.has(id)) return false;
			seen.add(id);
			return true;
		});
		count += fresh.length;
		yield fresh;
		if (marker !== undefined) followed.add(marker);
		marker = answer.marker;
		if (!marker || options.signal?.aborted) return;
		const stopped = `stopped at ${count.toLocaleString('en-US')} ${list.noun}${count === 1 ? '' : 's'} (the list may be incomplete)`;
		if (followed.has(marker)) {
			throw new ThawError(`${stopped}: ${list.operation} gave back a Marker it had already given on page ${page}, paging in a circle. Try again later`, ExitCode.service);
		}

		if (page >= limit) {
			throw new ThawError(`${stopped}: ${list.operation} still had a next page after ${page.toLocaleString('en-US')} pages, far more than any real list has. Try again later`, ExitCode.service);
		}
	}
}

/** Every vault, following ListVaults' Marker through every page; yields each page as it arrives. */
export async function * vaultPages(connection: Connection, options: {limit?: number} & PageOptions = {}): AsyncGenerator<Vault[]> {
	yield * pages<Vault>({operation: 'ListVaults', noun: 'vault', context: {connection, what: 'list vaults'}}, vault => vault.VaultName, async marker => {
		const page = await connection.client.send(new ListVaultsCommand({
			accountId: connection.accountId,
			marker,
			limit: options.limit,
		}), {abortSignal: options.signal});
		return {rows: (page.VaultList ?? []).filter((v): v is Vault => typeof v.VaultName === 'string'), marker: page.Marker ?? undefined};
	}, options);
}

export async function listVaults(connection: Connection, options: {limit?: number} & PageOptions = {}): Promise<Vault[]> {
	const all: Vault[] = [];
	for await (const page of vaultPages(connection, options)) all.push(...page);
	return all;
}

export async function describeVault(connection: Connection, vaultName: string): Promise<Vault> {
	const vault = await call(async () => connection.client.send(new DescribeVaultCommand({accountId: connection.accountId, vaultName})), {connection, what: 'describe vault', vaultName});
	return {...vault, VaultName: vault.VaultName ?? vaultName};
}

/** Every job of a vault, following ListJobs' Marker (pages of 50) through every page. */
export async function * jobPages(connection: Connection, vaultName: string, filter: JobFilter & {limit?: number} & PageOptions = {}): AsyncGenerator<Job[]> {
	yield * pages<Job>({operation: 'ListJobs', noun: 'job', context: {connection, what: 'list jobs', vaultName}}, job => job.JobId, async marker => {
		const page = await connection.client.send(new ListJobsCommand({
			accountId: connection.accountId,
			vaultName,
			marker,
			limit: filter.limit,
			completed: filter.completed === undefined ? undefined : String(filter.completed),
			statuscode: filter.statuscode,
		}), {abortSignal: filter.signal});
		return {rows: (page.JobList ?? []).filter((job): job is Job => typeof job.JobId === 'string'), marker: page.Marker ?? undefined};
	}, filter);
}

export async function listJobs(connection: Connection, vaultName: string, filter: JobFilter & PageOptions = {}): Promise<Job[]> {
	const all: Job[] = [];
	for await (const page of jobPages(connection, vaultName, filter)) all.push(...page);
	return all;
}

export async function describeJob(connection: Connection, vaultName: string, jobId: string): Promise<Job> {
	const job = await call(async () => connection.client.send(new DescribeJobCommand({accountId: connection.accountId, vaultName, jobId})), {connection, what: 'describe job', vaultName, jobId});
	return {...job, JobId: job.JobId ?? jobId};
}

export type NewJob =
	| {type: 'archive-retrieval'; archiveId: string; tier?: 'Expedited' | 'Standard' | 'Bulk'; range?: string; description?: string}
	| {type: 'inventory-retrieval'; format?: 'JSON' | 'CSV'; tier?: 'Standard' | 'Bulk'; description?: string};

/** Starts a retrieval job; resolves to its JobId. Retrievals are billed by AWS. */
export async function initiateJob(connection: Connection, vaultName: string, job: NewJob): Promise<string> {
	const output = await call(async () => connection.client.send(new InitiateJobCommand({
		accountId: connection.accountId,
		vaultName,
		jobParameters: job.type === 'archive-retrieval'
			? {Type: 'archive-retrieval', ArchiveId: job.archiveId, Tier: job.tier, RetrievalByteRange: job.range, Description: job.description}
			: {Type: 'inventory-retrieval', Format: job.format ?? 'JSON', Tier: job.tier, Description: job.description},
	})), {connection, what: 'start a job', vaultName});
	if (!output.jobId) throw toThawError(new Error('InitiateJob answered without a job id'), {connection, what: 'start a job', vaultName});
	return output.jobId;
}

/**
 * GetJobOutput for the whole output or a byte range (inclusive). The body is
 * the SDK's stream: the caller must consume or destroy it. Errors are the
 * SDK's own (the engine classifies them for retries).
 */
export async function getJobOutput(connection: Connection, vaultName: string, jobId: string, options: {range?: string; signal?: AbortSignal} = {}): Promise<GetJobOutputCommandOutput> {
	return connection.client.send(new GetJobOutputCommand({accountId: connection.accountId, vaultName, jobId, range: options.range}), {abortSignal: options.signal});
}

/**
 * DeleteArchive, one call, no SDK retries (the caller paces and retries:
 * throttling is a signal to slow down, not to hammer). Errors are the SDK's
 * own, for the caller to classify. Glacier answers 204 again for an archive
 * already deleted.
 */
export async function deleteArchive(connection: Connection, vaultName: string, archiveId: string, options: {signal?: AbortSignal} = {}): Promise<void> {
	await (connection.outputClient ?? connection.client).send(new DeleteArchiveCommand({accountId: connection.accountId, vaultName, archiveId}), {abortSignal: options.signal});
}

/** DeleteVault. Errors are the SDK's own: "Vault not empty or recently written to" is an InvalidParameterValueException. */
export async function deleteVault(connection: Connection, vaultName: string): Promise<void> {
	await connection.client.send(new DeleteVaultCommand({accountId: connection.accountId, vaultName}));
}
