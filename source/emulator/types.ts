/**
 * The emulator's public types: the contract the tests, the demo, the TUI and
 * the benchmarks code against. index.ts re-exports all of them.
 */
export type FaultKind =
	| 'corrupt' // flip some body bytes while x-amz-sha256-tree-hash stays the correct one
	| 'drop' // destroy the socket after `afterBytes` body bytes (default: half the body)
	| 'short' // send only `afterBytes` bytes (default half) with a matching Content-Length, while Content-Range still claims the full range
	| 'throttle' // 400 {"code":"ThrottlingException",...}
	| 'unavailable' // 500 {"code":"ServiceUnavailableException",...}
	| 'timeout' // 408 {"code":"RequestTimeoutException",...}
	| 'stall' // send `afterBytes` bytes then stop sending for `stallMs` (default: until the client gives up / closes)
	| 'ignore-range' // answer 200 with the whole output, ignoring Range
	| 'wrong-hash' // send a wrong x-amz-sha256-tree-hash header (body correct)
	| 'bandwidth' // cap the body rate to `bytesPerSecond` (in pieces of at least 1 KiB: not for rates of a few bytes a second)
	| 'repeat-marker' // ListVaults/ListJobs: answer every page with the marker it was asked for (the first page's next one), forever
	| 'html-500' // 500 with an HTML body, as a load balancer in front of the service answers
	| 'bad-signature' // 403 InvalidSignatureException quoting the canonical request (x-amz-security-token included) and the Authorization header
	| 'bad-header' // answer with a response header holding a control byte (Node's client: "Parse Error: Invalid header value char")
	| 'trickle' // send `afterBytes` bytes (default 0) at full speed, then `bytesPerSecond` (default 1) bytes a second in small pieces, never idle long
	| 'size-lie' // DescribeJob/ListJobs (default op DescribeJob) claim the output is `extraBytes` (default 1 MiB) longer than it is
	| 'raw-description' // GetJobOutput: send x-amz-archive-description with its characters up to U+00FF as raw bytes (C1 controls included), as a hostile server could
	| 'late-answer'; // InitiateJob (its default op): make the job at once, answer `stallMs` (default 1000) later: ListJobs lists it while its answer is on the way

export const faultKinds: readonly FaultKind[] = ['corrupt', 'drop', 'short', 'throttle', 'unavailable', 'timeout', 'stall', 'ignore-range', 'wrong-hash', 'bandwidth', 'repeat-marker', 'html-500', 'bad-signature', 'bad-header', 'trickle', 'size-lie', 'raw-description', 'late-answer'];

export type OperationName = 'GetJobOutput' | 'DescribeJob' | 'ListJobs' | 'ListVaults' | 'DescribeVault' | 'InitiateJob' | 'DeleteArchive' | 'DeleteVault' | 'GetDataRetrievalPolicy' | 'SetDataRetrievalPolicy';

export const operationNames: readonly OperationName[] = ['GetJobOutput', 'DescribeJob', 'ListJobs', 'ListVaults', 'DescribeVault', 'InitiateJob', 'DeleteArchive', 'DeleteVault', 'GetDataRetrievalPolicy', 'SetDataRetrievalPolicy'];

export type FaultRule = {
	kind: FaultKind;
	op?: OperationName; // default 'GetJobOutput' ('DescribeJob' for size-lie, 'InitiateJob' for late-answer)
	jobId?: string; // only requests for this job
	range?: string; // only requests whose Range header is exactly this, e.g. 'bytes=0-1048575'
	times?: number; // how many matching requests it hits (default 1; Infinity = every one)
	afterBytes?: number;
	stallMs?: number;
	bytesPerSecond?: number;
	extraBytes?: number; // size-lie
};

export type FaultHit = {rule: FaultRule; op: string; jobId?: string; range?: string};

export type EmulatorOptions = {
	port?: number; // default 0 = any free port
	host?: string; // default '127.0.0.1'
	/** Serve https with this key and certificate (PEM) instead of plain http. */
	tls?: {key: string | Buffer; cert: string | Buffer};
	demo?: boolean; // load the demo data (default false)
	jobDelayMs?: number; // how long a job started by InitiateJob stays InProgress (default 0)
	now?: () => number; // clock in ms since the epoch (default Date.now)
	accountId?: string; // default '123456789012'
	region?: string; // default 'us-east-1' (used in ARNs)
	faults?: FaultRule[];
	log?: (line: string) => void; // one line per request when given
	/** Start computing what every job needs (tree hashes, inventories) in the background at once (default: when demo is on). */
	warmUp?: boolean;
	/** Where leaf hashes of big archives (>= 64 MiB) are cached; false = no disk cache. Default os.tmpdir()/thaw-emulator-cache. */
	hashCacheDir?: string | false;
	// ---- restore features (issue 10); the defaults keep the behaviour above ----
	/** Emulated ms per real ms (default 1): job completion and the 24-hour windows pass this much faster. */
	timeScale?: number;
	/**
	 * Emulated time from InitiateJob to completion per tier (inventory jobs: Standard's). Defaults: 0, or
	 * once timeScale is set Glacier's Expedited 3 min, Standard 4 h, Bulk 8 h, or with the demo (and no
	 * timeScale) those divided by demoSpeedup (Bulk 1 min). jobDelayMs, when given, wins for all.
	 */
	tierDelayMs?: Partial<Record<Tier, number>>;
	/** A token bucket (real time) on InitiateJob: over it, 400 ThrottlingException "Rate exceeded". Default: no limit. */
	initiateRate?: {perSecond: number; burst: number};
	/** The account's data retrieval policy at start (default {Strategy: 'None'}, as AWS's default). */
	retrievalPolicy?: RetrievalPolicy;
	/** FreeTier's allowance of Standard retrievals per rolling 24 emulated hours (default 10 GiB / 30). */
	freeTierBytesPerDay?: number;
	/** Expedited retrievals allowed per 5 emulated minutes; more: 400 InsufficientCapacityException. Default: unlimited. */
	expeditedCapacity?: number;
	/** Emulated time from the first write (DeleteArchive) after an inventory to the next inventory (default 24 h). */
	inventoryIntervalMs?: number;
};

export type RetrievalPolicy = {Strategy: 'FreeTier' | 'BytesPerHour' | 'None'; BytesPerHour?: number};

export type Tier = 'Expedited' | 'Standard' | 'Bulk';
export type JobStatus = 'InProgress' | 'Succeeded' | 'Failed';

export type ArchiveSpec = {size: number; description?: string; seed?: string; creationDate?: string};

type JobCommon = {
	tier?: Tier;
	description?: string;
	status?: JobStatus; // default 'Succeeded' (completed at now())
	createdAt?: string; // ISO date
	completedAt?: string; // ISO date; for 'InProgress', when it will succeed (default: never)
	/** For status 'Failed': the StatusMessage. */
	statusMessage?: string;
};

export type JobSpec =
	| (JobCommon & {type: 'archive-retrieval'; archiveId: string; range?: string /* 'a-b' archive bytes, megabyte aligned */})
	| (JobCommon & {type: 'inventory-retrieval'; format?: 'JSON' | 'CSV'});

/** bytes: body bytes handed to the socket (what a client was sent, whatever it read of it). */
export type RequestRecord = {op: string; method: string; path: string; range?: string; status: number; bytes: number};

export type Emulator = {
	url: string; // e.g. 'http://127.0.0.1:43121' (https:// with the tls option)
	close(): Promise<void>;
	createVault(name: string): void;
	addArchive(vault: string, spec: ArchiveSpec): {archiveId: string; size: number};
	archiveTreeHash(vault: string, archiveId: string): Promise<string>; // cached
	archiveBytes(vault: string, archiveId: string, start: number, endInclusive: number): Buffer; // the exact bytes, for tests
	addJob(vault: string, spec: JobSpec): Promise<string>; // resolves to the JobId once its hashes are ready
	faults: {add(rule: FaultRule): void; clear(): void; readonly hits: FaultHit[]};
	requests: RequestRecord[]; // every request served, for tests
	// ---- additions to the contract ----
	readonly accountId: string; // the account id in ARNs
	readonly region: string;
	/** One entry per vault (sorted by name): archive count and size, visible jobs by status, a note for demo vaults. */
	summary(): VaultSummary[];
	/** The jobs ListJobs would show for a vault (not expired), in order. */
	jobs(vault: string): Array<{jobId: string; action: 'ArchiveRetrieval' | 'InventoryRetrieval'; status: JobStatus; description: string | null}>;
	// ---- restore features (issue 10) ----
	/** The emulated clock, ms since the epoch. */
	now(): number;
	/** Jump the emulated clock forward (jobs complete, windows expire, inventories are taken). */
	advance(ms: number): void;
	readonly timeScale: number;
	/** Emulated time from InitiateJob to completion per tier, as resolved from the options. */
	readonly tierDelayMs: Readonly<Record<Tier, number>>;
	/** Archive-retrieval InitiateJob calls that succeeded in a vault (for one archive when given); setup jobs (addJob) do not count. */
	initiations(vault: string, archiveId?: string): number;
	/** The data retrieval policy in force. */
	retrievalPolicy(): RetrievalPolicy;
};

export type VaultSummary = {vault: string; archives: number; sizeInBytes: number; jobs: Record<JobStatus, number>; note?: string};
