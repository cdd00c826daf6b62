/**
 * What a restore run is doing, as every view sees it: the headless progress
 * lines and (next issue) the TUI dashboard read the same snapshots. The
 * runner is the only writer; a snapshot is made when a reader asks.
 */
import type {DownloadStore} from '../../engine/download-state.js';
import {inert} from '../../inert.js';
import {archiveStates, type ArchiveState} from '../state.js';
import type {Limit} from './pacing.js';

export type RunPhase = 'starting' | 'adopting' | 'running' | 'done' | 'failed' | 'cancelled';

export type RunLogEntry = {readonly at: number; readonly level: 'info' | 'warn' | 'error'; readonly message: string};

export type RunSnapshot = {
	readonly phase: RunPhase;
	readonly shard: string;
	readonly vaultName: string;
	readonly tier: string;
	/** This shard's archives and bytes. */
	readonly total: number;
	readonly bytesTotal: number;
	readonly counts: Readonly<Record<ArchiveState, number>>;
	readonly bytesVerified: number;
	/** Downloads running now. */
	readonly downloading: number;
	readonly initiatedThisRun: number;
	readonly adopted: number;
	readonly reinitiated: number;
	readonly throttles: number;
	/** InitiateJob calls per second allowed now (AIMD). */
	readonly initiateRate: number;
	/** Measured download rate, or null before enough was seen. */
	readonly bytesPerSecond: number | null;
	/** Rate the pacing plans with (0 while measuring: limitedBy is then 'measuring'). */
	readonly pacingBytesPerSecond: number;
	/** What stops more initiations now, when something does. */
	readonly limitedBy: Limit | null;
	/** Why the run is waiting (retrieval policy, capacity, disk), one line. */
	readonly waiting: string | null;
	readonly nextPollAt: number | null;
	/** Initiation and downloads held by pause() (the poller keeps going). */
	readonly paused: boolean;
	/** Why a failed run stopped (one line). */
	readonly error: string | null;
	readonly startedAt: number;
	readonly log: readonly RunLogEntry[];
};

/** One download running now: the plan index, its destination (relative) and the engine's own store (its chunk grid). */
export type ActiveDownload = {readonly index: number; readonly path: string; readonly store: DownloadStore};

export type RunStoreView = {getSnapshot(): RunSnapshot; subscribe(listener: () => void): () => void; readonly logCount: number; activeDownloads(): ActiveDownload[]};

type Mutable<T> = {-readonly [K in keyof T]: T[K]};
type Fields = Omit<Mutable<RunSnapshot>, 'counts' | 'log' | 'bytesVerified'>;

const LOG_LIMIT = 200;

export class RunStore implements RunStoreView {
	private fields: Fields;
	private readonly entries: RunLogEntry[] = [];
	private logged = 0;
	private snapshot: RunSnapshot | undefined;
	private readonly listeners = new Set<() => void>();
	private readonly active = new Map<number, ActiveDownload>();
	private counter: () => {counts: Record<ArchiveState, number>; bytesVerified: number} = () => ({counts: emptyCounts(), bytesVerified: 0});

	constructor(init: {shard: string; vaultName: string; tier: string; now?: number}) {
		this.fields = {
			phase: 'starting', shard: init.shard, vaultName: init.vaultName, tier: init.tier, total: 0, bytesTotal: 0, downloading: 0,
			initiatedThisRun: 0, adopted: 0, reinitiated: 0, throttles: 0, initiateRate: 0, bytesPerSecond: null, pacingBytesPerSecond: 0,
			limitedBy: null, waiting: null, nextPollAt: null, paused: false, error: null, startedAt: init.now ?? Date.now(),
		};
	}

	/** Where the counts by state come from (the journal's state, this shard's archives). */
	countWith(counter: () => {counts: Record<ArchiveState, number>; bytesVerified: number}): void {
		this.counter = counter;
	}

	set(change: Partial<Fields>): void {
		let changed = false;
		for (const [key, value] of Object.entries(change) as Array<[keyof Fields, never]>) {
			if (this.fields[key] !== value) {
				this.fields[key] = value;
				changed = true;
			}
		}

		if (changed) this.changed();
	}

	add(key: 'initiatedThisRun' | 'adopted' | 'reinitiated' | 'throttles', amount = 1): void {
		this.fields[key] += amount;
		this.changed();
	}

	/** A download started (the dashboard shows its chunks); kept out of the snapshot: each download has its own store. */
	trackDownload(download: ActiveDownload): void {
		this.active.set(download.index, download);
		this.changed();
	}

	untrackDownload(index: number): void {
		if (this.active.delete(index)) this.changed();
	}

	/** The downloads running now, in plan order. */
	activeDownloads(): ActiveDownload[] {
		return [...this.active.values()].sort((a, b) => a.index - b.index);
	}

	/** How many log entries were ever written: a reader checks this (cheap) before asking for a snapshot. */
	get logCount(): number {
		return this.logged;
	}

	get phase(): RunPhase {
		return this.fields.phase;
	}

	log(level: RunLogEntry['level'], message: string): void {
		this.entries.push({at: Date.now(), level, message: inert(message)});
		this.logged++;
		if (this.entries.length > LOG_LIMIT) this.entries.splice(0, this.entries.length - LOG_LIMIT);
		this.changed();
	}

	/** The state changed without a field changing (a journal record). */
	changed(): void {
		this.snapshot = undefined;
		for (const listener of this.listeners) listener();
	}

	getSnapshot(): RunSnapshot {
		if (!this.snapshot) {
			const {counts, bytesVerified} = this.counter();
			this.snapshot = {...this.fields, counts, bytesVerified, log: [...this.entries]};
		}

		return this.snapshot;
	}

	subscribe(listener: () => void): () => void {
		this.listeners.add(listener);
		return () => {
			this.listeners.delete(listener);
		};
	}
}

export function emptyCounts(): Record<ArchiveState, number> {
	return Object.fromEntries(archiveStates.map(name => [name, 0])) as Record<ArchiveState, number>;
}
