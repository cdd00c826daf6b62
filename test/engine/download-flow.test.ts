/**
 * The engine's body flow under load: more bytes in flight than the per-chunk
 * slots and the per-turn budget hold, so bodies are paused and resumed many
 * times; the bytes and tree hashes must come out exactly right either way, and
 * a stall detector must not mistake our own pauses for the server's.
 */
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {fetch, MiB, sameBytes, world, type World} from './download-helpers.js';

let w: World;
let n = 0;
const out = () => join(w.dir, `flow-${++n}.bin`);

beforeAll(async () => {
	w = await world(40 * MiB + 4321);
});
afterAll(async () => w.close());

describe('pausing bodies for slots and per-turn budget', () => {
	for (const [hashThreads, turnBudget] of [[0, undefined], [2, undefined], [0, 64 * 1024], [2, 1]]) {
		it(`40 MiB at concurrency 8, ${hashThreads} hashing threads, turn budget ${turnBudget ?? 'default'}: exact bytes, every chunk matches Glacier's hash`, async () => {
			const file = out();
			const result = await fetch(w, file, {concurrency: 8, chunkSize: 4 * MiB, hashThreads, turnBudget});
			expect(await sameBytes(w, file)).toBe(true);
			expect(result.verdict.ok).toBe(true);
			expect(result.verdict.computed).toBe(await w.emulator.archiveTreeHash(w.vault, w.archiveId));
			expect(result.snapshot.chunks).toHaveLength(11);
			expect(result.snapshot.chunks.every(chunk => chunk.checkedBy === 'tree-hash' && chunk.expectedHash === chunk.treeHash)).toBe(true);
			expect(result.snapshot.retries).toBe(0);
		});
	}

	it('a short idle timeout is not tripped by waiting on our own writes', async () => {
		const file = out();
		// 600 ms, not less: on 2 cores at load 15 the in-process emulator itself
		// can leave a request unanswered for 250 ms (main's engine retried there too).
		const result = await fetch(w, file, {concurrency: 8, chunkSize: 8 * MiB, readTimeoutMs: 600});
		expect(result.verdict.ok).toBe(true);
		expect(result.snapshot.retries).toBe(0);
	});
});
