/**
 * What the runner's parts share: the connection, the plan of this shard, the
 * journal (the only record of what was paid for and what is on disk), the
 * progress store, the options, and a few helpers every part needs.
 */
import type {Connection} from '../../glacier/client.js';
import type {Job} from '../../glacier/api.js';
import type {RestoreJournal} from '../journal.js';
import {StateCode} from '../state.js';
import type {ShardPlan, Tier} from './plan.js';
import type {RunStore} from './store.js';
import type {Throughput} from './pacing.js';

export type RunnerOptions = {
	connection: Connection;
	/** The PLAN directory. */
	planDir: string;
	shard: {k: number; n: number};
	/** GetJobOutput requests in flight at once, over all archives (default 16). */
	concurrency?: number;
	/** Hours of the 24-hour window the pacing plans to use (default 20). */
	windowHours?: number;
	/** Bytes per second to pace with; undefined = measure ('auto'): until a first probe of downloads measured it, at most probeBytes is initiated. */
	bandwidth?: number;
	/** While the rate is unknown, bytes initiated at most (default PROBE_BYTES, 1 GiB; tests make it small). */
	probeBytes?: number;
	/** ListJobs walks at most this often (default 300 s). */
	pollMs?: number;
	maxBytesInFlight?: number;
	/** Retry archives that failed for good in an earlier run. */
	retryFailed?: boolean;
	signal?: AbortSignal;
	/** Download retries: first wait and cap (engine defaults when absent; tests make them small). */
	retryBaseMs?: number;
	retryCapMs?: number;
	readTimeoutMs?: number;
	/** AIMD start rate for InitiateJob (default 5/s). */
	initiateRate?: number;
	/** Wait before retrying after PolicyEnforcedException / InsufficientCapacityException (default pollMs). */
	deferMs?: number;
	/** Free bytes at --to; tests pass a function to simulate a small disk (default statfs). */
	freeDisk?: () => Promise<number | null>;
};

/** Why an archive failed for good: decides the exit code (3, 4, 5 or 6) and starts the journaled reason. */
export type FailureKind = 'verification' | 'job' | 'service' | 'local';

export type Context = {
	readonly options: RunnerOptions;
	readonly connection: Connection;
	readonly plan: ShardPlan;
	readonly journal: RestoreJournal;
	readonly store: RunStore;
	readonly throughput: Throughput;
	readonly tier: Tier;
	readonly pollMs: number;
	readonly signal: AbortSignal;
	/** Job descriptions from the last ListJobs walks, by plan index (ready archives are downloaded with these: no DescribeJob). */
	readonly jobs: Map<number, Job>;
	/** Archives whose InitiateJob may or may not have reached Glacier: resolved by the next full ListJobs walk before any retry. */
	readonly uncertain: Set<number>;
	/** True while pause() holds initiation and new downloads. */
	paused(): boolean;
	/** Plan indices whose InitiateJob this run sent and has not had answered yet. */
	readonly sending: Set<number>;
	/**
	 * Count a job once in the run's summary: `initiated` when this run's
	 * InitiateJob made it (its answer came, or it is listed while the answer
	 * is on the way or was lost), else `adopted` (an earlier run's). A job
	 * first counted adopted and then answered is moved to initiated.
	 */
	countJob(i: number, jobId: string, how: 'initiated' | 'adopted'): void;
	/** Wake the main loop (something changed). */
	wake(): void;
	/** Hand an archive back to the initiator (its job is gone, or its InitiateJob must be tried again). */
	requeue(position: number): void;
	/** An archive whose job just became ready goes to the downloads. */
	ready(position: number, job: Job): void;
	/** Record a failure for good. */
	failFinal(position: number, kind: FailureKind, message: string): Promise<void>;
	/** A job is gone (expired, failed, 404): journal it, count it, initiate again. */
	reinitiate(position: number, reason: string): Promise<void>;
	/** A fatal problem (credentials, the vault is gone): stops the run with this error. */
	abort(error: Error): void;
};

export const outstandingStates: ReadonlySet<number> = new Set([StateCode.initiating, StateCode.initiated, StateCode.ready, StateCode.downloading]);

/** Resolves after `ms`, or at once when the signal fires. */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
	if (signal?.aborted || ms <= 0) return;
	await new Promise<void>(resolve => {
		const done = () => {
			clearTimeout(timer);
			signal?.removeEventListener('abort', done);
			resolve();
		};

		const timer = setTimeout(done, ms);
		signal?.addEventListener('abort', done, {once: true});
	});
}

/** The reason text of a failure for good: `kind: message`, so a later run (and status) can tell which exit code it means. */
export function failureReason(kind: FailureKind, message: string): string {
	return `${kind}: ${message}`;
}

export function failureKindOf(reason: string | undefined): FailureKind {
	const kind = reason?.slice(0, reason.indexOf(':'));
	return kind === 'job' || kind === 'service' || kind === 'local' ? kind : 'verification';
}
