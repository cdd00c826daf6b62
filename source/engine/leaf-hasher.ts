/**
 * SHA-256 of 1 MiB tree-hash leaves for the download engine, off the main
 * thread, and the leaf's write to the .part on the same thread. A leaf's slot
 * (an ArrayBuffer the engine filled from the socket) is transferred to a
 * worker and back: no copy either way, only the slot and a 32-byte digest
 * cross.
 *
 * Measured (1 GiB from nginx on loopback to tmpfs, 2 cores, perf):
 * - The worker writes too: libuv's four pool threads writing the slots of
 *   eight chunks at once spent ~1.7 s of CPU in the kernel for what one
 *   sequential writer does in ~0.2-0.5 s (contention on the file's lock),
 *   and each write's wake-up took the event loop's core away from it.
 * - Transferred, not shared: copying socket pieces into a SharedArrayBuffer
 *   goes through V8's relaxed (atomic-safe) memmove, ~0.57 s per GiB on the
 *   event loop against ~0.13 s into a plain ArrayBuffer.
 *
 * With `threads: 0` (or when a worker cannot start or dies) the leaf is
 * hashed on the calling thread and written through the thread pool instead:
 * about 0.7 ms per MiB, so the event loop is never held for longer than one
 * leaf.
 */
import {createHash} from 'node:crypto';
import {write} from 'node:fs';
import {Worker} from 'node:worker_threads';

// CommonJS from a string, so it runs from source and build alike. With an fd,
// the leaf is hashed and then written at its place (pwrite, all of it); the
// slot goes back with the answer either way.
const workerSource = `
const {parentPort} = require('node:worker_threads');
const {createHash} = require('node:crypto');
const {writeSync} = require('node:fs');
parentPort.on('message', ({id, buffer, length, fd, position}) => {
	const view = new Uint8Array(buffer, 0, length);
	const digest = createHash('sha256').update(view).digest();
	let error;
	if (fd !== undefined) {
		try {
			for (let done = 0; done < length;) {
				const wrote = writeSync(fd, view, done, length - done, position + done);
				if (wrote <= 0) throw Object.assign(new Error('write wrote nothing'), {code: 'EIO'});
				done += wrote;
			}
		} catch (caught) {
			error = {code: caught.code, message: caught.message};
		}
	}
	parentPort.postMessage({id, buffer, error, digest: error ? undefined : digest.buffer.slice(digest.byteOffset, digest.byteOffset + 32)}, [buffer]);
});
`;

/** A leaf's write to the .part failed (on the worker or here): the file system's code and message, and the slot back. */
export class LeafWriteError extends Error {
	readonly code: string | undefined;
	slot: ArrayBuffer | undefined;

	constructor(message: string, code: string | undefined) {
		super(message);
		this.name = 'LeafWriteError';
		this.code = code;
	}
}

/** What a leaf's trip gives back: its digest and its slot, to reuse. */
export type LeafResult = {digest: Buffer; slot: ArrayBuffer};

type Waiter = {resolve: (result: LeafResult) => void; reject: (error: Error) => void};

/** Write all of view at position through the thread pool (the fallback when no worker hashes). */
async function writeAll(fd: number, view: Uint8Array, position: number): Promise<void> {
	for (let done = 0; done < view.length;) {
		const wrote = await new Promise<number>((resolve, reject) => {
			write(fd, view, done, view.length - done, position + done, (error, bytes) => {
				if (error) reject(new LeafWriteError(error.message, error.code));
				else resolve(bytes);
			});
		});
		if (wrote <= 0) throw new LeafWriteError('write wrote nothing', 'EIO');
		done += wrote;
	}
}

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

			worker.on('message', ({id, buffer, digest, error}: {id: number; buffer: ArrayBuffer; digest?: ArrayBuffer; error?: {code?: string; message: string}}) => {
				const waiter = this.waiting.get(id);
				this.waiting.delete(id);
				if (error) {
					const failure = new LeafWriteError(error.message, error.code);
					failure.slot = buffer;
					waiter?.reject(failure);
				} else {
					waiter?.resolve({digest: Buffer.from(digest!), slot: buffer});
				}

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

	/**
	 * SHA-256 of slot[0..length), and with `write` the same bytes written to
	 * its fd at its position: on a worker, or here (and through the thread
	 * pool) when there is none. With a worker the slot is transferred there
	 * and is unusable (detached) until it comes back in the result (or in the
	 * LeafWriteError of a failed write). A worker that dies loses the slots it
	 * held.
	 */
	async hashLeaf(slot: ArrayBuffer, length: number, write?: {fd: number; position: number}): Promise<LeafResult> {
		if (this.threads === 0) {
			const view = new Uint8Array(slot, 0, length);
			const digest = createHash('sha256').update(view).digest();
			if (write) {
				try {
					await writeAll(write.fd, view, write.position);
				} catch (error) {
					if (error instanceof LeafWriteError) error.slot = slot;
					throw error;
				}
			}

			return {digest, slot};
		}

		const id = this.nextId++;
		const promise = new Promise<LeafResult>((resolve, reject) => {
			this.waiting.set(id, {resolve, reject});
		});
		if (this.waiting.size === 1) this.busy();
		this.workers[this.turn++ % this.workers.length].postMessage({id, buffer: slot, length, ...write}, [slot]);
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
