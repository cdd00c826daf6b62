/**
 * From a DescribeJob answer to what the download must do: is the job ready,
 * how big is its output, which bytes to fetch, and which checksums Glacier
 * will (and will not) give to check them.
 */
import {ExitCode, ThawError, UsageError} from '../errors.js';
import {inert} from '../inert.js';
import type {Job} from '../glacier/api.js';
import {alignedChunkSize, checksumAvailable, defaultChunkSize, isPowerOfTwoMiB, isTreeHashAligned, planChunks, type ByteRange, type Chunk} from './ranges.js';
import {MiB} from './tree-hash.js';

export type JobOutputInfo = {
	kind: 'archive' | 'inventory';
	/** Bytes of the job's whole output. */
	outputSize: number;
	/** Archive jobs: the archive's size and the retrieved bytes in archive coordinates. */
	archiveSize?: number;
	retrieval?: ByteRange;
	/** True when the job retrieved the whole archive. */
	wholeArchive: boolean;
	/** Glacier sends x-amz-sha256-tree-hash for aligned ranges of this output. */
	hashable: boolean;
	/** Why no checksum comes with this job's output at all. */
	noHashReason?: string;
	/** DescribeJob's SHA256TreeHash (tree hash of the whole output), lower case. */
	outputTreeHash?: string;
	/** DescribeJob's ArchiveSHA256TreeHash, lower case, for whole-archive jobs. */
	archiveTreeHash?: string;
	/** What Content-Type the output comes with when no response was seen. */
	contentType: string;
};

function shortId(jobId: string): string {
	return jobId.length > 16 ? `${jobId.slice(0, 16)}…` : jobId;
}

/** Throws the exit-4 ThawError for a job that is not Succeeded. */
export function checkJobReady(job: Job, vaultName: string): void {
	const where = `job ${inert(shortId(job.JobId))} in vault '${inert(vaultName)}'`;
	if (job.StatusCode === 'InProgress') {
		throw new ThawError(`${where} is not ready yet (InProgress): check again later (Standard retrievals take 3-5 hours, Bulk 5-12, Expedited 1-5 minutes)`, ExitCode.job);
	}

	if (job.StatusCode === 'Failed') {
		const reason = job.StatusMessage ? `: ${inert(job.StatusMessage)}` : '';
		throw new ThawError(`${where} failed${reason}. Start a new retrieval.`, ExitCode.job);
	}

	if (job.StatusCode !== 'Succeeded') {
		throw new ThawError(`${where} has status '${inert(String(job.StatusCode))}', not Succeeded: its output cannot be downloaded`, ExitCode.job);
	}

	if (job.Action === 'Select') {
		throw new ThawError(`${where} is a Select job, whose output goes to S3: thaw downloads archive and inventory retrievals only`, ExitCode.job);
	}
}

function parseRetrievalRange(text: string | undefined | null): ByteRange | undefined {
	if (!text) return undefined;
	const match = /^(\d+)-(\d+)$/.exec(text.trim());
	if (!match) return undefined;
	return {start: Number(match[1]), end: Number(match[2])};
}

function lower(hash: string | undefined | null): string | undefined {
	return hash && /^[\da-f]{64}$/i.test(hash) ? hash.toLowerCase() : undefined;
}

export function describeOutput(job: Job): JobOutputInfo {
	if (job.Action === 'InventoryRetrieval') {
		const size = job.InventorySizeInBytes;
		if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
			throw new ThawError(`job ${inert(shortId(job.JobId))} does not say how big its inventory is (InventorySizeInBytes missing): cannot plan the download`, ExitCode.service);
		}

		const format = job.InventoryRetrievalParameters?.Format;
		return {
			kind: 'inventory',
			outputSize: size,
			wholeArchive: false,
			hashable: false,
			noHashReason: 'inventory output carries no tree hash (Glacier sends none), so only sizes are checked',
			contentType: format === 'CSV' ? 'text/csv' : 'application/json',
		};
	}

	const archiveSize = job.ArchiveSizeInBytes;
	if (typeof archiveSize !== 'number' || !Number.isSafeInteger(archiveSize) || archiveSize < 0) {
		throw new ThawError(`job ${inert(shortId(job.JobId))} does not say how big its archive is (ArchiveSizeInBytes missing): cannot plan the download`, ExitCode.service);
	}

	const retrieval = parseRetrievalRange(job.RetrievalByteRange);
	const wholeArchive = !retrieval || (retrieval.start === 0 && retrieval.end === archiveSize - 1);
	const outputSize = retrieval && !wholeArchive ? retrieval.end - retrieval.start + 1 : archiveSize;
	const hashable = wholeArchive || checksumAvailable({archiveSize, retrieval});
	return {
		kind: 'archive',
		outputSize,
		archiveSize,
		retrieval: wholeArchive ? undefined : retrieval,
		wholeArchive,
		hashable,
		noHashReason: hashable ? undefined : `the job retrieved archive bytes ${retrieval!.start}-${retrieval!.end}, which is not a tree-hash aligned range, so Glacier sends no checksum for it: only sizes are checked`,
		outputTreeHash: lower(job.SHA256TreeHash),
		archiveTreeHash: wholeArchive ? lower(job.ArchiveSHA256TreeHash) : undefined,
		contentType: 'application/octet-stream',
	};
}

export type DownloadPlan = {
	info: JobOutputInfo;
	/** Output coordinates of the first and last byte downloaded. */
	start: number;
	end: number;
	/** end - start + 1 (0 for an empty output). */
	total: number;
	/** True when the download is the whole output. */
	whole: boolean;
	chunkSize: number;
	chunks: Chunk[];
	/** Per chunk: Glacier is expected to send its tree hash. */
	hashExpected: boolean[];
	/** The tree hash the downloaded bytes must have, from DescribeJob, when known. */
	expectedTreeHash?: string;
	/** Also compared (whole-archive jobs). */
	archiveTreeHash?: string;
	/** 'tree-hash' when every byte is checked against a Glacier hash; else 'size' and why. */
	verification: {mode: 'tree-hash' | 'size'; reason?: string};
	/** What x-amz-sha256-tree-hash a single GetJobOutput of these bytes would carry (the AWS CLI's "checksum"). */
	checksumSent: boolean;
};

/**
 * Plan the chunks. chunkSize (bytes) must be a power-of-two MiB; when the
 * range start is not a multiple of it, the largest smaller power of two that
 * divides the start is used, so chunks stay tree-hash aligned.
 */
export function planDownload(info: JobOutputInfo, options: {range?: ByteRange; chunkSize?: number}): DownloadPlan {
	const {outputSize} = info;
	let start = 0;
	let end = outputSize - 1;
	if (options.range) {
		({start, end} = options.range);
		if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || start > end) {
			throw new UsageError(`--range bytes=${start}-${end} is not a valid range: use bytes=START-END with START <= END`);
		}

		if (end >= outputSize) {
			throw new UsageError(`--range bytes=${start}-${end} ends beyond the job output, which is ${outputSize} bytes (last byte ${outputSize - 1})`);
		}
	}

	const total = outputSize === 0 ? 0 : end - start + 1;
	const whole = start === 0 && end === outputSize - 1;
	const preferred = options.chunkSize ?? defaultChunkSize(total);
	if (!isPowerOfTwoMiB(preferred)) {
		throw new UsageError(`--chunk-size must be a power-of-two number of MiB (1, 2, 4, 8, ... 64), not ${preferred / MiB}`);
	}

	const chunkSize = alignedChunkSize(start, preferred) ?? preferred;
	const chunks = total === 0 ? [] : planChunks({start, end, chunkSize, totalSize: outputSize});
	const hashExpected = chunks.map(chunk => info.hashable && chunk.aligned);
	const hashedCount = hashExpected.filter(Boolean).length;
	const expectedTreeHash = whole && info.hashable ? info.outputTreeHash : undefined;
	const archiveTreeHash = whole ? info.archiveTreeHash : undefined;
	const checksumSent = info.hashable && total > 0 && (whole || isTreeHashAligned(start, end, outputSize));

	let verification: DownloadPlan['verification'];
	if (!info.hashable) {
		verification = {mode: 'size', reason: info.noHashReason};
	} else if (expectedTreeHash || (chunks.length > 0 && hashedCount === chunks.length)) {
		verification = {mode: 'tree-hash'};
	} else if (whole) {
		verification = {mode: 'size', reason: 'DescribeJob gave no SHA256TreeHash for this job, so only sizes are checked'};
	} else if (hashedCount === 0) {
		verification = {mode: 'size', reason: `--range bytes=${start}-${end} does not start on a 1 MiB boundary, so Glacier sends no tree hash for any part of it: only sizes are checked`};
	} else {
		verification = {mode: 'size', reason: `--range bytes=${start}-${end} ends inside a 1 MiB tree-hash leaf, so its last ${chunks.length - hashedCount === 1 ? 'chunk' : `${chunks.length - hashedCount} chunks`} can only be checked by size (the other ${hashedCount} are checked against Glacier's tree hashes)`};
	}

	return {info, start, end, total, whole, chunkSize, chunks, hashExpected, expectedTreeHash, archiveTreeHash, verification, checksumSent};
}
