/**
 * What a download is asked to do (DownloadOptions), what it hands back
 * (Download, DownloadResult), and the defaults that are decisions.
 */
import type {Connection} from '../../glacier/client.js';
import type {Job} from '../../glacier/api.js';
import type {DownloadStore, Verdict} from '../download-state.js';
import type {EngineSnapshot} from '../download-store.js';
import type {DownloadPlan} from '../job-plan.js';
import type {ResponseHeaders} from './attempt.js';
import type {DownloadPool} from './pool.js';

export {defaultHashThreads} from './pool.js';

export type DownloadOptions = {
	/** Where to fetch from; may be left out when `pool` is given (the pool's connection is used). */
	connection?: Connection;
	/** Shared with other downloads: connection, chunks-in-flight limit, slot budget, hashing threads. */
	pool?: DownloadPool;
	vaultName: string;
	jobId: string;
	/** Final path; data goes to `${outfile}.part`, the journal to `${outfile}.part.journal`. */
	outfile: string;
	/** Inclusive, in output coordinates (the CLI's --range bytes=A-B). */
	range?: {start: number; end: number};
	/** Bytes, a power-of-two MiB; default from defaultChunkSize(total), or the journal's when resuming. */
	chunkSize?: number;
	/** This download's chunks in flight at once (default 8); a pool may hold it to fewer. */
	concurrency?: number;
	/** A body idle this long is a stall and is fetched again (default 60 s; 0 = never). */
	readTimeoutMs?: number;
	/** A body averaging fewer bytes a second than this over a read-timeout window is a stall too (default 1024; 0 = no floor). */
	progressFloor?: number;
	/** Failed attempts allowed per chunk before the download fails (default 8). */
	maxAttempts?: number;
	/** 'auto' (default) continues from a matching journal; 'never' starts over. */
	resume?: 'auto' | 'never';
	/** Replace an existing final file (else ThawError exit 6). */
	overwrite?: boolean;
	/**
	 * Hold `${outfile}.part.lock` (engine/lock.ts) for the download's life,
	 * so a second process (or a second download here) on the same file exits
	 * 6 naming the first (default true). false only when the caller holds a
	 * lock that covers this file (a restore shard's).
	 */
	lock?: boolean;
	/**
	 * The caller's own journal records this download, and the final name was
	 * checked free by the caller just before (a restore shard, which also
	 * holds the lock: pass `lock: false` too). Then a `.part` left beside the
	 * outfile is the caller's and is replaced, and a download of one chunk
	 * keeps no `.part.journal` at all (nothing in it could be resumed: a
	 * stopped chunk is fetched again whole): one open, one write, one fsync,
	 * one rename. Default false.
	 */
	owned?: boolean;
	/**
	 * The job as DescribeJob describes it, when the caller already knows it
	 * (then no DescribeJob is sent). A restore runner that listed its jobs can
	 * pass just {JobId, Action, StatusCode: 'Succeeded', ArchiveSizeInBytes,
	 * SHA256TreeHash, ArchiveSHA256TreeHash}; see also `jobFromFacts`.
	 */
	job?: Job;
	signal?: AbortSignal;
	/** First retry waits up to this long, doubling each time (default 250 ms); tests make it small. */
	retryBaseMs?: number;
	/** Longest wait between attempts (default 20 s). */
	retryCapMs?: number;
	/** How often store listeners are told about progress (default 50 ms). */
	notifyMs?: number;
	/** Without a pool: worker threads hashing and writing 1 MiB leaves (default: defaultHashThreads()). With one, the pool's count is used. */
	hashThreads?: number;
	/** Without a pool: bytes all bodies hand over per event-loop turn before pausing until the next (default 4 MiB). */
	turnBudget?: number;
};

export type DownloadResult = {
	verdict: Verdict;
	snapshot: EngineSnapshot;
	job: Job;
	/** What was planned: the bytes, the chunks, what Glacier's hashes can check. */
	plan: DownloadPlan;
	/** Response headers seen (or journaled by the run that saw them). */
	headers: ResponseHeaders;
};

export type Download = {
	store: DownloadStore & {getSnapshot(): EngineSnapshot};
	done: Promise<DownloadResult>;
	pause(): void;
	resume(): void;
	cancel(): void;
};
