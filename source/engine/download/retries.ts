/**
 * A chunk's real failures (not pauses, not the download stopping): counted per
 * chunk, then fetched again after a backoff or the download ends, as
 * retry-policy.ts decides. Holds the retry timers, so the engine knows when
 * nothing is waiting.
 */
import {ThawError} from '../../errors.js';
import type {EngineStore} from '../download-store.js';
import type {DownloadPlan} from '../job-plan.js';
import {decideRetry, type ChunkFailure} from './retry-policy.js';

export type RetrySettings = {
	store: EngineStore;
	maxAttempts: number;
	/** The .part, named in the final message. */
	part: string;
	baseMs?: number;
	capMs?: number;
};

export class ChunkRetries {
	private readonly failures = new Map<number, number>();
	private readonly timers = new Map<number, NodeJS.Timeout>();

	constructor(private readonly settings: RetrySettings) {}

	/** Retries waiting for their timer. */
	get waiting(): number {
		return this.timers.size;
	}

	/** Count the failure; schedule `again` after the backoff, or return the error to stop the download with. */
	failed(index: number, plan: DownloadPlan, failure: ChunkFailure, again: () => void): ThawError | undefined {
		const {store} = this.settings;
		const failures = (this.failures.get(index) ?? 0) + 1;
		this.failures.set(index, failures);
		const chunk = plan.chunks[index];
		const decision = decideRetry({
			kind: failure.kind,
			message: failure.message,
			failures,
			maxAttempts: this.settings.maxAttempts,
			label: `chunk ${index + 1} (bytes ${chunk.start}-${chunk.end})`,
			part: this.settings.part,
			baseMs: this.settings.baseMs,
			capMs: this.settings.capMs,
		});
		if (!decision.retry) {
			store.updateChunk(index, {state: 'failed', lastError: failure.message});
			if (decision.verification) {
				const snapshot = store.getSnapshot();
				store.set({verdict: {ok: false, checkedBy: snapshot.verification.mode, summary: decision.message}});
			}

			return new ThawError(decision.message, decision.exitCode);
		}

		store.updateChunk(index, {state: 'retrying', lastError: failure.message});
		store.addRetry();
		store.log('warn', decision.log, index);
		const timer = setTimeout(() => {
			this.timers.delete(index);
			again();
		}, decision.delayMs);
		this.timers.set(index, timer);
		return undefined;
	}

	/** The download is stopping: no retry starts, and a chunk that was waiting for one is back to waiting (not "retrying"). */
	clear(): void {
		for (const [index, timer] of this.timers) {
			clearTimeout(timer);
			this.settings.store.updateChunk(index, {state: 'pending'});
		}

		this.timers.clear();
	}
}
