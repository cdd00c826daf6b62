import {createHash} from 'node:crypto';
import {Readable} from 'node:stream';
import {describe, expect, it} from 'vitest';
import {StallTimer} from '../../source/engine/download/attempt.js';
import {ChunkSink, SlotStore} from '../../source/engine/download/chunk-sink.js';
import type {LeafHasher} from '../../source/engine/leaf-hasher.js';

const KiB = 1024;

describe('ChunkSink: waiting on our own work is not a stall', () => {
	it('a body that is all in, waiting for a busy hashing thread longer than the idle timeout, is not stalled', async () => {
		// A hashing thread that takes 300 ms a leaf (one thread with every chunk's last leaf queued, on a loaded machine).
		const slow = {
			threads: 1,
			async hashLeaf(slot: ArrayBuffer, length: number) {
				await new Promise(resolve => setTimeout(resolve, 300));
				return {digest: createHash('sha256').update(new Uint8Array(slot, 0, length)).digest(), slot};
			},
		} as unknown as LeafHasher;
		const written: number[] = [];
		let stalls = 0;
		const timer = new StallTimer(100, () => {
			stalls++;
		});
		timer.arm();
		const sink = new ChunkSink({
			base: 0,
			length: 96 * KiB,
			range: 'bytes=0-98303',
			slotSize: 64 * KiB,
			hasher: slow,
			slots: new SlotStore(),
			progress() {},
			async write(data, at) {
				written.push(at, data.length);
			},
		}, Readable.from([Buffer.alloc(64 * KiB, 1), Buffer.alloc(32 * KiB, 2)]), timer);
		const {received} = await sink.run();
		timer.disarm();
		expect(received).toBe(96 * KiB);
		expect(written).toEqual([0, 64 * KiB, 64 * KiB, 32 * KiB]);
		expect(stalls).toBe(0);
		expect(timer.stalled).toBe(false);
	});
});
