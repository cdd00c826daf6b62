/**
 * The restore journal of one shard: the single writer of
 * PLAN/shards/<K>-of-<N>/journal.log and state.bin (the runner holds the
 * shard's lock; readers use readShardState, which never writes).
 *
 * Appends are group-committed: records appended while a write is under way
 * go out together in the next write() (and one fsync when any of them asked
 * for it), so thousands of intents do not wait for thousands of fsyncs. A
 * record changes `state` once it is written, in append order, so the state
 * always equals a replay of what is on disk; `await append()` returns after
 * that. Compaction runs in the same queue: snapshot (temp + fsync + rename),
 * then a fresh log of the next generation (temp + fsync + rename), so a crash
 * at any point leaves either the old snapshot + old log or the new snapshot
 * (+ an old log that replay knows to skip).
 */
import {open, type FileHandle} from 'node:fs/promises';
import {join} from 'node:path';
import {ExitCode, ThawError} from '../errors.js';
import {writeFileAtomic} from './atomic.js';
import {
	applyRecord, encodeLine, encodeSnapshot, logFile, replayShard, stateFile,
	type JournalRecord, type LogHeader, type ShardState,
} from './state.js';

export {readShardState, archiveStates, StateCode, stateName, jobWindowMs} from './state.js';
export type {ArchiveState, JournalRecord, ShardState, Tier} from './state.js';

export type AppendOptions = {
	/** fsync before the promise resolves. Default: true for `intent` (written and synced BEFORE InitiateJob), else false. */
	sync?: boolean;
};

export type OpenOptions = {
	/** Compact on its own once this many records were appended since the last snapshot (0: never). Default 100,000. */
	autoCompactRecords?: number;
};

type Pending = {lines: string[]; records: JournalRecord[]; sync: boolean; waiters: Array<{resolve: () => void; reject: (error: Error) => void}>};


export class RestoreJournal {
	readonly state: ShardState;
	private gen: number;
	private handle: FileHandle;
	private pending: Pending | null = null;
	private flushing: Promise<void> | null = null;
	private broken: ThawError | null = null;
	private compactWaiters: Array<{resolve: () => void; reject: (error: Error) => void}> = [];
	private closed = false;
	private sinceSnapshot: number;
	private readonly autoCompactRecords: number;

	private constructor(private readonly shardDir: string, state: ShardState, gen: number, handle: FileHandle, sinceSnapshot: number, autoCompactRecords: number) {
		this.state = state;
		this.gen = gen;
		this.handle = handle;
		this.sinceSnapshot = sinceSnapshot;
		this.autoCompactRecords = autoCompactRecords;
	}

	/** Replay state.bin + journal.log, cut away a torn or damaged tail, and open the log for appending. */
	static async open(shardDir: string, planArchives: number, options: OpenOptions = {}): Promise<RestoreJournal> {
		const {state, gen, log, logApplies} = await replayShard(shardDir, planArchives);
		const logPath = join(shardDir, logFile);
		let handle: FileHandle;
		try {
			if (log && logApplies && log.header) {
				handle = await open(logPath, 'r+');
				const {size} = await handle.stat();
				if (log.validEnd < size) {
					await handle.truncate(log.validEnd);
					await handle.sync();
				}

				await handle.close();
				handle = await open(logPath, 'a');
			} else {
				// No log, a log the snapshot already holds, or one without a readable header: start this generation's log.
				// (A headerless log with no snapshot was replayed above; its records go into a snapshot first so none is lost.)
				if (log && logApplies && !log.header) {
					await writeFileAtomic(join(shardDir, stateFile), encodeSnapshot(state, gen));
				}

				handle = await RestoreJournal.freshLog(shardDir, gen, planArchives);
			}
		} catch (error) {
			if (error instanceof ThawError) throw error;
			throw new ThawError(`cannot open the restore journal in ${shardDir}: ${(error as Error).message}`, ExitCode.local);
		}

		return new RestoreJournal(shardDir, state, gen, handle, logApplies ? (log?.records.length ?? 0) : 0, options.autoCompactRecords ?? 100_000);
	}

	private static async freshLog(shardDir: string, gen: number, planArchives: number): Promise<FileHandle> {
		const header: LogHeader = {t: 'log', gen, planArchives, at: Date.now()};
		const logPath = join(shardDir, logFile);
		await writeFileAtomic(logPath, encodeLine(header));
		return open(logPath, 'a');
	}

	/** Append one record; resolves once it is written (and fsynced when asked) and applied to `state`. */
	async append(record: JournalRecord, options: AppendOptions = {}): Promise<void> {
		if (this.closed) throw new ThawError('the restore journal is closed', ExitCode.unexpected);
		if (this.broken) throw this.broken;
		const sync = options.sync ?? record.t === 'intent';
		this.pending ??= {lines: [], records: [], sync: false, waiters: []};
		const pending = this.pending;
		pending.lines.push(encodeLine(record));
		pending.records.push(record);
		pending.sync ||= sync;
		const done = new Promise<void>((resolve, reject) => {
			pending.waiters.push({resolve, reject});
		});
		this.kick();
		return done;
	}

	private kick(): void {
		if (this.flushing) return;
		this.flushing = this.flushLoop().finally(() => {
			this.flushing = null;
		});
	}

	private async flushLoop(): Promise<void> {
		while (this.pending || this.compactWaiters.length > 0) {
			const batch = this.pending;
			this.pending = null;
			if (batch) {
				try {
					if (this.broken) throw this.broken;
					await this.handle.write(batch.lines.join(''));
					if (batch.sync) await this.handle.sync();
					for (const record of batch.records) applyRecord(this.state, record);
					this.sinceSnapshot += batch.records.length;
					for (const waiter of batch.waiters) waiter.resolve();
				} catch (error) {
					this.broken ??= this.asJournalError(error, 'write');
					for (const waiter of batch.waiters) waiter.reject(this.broken);
					continue;
				}
			}

			const waiters = this.compactWaiters;
			if (waiters.length > 0 || (this.autoCompactRecords > 0 && this.sinceSnapshot >= this.autoCompactRecords)) {
				// Records appended meanwhile wait in `pending`: they are neither in this snapshot nor in the old log.
				this.compactWaiters = [];
				try {
					if (this.broken) throw this.broken;
					await this.compactNow();
					for (const waiter of waiters) waiter.resolve();
				} catch (error) {
					this.broken ??= this.asJournalError(error, 'compact');
					for (const waiter of waiters) waiter.reject(this.broken);
				}
			}
		}
	}

	private asJournalError(error: unknown, what: string): ThawError {
		return error instanceof ThawError ? error : new ThawError(`cannot ${what} the restore journal in ${this.shardDir}: ${(error as Error).message}`, ExitCode.local);
	}

	/** Wait until everything appended so far is written. */
	async flush(): Promise<void> {
		while (this.flushing) await this.flushing;
		if (this.broken) throw this.broken;
	}

	/** Write state.bin atomically, then start an empty journal.log of the next generation. */
	async compact(): Promise<void> {
		if (this.closed) throw new ThawError('the restore journal is closed', ExitCode.unexpected);
		if (this.broken) throw this.broken;
		const done = new Promise<void>((resolve, reject) => {
			this.compactWaiters.push({resolve, reject});
		});
		this.kick();
		return done;
	}

	private async compactNow(): Promise<void> {
		const next = this.gen + 1;
		await this.handle.sync();
		await writeFileAtomic(join(this.shardDir, stateFile), encodeSnapshot(this.state, next));
		// From here the snapshot holds everything; the old log (generation `gen`) is skipped by replay.
		const old = this.handle;
		this.handle = await RestoreJournal.freshLog(this.shardDir, next, this.state.states.length);
		this.gen = next;
		this.sinceSnapshot = 0;
		await old.close();
	}

	async close(): Promise<void> {
		if (this.closed) return;
		try {
			await this.flush();
			await this.handle.sync();
		} finally {
			this.closed = true;
			await this.handle.close();
		}
	}
}
