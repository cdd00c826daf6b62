/**
 * Streaming one response body into the .part. Pieces from the socket are
 * copied into slots (256 KiB, or 1 MiB leaves in shared memory when hashing
 * threads are on); a full slot is hashed (here, or on a worker while it is
 * written) and written at its place, and reused once both are done. At most
 * SLOTS_PER_CHUNK slots per chunk: when both are busy the body is paused (the
 * socket stops reading) until one frees. Each piece is handled in the 'data'
 * event that brings it: no promise and no await per piece.
 *
 * Slots and the per-turn byte budget live in a SlotStore, which a download
 * pool shares between all its downloads.
 */
import {createHash} from 'node:crypto';
import {finished, type Readable} from 'node:stream';
import {scrub} from '../../glacier/errors.js';
import type {LeafHasher} from '../leaf-hasher.js';
import {TreeHashCombiner, TreeHasher} from '../tree-hash.js';
import {ChunkFailure} from './retry-policy.js';

/** Leaf slots a chunk in flight may hold: one filling from the socket, one being written and hashed. */
export const SLOTS_PER_CHUNK = 2;

/**
 * Bytes all bodies together may hand over in one event-loop turn (~3 ms of
 * copying and hashing). Over it, a body is paused (its socket stops reading)
 * until the next turn, so a UI on the same loop still gets to draw: libuv
 * would otherwise read up to 2 MiB per socket per turn, 16 MiB at concurrency 8.
 */
export const TURN_BUDGET = 4 * 1024 * 1024;

/** Slot size when hashing on the event loop (no leaf alignment needed). */
export const LOCAL_SLOT = 256 * 1024;

const emptyDigest = createHash('sha256').digest();

/** What a body reader shares with its stall timer. */
export type Flow = {
	/** performance.now() of the last piece (or of the end of a wait on our own work). */
	last: number;
	/** True while the body is paused waiting for our own writes or hashes: not a stall. */
	holding: boolean;
	received: number;
};

/** Free slots for reuse, and the bytes handed over in this event-loop turn. */
export class SlotStore {
	private readonly free = new Map<string, Buffer[]>();
	private turnBytes = 0;
	private turn: NodeJS.Immediate | undefined;
	private readonly parked: Array<() => void> = [];

	/** keep: slots of one size kept for reuse at most. */
	constructor(private readonly turnBudget = TURN_BUDGET, private readonly keep = Number.POSITIVE_INFINITY) {}

	take(size: number, shared: boolean): Buffer {
		return this.free.get(key(size, shared))?.pop() ?? (shared ? Buffer.from(new SharedArrayBuffer(size)) : Buffer.allocUnsafeSlow(size));
	}

	give(slot: Buffer): void {
		const name = key(slot.length, slot.buffer instanceof SharedArrayBuffer);
		let list = this.free.get(name);
		if (!list) {
			list = [];
			this.free.set(name, list);
		}

		if (list.length < this.keep) list.push(slot);
	}

	/** Count bytes against this turn's budget; true when it is used up (`wake` is then called next turn). */
	spend(bytes: number, wake: () => void): boolean {
		this.turn ??= setImmediate(() => {
			this.turn = undefined;
			this.turnBytes = 0;
			for (const parked of this.parked.splice(0)) parked();
		});
		this.turnBytes += bytes;
		if (this.turnBytes < this.turnBudget) return false;
		this.parked.push(wake);
		return true;
	}

	/** Let every kept slot go. */
	clear(): void {
		this.free.clear();
	}
}

function key(size: number, shared: boolean): string {
	return `${shared ? 's' : 'l'}${size}`;
}

export type SinkTarget = {
	/** Offset in the .part of the chunk's first byte. */
	base: number;
	/** Bytes the chunk has. */
	length: number;
	/** 'bytes=A-B', for messages. */
	range: string;
	slotSize: number;
	hasher: LeafHasher;
	slots: SlotStore;
	/** Bytes of a slot handed to the .part (progress). */
	progress(bytes: number): void;
	/** Write at an offset of the .part; a ThawError is a local file problem. */
	write(data: Buffer, at: number): Promise<void>;
};

/**
 * One body into one chunk's place. Throws ChunkFailure for size and local
 * write problems; stream errors are passed on as they are.
 */
export class ChunkSink {
	private readonly combiner = new TreeHashCombiner();
	private readonly early = new Map<number, Buffer>();
	private readonly outstanding = new Set<Promise<void>>();
	private readonly shared: boolean;
	private readonly local: TreeHasher | undefined;
	private nextDigest = 0;
	private leaves = 0;
	private held = 0;
	private view: Buffer | undefined;
	private fill = 0;
	private stash: Buffer | undefined;
	private stashAt = 0;
	private failure: unknown;
	private settle: ((error?: unknown) => void) | undefined;
	private parked = false;

	constructor(private readonly target: SinkTarget, private readonly body: Readable, private readonly flow: Flow) {
		this.shared = target.hasher.threads > 0;
		this.local = this.shared ? undefined : new TreeHasher();
	}

	async run(): Promise<{received: number; computed: string}> {
		const {body} = this;
		let error = await new Promise<unknown>(resolve => {
			this.settle = resolve;
			body.on('data', this.onData);
			finished(body, streamError => {
				if (streamError) this.fail(streamError);
				else resolve(undefined);
			});
		});
		this.settle = undefined;
		body.off('data', this.onData);
		if (error === undefined && this.fill > 0) this.dispatch();
		while (this.outstanding.size > 0) {
			 
			await Promise.allSettled([...this.outstanding]);
		}

		if (this.view) {
			this.held--;
			this.target.slots.give(this.view);
			this.view = undefined;
		}

		error ??= this.failure;
		if (error !== undefined) throw error;
		return {received: this.flow.received, computed: this.local ? this.local.hex() : (this.combiner.root() ?? emptyDigest).toString('hex')};
	}

	private readonly onData = (piece: Buffer): void => {
		if (this.failure !== undefined) return;
		const {flow, target} = this;
		if (flow.received + piece.length > target.length) {
			this.fail(new ChunkFailure('size', `the server sent more than the ${target.length} bytes asked for (${target.range}); nothing past the chunk was written`));
			return;
		}

		flow.last = performance.now();
		flow.received += piece.length;
		if (this.stash) {
			// A piece that slipped past pause(): queue it behind the waiting one.
			this.stash = Buffer.concat([this.stash.subarray(this.stashAt), piece]);
			this.stashAt = 0;
			return;
		}

		this.consume(piece, 0);
		if (!this.parked && target.slots.spend(piece.length, this.unpark)) {
			this.parked = true;
			this.body.pause();
		}
	};

	private readonly unpark = (): void => {
		this.parked = false;
		this.resumeIfFree();
	};

	private resumeIfFree(): void {
		if (!this.stash && !this.parked && this.failure === undefined) this.body.resume();
	}

	private fail(error: unknown): void {
		this.failure ??= error;
		if (!this.body.destroyed) this.body.destroy();
		this.settle?.(this.failure);
	}

	private digest(leaf: number, value: Buffer): void {
		this.early.set(leaf, value);
		for (let next = this.early.get(this.nextDigest); next; next = this.early.get(this.nextDigest)) {
			this.early.delete(this.nextDigest++);
			this.combiner.push(next);
		}
	}

	private release(done: Buffer): void {
		this.held--;
		this.target.slots.give(done);
		if (this.stash && this.failure === undefined) {
			const piece = this.stash;
			this.stash = undefined;
			this.flow.holding = false;
			this.flow.last = performance.now();
			this.consume(piece, this.stashAt);
			this.resumeIfFree();
		}
	}

	private dispatch(): void {
		const {target} = this;
		const full = this.view!;
		const data = full.subarray(0, this.fill);
		const at = target.base + (this.leaves * target.slotSize);
		const leaf = this.leaves++;
		target.progress(this.fill);
		this.view = undefined;
		this.fill = 0;
		// Hashed here (a slot at a time, well under a millisecond) or, with
		// hashing threads, on a worker while the same bytes are written.
		this.local?.update(data);
		const work = Promise.all([
			target.write(data, at).catch((error: unknown) => {
				throw new ChunkFailure('service', 'write failed', error as ChunkFailure['fatal']);
			}),
			this.local ? undefined : target.hasher.hash(full.buffer as SharedArrayBuffer, data.length).then(value => {
				this.digest(leaf, value);
			}, (error: unknown) => {
				throw new ChunkFailure('service', `hashing failed (${scrub(error instanceof Error ? error.message : String(error))})`);
			}),
		]).then(() => undefined, (error: unknown) => {
			this.fail(error);
		}).finally(() => {
			this.outstanding.delete(work);
			this.release(full);
		});
		this.outstanding.add(work);
	}

	private consume(piece: Buffer, from: number): void {
		const {slotSize} = this.target;
		let offset = from;
		while (offset < piece.length) {
			if (!this.view) {
				if (this.held >= SLOTS_PER_CHUNK) {
					this.stash = piece;
					this.stashAt = offset;
					this.flow.holding = true;
					this.body.pause();
					return;
				}

				this.held++;
				this.view = this.target.slots.take(slotSize, this.shared);
			}

			const take = Math.min(piece.length - offset, slotSize - this.fill);
			piece.copy(this.view, this.fill, offset, offset + take);
			this.fill += take;
			offset += take;
			if (this.fill === slotSize) this.dispatch();
		}
	}
}
