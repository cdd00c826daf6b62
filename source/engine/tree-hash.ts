/**
 * Glacier's SHA-256 tree hash.
 *
 * Data is cut into 1 MiB leaves (the last may be shorter), each leaf is hashed
 * with SHA-256, then neighbours are paired left to right (parent =
 * SHA-256(left || right) over the raw 32-byte digests), an odd node at the end
 * of a level being carried up unchanged, until one node is left. Empty data
 * hashes to SHA-256 of nothing.
 *
 * The streaming hasher keeps one partial leaf hash and a stack of subtree
 * roots (at most one per level, like a binary counter), so hashing 1 TiB needs
 * about 40 digests of memory.
 */
import {createHash, type Hash} from 'node:crypto';
import {open, type FileHandle} from 'node:fs/promises';

export const MiB = 1024 * 1024;
export const LEAF_SIZE = MiB;

const emptySha256 = createHash('sha256').digest();

function sha256Pair(left: Buffer, right: Buffer): Buffer {
	return createHash('sha256').update(left).update(right).digest();
}

/**
 * Folds a sequence of same-level nodes (leaf digests, or roots of equal-sized
 * aligned chunks) into their tree root, in O(log n) memory.
 */
export class TreeHashCombiner {
	// stack[i] = root of a complete subtree of 2^heights[i] nodes; heights strictly decrease.
	private readonly stack: Buffer[] = [];
	private readonly heights: number[] = [];
	private count = 0;

	/** Number of nodes pushed so far. */
	get size(): number {
		return this.count;
	}

	push(digest: Buffer): void {
		let node = digest;
		let height = 0;
		while (this.heights.length > 0 && this.heights.at(-1) === height) {
			this.heights.pop();
			node = sha256Pair(this.stack.pop()!, node);
			height++;
		}

		this.stack.push(node);
		this.heights.push(height);
		this.count++;
	}

	/** The root over everything pushed (carrying odd nodes up); null when nothing was pushed. */
	root(): Buffer | null {
		if (this.stack.length === 0) return null;
		let node = this.stack.at(-1)!;
		for (let i = this.stack.length - 2; i >= 0; i--) node = sha256Pair(this.stack[i], node);
		return node;
	}
}

/** Combine same-level digests (e.g. the tree hashes of consecutive aligned chunks) into one root. */
export function combineTreeHashes(digests: ReadonlyArray<Buffer | string>): Buffer {
	if (digests.length === 0) return emptySha256;
	const combiner = new TreeHashCombiner();
	for (const digest of digests) combiner.push(typeof digest === 'string' ? Buffer.from(digest, 'hex') : digest);
	return combiner.root()!;
}

/** Streaming SHA-256 tree hash: call update() with pieces of any size, then digest(). */
export class TreeHasher {
	private readonly leaves = new TreeHashCombiner();
	private leaf: Hash = createHash('sha256');
	private leafFill = 0;
	private total = 0;
	private done = false;

	/** Bytes hashed so far. */
	get bytes(): number {
		return this.total;
	}

	update(data: Uint8Array): this {
		if (this.done) throw new Error('TreeHasher: update() after digest()');
		let offset = 0;
		const length = data.byteLength;
		while (offset < length) {
			const take = Math.min(LEAF_SIZE - this.leafFill, length - offset);
			this.leaf.update(offset === 0 && take === length ? data : data.subarray(offset, offset + take));
			this.leafFill += take;
			offset += take;
			if (this.leafFill === LEAF_SIZE) this.closeLeaf();
		}

		this.total += length;
		return this;
	}

	/** The tree hash as 32 raw bytes. */
	digest(): Buffer {
		if (this.done) throw new Error('TreeHasher: digest() called twice');
		this.done = true;
		if (this.leafFill > 0) this.closeLeaf();
		return this.leaves.root() ?? emptySha256;
	}

	/** The tree hash as 64 lower-case hex digits. */
	hex(): string {
		return this.digest().toString('hex');
	}

	private closeLeaf(): void {
		this.leaves.push(this.leaf.digest());
		this.leaf = createHash('sha256');
		this.leafFill = 0;
	}
}

/** Tree hash of bytes held in memory, as hex. */
export function treeHash(data: Uint8Array): string {
	return new TreeHasher().update(data).hex();
}

/** Tree hash of a stream of byte pieces (a file, an HTTP body), as hex. */
export async function treeHashStream(stream: AsyncIterable<Uint8Array>): Promise<{hash: string; bytes: number}> {
	const hasher = new TreeHasher();
	for await (const piece of stream) hasher.update(piece);
	const bytes = hasher.bytes;
	return {hash: hasher.hex(), bytes};
}

export type TreeHashFileOptions = {
	/** First byte to hash (default 0). */
	start?: number;
	/** Last byte to hash, inclusive (default: up to the end of the file). The file must reach it. */
	end?: number;
	/** Read size in bytes (default 8 MiB); two buffers of this size are used. */
	bufferSize?: number;
};

/** Thrown by treeHashFile when the file ends before the requested end. */
export class ShortFileError extends Error {
	constructor(readonly expected: number, readonly got: number) {
		super(`the file ended after ${got} of ${expected} bytes`);
		this.name = 'ShortFileError';
	}
}

export const DEFAULT_READ_BUFFER = 8 * MiB;

/**
 * Tree hash of a file (or of bytes start..end of it), as hex. Reads into two
 * reused buffers so the next read runs while the current one is hashed. Without
 * start/end the file is read sequentially, so pipes and other non-seekable
 * files work too. File system errors (ENOENT, EACCES, EISDIR...) are passed on.
 */
export async function treeHashFile(file: string | FileHandle, options: TreeHashFileOptions = {}): Promise<{hash: string; bytes: number}> {
	const bufferSize = options.bufferSize ?? DEFAULT_READ_BUFFER;
	const start = options.start ?? 0;
	const positioned = options.start !== undefined || options.end !== undefined;
	const wanted = options.end === undefined ? Number.POSITIVE_INFINITY : options.end - start + 1;
	if (!Number.isSafeInteger(start) || start < 0 || !(wanted >= 0)) throw new RangeError(`treeHashFile: bad range ${start}-${String(options.end)}`);
	if (!Number.isSafeInteger(bufferSize) || bufferSize <= 0) throw new RangeError(`treeHashFile: bad buffer size ${bufferSize}`);

	const handle = typeof file === 'string' ? await open(file, 'r') : file;
	const buffers = [Buffer.allocUnsafe(bufferSize), Buffer.allocUnsafe(bufferSize)];
	const hasher = new TreeHasher();
	let position = start;
	let remaining = wanted;
	let which = 0;
	const readInto = async (buffer: Buffer): Promise<number> => {
		if (remaining <= 0) return 0;
		const length = Math.min(bufferSize, remaining);
		const {bytesRead} = await handle.read(buffer, 0, length, positioned ? position : null);
		return bytesRead;
	};

	let pending: Promise<number> | undefined;
	try {
		pending = readInto(buffers[which]);
		for (;;) {
			const bytesRead = await pending;
			pending = undefined;
			if (bytesRead === 0) break;
			const current = buffers[which];
			position += bytesRead;
			remaining -= bytesRead;
			which ^= 1;
			pending = readInto(buffers[which]);
			hasher.update(bytesRead === bufferSize ? current : current.subarray(0, bytesRead));
		}
	} finally {
		// Never close the handle under a read still in flight.
		if (pending) await pending.catch(() => 0);
		if (typeof file === 'string') await handle.close();
	}

	if (remaining > 0 && remaining !== Number.POSITIVE_INFINITY) throw new ShortFileError(wanted, hasher.bytes);
	const bytes = hasher.bytes;
	return {hash: hasher.hex(), bytes};
}
