import {execFileSync} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {open} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {Readable} from 'node:stream';
import {afterAll, describe, expect, it} from 'vitest';
import {
	combineTreeHashes, MiB, ShortFileError, TreeHashCombiner, TreeHasher, treeHash, treeHashFile, treeHashStream,
} from '../../source/engine/tree-hash.js';
import {planChunks} from '../../source/engine/ranges.js';
import {
	leafDigests, loadVectors, prng, referenceTreeHash, sha256, xorshift32Bytes,
} from '../fixtures/tree-hash/reference.js';

const vectors = loadVectors();
const stream = xorshift32Bytes(Math.max(...vectors.map(v => v.size)));

/** Feed data to a fresh TreeHasher in pieces whose sizes come from nextSize. */
function hashInPieces(data: Uint8Array, nextSize: () => number): {hex: string; pieces: number} {
	const hasher = new TreeHasher();
	let pieces = 0;
	for (let offset = 0; offset < data.length;) {
		const size = Math.max(1, Math.min(nextSize(), data.length - offset));
		hasher.update(data.subarray(offset, offset + size));
		offset += size;
		pieces++;
	}

	expect(hasher.bytes).toBe(data.length);
	return {hex: hasher.hex(), pieces};
}

/** Random piece sizes: tiny ones, ones near a leaf size, and large ones of up to 4 MiB. */
function randomPieceSizes(seed: number): () => number {
	const random = prng(seed);
	return () => {
		const kind = random();
		if (kind < 0.3) return 1 + Math.floor(random() * 100);
		if (kind < 0.55) return MiB - 3 + Math.floor(random() * 7);
		return 1 + Math.floor(random() * 4 * MiB);
	};
}

describe('known answers from botocore (test/fixtures/tree-hash/vectors.json)', () => {
	it('has the sizes the generator was asked for', () => {
		const sizes = vectors.map(v => v.size);
		for (const size of [0, 1, MiB - 1, MiB, MiB + 1, 2 * MiB - 1, 2 * MiB + 1, 3 * MiB, 4 * MiB + 1, 5 * MiB + 123, 7 * MiB, 8 * MiB, 9 * MiB - 1]) expect(sizes).toContain(size);
	});

	for (const vector of vectors) {
		it(`${vector.size} bytes`, () => {
			const data = stream.subarray(0, vector.size);
			// The bytes are the ones botocore hashed...
			expect(sha256(data).toString('hex')).toBe(vector.sha256);
			// ...and every way of hashing them gives botocore's answer.
			expect(treeHash(data)).toBe(vector.hash);
			expect(referenceTreeHash(data)).toBe(vector.hash);
			expect(hashInPieces(data, randomPieceSizes(vector.size)).hex).toBe(vector.hash);
		});
	}

	it('hashes empty data to SHA-256 of nothing', () => {
		expect(treeHash(new Uint8Array(0))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
		expect(new TreeHasher().hex()).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
	});
});

describe('streaming hasher against the naive reference', () => {
	const sizes = new Set<number>([0, 1, MiB - 1, MiB, MiB + 1]);
	for (let k = 1; k <= 4; k++) for (const delta of [-1, 0, 1]) sizes.add((2 ** k) * MiB + delta);
	const random = prng(20_240_611);
	while (sizes.size < 14 + 30) sizes.add(Math.floor(random() * 20 * MiB) + (random() < 0.2 ? 0 : 1));
	const maxSize = Math.max(...sizes);
	const data = xorshift32Bytes(maxSize, 0x1234_5678);

	for (const size of [...sizes].sort((a, b) => a - b)) {
		it(`${size} bytes (${(size / MiB).toFixed(3)} MiB) in random pieces`, () => {
			const slice = data.subarray(0, size);
			const expected = referenceTreeHash(slice);
			const {hex, pieces} = hashInPieces(slice, randomPieceSizes(size ^ 0x5EED));
			expect(hex).toBe(expected);
			expect(treeHash(slice)).toBe(expected);
			if (size > 8 * MiB) expect(pieces).toBeGreaterThan(2); // pieces are at most 4 MiB
		});
	}

	it('handles single bytes across leaf boundaries', () => {
		const slice = data.subarray(0, 3 * MiB + 17);
		const hasher = new TreeHasher();
		let offset = 0;
		for (const boundary of [MiB, 2 * MiB, 3 * MiB]) {
			hasher.update(slice.subarray(offset, boundary - 5));
			for (offset = boundary - 5; offset < boundary + 5; offset++) hasher.update(slice.subarray(offset, offset + 1));
		}

		hasher.update(slice.subarray(offset));
		expect(hasher.hex()).toBe(referenceTreeHash(slice));
	});

	it('is independent of how the data is cut (leaf-sized, empty and whole pieces)', () => {
		const slice = data.subarray(0, 5 * MiB + 1);
		const expected = referenceTreeHash(slice);
		expect(hashInPieces(slice, () => MiB).hex).toBe(expected);
		expect(hashInPieces(slice, () => 2 * MiB + 1).hex).toBe(expected);
		const hasher = new TreeHasher().update(new Uint8Array(0)).update(slice).update(new Uint8Array(0));
		expect(hasher.hex()).toBe(expected);
	});

	it('distinguishes data that differs in one byte', () => {
		const slice = Buffer.from(data.subarray(0, 2 * MiB + 3));
		const before = treeHash(slice);
		slice[MiB + 7] ^= 1;
		expect(treeHash(slice)).not.toBe(before);
		expect(treeHash(slice)).toBe(referenceTreeHash(slice));
	});

	it('refuses update() or digest() after digest()', () => {
		const hasher = new TreeHasher().update(Buffer.from('abc'));
		hasher.digest();
		expect(() => hasher.update(Buffer.from('d'))).toThrow(/after digest/);
		expect(() => hasher.digest()).toThrow(/twice/);
	});
});

describe('combining chunk hashes', () => {
	const data = xorshift32Bytes(40 * MiB + 3, 0xC0FFEE);
	const dataSizes = [1, 1000, MiB, MiB + 1, 3 * MiB + 5, 8 * MiB, 16 * MiB, 17 * MiB + 1, 24 * MiB - 1, 33 * MiB, 40 * MiB + 3];
	const wholeHashes = new Map(dataSizes.map(size => [size, referenceTreeHash(data.subarray(0, size))]));

	for (const chunkMiB of [1, 2, 4, 8, 16]) {
		it(`planChunks with ${chunkMiB} MiB chunks: chunk roots combine into the whole hash`, () => {
			for (const size of dataSizes) {
				const slice = data.subarray(0, size);
				const chunks = planChunks({start: 0, end: size - 1, chunkSize: chunkMiB * MiB});
				expect(chunks.every(chunk => chunk.aligned)).toBe(true);
				expect(chunks.length).toBe(Math.ceil(size / (chunkMiB * MiB)));
				const roots = chunks.map(chunk => treeHash(slice.subarray(chunk.start, chunk.end + 1)));
				expect(combineTreeHashes(roots).toString('hex')).toBe(wholeHashes.get(size));
				const combiner = new TreeHashCombiner();
				for (const root of roots) combiner.push(Buffer.from(root, 'hex'));
				expect(combiner.size).toBe(chunks.length);
				expect(combiner.root()!.toString('hex')).toBe(wholeHashes.get(size));
			}
		});
	}

	it('chunks cut from an unaligned start combine into the hash of that range', () => {
		const start = 3 * MiB;
		const end = 21 * MiB + 99;
		const chunks = planChunks({start, end, chunkSize: 4 * MiB, totalSize: data.length});
		expect(chunks.some(chunk => chunk.aligned)).toBe(false);
		const roots = chunks.map(chunk => treeHash(data.subarray(chunk.start, chunk.end + 1)));
		expect(combineTreeHashes(roots).toString('hex')).toBe(referenceTreeHash(data.subarray(start, end + 1)));
	});

	it('combining leaf digests gives the tree hash; nothing combines to SHA-256 of nothing', () => {
		const slice = data.subarray(0, 7 * MiB + 1);
		expect(combineTreeHashes(leafDigests(slice)).toString('hex')).toBe(referenceTreeHash(slice));
		expect(combineTreeHashes(leafDigests(slice).map(d => d.toString('hex'))).toString('hex')).toBe(referenceTreeHash(slice));
		expect(combineTreeHashes([]).toString('hex')).toBe(sha256().toString('hex'));
		expect(new TreeHashCombiner().root()).toBeNull();
	});
});

describe('treeHashStream and treeHashFile', () => {
	const directory = mkdtempSync(join(tmpdir(), 'thaw-tree-hash-'));
	afterAll(() => rmSync(directory, {recursive: true, force: true}));
	const data = xorshift32Bytes(9 * MiB + 4321, 0xF11E);
	const file = join(directory, 'data.bin');
	writeFileSync(file, data);

	it('hashes a stream of pieces', async () => {
		const pieces = [];
		for (let offset = 0; offset < data.length; offset += 300_001) pieces.push(data.subarray(offset, offset + 300_001));
		const result = await treeHashStream(Readable.from(pieces));
		expect(result).toEqual({hash: referenceTreeHash(data), bytes: data.length});
	});

	it('hashes a whole file with various buffer sizes', async () => {
		const expected = {hash: referenceTreeHash(data), bytes: data.length};
		for (const bufferSize of [4096, MiB - 1, MiB, 3 * MiB, 8 * MiB, 16 * MiB]) expect(await treeHashFile(file, {bufferSize})).toEqual(expected);
	});

	it('hashes a byte range of a file, and an open FileHandle', async () => {
		expect(await treeHashFile(file, {start: 2 * MiB, end: 6 * MiB - 1, bufferSize: 3 * MiB})).toEqual({hash: referenceTreeHash(data.subarray(2 * MiB, 6 * MiB)), bytes: 4 * MiB});
		expect(await treeHashFile(file, {start: 5})).toEqual({hash: referenceTreeHash(data.subarray(5)), bytes: data.length - 5});
		const handle = await open(file, 'r');
		try {
			expect((await treeHashFile(handle)).hash).toBe(referenceTreeHash(data));
		} finally {
			await handle.close();
		}
	});

	it('hashes on worker threads: whole files, ranges and odd block sizes', async () => {
		const expected = {hash: referenceTreeHash(data), bytes: data.length};
		for (const threads of [2, 3]) {
			for (const bufferSize of [MiB, 2 * MiB, 3 * MiB + 5]) expect(await treeHashFile(file, {threads, bufferSize})).toEqual(expected);
		}

		expect(await treeHashFile(file, {threads: 2, bufferSize: MiB, start: 3 * MiB, end: 9 * MiB - 1})).toEqual({hash: referenceTreeHash(data.subarray(3 * MiB, 9 * MiB)), bytes: 6 * MiB});
		expect(await treeHashFile(file, {threads: 2, bufferSize: 2 * MiB, start: 77})).toEqual({hash: referenceTreeHash(data.subarray(77)), bytes: data.length - 77});
		const short = await treeHashFile(file, {threads: 2, bufferSize: MiB, start: 8 * MiB, end: 12 * MiB}).catch((error: unknown) => error);
		expect(short).toBeInstanceOf(ShortFileError);
		const empty = join(directory, 'empty-for-threads');
		writeFileSync(empty, '');
		expect(await treeHashFile(empty, {threads: 2})).toEqual({hash: sha256().toString('hex'), bytes: 0});
	});

	it('reads a pipe (short reads) on one thread and on worker threads', async () => {
		const fifo = join(directory, 'fifo');
		execFileSync('mkfifo', [fifo]);
		for (const threads of [1, 2]) {
			const writer = (async () => {
				const handle = await open(fifo, 'w');
				for (let offset = 0; offset < data.length; offset += 99_999) await handle.write(data.subarray(offset, offset + 99_999));
				await handle.close();
			})();
			const [result] = await Promise.all([treeHashFile(fifo, {threads, bufferSize: 2 * MiB}), writer]);
			expect(result).toEqual({hash: referenceTreeHash(data), bytes: data.length});
		}
	});

	it('hashes an empty file', async () => {
		const empty = join(directory, 'empty');
		writeFileSync(empty, '');
		expect(await treeHashFile(empty)).toEqual({hash: sha256().toString('hex'), bytes: 0});
	});

	it('reports a file shorter than the range asked for', async () => {
		const error = await treeHashFile(file, {start: 9 * MiB, end: 10 * MiB - 1}).catch((error_: unknown) => error_);
		expect(error).toBeInstanceOf(ShortFileError);
		expect((error as ShortFileError).got).toBe(4321);
	});

	it('passes on file system errors', async () => {
		await expect(treeHashFile(join(directory, 'missing'))).rejects.toMatchObject({code: 'ENOENT'});
		await expect(treeHashFile(directory)).rejects.toMatchObject({code: 'EISDIR'});
	});
});
