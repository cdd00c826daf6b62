/**
 * Per-MiB leaf hashes of generated archives, computed once, lazily, off the
 * request path: in a worker thread (node:worker_threads), a slice of at most
 * 32 MiB at a time, always for the archive with the least left to do, so the
 * event loop (which the TUI shares under `thaw --demo`) never waits on a hash
 * and a small archive asked for while a 10 GiB one is being hashed is done
 * within one slice. The worker thread runs at the lowest CPU priority, so on a
 * busy machine it takes only what the event loop leaves. If a worker cannot run, the same slices are hashed on the
 * main thread a few MiB per turn. Leaves of big archives are cached on disk
 * (keyed by generator version, seed and size), so only the first run pays.
 * Any megabyte-aligned range's tree hash is the combination of its leaves.
 */
import {createHash} from 'node:crypto';
import {mkdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {setImmediate as yieldToLoop} from 'node:timers/promises';
import {Worker} from 'node:worker_threads';
import {combineTreeHashes, MiB} from '../engine/tree-hash.js';
import {ContentReader, GENERATOR_VERSION} from './content.js';

const diskCacheMinSize = 64 * MiB;
/** Bytes hashed per message to the worker: about 0.1-0.3 s of work. */
const sliceSize = 32 * MiB;
/** Bytes hashed per event-loop turn when there is no worker. */
const inlineSliceSize = 4 * MiB;

/**
 * The worker: the content generator of content.ts (AES-128-CTR keystream,
 * IV = 16-byte big-endian block counter) and one SHA-256 per MiB. Inline
 * source (eval) so it runs the same from build/ and under vitest; test
 * /emulator/content.test.ts checks it against ContentReader.
 */
const workerSource = `
const {parentPort} = require('node:worker_threads');
const {createCipheriv, createHash} = require('node:crypto');
const MiB = ${MiB};
const zeros = Buffer.alloc(MiB);
// Lowest CPU priority for this thread only (Linux setpriority is per thread): on a busy
// machine the hashing yields the CPU to the event loop the TUI draws from.
try { require('node:os').setPriority(19); } catch {}
parentPort.on('message', ({id, key, offset, length}) => {
	try {
		const iv = Buffer.alloc(16);
		iv.writeBigUInt64BE(BigInt(offset / 16), 8);
		const cipher = createCipheriv('aes-128-ctr', Buffer.from(key), iv);
		const leaves = Buffer.alloc(Math.ceil(length / MiB) * 32);
		for (let done = 0, i = 0; done < length; i++) {
			const take = Math.min(MiB, length - done);
			createHash('sha256').update(cipher.update(zeros.subarray(0, take))).digest().copy(leaves, i * 32);
			done += take;
		}
		parentPort.postMessage({id, leaves});
	} catch (error) {
		parentPort.postMessage({id, error: String(error && error.message || error)});
	}
});
`;

type Task = {
	key: Buffer;
	size: number;
	done: number; // bytes hashed
	leaves: Buffer[];
	cacheFile?: string;
	resolve: (leaves: Buffer[]) => void;
};

type Pending = {resolve: (leaves: Buffer) => void; reject: (error: Error) => void};

/** Leaf digests (32 bytes each) of `length` bytes of the content for `key` from `offset` (a multiple of 1 MiB), on this thread. */
export function hashLeavesInline(key: Buffer, offset: number, length: number): Buffer {
	const reader = new ContentReader(key, offset);
	const leaves = Buffer.alloc(Math.ceil(length / MiB) * 32);
	for (let done = 0, i = 0; done < length; i++) {
		const take = Math.min(MiB, length - done);
		createHash('sha256').update(reader.read(take)).digest().copy(leaves, i * 32);
		done += take;
	}

	return leaves;
}

/** One hashing worker thread; hashLeaves rejects if it cannot run (then hash inline). */
export class HashWorker {
	private worker: Worker | undefined;
	private readonly pending = new Map<number, Pending>();
	private nextId = 0;
	private failed: Error | undefined;

	async hashLeaves(key: Buffer, offset: number, length: number): Promise<Buffer> {
		if (this.failed) throw this.failed;
		const worker = this.start();
		const id = this.nextId++;
		return new Promise<Buffer>((resolve, reject) => {
			this.pending.set(id, {resolve, reject});
			worker.postMessage({id, key, offset, length});
		});
	}

	stop(): void {
		this.failed ??= new Error('the hashing worker was stopped');
		const worker = this.worker;
		this.worker = undefined;
		this.rejectAll(this.failed);
		void worker?.terminate();
	}

	private start(): Worker {
		if (this.worker) return this.worker;
		const worker = new Worker(workerSource, {eval: true});
		worker.unref(); // never what keeps a process alive
		worker.on('message', (message: {id: number; leaves?: Uint8Array; error?: string}) => {
			const pending = this.pending.get(message.id);
			if (!pending) return;
			this.pending.delete(message.id);
			if (message.leaves) pending.resolve(Buffer.from(message.leaves.buffer, message.leaves.byteOffset, message.leaves.byteLength));
			else pending.reject(new Error(message.error ?? 'the hashing worker failed'));
		});
		const fail = (error: Error): void => {
			this.failed ??= error;
			this.worker = undefined;
			this.rejectAll(this.failed);
		};

		worker.on('error', fail);
		worker.on('exit', code => {
			fail(new Error(`the hashing worker exited (${code})`));
		});
		this.worker = worker;
		return worker;
	}

	private rejectAll(error: Error): void {
		const pending = [...this.pending.values()];
		this.pending.clear();
		for (const p of pending) p.reject(error);
	}
}

export class LeafHashes {
	private readonly results = new Map<string, Promise<Buffer[]>>();
	private readonly known = new Map<string, Buffer[]>();
	private readonly tasks = new Set<Task>();
	private readonly worker = new HashWorker();
	private running = false;
	private stopped = false;

	/** `useWorker: false` hashes on the main thread, a few MiB per event-loop turn. */
	constructor(private readonly cacheDir: string | false, private readonly useWorker = true) {}

	/** The leaf digests of the content for `key` (from the seed) of `size` bytes. */
	async leaves(seed: string, key: Buffer, size: number): Promise<Buffer[]> {
		const id = leafId(seed, size);
		let result = this.results.get(id);
		if (!result) {
			result = this.start(id, key, size).then(leaves => {
				this.known.set(id, leaves);
				return leaves;
			});
			this.results.set(id, result);
		}

		return result;
	}

	/** The leaves when already computed, else undefined (never starts work). */
	peek(seed: string, size: number): Buffer[] | undefined {
		return size === 0 ? [] : this.known.get(leafId(seed, size));
	}

	/** Stop hashing (pending promises stay pending). */
	stop(): void {
		this.stopped = true;
		this.tasks.clear();
		this.worker.stop();
	}

	private async start(id: string, key: Buffer, size: number): Promise<Buffer[]> {
		let cacheFile: string | undefined;
		if (this.cacheDir !== false && size >= diskCacheMinSize) {
			cacheFile = join(this.cacheDir, `${createHash('sha256').update(id).digest('hex').slice(0, 32)}.leaves`);
			const cached = readCache(cacheFile, Math.ceil(size / MiB));
			if (cached) return cached;
		}

		if (size === 0) return [];
		return new Promise<Buffer[]>(resolve => {
			this.tasks.add({key, size, done: 0, leaves: [], cacheFile, resolve});
			void this.run();
		});
	}

	private async run(): Promise<void> {
		if (this.running) return;
		this.running = true;
		try {
			while (this.tasks.size > 0 && !this.stopped) {
				let next: Task | undefined;
				for (const task of this.tasks) if (!next || task.size - task.done < next.size - next.done) next = task;
				const task = next!;
				let digests: Buffer | undefined;
				if (this.useWorker) {
					const take = Math.min(sliceSize, task.size - task.done);
					digests = await this.worker.hashLeaves(task.key, task.done, take).catch(() => undefined);
				}

				if (this.stopped) break;
				// No worker (or it failed): a few MiB on this thread, then let the loop breathe.
				const inline = digests === undefined;
				digests ??= hashLeavesInline(task.key, task.done, Math.min(inlineSliceSize, task.size - task.done));
				for (let i = 0; i < digests.length; i += 32) task.leaves.push(digests.subarray(i, i + 32));
				task.done = Math.min(task.size, task.leaves.length * MiB);
				if (task.done >= task.size) {
					this.tasks.delete(task);
					if (task.cacheFile) writeCache(task.cacheFile, task.leaves);
					task.resolve(task.leaves);
				}

				if (inline) await yieldToLoop();
			}
		} finally {
			this.running = false;
		}
	}
}

function leafId(seed: string, size: number): string {
	return `${GENERATOR_VERSION}\0${seed}\0${size}`;
}

function readCache(file: string, count: number): Buffer[] | undefined {
	try {
		const data = readFileSync(file);
		if (data.length !== count * 32) return undefined;
		const leaves: Buffer[] = [];
		for (let i = 0; i < count; i++) leaves.push(data.subarray(i * 32, (i + 1) * 32));
		return leaves;
	} catch {
		return undefined;
	}
}

function writeCache(file: string, leaves: Buffer[]): void {
	try {
		mkdirSync(join(file, '..'), {recursive: true});
		const temporary = `${file}.${process.pid}.tmp`;
		writeFileSync(temporary, Buffer.concat(leaves));
		renameSync(temporary, file);
	} catch {
		// The cache is an optimisation only.
	}
}

/**
 * Tree hash (hex) of the megabyte-aligned range [start, endInclusive] of the
 * data whose leaves are given: start is a multiple of 1 MiB, and endInclusive+1
 * is a multiple of 1 MiB or the end of the data.
 */
export function rangeTreeHash(leaves: readonly Buffer[], start: number, endInclusive: number): string {
	return combineTreeHashes(leaves.slice(start / MiB, Math.ceil((endInclusive + 1) / MiB))).toString('hex');
}
