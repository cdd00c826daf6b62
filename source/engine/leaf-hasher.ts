/**
 * SHA-256 of 1 MiB tree-hash leaves for the download engine, off the main
 * thread. Leaves live in SharedArrayBuffer slots that the engine fills from
 * the socket and writes to the .part at the same time as a worker hashes
 * them: no copy to the worker, no copy back, only a 32-byte digest returned.
 *
 * With `threads: 0` (or when a worker cannot start or dies) the leaf is
 * hashed on the calling thread instead: about 0.7 ms per MiB, so the event
 * loop is never held for longer than one leaf.
 */
import {createHash} from 'node:crypto';
import {Worker} from 'node:worker_threads';

// CommonJS from a string, so it runs from source and build alike.
const workerSource = `
const {parentPort} = require('node:worker_threads');
const {createHash} = require('node:crypto');
parentPort.on('message', ({id, shared, length}) => {
	const digest = createHash('sha256').update(new Uint8Array(shared, 0, length)).digest();
	parentPort.postMessage({id, digest: digest.buffer.slice(digest.byteOffset, digest.byteOffset + 32)});
});
`;

type Waiter = {resolve: (digest: Buffer) => void; reject: (error: Error) => void};

export class LeafHasher {
	private readonly workers: Worker[] = [];
	private readonly waiting = new Map<number, Waiter>();
	private nextId = 0;
	private turn = 0;
	private broken = false;

	constructor(threads: number) {
		for (let i = 0; i < threads; i++) {
			let worker: Worker;
			try {
				worker = new Worker(workerSource, {eval: true});
			} catch {
				break;
			}

			worker.on('message', ({id, digest}: {id: number; digest: ArrayBuffer}) => {
				const waiter = this.waiting.get(id);
				this.waiting.delete(id);
				waiter?.resolve(Buffer.from(digest));
				if (this.waiting.size === 0) this.idle();
			});
			worker.on('error', error => {
				this.fail(error);
			});
			worker.on('exit', code => {
				if (!this.broken && this.waiting.size > 0) this.fail(new Error(`the hashing thread stopped (exit code ${code})`));
			});
			worker.unref();
			this.workers.push(worker);
		}
	}

	/** Threads hashing (0: the calling thread does). */
	get threads(): number {
		return this.broken ? 0 : this.workers.length;
	}

	/** SHA-256 of shared[0..length). The bytes must not change until the promise settles. */
	async hash(shared: SharedArrayBuffer, length: number): Promise<Buffer> {
		if (this.threads === 0) return createHash('sha256').update(new Uint8Array(shared, 0, length)).digest();
		const id = this.nextId++;
		const promise = new Promise<Buffer>((resolve, reject) => {
			this.waiting.set(id, {resolve, reject});
		});
		if (this.waiting.size === 1) this.busy();
		this.workers[this.turn++ % this.workers.length].postMessage({id, shared, length});
		return promise;
	}

	async close(): Promise<void> {
		const workers = this.workers.splice(0);
		this.broken = true;
		await Promise.all(workers.map(async worker => worker.terminate()));
		for (const waiter of this.waiting.values()) waiter.reject(new Error('the hashing thread was stopped'));
		this.waiting.clear();
	}

	/** Keep the process alive only while a leaf is being hashed. */
	private busy(): void {
		for (const worker of this.workers) worker.ref();
	}

	private idle(): void {
		for (const worker of this.workers) worker.unref();
	}

	private fail(error: Error): void {
		this.broken = true;
		for (const waiter of this.waiting.values()) waiter.reject(error);
		this.waiting.clear();
		for (const worker of this.workers) void worker.terminate();
	}
}
