/**
 * What many downloads can share: one connection (its sockets), one limit on
 * chunks in flight, one budget of slot memory and one per-turn byte budget,
 * and the hashing threads. A restore of thousands of archives runs dozens of
 * downloads through one pool; a single `startDownload` without a pool gets a
 * private one sized from its own options, which is what thaw always did.
 */
import {availableParallelism} from 'node:os';
import type {Connection} from '../../glacier/client.js';
import {LeafHasher} from '../leaf-hasher.js';
import {SlotStore, SLOTS_PER_CHUNK, TURN_BUDGET} from './chunk-sink.js';

export type DownloadPoolOptions = {
	connection: Connection;
	/** Chunks in flight across every download of the pool (default 8). Size the connection's maxSockets to it. */
	concurrency?: number;
	/**
	 * Slot memory all chunks in flight may hold together (default: unbounded,
	 * so `concurrency` alone limits). Each chunk in flight reserves
	 * SLOTS_PER_CHUNK slots of its download's slot size (2 × 256 KiB, less for
	 * a smaller download); one chunk always runs even if it alone is over.
	 */
	maxBytesInFlight?: number;
	/** Worker threads hashing and writing 1 MiB leaves for every download of the pool (default: defaultHashThreads(); 0: on the event loop). */
	hashThreads?: number;
	/** Bytes all bodies together hand over per event-loop turn before pausing until the next (default 4 MiB). */
	turnBudget?: number;
};

/**
 * Hashing threads by default: one per core beyond the event loop's, at most
 * two; none on one core. Measured on 2 cores, 1 GiB from nginx on loopback to
 * tmpfs (test/bench/download-nginx.bench.mjs): a worker that hashes and
 * writes each leaf (leaf-hasher.ts) takes the event loop's CPU from ~3.5 s to
 * ~2.5 s and the process's from ~4.1 s to ~3.6 s, for ~20 MB more RSS (one
 * isolate; ~140 MB peak). On a loaded machine (other processes using every
 * core) the wall time is the same as without; on a quiet one the event loop,
 * now mostly node's HTTP parsing, sets it. More than two threads would contend
 * on one file's writes; two hash ~3 GB/s.
 */
export function defaultHashThreads(): number {
	return Math.max(0, Math.min(availableParallelism() - 1, 2));
}

export class DownloadPool {
	readonly connection: Connection;
	readonly concurrency: number;
	readonly maxBytesInFlight: number;
	readonly slots: SlotStore;
	private readonly hashThreads: number;
	private sharedHasher: LeafHasher | undefined;
	private chunks = 0;
	private bytes = 0;
	private peak = 0;
	/** Downloads that found the pool full, to be woken (oldest first) when a chunk ends. */
	private readonly waiting = new Set<() => void>();
	private closed = false;

	constructor(options: DownloadPoolOptions) {
		this.connection = options.connection;
		this.concurrency = Math.max(1, options.concurrency ?? 8);
		this.maxBytesInFlight = options.maxBytesInFlight ?? Number.POSITIVE_INFINITY;
		this.hashThreads = Math.max(0, options.hashThreads ?? defaultHashThreads());
		this.slots = new SlotStore(options.turnBudget ?? TURN_BUDGET, this.concurrency * SLOTS_PER_CHUNK);
	}

	/** The pool's hashing threads, started when the first download needs them. */
	get hasher(): LeafHasher {
		this.sharedHasher ??= new LeafHasher(this.hashThreads);
		return this.sharedHasher;
	}

	/** Chunks in flight now, over all downloads. */
	get inFlight(): number {
		return this.chunks;
	}

	/** Most chunks that were in flight at once (for tests and status lines). */
	get peakInFlight(): number {
		return this.peak;
	}

	/** Room for one more chunk holding `slotBytes` of slots? Taken when true; else `wake` is called when a chunk ends. */
	acquire(slotBytes: number, wake: () => void): boolean {
		const reserve = slotBytes * SLOTS_PER_CHUNK;
		if (this.chunks < this.concurrency && (this.chunks === 0 || this.bytes + reserve <= this.maxBytesInFlight)) {
			this.chunks++;
			this.bytes += reserve;
			if (this.chunks > this.peak) this.peak = this.chunks;
			this.waiting.delete(wake);
			return true;
		}

		this.waiting.add(wake);
		return false;
	}

	release(slotBytes: number): void {
		this.chunks--;
		this.bytes -= slotBytes * SLOTS_PER_CHUNK;
		// Oldest first, only while there is room: a woken download takes what it
		// can, or (over the byte budget) waits again at the back. Never more
		// wakes than waiters, so a thousand waiting downloads cost one wake per
		// finished chunk, not a thousand.
		let wakes = this.waiting.size;
		for (const wake of this.waiting) {
			if (wakes-- === 0 || this.chunks >= this.concurrency) break;
			this.waiting.delete(wake);
			wake();
		}
	}

	/** A download that ended stops waiting. */
	forget(wake: () => void): void {
		this.waiting.delete(wake);
	}

	/** Stop the hashing threads and let the slots go; the connection stays the caller's. */
	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		this.slots.clear();
		await this.sharedHasher?.close();
	}
}

export function createDownloadPool(options: DownloadPoolOptions): DownloadPool {
	return new DownloadPool(options);
}
