/**
 * The shape of a download as every view sees it. The engine owns a
 * DownloadStore and is the only writer; the TUI's chunk grid (through
 * useSyncExternalStore) and the headless progress line read the same
 * snapshots. Snapshots are immutable: a new object each time something
 * changed, made lazily when a reader asks, so a burst of progress costs
 * one copy per frame, not one per event.
 */
export type ChunkState = 'pending' | 'downloading' | 'verifying' | 'verified' | 'retrying' | 'failed';

export type ChunkView = {
	readonly index: number;
	/** First and last byte (inclusive) in output coordinates. */
	readonly start: number;
	readonly end: number;
	readonly state: ChunkState;
	/** Bytes received in the current attempt (the whole chunk once verified). */
	readonly received: number;
	/** Attempts started so far (1 on the first try). */
	readonly attempts: number;
	/** Why the last attempt failed, when it did (one inert line). */
	readonly lastError?: string;
	/** Tree hash computed over the chunk's bytes, hex, once complete. */
	readonly treeHash?: string;
	/** x-amz-sha256-tree-hash sent by Glacier, when sent. */
	readonly expectedHash?: string;
	/** How the chunk was checked: against Glacier's hash, or only its size. */
	readonly checkedBy?: 'tree-hash' | 'size';
	/** Verified in an earlier run and taken from the journal. */
	readonly resumed?: boolean;
};

export type DownloadPhase = 'planning' | 'downloading' | 'paused' | 'verifying' | 'done' | 'failed' | 'cancelled';

export type DownloadLogEntry = {
	readonly at: number;
	readonly level: 'info' | 'warn' | 'error';
	/** One line, already inert. */
	readonly message: string;
	readonly chunk?: number;
};

export type Verdict = {
	/** True only when the whole output is under its final name and every available check passed. */
	readonly ok: boolean;
	/** Tree hash of the whole output combined from the chunk roots (hex). */
	readonly computed?: string;
	/** DescribeJob's SHA256TreeHash (or, for a --range, the range's expected hash when known). */
	readonly expected?: string;
	/** What was checked: 'tree-hash' (whole-output hash compared) or 'size' (no hash available). */
	readonly checkedBy: 'tree-hash' | 'size';
	/** Plain words: what passed, what failed, what could not be verified and why. */
	readonly summary: string;
};

export type DownloadSnapshot = {
	readonly phase: DownloadPhase;
	readonly vaultName: string;
	readonly jobId: string;
	/** Final path; the data lives in `${outfile}.part` until verified. */
	readonly outfile: string;
	/** Total bytes to download (the output, or the --range). */
	readonly total: number;
	readonly chunkSize: number;
	readonly chunks: readonly ChunkView[];
	/** Bytes received and kept (verified chunks plus chunks in flight). */
	readonly bytesDone: number;
	readonly verifiedChunks: number;
	readonly retryingChunks: number;
	readonly failedChunks: number;
	/** Retries so far, over all chunks. */
	readonly retries: number;
	/** Smoothed bytes per second; 0 until measured. */
	readonly throughput: number;
	/** Seconds left at the current rate, or undefined when unknown. */
	readonly etaSeconds?: number;
	readonly startedAt: number;
	readonly finishedAt?: number;
	/** 'tree-hash' when Glacier will send chunk hashes; else why only sizes can be checked. */
	readonly verification: {readonly mode: 'tree-hash' | 'size'; readonly reason?: string};
	/** The most recent events, oldest first (bounded). */
	readonly log: readonly DownloadLogEntry[];
	readonly verdict?: Verdict;
};

export type DownloadStore = {
	getSnapshot(): DownloadSnapshot;
	subscribe(listener: () => void): () => void;
};
