/**
 * What a purge is doing, as every view sees it: the headless progress lines
 * and the TUI read the same snapshots (snapshot + subscribe, for
 * useSyncExternalStore). The purge is the only writer.
 */
import {inert} from '../../inert.js';

export type PurgePhase = 'checking' | 'previewed' | 'deleting' | 'done' | 'failed' | 'cancelled';

export type PurgeLogEntry = {readonly at: number; readonly level: 'info' | 'warn' | 'error'; readonly message: string};

export type PurgeSnapshot = {
	readonly phase: PurgePhase;
	/** Files to hash before the preview, and how far that is. */
	readonly toCheck: number;
	readonly checked: number;
	readonly bytesToCheck: number;
	readonly bytesChecked: number;
	/** Archives (bytes) to delete once confirmed, and how far that is. */
	readonly toDelete: number;
	readonly bytesToDelete: number;
	readonly deleted: number;
	readonly bytesDeleted: number;
	/** DeleteArchive calls that were throttled (each one slows the pace). */
	readonly throttles: number;
	/** DeleteArchive calls per second allowed now. */
	readonly rate: number;
	/** Archives whose DeleteArchive kept failing this run. */
	readonly failed: number;
	/** Archives kept at the last moment: their file changed after the preview. */
	readonly changed: number;
	readonly startedAt: number;
	readonly log: readonly PurgeLogEntry[];
};

export type PurgeStoreView = {getSnapshot(): PurgeSnapshot; subscribe(listener: () => void): () => void};

type Fields = {-readonly [K in keyof Omit<PurgeSnapshot, 'log'>]: PurgeSnapshot[K]};

const logLimit = 200;

export class PurgeStore implements PurgeStoreView {
	private fields: Fields;
	private readonly entries: PurgeLogEntry[] = [];
	private snapshot: PurgeSnapshot | undefined;
	private readonly listeners = new Set<() => void>();

	constructor(now = Date.now()) {
		this.fields = {
			phase: 'checking', toCheck: 0, checked: 0, bytesToCheck: 0, bytesChecked: 0, toDelete: 0, bytesToDelete: 0,
			deleted: 0, bytesDeleted: 0, throttles: 0, rate: 0, failed: 0, changed: 0, startedAt: now,
		};
	}

	get phase(): PurgePhase {
		return this.fields.phase;
	}

	set(change: Partial<Fields>): void {
		Object.assign(this.fields, change);
		this.changed();
	}

	add(key: 'checked' | 'bytesChecked' | 'deleted' | 'bytesDeleted' | 'throttles' | 'failed' | 'changed', amount = 1): void {
		this.fields[key] += amount;
		this.changed();
	}

	log(level: PurgeLogEntry['level'], message: string): void {
		this.entries.push({at: Date.now(), level, message: inert(message)});
		if (this.entries.length > logLimit) this.entries.splice(0, this.entries.length - logLimit);
		this.changed();
	}

	private changed(): void {
		this.snapshot = undefined;
		for (const listener of this.listeners) listener();
	}

	getSnapshot(): PurgeSnapshot {
		this.snapshot ??= {...this.fields, log: [...this.entries]};
		return this.snapshot;
	}

	subscribe(listener: () => void): () => void {
		this.listeners.add(listener);
		return () => {
			this.listeners.delete(listener);
		};
	}
}
