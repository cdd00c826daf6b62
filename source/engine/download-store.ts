/**
 * The engine's side of DownloadStore: mutable state that only the engine
 * writes, immutable snapshots made lazily when a reader asks, and listeners
 * told at most every `notifyMs` (state changes that end a download are told at
 * once). Unchanged ChunkView objects are shared between snapshots, so a
 * snapshot costs one array of references, not a deep copy.
 */
import {inert} from '../inert.js';
import type {ChunkView, DownloadLogEntry, DownloadPhase, DownloadSnapshot, DownloadStore, Verdict} from './download-state.js';

type Mutable<T> = {-readonly [K in keyof T]: T[K]};

const LOG_LIMIT = 200;
const RATE_WINDOW_MS = 5000;

export type StoreInit = {
	vaultName: string;
	jobId: string;
	outfile: string;
	notifyMs?: number;
	now?: () => number;
};

export type ExtraSnapshot = {
	/** Chunks taken from an earlier run's journal (re-hashed from the .part). */
	readonly resumedChunks: number;
	/** The tree hash the whole download must have, when known. */
	readonly expectedTreeHash?: string;
};

export type EngineSnapshot = DownloadSnapshot & ExtraSnapshot;

export class EngineStore implements DownloadStore {
	private state: Mutable<EngineSnapshot>;
	private chunkViews: ChunkView[] = [];
	private snapshot: EngineSnapshot | undefined;
	private readonly listeners = new Set<() => void>();
	private timer: NodeJS.Timeout | undefined;
	private readonly notifyMs: number;
	private readonly now: () => number;
	private readonly samples: Array<{at: number; bytes: number}> = [];
	/** Bytes received over the network in this run (for the rate). */
	private networkBytes = 0;

	constructor(init: StoreInit) {
		this.notifyMs = init.notifyMs ?? 50;
		this.now = init.now ?? Date.now;
		this.state = {
			phase: 'planning',
			vaultName: init.vaultName,
			jobId: init.jobId,
			outfile: init.outfile,
			total: 0,
			chunkSize: 0,
			chunks: [],
			bytesDone: 0,
			verifiedChunks: 0,
			retryingChunks: 0,
			failedChunks: 0,
			retries: 0,
			throughput: 0,
			startedAt: this.now(),
			verification: {mode: 'tree-hash'},
			log: [],
			resumedChunks: 0,
		};
	}

	getSnapshot = (): EngineSnapshot => {
		if (!this.snapshot) {
			let bytesDone = 0;
			let verified = 0;
			let retrying = 0;
			let failed = 0;
			for (const chunk of this.chunkViews) {
				bytesDone += chunk.received;
				if (chunk.state === 'verified') verified++;
				else if (chunk.state === 'retrying') retrying++;
				else if (chunk.state === 'failed') failed++;
			}

			const throughput = this.rate();
			const left = this.state.total - bytesDone;
			const active = this.state.phase === 'downloading';
			this.snapshot = Object.freeze({
				...this.state,
				chunks: Object.freeze([...this.chunkViews]),
				bytesDone,
				verifiedChunks: verified,
				retryingChunks: retrying,
				failedChunks: failed,
				throughput,
				etaSeconds: active && throughput > 0 ? left / throughput : (left === 0 ? 0 : undefined),
				log: this.state.log,
			});
		}

		return this.snapshot;
	};

	subscribe = (listener: () => void): (() => void) => {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	};

	/** Set up the chunk list and plan facts. */
	plan(fields: Partial<Pick<EngineSnapshot, 'total' | 'chunkSize' | 'verification' | 'expectedTreeHash'>>, chunks: ChunkView[]): void {
		Object.assign(this.state, fields);
		this.chunkViews = chunks;
		this.changed();
	}

	chunk(index: number): ChunkView {
		return this.chunkViews[index];
	}

	get chunkCount(): number {
		return this.chunkViews.length;
	}

	updateChunk(index: number, fields: Partial<Mutable<ChunkView>>): void {
		this.chunkViews[index] = {...this.chunkViews[index], ...fields};
		this.changed();
	}

	/** Bytes arrived for a chunk in flight. */
	received(index: number, bytes: number): void {
		const view = this.chunkViews[index];
		this.chunkViews[index] = {...view, received: view.received + bytes};
		this.networkBytes += bytes;
		this.changed();
	}

	set(fields: Partial<Mutable<EngineSnapshot>>): void {
		Object.assign(this.state, fields);
		this.changed();
	}

	get phase(): DownloadPhase {
		return this.state.phase;
	}

	phaseTo(phase: DownloadPhase, extra: {verdict?: Verdict} = {}): void {
		Object.assign(this.state, {phase, ...extra});
		if (phase === 'done' || phase === 'failed' || phase === 'cancelled') this.state.finishedAt = this.now();
		this.changed(true);
	}

	addRetry(): void {
		this.state.retries++;
		this.changed();
	}

	log(level: DownloadLogEntry['level'], message: string, chunk?: number): void {
		const entry: DownloadLogEntry = {at: this.now(), level, message: inert(message), ...(chunk === undefined ? {} : {chunk})};
		const log = [...this.state.log, entry];
		this.state.log = log.length > LOG_LIMIT ? log.slice(log.length - LOG_LIMIT) : log;
		this.changed();
	}

	/** Tell listeners now (and stop the pending timer). */
	flush(): void {
		if (this.timer) {
			clearTimeout(this.timer);
			this.timer = undefined;
		}

		for (const listener of [...this.listeners]) listener();
	}

	private changed(immediately = false): void {
		this.snapshot = undefined;
		if (immediately) {
			this.flush();
			return;
		}

		if (!this.timer && this.listeners.size > 0) {
			this.timer = setTimeout(() => {
				this.timer = undefined;
				for (const listener of [...this.listeners]) listener();
			}, this.notifyMs);
			this.timer.unref();
		}
	}

	/** Bytes per second over the last few seconds of this run's network traffic. */
	private rate(): number {
		const at = this.now();
		const last = this.samples.at(-1);
		if (!last || at - last.at >= 200) this.samples.push({at, bytes: this.networkBytes});
		while (this.samples.length > 2 && at - this.samples[0].at > RATE_WINDOW_MS) this.samples.shift();
		const first = this.samples[0];
		const newest = this.samples.at(-1)!;
		const span = (newest.at - first.at) / 1000;
		if (span < 0.2) return this.state.throughput;
		return Math.max(0, (newest.bytes - first.bytes) / span);
	}
}
