import {describe, expect, it} from 'vitest';
import {
	alignedChunkSize, checkContentRange, checksumAvailable, defaultChunkSize, formatRange, isMegabyteAligned, isPlanAligned,
	isPowerOfTwoMiB, isTreeHashAligned, parseContentRange, parseRangeHeader, planChunks, RangeHeaderError, type RangeProblem,
} from '../../source/engine/ranges.js';
import {
	leafDigests, MiB, prng, referenceTreeHash, rootOf, treeLevels, xorshift32Bytes,
} from '../fixtures/tree-hash/reference.js';

const GiB = 1024 * MiB;

function problemOf(action: () => unknown): {problem: RangeProblem; message: string} {
	try {
		action();
	} catch (error) {
		expect(error).toBeInstanceOf(RangeHeaderError);
		return {problem: (error as RangeHeaderError).problem, message: (error as Error).message};
	}

	throw new Error('expected a RangeHeaderError, but nothing was thrown');
}

describe('isMegabyteAligned', () => {
	it('follows the definition', () => {
		expect(isMegabyteAligned(0, MiB - 1, 10 * MiB)).toBe(true);
		expect(isMegabyteAligned(MiB, 4 * MiB - 1, 10 * MiB)).toBe(true); // 3 MiB long: megabyte but not tree-hash aligned
		expect(isMegabyteAligned(3 * MiB, 10 * MiB + 4, 10 * MiB + 5)).toBe(true); // runs to the end
		expect(isMegabyteAligned(0, 99, 100)).toBe(true);
		expect(isMegabyteAligned(1, MiB - 1, 10 * MiB)).toBe(false);
		expect(isMegabyteAligned(0, MiB, 10 * MiB)).toBe(false);
		expect(isMegabyteAligned(0, 98, 100)).toBe(false);
	});

	it('is false for ranges outside the data or not made of whole numbers', () => {
		expect(isMegabyteAligned(0, MiB - 1, MiB - 1)).toBe(false);
		expect(isMegabyteAligned(MiB, MiB - 1, 4 * MiB)).toBe(false);
		expect(isMegabyteAligned(-MiB, MiB - 1, 4 * MiB)).toBe(false);
		expect(isMegabyteAligned(0, Number.NaN, 4 * MiB)).toBe(false);
		expect(isMegabyteAligned(0, 0.5, 4 * MiB)).toBe(false);
		expect(isMegabyteAligned(0, 0, 0)).toBe(false);
	});
});

describe('isTreeHashAligned', () => {
	const total = Math.round(3.1 * MiB);

	it('agrees with the AWS GetJobOutput page\'s examples (3.1 MB of data)', () => {
		expect(isTreeHashAligned(MiB, 2 * MiB - 1, total)).toBe(true); // "starts at 1 MB and ends at 2 MB"
		expect(isTreeHashAligned(2 * MiB, total - 1, total)).toBe(true); // "starts at 2 MB and ends at 3.1 MB (the end of the data)"
		expect(isTreeHashAligned(0, total - 1, total)).toBe(true); // the entire range
		expect(isTreeHashAligned(MiB, total - 1, total)).toBe(false); // 2.1 MB rounds up to 4 MB; 1 MB is not a multiple
		expect(isTreeHashAligned(0, 2 * MiB - 1, total)).toBe(true);
		expect(isTreeHashAligned(0, 3 * MiB - 1, total)).toBe(false); // 3 MiB is not a power of two and does not reach the end
		expect(isTreeHashAligned(3 * MiB, total - 1, total)).toBe(true); // the carried-up last leaf
	});

	it('is false for ranges that do not start or end on a leaf, or lie outside the data', () => {
		expect(isTreeHashAligned(1, MiB, 4 * MiB)).toBe(false);
		expect(isTreeHashAligned(0, MiB - 2, 4 * MiB)).toBe(false);
		expect(isTreeHashAligned(0, 4 * MiB, 4 * MiB)).toBe(false);
		expect(isTreeHashAligned(2 * MiB, MiB, 4 * MiB)).toBe(false);
		expect(isTreeHashAligned(0, 0, 0)).toBe(false);
		expect(isTreeHashAligned(0, 99, 100)).toBe(true); // the whole of a small output
	});

	it('agrees with "the range\'s hash is a node of the whole tree" for every MiB-granular range of sizes up to 12 MiB', () => {
		const data = xorshift32Bytes(12 * MiB + 100, 0xA119);
		let aligned = 0;
		let unaligned = 0;
		const totals = [500, MiB];
		for (let k = 1; k <= 12; k++) totals.push(k * MiB, k * MiB + 100);
		for (const total of new Set(totals)) {
			const leaves = leafDigests(data.subarray(0, total));
			const nodes = new Set(treeLevels(leaves).flat().map(node => node.toString('hex')));
			const ends = [];
			for (let j = 1; j * MiB < total; j++) ends.push(j * MiB);
			ends.push(total);
			for (let i = 0; i * MiB < total; i++) {
				for (const endExclusive of ends) {
					if (endExclusive <= i * MiB) continue;
					// The range starts on a leaf, so its leaves are exactly a slice of the whole's leaves.
					const rangeHash = rootOf(leaves.slice(i, Math.ceil(endExclusive / MiB)));
					const isNode = nodes.has(rangeHash);
					expect(isTreeHashAligned(i * MiB, endExclusive - 1, total), `${i * MiB}-${endExclusive - 1} of ${total}`).toBe(isNode);
					expect(isMegabyteAligned(i * MiB, endExclusive - 1, total)).toBe(true);
					if (isNode) aligned++;
					else unaligned++;
				}
			}
		}

		// A few by hashing the bytes themselves, to tie the leaf reasoning to real data.
		expect(rootOf(leafDigests(data.subarray(0, 5 * MiB + 100)).slice(4, 6))).toBe(referenceTreeHash(data.subarray(4 * MiB, 5 * MiB + 100)));
		expect(rootOf(leafDigests(data).slice(2, 6))).toBe(referenceTreeHash(data.subarray(2 * MiB, 6 * MiB)));
		expect(aligned).toBeGreaterThan(100);
		expect(unaligned).toBeGreaterThan(100);
	});

	it('is false, like the brute force, for random byte ranges not on leaf boundaries', () => {
		const total = 3 * MiB + 5;
		const data = xorshift32Bytes(total, 0xB0B);
		const nodes = new Set(treeLevels(leafDigests(data)).flat().map(node => node.toString('hex')));
		const random = prng(7);
		for (let n = 0; n < 40; n++) {
			let start = Math.floor(random() * total);
			if (start % MiB === 0) start++;
			const end = Math.min(total - 1, start + Math.floor(random() * 300_000));
			expect(isTreeHashAligned(start, end, total)).toBe(false);
			expect(nodes.has(referenceTreeHash(data.subarray(start, end + 1)))).toBe(false);
		}
	});
});

describe('checksumAvailable', () => {
	it('is true for a whole archive, however large or small', () => {
		expect(checksumAvailable({archiveSize: 0})).toBe(true);
		expect(checksumAvailable({archiveSize: 1})).toBe(true);
		expect(checksumAvailable({archiveSize: 10 * GiB + 3})).toBe(true);
		expect(checksumAvailable({archiveSize: 7 * MiB, retrieval: {start: 0, end: 7 * MiB - 1}, download: {start: 0, end: 7 * MiB - 1}})).toBe(true);
	});

	it('needs the downloaded range aligned within the output', () => {
		expect(checksumAvailable({archiveSize: 10 * MiB, download: {start: MiB, end: 2 * MiB - 1}})).toBe(true);
		expect(checksumAvailable({archiveSize: 10 * MiB, download: {start: 8 * MiB, end: 10 * MiB - 1}})).toBe(true);
		expect(checksumAvailable({archiveSize: 10 * MiB, download: {start: MiB, end: 3 * MiB - 1}})).toBe(false);
		expect(checksumAvailable({archiveSize: 10 * MiB, download: {start: 0, end: 10 * MiB}})).toBe(false); // beyond the end
	});

	it('judges the retrieval in archive coordinates and the download in output coordinates', () => {
		const archiveSize = 10 * MiB + 512;
		// Retrieval of the aligned 4 MiB at 4 MiB: output is 4 MiB long.
		const retrieval = {start: 4 * MiB, end: 8 * MiB - 1};
		expect(checksumAvailable({archiveSize, retrieval})).toBe(true);
		expect(checksumAvailable({archiveSize, retrieval, download: {start: 0, end: 2 * MiB - 1}})).toBe(true);
		expect(checksumAvailable({archiveSize, retrieval, download: {start: 2 * MiB, end: 4 * MiB - 1}})).toBe(true);
		expect(checksumAvailable({archiveSize, retrieval, download: {start: MiB, end: 3 * MiB - 1}})).toBe(false);
		// Download ranges are output coordinates: archive bytes 4-5 MiB are output bytes 0-1 MiB, and 4 MiB is past this 4 MiB output.
		expect(checksumAvailable({archiveSize, retrieval, download: {start: 4 * MiB, end: 5 * MiB - 1}})).toBe(false);
		// Retrieval running to the end of the archive: 8 MiB .. end (2 MiB + 512 bytes long, rounds up to 4 MiB; 8 MiB is a multiple).
		const tail = {start: 8 * MiB, end: archiveSize - 1};
		expect(checksumAvailable({archiveSize, retrieval: tail})).toBe(true);
		expect(checksumAvailable({archiveSize, retrieval: tail, download: {start: 2 * MiB, end: 2 * MiB + 511}})).toBe(true);
		expect(checksumAvailable({archiveSize, retrieval: tail, download: {start: MiB, end: 2 * MiB + 511}})).toBe(false);
	});

	it('gives no checksum when the retrieval is only megabyte aligned', () => {
		const retrieval = {start: MiB, end: 4 * MiB - 1};
		expect(isMegabyteAligned(retrieval.start, retrieval.end, 10 * MiB)).toBe(true);
		expect(checksumAvailable({archiveSize: 10 * MiB, retrieval})).toBe(false);
		expect(checksumAvailable({archiveSize: 10 * MiB, retrieval, download: {start: 0, end: MiB - 1}})).toBe(false);
		expect(checksumAvailable({archiveSize: 10 * MiB, retrieval: {start: 0, end: 11 * MiB}})).toBe(false); // beyond the archive
		expect(checksumAvailable({archiveSize: -1})).toBe(false);
	});
});

describe('formatRange', () => {
	it('formats an inclusive range', () => {
		expect(formatRange(0, 0)).toBe('bytes=0-0');
		expect(formatRange(MiB, 2 * MiB - 1)).toBe('bytes=1048576-2097151');
		expect(formatRange(0, 40 * 1024 * GiB)).toBe('bytes=0-43980465111040');
	});

	it('refuses what is not a range', () => {
		expect(problemOf(() => formatRange(-1, 5)).problem).toBe('invalid-number');
		expect(problemOf(() => formatRange(0, 1.5)).problem).toBe('invalid-number');
		expect(problemOf(() => formatRange(0, Number.NaN)).problem).toBe('invalid-number');
		const reversed = problemOf(() => formatRange(5, 4));
		expect(reversed.problem).toBe('reversed');
		expect(reversed.message).toContain('starts after it ends');
	});
});

describe('parseRangeHeader', () => {
	it('parses bytes=START-END, round-tripping formatRange', () => {
		expect(parseRangeHeader('bytes=0-1048575')).toEqual({start: 0, end: 1_048_575});
		expect(parseRangeHeader(' Bytes = 5 - 9 ')).toEqual({start: 5, end: 9});
		expect(parseRangeHeader('bytes=0-0', 1)).toEqual({start: 0, end: 0});
		expect(parseRangeHeader('bytes=10-99', 100)).toEqual({start: 10, end: 99});
		expect(parseRangeHeader(formatRange(123, 456_789))).toEqual({start: 123, end: 456_789});
	});

	const cases: Array<[string, number | undefined, RangeProblem, RegExp]> = [
		['0-99', undefined, 'malformed', /should look like bytes=START-END/],
		['items=0-99', undefined, 'malformed', /should look like bytes=START-END/],
		['', undefined, 'malformed', /should look like bytes=START-END/],
		['bytes=99', undefined, 'malformed', /no '-'/],
		['bytes=-', undefined, 'malformed', /neither start nor end/],
		['bytes=-500', undefined, 'suffix', /suffix range.*give both ends/],
		['bytes=500-', 1000, 'open', /has no end.*bytes=500-999/],
		['bytes=500-', undefined, 'open', /has no end.*bytes=500-END/],
		['bytes=0-9,20-29', undefined, 'multiple', /several ranges.*single range/],
		['bytes=0x10-20', undefined, 'invalid-number', /start that is not a whole number/],
		['bytes=1-2.5', undefined, 'invalid-number', /end that is not a whole number/],
		['bytes=+1-2', undefined, 'invalid-number', /start that is not a whole number/],
		['bytes=1-99999999999999999999', undefined, 'invalid-number', /too large/],
		['bytes=10-9', undefined, 'reversed', /starts after it ends: the start \(10\) must be <= the end \(9\)/],
		['bytes=0-100', 100, 'beyond-end', /beyond the data: the data is 100 bytes, so the last byte is 99/],
		['bytes=0-0', 0, 'beyond-end', /the data is empty/],
	];
	for (const [header, total, problem, message] of cases) {
		it(`refuses '${header}'${total === undefined ? '' : ` of ${total} bytes`} (${problem})`, () => {
			const got = problemOf(() => parseRangeHeader(header, total));
			expect(got.problem).toBe(problem);
			expect(got.message).toMatch(message);
		});
	}

	it('shortens a very long header in its message', () => {
		const {message} = problemOf(() => parseRangeHeader('bytes=' + 'x'.repeat(1000)));
		expect(message.length).toBeLessThan(300);
	});
});

describe('parseContentRange and checkContentRange', () => {
	it('parses bytes START-END/TOTAL and an unknown total', () => {
		expect(parseContentRange('bytes 0-99/100')).toEqual({start: 0, end: 99, total: 100});
		expect(parseContentRange('bytes 1048576-2097151/*')).toEqual({start: MiB, end: 2 * MiB - 1, total: null});
		expect(parseContentRange(' BYTES 5-5/6 ')).toEqual({start: 5, end: 5, total: 6});
	});

	const cases: Array<[string, RangeProblem, RegExp]> = [
		['bytes=0-99/100', 'malformed', /malformed Content-Range/],
		['0-99/100', 'malformed', /malformed/],
		['bytes 0-99', 'malformed', /malformed/],
		['bytes a-b/c', 'malformed', /malformed/],
		['', 'malformed', /malformed/],
		['bytes */100', 'unsatisfied', /not satisfiable/],
		['bytes 10-9/100', 'reversed', /inconsistent.*starts after it ends/],
		['bytes 0-100/100', 'beyond-end', /inconsistent.*beyond its own total/],
		['bytes 0-99999999999999999999/*', 'invalid-number', /too large/],
	];
	for (const [header, problem, message] of cases) {
		it(`refuses '${header}' (${problem})`, () => {
			const got = problemOf(() => parseContentRange(header));
			expect(got.problem).toBe(problem);
			expect(got.message).toMatch(message);
		});
	}

	it('accepts exactly the range asked for', () => {
		expect(checkContentRange('bytes 0-99/1000', 0, 99, 1000)).toEqual({start: 0, end: 99, total: 1000});
		expect(checkContentRange('bytes 0-99/1000', 0, 99)).toEqual({start: 0, end: 99, total: 1000});
		expect(checkContentRange('bytes 0-99/*', 0, 99, 1000)).toEqual({start: 0, end: 99, total: null});
	});

	it('refuses a missing header, another range or another total', () => {
		for (const header of [undefined, null, '  ']) expect(problemOf(() => checkContentRange(header, 0, 99)).problem).toBe('missing');
		const shifted = problemOf(() => checkContentRange('bytes 100-199/1000', 0, 99, 1000));
		expect(shifted.problem).toBe('mismatch');
		expect(shifted.message).toMatch(/sent bytes 100-199 .* but bytes 0-99 were asked for/);
		expect(problemOf(() => checkContentRange('bytes 0-98/1000', 0, 99)).problem).toBe('mismatch');
		const total = problemOf(() => checkContentRange('bytes 0-99/2000', 0, 99, 1000));
		expect(total.problem).toBe('mismatch');
		expect(total.message).toMatch(/output is 2000 bytes .* should be 1000 bytes/);
		expect(problemOf(() => checkContentRange('bytes 0-99', 0, 99)).problem).toBe('malformed');
	});
});

describe('chunk sizes', () => {
	it('isPowerOfTwoMiB', () => {
		for (let k = 0; k <= 20; k++) expect(isPowerOfTwoMiB((2 ** k) * MiB)).toBe(true);
		for (const n of [0, 1, MiB - 1, MiB + 1, 3 * MiB, 1.5 * MiB, 6 * MiB, 12 * MiB, -MiB, Number.NaN, Number.POSITIVE_INFINITY]) expect(isPowerOfTwoMiB(n), String(n)).toBe(false);
	});

	it('defaultChunkSize: small outputs small chunks, at most 128 chunks up to 8 GiB, never above 64 MiB', () => {
		expect(defaultChunkSize(0)).toBe(MiB);
		expect(defaultChunkSize(1)).toBe(MiB);
		expect(defaultChunkSize(128 * MiB)).toBe(MiB);
		expect(defaultChunkSize(128 * MiB + 1)).toBe(2 * MiB);
		expect(defaultChunkSize(GiB)).toBe(8 * MiB);
		expect(defaultChunkSize(8 * GiB)).toBe(64 * MiB);
		expect(defaultChunkSize(40 * 1024 * GiB)).toBe(64 * MiB);
		const random = prng(99);
		for (let n = 0; n < 200; n++) {
			const size = Math.floor(random() * 2 ** (20 + random() * 24));
			const chunk = defaultChunkSize(size);
			expect(isPowerOfTwoMiB(chunk)).toBe(true);
			expect(chunk).toBeLessThanOrEqual(64 * MiB);
			if (chunk < 64 * MiB) expect(Math.ceil(size / chunk)).toBeLessThanOrEqual(128);
			if (chunk > MiB) expect(Math.ceil(size / chunk)).toBeGreaterThan(64);
		}
	});

	it('alignedChunkSize picks the largest size dividing the start', () => {
		expect(alignedChunkSize(0, 16 * MiB)).toBe(16 * MiB);
		expect(alignedChunkSize(12 * MiB, 16 * MiB)).toBe(4 * MiB);
		expect(alignedChunkSize(3 * MiB, 16 * MiB)).toBe(MiB);
		expect(alignedChunkSize(64 * MiB, 8 * MiB)).toBe(8 * MiB);
		expect(alignedChunkSize(1000, 8 * MiB)).toBeNull();
	});
});

describe('planChunks', () => {
	function expectCover(chunks: ReturnType<typeof planChunks>, start: number, end: number): void {
		expect(chunks[0].start).toBe(start);
		expect(chunks.at(-1)!.end).toBe(end);
		for (const [i, chunk] of chunks.entries()) {
			expect(chunk.index).toBe(i);
			expect(chunk.end).toBeGreaterThanOrEqual(chunk.start);
			if (i > 0) expect(chunk.start).toBe(chunks[i - 1].end + 1);
		}
	}

	it('cuts a whole output into aligned chunks, the last one short', () => {
		const chunks = planChunks({start: 0, end: 10 * MiB + 4, chunkSize: 4 * MiB});
		expect(chunks).toEqual([
			{index: 0, start: 0, end: 4 * MiB - 1, aligned: true},
			{index: 1, start: 4 * MiB, end: 8 * MiB - 1, aligned: true},
			{index: 2, start: 8 * MiB, end: 10 * MiB + 4, aligned: true},
		]);
		expect(isPlanAligned(chunks)).toBe(true);
		expect(planChunks({start: 0, end: 0, chunkSize: MiB})).toEqual([{index: 0, start: 0, end: 0, aligned: true}]);
	});

	it('every chunk is aligned whenever start is a multiple of the chunk size and the plan runs to the end', () => {
		const random = prng(5);
		for (let n = 0; n < 300; n++) {
			const chunkSize = (2 ** Math.floor(random() * 5)) * MiB;
			const total = 1 + Math.floor(random() * 70 * MiB);
			const start = Math.floor(Math.floor(random() * total) / chunkSize) * chunkSize;
			const chunks = planChunks({start, end: total - 1, chunkSize, totalSize: total});
			expectCover(chunks, start, total - 1);
			expect(chunks.every(chunk => chunk.aligned), `${start}-${total - 1} by ${chunkSize}`).toBe(true);
			for (const chunk of chunks.slice(0, -1)) expect(chunk.end - chunk.start + 1).toBe(chunkSize);
		}
	});

	it('marks a short last chunk that stops before the end of the output as unaligned', () => {
		const chunks = planChunks({start: 0, end: 5 * MiB + 10, chunkSize: 4 * MiB, totalSize: 20 * MiB});
		expect(chunks.map(chunk => chunk.aligned)).toEqual([true, false]);
		expect(isPlanAligned(chunks)).toBe(false);
	});

	it('cuts from an unaligned start, saying the chunks are unaligned', () => {
		const chunks = planChunks({start: 3 * MiB, end: 11 * MiB - 1, chunkSize: 2 * MiB, totalSize: 12 * MiB});
		expectCover(chunks, 3 * MiB, 11 * MiB - 1);
		expect(chunks.map(chunk => chunk.start / MiB)).toEqual([3, 5, 7, 9]);
		expect(chunks.some(chunk => chunk.aligned)).toBe(false);
		// A short last chunk can still be aligned: 3 MiB .. 4 MiB+10 of 4 MiB+11 bytes ends with the carried-up leaf 4 MiB..end.
		expect(planChunks({start: 3 * MiB, end: 4 * MiB + 10, chunkSize: MiB}).map(chunk => chunk.aligned)).toEqual([true, true]);
		expect(planChunks({start: MiB + 7, end: 3 * MiB, chunkSize: MiB}).some(chunk => chunk.aligned)).toBe(false);
	});

	it('refuses bad chunk sizes and bad ranges', () => {
		for (const chunkSize of [0, 1000, 3 * MiB, 6 * MiB, Number.NaN]) {
			const {problem, message} = problemOf(() => planChunks({start: 0, end: 10, chunkSize}));
			expect(problem).toBe('chunk-size');
			expect(message).toMatch(/power-of-two number of MiB/);
		}

		expect(problemOf(() => planChunks({start: -1, end: 10, chunkSize: MiB})).problem).toBe('invalid-number');
		expect(problemOf(() => planChunks({start: 0, end: 2.5, chunkSize: MiB})).problem).toBe('invalid-number');
		expect(problemOf(() => planChunks({start: 11, end: 10, chunkSize: MiB})).problem).toBe('reversed');
		const beyond = problemOf(() => planChunks({start: 0, end: 10, chunkSize: MiB, totalSize: 10}));
		expect(beyond.problem).toBe('beyond-end');
		expect(beyond.message).toMatch(/only 10 bytes/);
	});
});
