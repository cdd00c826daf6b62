/**
 * Thin, typed calls over @aws-sdk/client-glacier: lists that follow every
 * page, describe, initiate, and job output streams.
 */
import {
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

/** Every vault, following ListVaults' Marker through every page; yields each page as it arrives. */
export async function * vaultPages(connection: Connection, options: {limit?: number; signal?: AbortSignal} = {}): AsyncGenerator<Vault[]> {
	let marker: string | undefined;
	do {
		// eslint-disable-next-line no-await-in-loop
		const page = await call(async () => connection.client.send(new ListVaultsCommand({
			accountId: connection.accountId,
			marker,
			limit: options.limit,
		}), {abortSignal: options.signal}), {connection, what: 'list vaults'});
		yield (page.VaultList ?? []).filter((v): v is Vault => typeof v.VaultName === 'string');
		marker = page.Marker ?? undefined;
	} while (marker && !options.signal?.aborted);
}

export async function listVaults(connection: Connection, options: {limit?: number; signal?: AbortSignal} = {}): Promise<Vault[]> {
	const all: Vault[] = [];
	for await (const page of vaultPages(connection, options)) all.push(...page);
	return all;
}

export async function describeVault(connection: Connection, vaultName: string): Promise<Vault> {
	const vault = await call(async () => connection.client.send(new DescribeVaultCommand({accountId: connection.accountId, vaultName})), {connection, what: 'describe vault', vaultName});
	return {...vault, VaultName: vault.VaultName ?? vaultName};
}

/** Every job of a vault, following ListJobs' Marker (pages of 50) through every page. */
export async function * jobPages(connection: Connection, vaultName: string, filter: JobFilter & {limit?: number; signal?: AbortSignal} = {}): AsyncGenerator<Job[]> {
	let marker: string | undefined;
	do {
		// eslint-disable-next-line no-await-in-loop
		const page = await call(async () => connection.client.send(new ListJobsCommand({
			accountId: connection.accountId,
			vaultName,
			marker,
			limit: filter.limit,
			completed: filter.completed === undefined ? undefined : String(filter.completed),
			statuscode: filter.statuscode,
		}), {abortSignal: filter.signal}), {connection, what: 'list jobs', vaultName});
		yield (page.JobList ?? []).filter((job): job is Job => typeof job.JobId === 'string');
		marker = page.Marker ?? undefined;
	} while (marker && !filter.signal?.aborted);
}

export async function listJobs(connection: Connection, vaultName: string, filter: JobFilter & {signal?: AbortSignal} = {}): Promise<Job[]> {
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
