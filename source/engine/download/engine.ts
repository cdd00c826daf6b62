/**
 * The download engine: a job's output (or a byte range of it) fetched in
 * parallel tree-hash-aligned chunks, each streamed straight to its place in
 * `<outfile>.part` and hashed as it streams, checked chunk by chunk and as a
 * whole, then renamed to its final name. Broken, short, stalled, throttled or
 * corrupted chunks are fetched again with backoff; verified chunks are
 * journaled so a later run continues where this one stopped.
 *
 * This file is the queue and the lifecycle (plan, resume, pause, cancel,
 * finish); one attempt is attempt.ts, the body's way to disk chunk-sink.ts,
 * the files part-file.ts, adopting a journal resume.ts, retry-or-fail
 * retry-policy.ts and its timers retries.ts, the verdict verdict.ts. Many
 * downloads can share one DownloadPool (pool.ts).
 *
 * Memory: each chunk in flight holds at most SLOTS_PER_CHUNK slots (256 KiB,
 * or 1 MiB with hashing threads; reused from one chunk to the next) plus the
 * socket's own buffers, whatever the chunk or file size. Responsiveness: no
 * synchronous step hashes more than one slot, and all bodies together hand
 * over at most TURN_BUDGET bytes per event-loop turn.
 */
import {ExitCode, ThawError} from '../../errors.js';
import {inert} from '../../inert.js';
import type {Connection} from '../../glacier/client.js';
import {describeJob, type Job} from '../../glacier/api.js';
import {scrub, toThawError} from '../../glacier/errors.js';
import type {ChunkView, Verdict} from '../download-state.js';
import {EngineStore} from '../download-store.js';
import {checkJobReady, describeOutput, planDownload, type DownloadPlan} from '../job-plan.js';
import {formatRange} from '../ranges.js';
import {combineTreeHashes, LEAF_SIZE} from '../tree-hash.js';
import {attemptChunk, mostKept, probeEmptyOutput, StoppedAttempt, type AttemptContext, type KeptLeaves} from './attempt.js';
import {defaultHashThreads, type Download, type DownloadOptions, type DownloadResult} from './options.js';
import {LOCAL_SLOT} from './chunk-sink.js';
import {acquireLock, type Lock} from '../lock.js';
import {checkJournalMatches, checkOutfile, checkOutfileError, exists, finishedEarlier, journalHeaderFor, localError, lockPath, lockWhat, partPath, PartFile, readJournalOf} from './part-file.js';
import {DownloadPool} from './pool.js';
import {ChunkRetries} from './retries.js';
import {ChunkFailure} from './retry-policy.js';
import {adoptJournal, ResponseMeta} from './resume.js';
import {journalOnlyReason, judge} from './verdict.js';

export {defaultHashThreads, type Download, type DownloadOptions, type DownloadResult} from './options.js';

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

function keptBytes(kept: KeptLeaves | undefined): number {
	return (kept?.leaves.length ?? 0) * LEAF_SIZE;
}

class DownloadEngine {
	readonly store: EngineStore;
	readonly done: Promise<DownloadResult>;
	private readonly options: DownloadOptions;
	private readonly connection: Connection;
	private readonly pool: DownloadPool;
	/** The pool is this download's own: closed when it ends. */
	private readonly ownPool: boolean;
	private readonly concurrency: number;
	private readonly readTimeoutMs: number;
	private plan!: DownloadPlan;
	private job!: Job;
	private files: PartFile | undefined;
	private lock: Lock | undefined;
	private context!: AttemptContext;
	private readonly queue: number[] = [];
	private readonly inFlight = new Map<number, InFlight>();
	private readonly retries: ChunkRetries;
	private chunkHashes: Array<string | undefined> = [];
	private readonly meta = new ResponseMeta();
	private paused = false;
	private stopping: ThawError | undefined;
	private allVerified: (() => void) | undefined;
	private fail: ((error: ThawError) => void) | undefined;
	private missingHashWarned = false;
	/** Resumed chunks that only the journal vouches for (no whole-output hash to re-check them). */
	private journalOnly = 0;
	/**
	 * Chunks stopped mid-way whose first whole leaves are in the .part (and
	 * journaled): the next attempt fetches only the rest. `journaled`: taken
	 * from an earlier run's journal, so its chunk hash is the journal's word.
	 */
	private readonly kept = new Map<number, KeptLeaves & {journaled?: boolean}>();
	private slotSize = LEAF_SIZE;

	constructor(options: DownloadOptions) {
		this.options = options;
		const connection = options.pool?.connection ?? options.connection;
		if (!connection) throw new TypeError('startDownload needs a connection or a pool');
		this.connection = connection;
		this.ownPool = !options.pool;
		this.concurrency = Math.max(1, options.concurrency ?? 8);
		this.pool = options.pool ?? new DownloadPool({connection, concurrency: this.concurrency, hashThreads: options.hashThreads ?? defaultHashThreads(), turnBudget: options.turnBudget});
		this.readTimeoutMs = options.readTimeoutMs === undefined ? 60_000 : options.readTimeoutMs;
		this.store = new EngineStore({vaultName: options.vaultName, jobId: options.jobId, outfile: options.outfile, notifyMs: options.notifyMs});
		this.retries = new ChunkRetries({store: this.store, maxAttempts: Math.max(1, options.maxAttempts ?? 8), part: partPath(options.outfile), baseMs: options.retryBaseMs, capMs: options.retryCapMs});
		if (options.signal) {
			if (options.signal.aborted) queueMicrotask(() => this.cancel());
			else options.signal.addEventListener('abort', this.onAbort, {once: true});
		}

		this.done = this.run();
		this.done.catch(() => undefined);
	}

	private readonly onAbort = (): void => {
		this.cancel();
	};

	pause(): void {
		if (this.paused || this.finished) return;
		this.paused = true;
		if (this.store.phase === 'downloading') this.store.phaseTo('paused');
		this.store.log('info', 'paused: chunks in flight are stopped; their whole 1 MiB leaves are kept, and only the rest is fetched on resume');
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
		const {options, connection} = this;
		const {vaultName, jobId, outfile} = options;
		this.job = options.job ?? await describeJob(connection, vaultName, jobId);
		checkJobReady(this.job, vaultName);
		const info = describeOutput(this.job);
		this.checkStopped();
		// One writer per file: before anything beside it is read or written.
		if (options.lock !== false) this.lock = await acquireLock(lockPath(outfile), {what: lockWhat(outfile)});
		this.checkStopped();

		// Owned and one chunk: no journal is read or kept (nothing in one could be resumed), see DownloadOptions.owned.
		const oneShot = options.owned === true && options.chunkSize === undefined && planDownload(info, {range: options.range}).chunks.length <= 1;
		const existing = oneShot || options.resume === 'never' ? null : await readJournalOf(outfile);
		const chunkSize = options.chunkSize ?? existing?.header.chunkSize;
		this.plan = planDownload(info, {range: options.range, chunkSize});
		const {plan} = this;
		const header = journalHeaderFor(plan, {vaultName, jobId, outputSize: info.outputSize});
		// Killed between the final rename and the journal's removal: the file is there, and so is its journal.
		const renamed = existing !== null && await finishedEarlier(outfile, existing, header, plan.chunks);
		// An owner checked the final name itself, just before.
		if (!renamed && !options.owned) await checkOutfile(outfile, options.overwrite);
		if (existing) checkJournalMatches(outfile, existing.header, header);

		this.store.plan({
			total: plan.total,
			chunkSize: plan.chunkSize,
			verification: plan.verification,
			expectedTreeHash: plan.expectedTreeHash,
		}, plan.chunks.map((chunk): ChunkView => ({index: chunk.index, start: chunk.start, end: chunk.end, state: 'pending', received: 0, attempts: 0})));
		if (plan.verification.reason) this.store.log('info', `not fully verifiable: ${plan.verification.reason}`);

		this.chunkHashes = plan.chunks.map(() => undefined);
		const resuming = existing !== null && (renamed || await exists(partPath(outfile)));
		const ours = options.owned === true || existing !== null || (options.resume === 'never' && await readJournalOf(outfile).catch(() => null) !== null);
		this.files = renamed ? await PartFile.openFinished(outfile) : await PartFile.open(outfile, {resuming, total: plan.total, header, ours, overwrite: options.overwrite, journal: !oneShot});
		if (resuming) {
			this.meta.adopt(existing.meta);
			this.journalOnly = await adoptJournal({files: this.files, plan, store: this.store, outfile, chunkHashes: this.chunkHashes, checkStopped: this.checkStopped, kept: this.kept}, existing.chunks, existing.leaves);
		}

		if (renamed && this.chunkHashes.includes(undefined)) {
			// The file no longer matches its journal: it is not ours to finish, nor to overwrite unasked.
			await this.files.close();
			this.files = undefined;
			throw checkOutfileError(outfile);
		}

		this.checkStopped();

		this.store.phaseTo(this.paused ? 'paused' : 'downloading');
		for (const chunk of plan.chunks) {
			if (this.chunkHashes[chunk.index] === undefined) this.queue.push(chunk.index);
		}

		if (this.queue.length > 0) {
			const {hasher} = this.pool;
			// Hashing threads take whole 1 MiB leaves in shared memory; hashing here takes any size, so slots stay small.
			this.slotSize = Math.max(1, Math.min(hasher.threads ? LEAF_SIZE : LOCAL_SLOT, plan.total));
			const files = this.files;
			this.context = {
				connection,
				vaultName,
				jobId,
				plan,
				readTimeoutMs: this.readTimeoutMs,
				progressFloor: Math.max(0, options.progressFloor ?? 1024),
				sink: {
					slotSize: this.slotSize,
					hasher,
					slots: this.pool.slots,
					progress: (index, bytes) => {
						this.store.received(index, bytes);
					},
					write: async (data, at) => files.writeAt(data, at),
					file: files,
				},
				noteResponse: headers => {
					this.meta.note(headers);
				},
				verifying: index => {
					this.store.updateChunk(index, {state: 'verifying'});
				},
			};
		}

		if (plan.total === 0) await this.askEmpty();
		await new Promise<void>((resolve, reject) => {
			this.allVerified = resolve;
			this.fail = reject;
			this.pump();
		});
		this.checkStopped();

		return this.finish();
	}

	/** A job that says its output is 0 bytes: ask Glacier, and refuse when bytes come. */
	private async askEmpty(): Promise<void> {
		const {connection, options} = this;
		const probe = await probeEmptyOutput(connection, options.vaultName, options.jobId, options.signal);
		this.meta.note(probe.headers);
		if (probe.received > 0) {
			throw new ThawError(`job ${inert(options.jobId.slice(0, 16))}… says its output is 0 bytes, but Glacier's GetJobOutput sends data: the job description is wrong; run the same command again later, or start a new retrieval`, ExitCode.service);
		}

		this.store.log('info', 'the job says its output is 0 bytes, and GetJobOutput answered with an empty body');
	}

	private readonly checkStopped = (): void => {
		if (this.stopping) throw this.stopping;
	};

	/** Start chunks while there is room (here and in the pool); settle when everything is verified. */
	private readonly pump = (): void => {
		if (this.paused || this.stopping || !this.allVerified) return;
		while (this.inFlight.size < this.concurrency && this.queue.length > 0) {
			if (!this.pool.acquire(this.slotSize, this.pump)) break;
			const index = this.queue.shift()!;
			this.startChunk(index);
		}

		if (this.inFlight.size === 0 && this.queue.length === 0 && this.retries.waiting === 0) {
			const resolve = this.allVerified;
			this.allVerified = undefined;
			resolve();
		}
	};

	private startChunk(index: number): void {
		const controller = new AbortController();
		const view = this.store.chunk(index);
		const kept = this.kept.get(index);
		this.store.updateChunk(index, {state: 'downloading', received: keptBytes(kept), attempts: view.attempts + 1});
		const promise = attemptChunk(this.context, index, controller, kept).then(
			async result => this.chunkVerified(index, result.computed, result.sent),
			async (error: unknown) => this.chunkFailed(index, error, controller),
		).catch((error: unknown) => {
			// A failure while handling a failure (e.g. the journal cannot be written): end the download.
			this.stop(error instanceof ThawError ? error : localError(error, 'record progress'));
		}).finally(() => {
			this.inFlight.delete(index);
			this.pool.release(this.slotSize);
			this.pump();
		});
		this.inFlight.set(index, {controller, promise});
	}

	private async chunkVerified(index: number, computed: string, sent: string | undefined): Promise<void> {
		const {plan} = this;
		const chunk = plan.chunks[index];
		if (!sent && plan.hashExpected[index] && !this.missingHashWarned) {
			this.missingHashWarned = true;
			this.store.log('warn', `Glacier sent no tree hash for the aligned ${formatRange(chunk.start, chunk.end)}: such chunks are checked by size here, and by the whole-output hash at the end when known`, index);
		}

		this.chunkHashes[index] = computed;
		const kept = this.kept.get(index);
		this.kept.delete(index);
		// Kept leaves of an earlier run, checked against the chunk hash its journal gave: only the journal vouches, unless the whole-output hash re-checks.
		const journalOnly = kept?.journaled === true && kept.leaves.length > 0 && !plan.expectedTreeHash;
		if (journalOnly) this.noteJournalOnly();
		this.store.updateChunk(index, {state: 'verified', received: chunk.end - chunk.start + 1, treeHash: computed, ...(sent ? {expectedHash: sent} : {}), checkedBy: sent && !journalOnly ? 'tree-hash' : 'size'});
		await this.meta.recordOnce(this.files!);
		await this.files!.record({type: 'chunk', index, start: chunk.start, end: chunk.end, treeHash: computed});
	}

	private async chunkFailed(index: number, error: unknown, controller: AbortController): Promise<void> {
		const failure = error instanceof ChunkFailure ? error : new ChunkFailure('service', scrub(error instanceof Error ? error.message : String(error)));
		if (failure.fatal) {
			this.store.updateChunk(index, {state: 'failed', lastError: failure.fatal.message});
			this.stop(failure.fatal);
			return;
		}

		if (failure instanceof StoppedAttempt) await this.keep(index, failure.kept);
		if (failure.kind === 'hash' && this.kept.has(index)) {
			// Kept leaves and the rest do not add up to the chunk's hash: which part is wrong is unknown, so all of it goes.
			this.kept.delete(index);
			this.store.log('warn', `${failure.message}: the whole chunk is fetched again`, index);
			await this.files!.record({type: 'leaves', index, start: this.plan.chunks[index].start, end: this.plan.chunks[index].end, leaves: ''});
		}

		if (this.stopping) {
			this.store.updateChunk(index, {state: 'pending', received: keptBytes(this.kept.get(index))});
			return;
		}

		if (failure.kind === 'aborted' || (controller.signal.aborted && this.paused)) {
			// Paused: not a failure; the rest is fetched on resume.
			this.store.updateChunk(index, {state: 'pending', received: keptBytes(this.kept.get(index))});
			this.queue.unshift(index);
			return;
		}

		const fatal = this.retries.failed(index, this.plan, failure, () => {
			if (this.stopping) return;
			this.queue.unshift(index);
			this.pump();
		});
		if (fatal) this.stop(fatal);
	}

	/**
	 * A stopped chunk's whole leaves, kept: the .part is fsynced first, then
	 * the journal says which leaves (and fsynced), so a journaled leaf always
	 * has its bytes on disk. Only more leaves than already kept are worth a record.
	 */
	private async keep(index: number, stopped: KeptLeaves): Promise<void> {
		const before = this.kept.get(index);
		const chunk = this.plan.chunks[index];
		const kept = {...stopped, leaves: stopped.leaves.slice(0, mostKept(chunk))};
		if (kept.leaves.length <= (before?.leaves.length ?? 0)) return;
		this.kept.set(index, {...kept, ...(before?.journaled ? {journaled: true} : {})});
		const files = this.files!;
		// Without a journal (one chunk its owner journals) there is nothing to make durable: kept for this run only.
		if (!files.journaled) return;
		await files.durable();
		await files.recordDurably({type: 'leaves', index, start: chunk.start, end: chunk.end, leaves: Buffer.concat(kept.leaves).toString('hex'), ...(kept.chunkHash ? {chunkHash: kept.chunkHash} : {})});
	}

	private noteJournalOnly(): void {
		this.journalOnly++;
		const {verification} = this.plan;
		this.store.set({verification: {mode: 'size', reason: journalOnlyReason(this.journalOnly, verification.reason)}});
	}

	/** Stop everything in flight and fail (or cancel) with this error. */
	private stop(error: ThawError): void {
		if (this.stopping) return;
		this.stopping = error;
		this.retries.clear();
		this.queue.length = 0;
		this.pool.forget(this.pump);
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

	/** The lock goes; a private pool's hashing threads and slots go; a shared pool stays for the others. */
	private async release(): Promise<void> {
		// Many downloads share one signal (a restore's thousands): each lets go of it when it ends.
		this.options.signal?.removeEventListener('abort', this.onAbort);
		const {lock} = this;
		this.lock = undefined;
		await lock?.release();
		this.pool.forget(this.pump);
		if (this.ownPool) await this.pool.close();
	}

	private async closeFiles(): Promise<void> {
		await Promise.allSettled([...this.inFlight.values()].map(async flight => flight.promise));
		const files = this.files;
		this.files = undefined;
		await files?.close();
	}

	/** Check the whole, then fsync and rename the .part to its final name. */
	private async finish(): Promise<DownloadResult> {
		const {plan, options} = this;
		const files = this.files!;
		this.store.phaseTo('verifying');
		const computed = combineTreeHashes(this.chunkHashes.map(hash => hash!)).toString('hex');
		const info = await files.stat();
		const {ok, verdict} = judge({plan, computed, size: info.size, chunks: this.store.getSnapshot().chunks, part: files.part, outfile: options.outfile, journalOnly: this.journalOnly});
		if (!ok) {
			this.store.set({verdict});
			throw new ThawError(inert(verdict.summary), ExitCode.verification);
		}

		await files.commit(info);
		this.files = undefined;
		this.store.log('info', verdict.summary);
		this.store.phaseTo('done', {verdict});
		return {verdict, snapshot: this.store.getSnapshot(), job: this.job, plan, headers: this.meta.reported()};
	}
}
