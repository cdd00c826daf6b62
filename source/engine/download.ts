/**
 * The download engine: a job's output (or a byte range of it) fetched in
 * parallel tree-hash-aligned chunks, each streamed straight to its place in
 * `<outfile>.part` and hashed as it streams, checked chunk by chunk and as a
 * whole, then renamed to its final name. Broken, short, stalled, throttled or
 * corrupted chunks are fetched again with backoff; verified chunks are
 * journaled so a later run continues where this one stopped.
 *
 * Memory: each chunk in flight holds at most SLOTS_PER_CHUNK slots (256 KiB,
 * or 1 MiB with hashing threads; reused from one chunk to the next) plus the
 * socket's own buffers, whatever the chunk or file size. Responsiveness: no
 * synchronous step hashes more than one slot, and all bodies together hand
 * over at most TURN_BUDGET bytes per event-loop turn.
 */
import {createHash} from 'node:crypto';
import {open, rename, stat, unlink, type FileHandle} from 'node:fs/promises';
import {finished, type Readable} from 'node:stream';
import {GetJobOutputCommand} from '@aws-sdk/client-glacier';
import {ExitCode, ThawError, type ExitCodeValue} from '../errors.js';
import {inert} from '../inert.js';
import type {Connection} from '../glacier/client.js';
import {describeJob, type Job} from '../glacier/api.js';
import {errorName, httpStatus, isRetryable, scrub, toThawError} from '../glacier/errors.js';
import {backoffDelay} from './backoff.js';
import type {ChunkView, DownloadStore, Verdict} from './download-state.js';
import {EngineStore, type EngineSnapshot} from './download-store.js';
import {checkJobReady, describeOutput, planDownload, type DownloadPlan} from './job-plan.js';
import {describeHeaderDifference, JOURNAL_VERSION, JournalWriter, readJournal, type JournalHeader, type JournalMeta} from './journal.js';
import {checkContentRange, formatRange, RangeHeaderError} from './ranges.js';
import {LeafHasher} from './leaf-hasher.js';
import {combineTreeHashes, LEAF_SIZE, MiB, TreeHashCombiner, TreeHasher} from './tree-hash.js';

export type DownloadOptions = {
	connection: Connection;
	vaultName: string;
	jobId: string;
	/** Final path; data goes to `${outfile}.part`, the journal to `${outfile}.part.journal`. */
	outfile: string;
	/** Inclusive, in output coordinates (the CLI's --range bytes=A-B). */
	range?: {start: number; end: number};
	/** Bytes, a power-of-two MiB; default from defaultChunkSize(total), or the journal's when resuming. */
	chunkSize?: number;
	/** Chunks in flight at once (default 8). */
	concurrency?: number;
	/** A body idle this long is a stall and is fetched again (default 60 s; 0 = never). */
	readTimeoutMs?: number;
	/** Failed attempts allowed per chunk before the download fails (default 8). */
	maxAttempts?: number;
	/** 'auto' (default) continues from a matching journal; 'never' starts over. */
	resume?: 'auto' | 'never';
	/** Replace an existing final file (else ThawError exit 6). */
	overwrite?: boolean;
	/** DescribeJob result when the caller already has it. */
	job?: Job;
	signal?: AbortSignal;
	/** First retry waits up to this long, doubling each time (default 250 ms); tests make it small. */
	retryBaseMs?: number;
	/** Longest wait between attempts (default 20 s). */
	retryCapMs?: number;
	/** How often store listeners are told about progress (default 50 ms). */
	notifyMs?: number;
	/** Worker threads hashing 1 MiB leaves (default 0, see defaultHashThreads); 0 hashes on the event loop, one 256 KiB slot at a time. */
	hashThreads?: number;
	/** Bytes all bodies together hand over per event-loop turn before pausing until the next (default 4 MiB). */
	turnBudget?: number;
};

export type DownloadResponse = {
	/** What a single GetJobOutput of these bytes answers: 200 for the whole output, 206 for a range. */
	status: number;
	contentType?: string;
	acceptRanges?: string;
	archiveDescription?: string;
	contentRange?: string;
	/** The x-amz-sha256-tree-hash a single GetJobOutput of these bytes would carry (the AWS CLI's "checksum"), when Glacier sends one. */
	checksum?: string;
};

export type DownloadResult = {
	verdict: Verdict;
	snapshot: EngineSnapshot;
	job: Job;
	response: DownloadResponse;
};

export type Download = {
	store: DownloadStore & {getSnapshot(): EngineSnapshot};
	done: Promise<DownloadResult>;
	pause(): void;
	resume(): void;
	cancel(): void;
};

export type PartialInfo = {vaultName: string; jobId: string; total: number; chunkSize: number; verifiedChunks: number; totalChunks: number; verifiedBytes: number};

/** Leaf slots a chunk in flight may hold: one filling from the socket, one being written and hashed. */
const SLOTS_PER_CHUNK = 2;

/**
 * Bytes all bodies together may hand over in one event-loop turn (~3 ms of
 * copying and hashing). Over it,
 * a body is paused (its socket stops reading) until the next turn, so a UI
 * on the same loop still gets to draw: libuv would otherwise read up to 2 MiB
 * per socket per turn, 16 MiB at concurrency 8.
 */
const TURN_BUDGET = 4 * 1024 * 1024;

const emptyDigest = createHash('sha256').digest();

/** Slot size when hashing on the event loop (no leaf alignment needed). */
const LOCAL_SLOT = 256 * 1024;

/**
 * Hashing threads by default: none. Measured on 2 busy cores, a worker made no
 * download faster, cost 15-25 MB of RSS (its isolate and 1 MiB shared leaf
 * slots: 147-163 MB peak for the CLI, over the 150 MB budget), and hashing
 * here in 256 KiB slots (~0.2 ms each) kept the event loop as responsive.
 * `hashThreads: 1` (--hash-threads 1) takes SHA-256, ~0.7 s per GiB, off the
 * event loop where cores are free; not measured on such a machine yet.
 */
export function defaultHashThreads(): number {
	return 0;
}

/** What an attempt's body reader shares with its idle timer. */
type Flow = {
	/** performance.now() of the last piece (or of the end of a wait on our own work). */
	last: number;
	/** True while the body is paused waiting for our own writes or hashes: not a stall. */
	holding: boolean;
	received: number;
};

export function partPath(outfile: string): string {
	return `${outfile}.part`;
}

export function journalPath(outfile: string): string {
	return `${outfile}.part.journal`;
}

type FailureKind = 'hash' | 'size' | 'service' | 'stall' | 'aborted';

/** Why one attempt at a chunk failed. `fatal` errors end the whole download. */
class ChunkFailure extends Error {
	constructor(readonly kind: FailureKind, message: string, readonly fatal?: ThawError) {
		super(message);
	}
}

function isoNow(): string {
	return new Date().toISOString();
}

/** What a journal says about a partial download, for "resume?" prompts; null when there is none. */
export async function inspectPartial(outfile: string): Promise<PartialInfo | null> {
	const journal = await readJournal(journalPath(outfile)).catch(() => null);
	if (!journal) return null;
	const {header} = journal;
	const totalChunks = header.total === 0 ? 0 : Math.ceil(header.total / header.chunkSize);
	let verifiedBytes = 0;
	let verifiedChunks = 0;
	for (const chunk of journal.chunks.values()) {
		if (chunk.index >= totalChunks) continue;
		verifiedChunks++;
		verifiedBytes += chunk.end - chunk.start + 1;
	}

	return {vaultName: header.vaultName, jobId: header.jobId, total: header.total, chunkSize: header.chunkSize, verifiedChunks, totalChunks, verifiedBytes};
}

export function startDownload(options: DownloadOptions): Download {
	const engine = new DownloadEngine(options);
	return {
		store: engine.store,
		done: engine.done,
		pause: () => {
			engine.pause();
		},
		resume: () => {
			engine.resume();
		},
		cancel: () => {
			engine.cancel();
		},
	};
}

type InFlight = {controller: AbortController; promise: Promise<void>};

class DownloadEngine {
	readonly store: EngineStore;
	readonly done: Promise<DownloadResult>;
	private readonly options: DownloadOptions;
	private readonly concurrency: number;
	private readonly maxAttempts: number;
	private readonly readTimeoutMs: number;
	private plan!: DownloadPlan;
	private job!: Job;
	private part: FileHandle | undefined;
	private journal: JournalWriter | undefined;
	private readonly queue: number[] = [];
	private readonly inFlight = new Map<number, InFlight>();
	private readonly retryTimers = new Map<number, NodeJS.Timeout>();
	private readonly failures: number[] = [];
	private chunkHashes: Array<string | undefined> = [];
	private serverHashes: Array<string | undefined> = [];
	private meta: JournalMeta | undefined;
	private metaJournaled = false;
	private paused = false;
	private stopping: ThawError | undefined;
	private allVerified: (() => void) | undefined;
	private fail: ((error: ThawError) => void) | undefined;
	private missingHashWarned = false;
	private hasher: LeafHasher | undefined;
	/** Leaf slots not in use, kept for the next chunk (at most concurrency × SLOTS_PER_CHUNK exist). */
	private readonly freeSlots: Buffer[] = [];
	private slotSize = LEAF_SIZE;
	private turnBytes = 0;
	private turn: NodeJS.Immediate | undefined;
	private readonly parked: Array<() => void> = [];

	constructor(options: DownloadOptions) {
		this.options = options;
		this.concurrency = Math.max(1, options.concurrency ?? 8);
		this.maxAttempts = Math.max(1, options.maxAttempts ?? 8);
		this.readTimeoutMs = options.readTimeoutMs === undefined ? 60_000 : options.readTimeoutMs;
		this.store = new EngineStore({vaultName: options.vaultName, jobId: options.jobId, outfile: options.outfile, notifyMs: options.notifyMs});
		if (options.signal) {
			if (options.signal.aborted) queueMicrotask(() => this.cancel());
			else options.signal.addEventListener('abort', () => this.cancel(), {once: true});
		}

		this.done = this.run();
		this.done.catch(() => undefined);
	}

	pause(): void {
		if (this.paused || this.finished) return;
		this.paused = true;
		if (this.store.phase === 'downloading') this.store.phaseTo('paused');
		this.store.log('info', 'paused: chunks in flight are stopped and will be fetched again on resume');
		for (const flight of this.inFlight.values()) flight.controller.abort(new Error('paused'));
	}

	resume(): void {
		if (!this.paused || this.finished) return;
		this.paused = false;
		if (this.store.phase === 'paused') this.store.phaseTo('downloading');
		this.store.log('info', 'resumed');
		this.pump();
	}

	cancel(): void {
		if (this.finished || this.stopping) return;
		this.stop(new ThawError(`cancelled: ${partPath(this.options.outfile)} and its journal are kept; run the same command again to continue`, ExitCode.interrupted));
	}

	private get finished(): boolean {
		const {phase} = this.store;
		return phase === 'done' || phase === 'failed' || phase === 'cancelled';
	}

	private async run(): Promise<DownloadResult> {
		try {
			const result = await this.runInner();
			await this.release();
			return result;
		} catch (error) {
			const thawError = this.stopping ?? (error instanceof ThawError ? error : toThawError(error, {what: 'download the job output', vaultName: this.options.vaultName, jobId: this.options.jobId}));
			await this.closeFiles();
			await this.release();
			if (!this.finished) {
				if (thawError.exitCode === ExitCode.interrupted) {
					this.store.log('warn', thawError.message);
					this.store.phaseTo('cancelled');
				} else {
					const snapshot = this.store.getSnapshot();
					const verdict: Verdict = snapshot.verdict ?? {ok: false, checkedBy: snapshot.verification.mode, summary: thawError.message};
					this.store.log('error', thawError.message);
					this.store.phaseTo('failed', {verdict});
				}
			}

			throw thawError;
		}
	}

	private async runInner(): Promise<DownloadResult> {
		const {options} = this;
		const {connection, vaultName, jobId, outfile} = options;
		this.job = options.job ?? await describeJob(connection, vaultName, jobId);
		checkJobReady(this.job, vaultName);
		const info = describeOutput(this.job);
		this.checkStopped();

		// The final name must be free (or replaceable) before anything is written.
		await this.checkOutfile();

		const journalFile = journalPath(outfile);
		const existing = options.resume === 'never' ? null : await readJournal(journalFile).catch(error => {
			throw localError(error, `read the journal ${journalFile}`);
		});
		const chunkSize = options.chunkSize ?? existing?.header.chunkSize;
		this.plan = planDownload(info, {range: options.range, chunkSize});
		const {plan} = this;
		const header: JournalHeader = {
			type: 'thaw-download',
			version: JOURNAL_VERSION,
			vaultName,
			jobId,
			outputSize: info.outputSize,
			start: plan.start,
			end: Math.max(plan.end, plan.start - 1),
			total: plan.total,
			chunkSize: plan.chunkSize,
			...(plan.expectedTreeHash ? {expectedTreeHash: plan.expectedTreeHash} : {}),
			createdAt: isoNow(),
		};

		if (existing) {
			const differences = describeHeaderDifference(existing.header, header);
			if (differences.length > 0) {
				throw new ThawError(`${journalFile} belongs to a different download (${inert(differences.join('; '))}): to start over, delete ${partPath(outfile)} and ${journalFile}`, ExitCode.local);
			}
		}

		this.store.plan({
			total: plan.total,
			chunkSize: plan.chunkSize,
			verification: plan.verification,
			expectedTreeHash: plan.expectedTreeHash,
		}, plan.chunks.map((chunk): ChunkView => ({index: chunk.index, start: chunk.start, end: chunk.end, state: 'pending', received: 0, attempts: 0})));
		if (plan.verification.reason) this.store.log('info', `not fully verifiable: ${plan.verification.reason}`);

		this.chunkHashes = plan.chunks.map(() => undefined);
		this.serverHashes = plan.chunks.map(() => undefined);
		for (const chunk of plan.chunks) {
			this.failures[chunk.index] = 0;
		}

		const resuming = existing !== null && await exists(partPath(outfile));
		await this.openFiles(resuming, header);
		if (resuming) await this.adoptJournal(existing.chunks, existing.meta);
		this.checkStopped();

		this.store.phaseTo(this.paused ? 'paused' : 'downloading');
		for (const chunk of plan.chunks) {
			if (this.chunkHashes[chunk.index] === undefined) this.queue.push(chunk.index);
		}

		if (this.queue.length > 0) this.hasher = new LeafHasher(Math.max(0, options.hashThreads ?? defaultHashThreads()));
		// Hashing threads take whole 1 MiB leaves in shared memory; hashing here takes any size, so slots stay small.
		this.slotSize = Math.max(1, Math.min(this.hasher?.threads ? LEAF_SIZE : LOCAL_SLOT, plan.total));
		await new Promise<void>((resolve, reject) => {
			this.allVerified = resolve;
			this.fail = reject;
			this.pump();
		});
		this.checkStopped();

		return this.finish();
	}

	private checkStopped(): void {
		if (this.stopping) throw this.stopping;
	}

	private async checkOutfile(): Promise<void> {
		const {outfile, overwrite} = this.options;
		let info;
		try {
			info = await stat(outfile);
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
			throw localError(error, `check ${outfile}`);
		}

		if (info.isDirectory()) throw new ThawError(`${inert(outfile)} is a directory: give a file name to write the output to`, ExitCode.local);
		if (!overwrite) throw new ThawError(`${inert(outfile)} already exists: pass --overwrite to replace it, or choose another file name`, ExitCode.local);
	}

	private async openFiles(resuming: boolean, header: JournalHeader): Promise<void> {
		const part = partPath(this.options.outfile);
		const journal = journalPath(this.options.outfile);
		try {
			this.part = await open(part, resuming ? 'r+' : 'w');
			const {size} = await this.part.stat();
			if (size !== this.plan.total) await this.part.truncate(this.plan.total);
			this.journal = resuming ? await JournalWriter.append(journal) : await JournalWriter.create(journal, header);
		} catch (error) {
			throw localError(error, `create ${part}`);
		}
	}

	/** Trust a journaled chunk only after hashing its bytes in the .part again. */
	private async adoptJournal(chunks: Map<number, {index: number; start: number; end: number; treeHash: string}>, meta?: JournalMeta): Promise<void> {
		if (meta) {
			this.meta = meta;
			this.metaJournaled = true;
		}

		let adopted = 0;
		let rejected = 0;
		const buffer = Buffer.allocUnsafe(4 * MiB);
		for (const chunk of this.plan.chunks) {
			const entry = chunks.get(chunk.index);
			if (!entry || entry.start !== chunk.start || entry.end !== chunk.end) continue;
			this.checkStopped();
			this.store.updateChunk(chunk.index, {state: 'verifying'});
			const hasher = new TreeHasher();
			let position = chunk.start - this.plan.start;
			let left = chunk.end - chunk.start + 1;
			while (left > 0) {
				// eslint-disable-next-line no-await-in-loop
				const {bytesRead} = await this.part!.read(buffer, 0, Math.min(buffer.length, left), position);
				if (bytesRead === 0) break;
				hasher.update(buffer.subarray(0, bytesRead));
				position += bytesRead;
				left -= bytesRead;
			}

			const hash = hasher.hex();
			if (left === 0 && hash === entry.treeHash) {
				this.chunkHashes[chunk.index] = hash;
				this.store.updateChunk(chunk.index, {state: 'verified', received: chunk.end - chunk.start + 1, treeHash: hash, checkedBy: this.plan.hashExpected[chunk.index] ? 'tree-hash' : 'size', resumed: true});
				adopted++;
			} else {
				this.store.updateChunk(chunk.index, {state: 'pending', received: 0});
				rejected++;
			}
		}

		this.store.set({resumedChunks: adopted});
		this.store.log('info', `resuming: ${adopted} of ${this.plan.chunks.length} chunks already verified in ${partPath(this.options.outfile)}`);
		if (rejected > 0) this.store.log('warn', `${rejected} journaled chunks no longer match the .part file and will be fetched again`);
	}

	/** Start chunks while there is room; settle when everything is verified. */
	private pump(): void {
		if (this.paused || this.stopping || !this.allVerified) return;
		while (this.inFlight.size < this.concurrency && this.queue.length > 0) {
			const index = this.queue.shift()!;
			this.startChunk(index);
		}

		if (this.inFlight.size === 0 && this.queue.length === 0 && this.retryTimers.size === 0) {
			const resolve = this.allVerified;
			this.allVerified = undefined;
			resolve();
		}
	}

	private startChunk(index: number): void {
		const controller = new AbortController();
		const view = this.store.chunk(index);
		this.store.updateChunk(index, {state: 'downloading', received: 0, attempts: view.attempts + 1});
		const promise = this.attempt(index, controller).then(
			() => this.chunkVerified(index),
			async (error: unknown) => this.chunkFailed(index, error, controller),
		).catch((error: unknown) => {
			// A failure while handling a failure (e.g. the journal cannot be written): end the download.
			this.stop(error instanceof ThawError ? error : localError(error, 'record progress'));
		}).finally(() => {
			this.inFlight.delete(index);
			this.pump();
		});
		this.inFlight.set(index, {controller, promise});
	}

	private async chunkVerified(index: number): Promise<void> {
		if (!this.metaJournaled && this.meta) {
			this.metaJournaled = true;
			await this.journal!.append(this.meta).catch(error => {
				throw localError(error, `write ${journalPath(this.options.outfile)}`);
			});
		}

		const chunk = this.plan.chunks[index];
		await this.journal!.append({type: 'chunk', index, start: chunk.start, end: chunk.end, treeHash: this.chunkHashes[index]!}).catch(error => {
			throw localError(error, `write ${journalPath(this.options.outfile)}`);
		});
	}

	private async chunkFailed(index: number, error: unknown, controller: AbortController): Promise<void> {
		const failure = error instanceof ChunkFailure ? error : new ChunkFailure('service', scrub(error instanceof Error ? error.message : String(error)));
		if (failure.fatal) {
			this.store.updateChunk(index, {state: 'failed', lastError: failure.fatal.message});
			this.stop(failure.fatal);
			return;
		}

		if (this.stopping) {
			this.store.updateChunk(index, {state: 'pending', received: 0});
			return;
		}

		if (failure.kind === 'aborted' || (controller.signal.aborted && this.paused)) {
			// Paused: not a failure; fetched again on resume.
			this.store.updateChunk(index, {state: 'pending', received: 0});
			this.queue.unshift(index);
			return;
		}

		this.failures[index]++;
		const chunk = this.plan.chunks[index];
		const label = `chunk ${index + 1} (bytes ${chunk.start}-${chunk.end})`;
		if (this.failures[index] >= this.maxAttempts) {
			const verification = failure.kind === 'hash' || failure.kind === 'size';
			const code: ExitCodeValue = verification ? ExitCode.verification : ExitCode.service;
			const what = verification ? 'verification failed' : 'download failed';
			const message = `${what}: ${label} failed ${this.failures[index]} times, last: ${failure.message}. ${partPath(this.options.outfile)} and its journal are kept: run the same command again to continue`;
			this.store.updateChunk(index, {state: 'failed', lastError: failure.message});
			if (verification) {
				const snapshot = this.store.getSnapshot();
				this.store.set({verdict: {ok: false, checkedBy: snapshot.verification.mode, summary: message}});
			}

			this.stop(new ThawError(message, code));
			return;
		}

		const delay = backoffDelay(this.failures[index], {baseMs: this.options.retryBaseMs, capMs: this.options.retryCapMs});
		this.store.updateChunk(index, {state: 'retrying', lastError: failure.message});
		this.store.addRetry();
		this.store.log('warn', `${label}: ${failure.message}; retry ${this.failures[index]} of ${this.maxAttempts - 1} in ${(delay / 1000).toFixed(1)} s`, index);
		const timer = setTimeout(() => {
			this.retryTimers.delete(index);
			if (this.stopping) return;
			this.queue.unshift(index);
			this.pump();
		}, delay);
		this.retryTimers.set(index, timer);
	}

	/** One GET of one chunk: stream to the .part, hash, check. Throws ChunkFailure. */
	private async attempt(index: number, controller: AbortController): Promise<void> {
		const {plan} = this;
		const chunk = plan.chunks[index];
		const length = chunk.end - chunk.start + 1;
		const range = formatRange(chunk.start, chunk.end);
		const coversOutput = chunk.start === 0 && chunk.end === plan.info.outputSize - 1;
		const {connection, vaultName, jobId} = this.options;
		const client = connection.outputClient ?? connection.client;

		let stalled = false;
		let idle: NodeJS.Timeout | undefined;
		let body: Readable | undefined;
		// One lazy idle timer per attempt: pieces only note the time; the timer,
		// when it fires, re-arms itself for what is left of the quiet period.
		// Time spent waiting on our own writes and hashes never counts as a stall.
		const activity: Flow = {last: 0, holding: false, received: 0};
		const onIdle = () => {
			idle = undefined;
			const quiet = performance.now() - activity.last;
			if (activity.holding || quiet < this.readTimeoutMs) {
				idle = setTimeout(onIdle, activity.holding ? this.readTimeoutMs : this.readTimeoutMs - quiet);
				return;
			}

			stalled = true;
			controller.abort(new Error('stalled'));
			body?.destroy(new Error('stalled'));
		};

		const arm = () => {
			activity.last = performance.now();
			if (!idle && this.readTimeoutMs > 0) idle = setTimeout(onIdle, this.readTimeoutMs);
		};

		const disarm = () => {
			if (idle) clearTimeout(idle);
			idle = undefined;
		};

		const stallMessage = () => `no data for ${(this.readTimeoutMs / 1000).toFixed(1)} s (stalled)`;

		try {
			arm();
			let response;
			try {
				response = await client.send(new GetJobOutputCommand({accountId: connection.accountId, vaultName, jobId, range}), {abortSignal: controller.signal});
			} catch (error) {
				throw this.classify(error, controller, stalled, stallMessage);
			}

			body = response.body as Readable | undefined;
			if (stalled) throw new ChunkFailure('stall', stallMessage());
			arm();
			const status = response.status ?? response.$metadata.httpStatusCode ?? 0;
			this.noteResponse(response);
			if (status === 200 && !coversOutput) {
				throw new ChunkFailure('service', `the server ignored the Range header and answered 200 with the whole output instead of 206 with ${range}; nothing was written`);
			}

			if (status !== 200 && status !== 206) throw new ChunkFailure('service', `unexpected HTTP status ${status} for ${range}`);
			if (status === 206) {
				try {
					checkContentRange(response.contentRange, chunk.start, chunk.end, plan.info.outputSize);
				} catch (error) {
					if (error instanceof RangeHeaderError) throw new ChunkFailure('service', inert(error.message));
					throw error;
				}
			}

			if (!body) throw new ChunkFailure('size', `the server sent no body for ${range}`);

			let received: number;
			let computed: string;
			try {
				({received, computed} = await this.receive(index, body, length, range, activity));
			} catch (error) {
				if (error instanceof ChunkFailure) throw error;
				if (stalled) throw new ChunkFailure('stall', stallMessage());
				if (controller.signal.aborted) throw new ChunkFailure('aborted', 'stopped');
				throw new ChunkFailure('service', `connection broke after ${activity.received} of ${length} bytes (${scrub(error instanceof Error ? error.message : String(error))})`);
			}

			if (stalled) throw new ChunkFailure('stall', stallMessage());
			if (received !== length) throw new ChunkFailure('size', `short body: ${received} of ${length} bytes arrived for ${range}`);
			disarm();
			this.store.updateChunk(index, {state: 'verifying'});
			const sent = typeof response.checksum === 'string' && response.checksum !== '' ? response.checksum.toLowerCase() : undefined;
			if (sent && sent !== computed) {
				throw new ChunkFailure('hash', `tree hash mismatch for ${range}: computed ${computed.slice(0, 16)}…, Glacier sent ${inert(sent.slice(0, 16))}…`);
			}

			if (!sent && plan.hashExpected[index] && !this.missingHashWarned) {
				this.missingHashWarned = true;
				this.store.log('warn', `Glacier sent no tree hash for the aligned ${range}: such chunks are checked by size here, and by the whole-output hash at the end when known`, index);
			}

			this.chunkHashes[index] = computed;
			this.serverHashes[index] = sent;
			this.store.updateChunk(index, {state: 'verified', received: length, treeHash: computed, ...(sent ? {expectedHash: sent} : {}), checkedBy: sent ? 'tree-hash' : 'size'});
		} finally {
			disarm();
			if (body && !body.destroyed) body.destroy();
		}
	}

	/**
	 * Stream one response body into the .part: pieces are copied into slots
	 * (256 KiB, or 1 MiB leaves in shared memory when hashing threads are on);
	 * a full slot is hashed (here, or on a worker while it is written) and
	 * written at its place, and reused once both are done. At most
	 * SLOTS_PER_CHUNK slots per chunk: when both are busy the body is paused
	 * (the socket stops reading) until one frees. Each piece is handled in the
	 * 'data' event that brings it: no promise and no await per piece. Throws
	 * ChunkFailure for size and local write problems; stream errors are passed
	 * on as they are.
	 */
	private async receive(index: number, body: Readable, length: number, range: string, flow: Flow): Promise<{received: number; computed: string}> {
		const chunk = this.plan.chunks[index];
		const base = chunk.start - this.plan.start;
		const leafSize = this.slotSize;
		const hasher = this.hasher!;
		const combiner = new TreeHashCombiner();
		const early = new Map<number, Buffer>();
		let nextDigest = 0;
		let leaves = 0;
		let held = 0;
		const outstanding = new Set<Promise<void>>();
		const shared = hasher.threads > 0;
		const local = shared ? undefined : new TreeHasher();
		let view: Buffer | undefined;
		let fill = 0;
		let stash: Buffer | undefined;
		let stashAt = 0;
		let failure: unknown;
		let settle: ((error?: unknown) => void) | undefined;
		let parked = false;
		const resumeIfFree = () => {
			if (!stash && !parked && failure === undefined) body.resume();
		};

		const unpark = () => {
			parked = false;
			resumeIfFree();
		};

		const fail = (error: unknown) => {
			failure ??= error;
			if (!body.destroyed) body.destroy();
			settle?.(failure);
		};

		const digest = (leaf: number, value: Buffer) => {
			early.set(leaf, value);
			for (let next = early.get(nextDigest); next; next = early.get(nextDigest)) {
				early.delete(nextDigest++);
				combiner.push(next);
			}
		};

		const release = (done: Buffer) => {
			held--;
			this.freeSlots.push(done);
			if (stash && failure === undefined) {
				const piece = stash;
				stash = undefined;
				flow.holding = false;
				flow.last = performance.now();
				consume(piece, stashAt);
				resumeIfFree();
			}
		};

		const dispatch = () => {
			const full = view!;
			const data = full.subarray(0, fill);
			const at = base + (leaves * leafSize);
			const leaf = leaves++;
			this.store.received(index, fill);
			view = undefined;
			fill = 0;
			// Hashed here (a slot at a time, well under a millisecond) or, with
			// hashing threads, on a worker while the same bytes are written.
			local?.update(data);
			const work = Promise.all([
				this.writeAt(data, at),
				local ? undefined : hasher.hash(full.buffer as SharedArrayBuffer, data.length).then(value => {
					digest(leaf, value);
				}, (error: unknown) => {
					throw new ChunkFailure('service', `hashing failed (${scrub(error instanceof Error ? error.message : String(error))})`);
				}),
			]).then(() => undefined, fail).finally(() => {
				outstanding.delete(work);
				release(full);
			});
			outstanding.add(work);
		};

		const consume = (piece: Buffer, from: number) => {
			let offset = from;
			while (offset < piece.length) {
				if (!view) {
					if (held >= SLOTS_PER_CHUNK) {
						stash = piece;
						stashAt = offset;
						flow.holding = true;
						body.pause();
						return;
					}

					held++;
					view = this.freeSlots.pop() ?? (shared ? Buffer.from(new SharedArrayBuffer(leafSize)) : Buffer.allocUnsafeSlow(leafSize));
				}

				const take = Math.min(piece.length - offset, leafSize - fill);
				piece.copy(view!, fill, offset, offset + take);
				fill += take;
				offset += take;
				if (fill === leafSize) dispatch();
			}
		};

		const onData = (piece: Buffer) => {
			if (failure !== undefined) return;
			if (flow.received + piece.length > length) {
				fail(new ChunkFailure('size', `the server sent more than the ${length} bytes asked for (${range}); nothing past the chunk was written`));
				return;
			}

			flow.last = performance.now();
			flow.received += piece.length;
			if (stash) {
				// A piece that slipped past pause(): queue it behind the waiting one.
				stash = Buffer.concat([stash.subarray(stashAt), piece]);
				stashAt = 0;
				return;
			}

			consume(piece, 0);
			if (!parked && this.spend(piece.length, unpark)) {
				parked = true;
				body.pause();
			}
		};

		// Each piece is handled where it arrives: no promise, no await per piece.
		let error = await new Promise<unknown>(resolve => {
			settle = resolve;
			body.on('data', onData);
			finished(body, streamError => {
				if (streamError) fail(streamError);
				else resolve(undefined);
			});
		});
		settle = undefined;
		body.off('data', onData);
		if (error === undefined && fill > 0) dispatch();
		while (outstanding.size > 0) {
			// eslint-disable-next-line no-await-in-loop
			await Promise.allSettled([...outstanding]);
		}

		if (view) {
			held--;
			this.freeSlots.push(view);
		}

		error ??= failure;
		if (error !== undefined) throw error;
		return {received: flow.received, computed: local ? local.hex() : (combiner.root() ?? emptyDigest).toString('hex')};
	}

	/** Count bytes against this turn's budget; true when it is used up (`wake` is then called next turn). */
	private spend(bytes: number, wake: () => void): boolean {
		this.turn ??= setImmediate(() => {
			this.turn = undefined;
			this.turnBytes = 0;
			for (const parked of this.parked.splice(0)) parked();
		});
		this.turnBytes += bytes;
		if (this.turnBytes < (this.options.turnBudget ?? TURN_BUDGET)) return false;
		this.parked.push(wake);
		return true;
	}

	private async writeAt(data: Buffer, at: number): Promise<void> {
		try {
			await this.part!.write(data, 0, data.length, at);
		} catch (error) {
			throw new ChunkFailure('service', 'write failed', localError(error, `write ${partPath(this.options.outfile)}`));
		}
	}

	private classify(error: unknown, controller: AbortController, stalled: boolean, stallMessage: () => string): ChunkFailure {
		if (stalled) return new ChunkFailure('stall', stallMessage());
		if (controller.signal.aborted) return new ChunkFailure('aborted', 'stopped');
		const name = errorName(error);
		const message = scrub(error instanceof Error ? error.message : String(error));
		if (isRetryable(error)) {
			const status = httpStatus(error);
			return new ChunkFailure('service', `${name || 'network error'}${status ? ` (HTTP ${status})` : ''}: ${message}`);
		}

		return new ChunkFailure('service', message, toThawError(error, {connection: this.options.connection, what: 'download the job output', vaultName: this.options.vaultName, jobId: this.options.jobId}));
	}

	private noteResponse(response: {contentType?: string; acceptRanges?: string; archiveDescription?: string}): void {
		if (this.meta) return;
		this.meta = {
			type: 'meta',
			...(response.contentType ? {contentType: response.contentType} : {}),
			...(response.acceptRanges ? {acceptRanges: response.acceptRanges} : {}),
			...(response.archiveDescription === undefined ? {} : {archiveDescription: response.archiveDescription}),
		};
	}

	/** Stop everything in flight and fail (or cancel) with this error. */
	private stop(error: ThawError): void {
		if (this.stopping) return;
		this.stopping = error;
		for (const timer of this.retryTimers.values()) clearTimeout(timer);
		this.retryTimers.clear();
		this.queue.length = 0;
		for (const flight of this.inFlight.values()) flight.controller.abort(error);
		const reject = this.fail;
		this.fail = undefined;
		if (reject) {
			// Let every attempt settle (no writes to a closed file) before failing.
			void Promise.allSettled([...this.inFlight.values()].map(async flight => flight.promise)).then(() => {
				reject(error);
			});
		}
	}

	/** Stop the hashing thread and let the leaf slots go. */
	private async release(): Promise<void> {
		this.freeSlots.length = 0;
		await this.hasher?.close();
	}

	private async closeFiles(): Promise<void> {
		await Promise.allSettled([...this.inFlight.values()].map(async flight => flight.promise));
		const part = this.part;
		const journal = this.journal;
		this.part = undefined;
		this.journal = undefined;
		await part?.close().catch(() => undefined);
		await journal?.close().catch(() => undefined);
	}

	/** Check the whole, then fsync and rename the .part to its final name. */
	private async finish(): Promise<DownloadResult> {
		const {plan, options} = this;
		this.store.phaseTo('verifying');
		const computed = combineTreeHashes(this.chunkHashes.map(hash => hash!)).toString('hex');
		const part = partPath(options.outfile);
		const {size} = await this.part!.stat();
		const failures: string[] = [];
		if (size !== plan.total) failures.push(`${part} holds ${size} bytes, not ${plan.total}`);
		if (plan.expectedTreeHash && computed !== plan.expectedTreeHash) failures.push(`tree hash ${computed} does not match the job's SHA256TreeHash ${plan.expectedTreeHash}`);
		if (plan.archiveTreeHash && computed !== plan.archiveTreeHash) failures.push(`tree hash ${computed} does not match the archive's ArchiveSHA256TreeHash ${plan.archiveTreeHash}`);
		if (plan.info.kind === 'inventory' && plan.whole && size !== plan.info.outputSize) failures.push(`the inventory is ${size} bytes, not InventorySizeInBytes ${plan.info.outputSize}`);
		const allChunksHashed = plan.chunks.length > 0 && this.store.getSnapshot().chunks.every(chunk => chunk.checkedBy === 'tree-hash');
		const checkedBy: Verdict['checkedBy'] = plan.expectedTreeHash || allChunksHashed ? 'tree-hash' : 'size';
		const expected = plan.expectedTreeHash ?? (allChunksHashed ? computed : undefined);

		if (failures.length > 0) {
			const summary = `verification failed: ${failures.join('; ')}. Nothing was written under ${options.outfile}; ${part} and its journal are kept (delete both to download again)`;
			this.store.set({verdict: {ok: false, computed, expected, checkedBy, summary}});
			throw new ThawError(inert(summary), ExitCode.verification);
		}

		try {
			await this.part!.sync();
			await this.part!.close();
			this.part = undefined;
			await this.journal!.close();
			this.journal = undefined;
			await rename(part, options.outfile);
			await unlink(journalPath(options.outfile)).catch(() => undefined);
			await syncDirectory(options.outfile);
		} catch (error) {
			throw localError(error, `move ${part} to ${options.outfile}`);
		}

		let summary: string;
		if (plan.expectedTreeHash) {
			summary = `verified: tree hash ${computed} matches the job's SHA256TreeHash${plan.archiveTreeHash ? ' and the archive\'s ArchiveSHA256TreeHash' : ''}`;
		} else if (allChunksHashed) {
			summary = `verified: ${plan.chunks.length === 1 ? 'the chunk matches Glacier\'s tree hash' : `all ${plan.chunks.length} chunks match Glacier's tree hashes`}; tree hash of the bytes ${computed}`;
		} else {
			summary = `sizes checked (${plan.total} bytes), tree hash not verified: ${plan.verification.reason ?? 'Glacier sent no tree hashes'}`;
		}

		const verdict: Verdict = {ok: true, computed, expected, checkedBy, summary};
		this.store.log('info', summary);
		this.store.phaseTo('done', {verdict});
		const meta = this.meta;
		const response: DownloadResponse = {
			status: plan.whole ? 200 : 206,
			contentType: meta?.contentType ?? plan.info.contentType,
			acceptRanges: meta?.acceptRanges ?? 'bytes',
			...(meta?.archiveDescription === undefined ? {} : {archiveDescription: meta.archiveDescription}),
			...(plan.whole ? {} : {contentRange: `bytes ${plan.start}-${plan.end}/${plan.info.outputSize}`}),
			...(plan.checksumSent ? {checksum: computed} : {}),
		};
		return {verdict, snapshot: this.store.getSnapshot(), job: this.job, response};
	}
}

async function exists(path: string): Promise<boolean> {
	try {
		await stat(path);
		return true;
	} catch {
		return false;
	}
}

async function syncDirectory(file: string): Promise<void> {
	const slash = file.lastIndexOf('/');
	const directory = slash === -1 ? '.' : (slash === 0 ? '/' : file.slice(0, slash));
	try {
		const handle = await open(directory, 'r');
		await handle.sync().catch(() => undefined);
		await handle.close();
	} catch {
		// Not every platform can open or fsync a directory; the rename itself is done.
	}
}

const localHints: Record<string, string> = {
	ENOSPC: 'the disk is full: free some space, then run the same command again to continue',
	EDQUOT: 'the disk quota is exceeded: free some space, then run the same command again to continue',
	EACCES: 'permission denied: choose a folder you can write to',
	EPERM: 'permission denied: choose a folder you can write to',
	ENOENT: 'the folder does not exist: create it or choose another path',
	EROFS: 'the file system is read-only: choose another folder',
	EISDIR: 'that is a directory: give a file name',
	ENOTDIR: 'part of the path is not a directory',
};

/** A local file problem as one exit-6 line. */
export function localError(error: unknown, what: string): ThawError {
	if (error instanceof ThawError) return error;
	const code = (error as NodeJS.ErrnoException)?.code ?? '';
	const hint = localHints[code] ?? scrub((error as Error)?.message ?? String(error));
	return new ThawError(`cannot ${inert(what)}: ${hint}${code && !localHints[code] ? '' : code ? ` (${code})` : ''}`, ExitCode.local, {cause: error});
}
