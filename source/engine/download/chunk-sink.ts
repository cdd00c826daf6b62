/**
 * Streaming one response body into the .part. Pieces from the socket are
 * read straight into slots where the HTTP handler can (next()), else copied into slots (256 KiB, or 1 MiB leaves when hashing threads are on); a
 * full slot is hashed here and written through the thread pool, or handed to
 * a hashing thread that hashes and writes it (leaf-hasher.ts), and reused
 * once that is done. At most
 * SLOTS_PER_CHUNK slots per chunk: when both are busy the body is paused (the
 * socket stops reading) until one frees. Each piece is handled in the 'data'
 * event that brings it: no promise and no await per piece.
 *
 * Slots and the per-turn byte budget live in a SlotStore, which a download
 * pool shares between all its downloads.
 */
import {createHash} from 'node:crypto';
import {finished, type Readable} from 'node:stream';
import type {ThawError} from '../../errors.js';
import {scrub} from '../../glacier/errors.js';
import {LeafWriteError, type LeafHasher} from '../leaf-hasher.js';
import {LEAF_SIZE, TreeHashCombiner, TreeHasher} from '../tree-hash.js';
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

/** How a slot's work ended: the slot to reuse (none when a hashing thread lost it) and the failure, if any. */
type Done = {slot?: Buffer; error?: unknown};

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
	private readonly free = new Map<number, Buffer[]>();
	private turnBytes = 0;
	private turn: NodeJS.Immediate | undefined;
	private readonly parked: Array<() => void> = [];

	/** keep: slots of one size kept for reuse at most. */
	constructor(private readonly turnBudget = TURN_BUDGET, private readonly keep = Number.POSITIVE_INFINITY) {}

	/** A slot of `size` bytes: a Buffer over an ArrayBuffer of its own (so it can be transferred to a hashing thread). */
	take(size: number): Buffer {
		return this.free.get(size)?.pop() ?? Buffer.allocUnsafeSlow(size);
	}

	give(slot: Buffer): void {
		let list = this.free.get(slot.length);
		if (!list) {
			list = [];
			this.free.set(slot.length, list);
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
	/**
	 * The .part's descriptor, for hashing threads to write leaves themselves
	 * (see leaf-hasher.ts), and the exit-6 error for a write that failed there.
	 * Without it, or without threads, `write` is used.
	 */
	file?: {fd: number; writeError(error: unknown): ThawError};
	/**
	 * Digests of the chunk's whole 1 MiB leaves already in the .part before
	 * `base` (a chunk resumed at a leaf boundary): the tree hash is computed
	 * over them and then the new bytes.
	 */
	kept?: readonly Buffer[];
};

/**
 * One body into one chunk's place. Throws ChunkFailure for size and local
 * write problems; stream errors are passed on as they are.
 */
export class ChunkSink {
	private readonly combiner = new TreeHashCombiner();
	private readonly early = new Map<number, Buffer>();
	private readonly outstanding = new Set<Promise<void>>();
	/** Leaf digests by leaf (hashing threads: slots are leaves). */
	private readonly digests: Buffer[] = [];
	/** Slots whose bytes are written, and how many from the first on are (the written prefix). */
	private readonly written = new Set<number>();
	private writtenSlots = 0;
	/** Leaves go to a hashing thread (which writes them too, given the .part's descriptor). */
	private readonly offload: boolean;
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
	/** Bytes copied into slots (pieces that arrived elsewhere than at the fill position). */
	copied = 0;

	constructor(private readonly target: SinkTarget, private readonly body: Readable, private readonly flow: Flow) {
		this.offload = target.hasher.threads > 0;
		this.local = this.offload ? undefined : new TreeHasher({seed: target.kept, leaves: true});
		if (this.offload) for (const digest of target.kept ?? []) this.combiner.push(digest);
	}

	/**
	 * After run() (ended or failed): digests of the chunk's whole leaves whose
	 * bytes are written to the .part, from its first leaf (`kept` included),
	 * so a stopped chunk can keep them. Written, not yet durable: the caller
	 * fsyncs the .part before it journals them.
	 */
	keptLeaves(): Buffer[] {
		const kept = this.target.kept ?? [];
		const leaves = Math.floor(Math.min(this.writtenSlots * this.target.slotSize, this.target.length) / LEAF_SIZE);
		if (leaves === 0) return [...kept];
		const fresh = this.local ? this.local.leafDigests.slice(kept.length, kept.length + leaves) : this.digests.slice(0, leaves);
		return fresh.length === leaves ? [...kept, ...fresh] : [...kept];
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
		// The body is in: what is left is our own writes and hashes (one
		// hashing thread may have every chunk's last leaf queued), never a stall.
		this.flow.holding = true;
		while (this.outstanding.size > 0) {
			await Promise.allSettled([...this.outstanding]);
		}

		this.flow.holding = false;
		this.flow.last = performance.now();

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
		this.digests[leaf] = value;
		this.early.set(leaf, value);
		for (let next = this.early.get(this.nextDigest); next; next = this.early.get(this.nextDigest)) {
			this.early.delete(this.nextDigest++);
			this.combiner.push(next);
		}
	}

	/** A slot's work is done; `done` is the slot to reuse (none when a hashing thread lost it). */
	private release(done: Buffer | undefined): void {
		this.held--;
		if (done) this.target.slots.give(done);
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
		const at = target.base + (this.leaves * target.slotSize);
		const leaf = this.leaves++;
		const length = this.fill;
		target.progress(length);
		this.view = undefined;
		this.fill = 0;
		const work = (this.local ? this.hashHere(full, length, at) : this.hashAway(full, length, leaf, at)).then(({slot, error}) => {
			this.outstanding.delete(work);
			if (error === undefined) this.wrote(leaf);
			else this.fail(error);
			this.release(slot);
		});
		this.outstanding.add(work);
	}

	/** Slot `slot` is written: move the written prefix on. */
	private wrote(slot: number): void {
		this.written.add(slot);
		while (this.written.delete(this.writtenSlots)) this.writtenSlots++;
	}

	/** Hashed here (a slot at a time, well under a millisecond), written through the thread pool. */
	private async hashHere(full: Buffer, length: number, at: number): Promise<Done> {
		const data = full.subarray(0, length);
		this.local!.update(data);
		try {
			await this.target.write(data, at);
			return {slot: full};
		} catch (error) {
			return {slot: full, error: new ChunkFailure('service', 'write failed', error as ChunkFailure['fatal'])};
		}
	}

	/**
	 * Hashed, and written, on a hashing thread: the slot is transferred there
	 * and comes back with the digest (leaf-hasher.ts says why). A slot the
	 * thread lost (it died) is not reused.
	 */
	private async hashAway(full: Buffer, length: number, leaf: number, at: number): Promise<Done> {
		const {target} = this;
		const {file} = target;
		let back: Buffer;
		try {
			const result = await target.hasher.hashLeaf(full.buffer as ArrayBuffer, length, file ? {fd: file.fd, position: at} : undefined);
			this.digest(leaf, result.digest);
			back = Buffer.from(result.slot);
		} catch (error) {
			if (error instanceof LeafWriteError) return {slot: error.slot && Buffer.from(error.slot), error: new ChunkFailure('service', 'write failed', file?.writeError(error))};
			return {error: new ChunkFailure('service', `hashing failed (${scrub(error instanceof Error ? error.message : String(error))})`)};
		}

		if (!file) {
			try {
				await target.write(back.subarray(0, length), at);
			} catch (error) {
				return {slot: back, error: new ChunkFailure('service', 'write failed', error as ChunkFailure['fatal'])};
			}
		}

		return {slot: back};
	}

	/**
	 * The unfilled rest of the slot being filled, for the HTTP handler to read
	 * the socket into (glacier/direct-http.ts): a piece that arrives there is
	 * already in place. Undefined while the body must wait (no slot free, or paused).
	 */
	next(): Buffer | undefined {
		if (this.failure !== undefined || this.stash || this.parked) return undefined;
		if (!this.view) {
			if (this.held >= SLOTS_PER_CHUNK) return undefined;
			this.held++;
			this.view = this.target.slots.take(this.target.slotSize);
		}

		return this.view.subarray(this.fill);
	}

	private consume(piece: Buffer, from: number): void {
		const {slotSize} = this.target;
		const {view} = this;
		if (view && from === 0 && piece.buffer === view.buffer && piece.byteOffset === view.byteOffset + this.fill && piece.length <= slotSize - this.fill) {
			// Read straight into the slot (next()): nothing to copy.
			this.fill += piece.length;
			if (this.fill === slotSize) this.dispatch();
			return;
		}

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
				this.view = this.target.slots.take(slotSize);
			}

			const take = Math.min(piece.length - offset, slotSize - this.fill);
			piece.copy(this.view, this.fill, offset, offset + take);
			this.copied += take;
			this.fill += take;
			offset += take;
			if (this.fill === slotSize) this.dispatch();
		}
	}
}
