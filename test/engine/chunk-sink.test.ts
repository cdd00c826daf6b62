import {createHash} from 'node:crypto';
import {createServer} from 'node:net';
import {Readable} from 'node:stream';
import {describe, expect, it} from 'vitest';
import {StallTimer} from '../../source/engine/download/attempt.js';
import {ChunkSink, SlotStore} from '../../source/engine/download/chunk-sink.js';
import type {LeafHasher} from '../../source/engine/leaf-hasher.js';
import {treeHash} from '../../source/engine/tree-hash.js';
import {DirectHttpHandler, readBodyInto} from '../../source/glacier/direct-http.js';

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

describe('ChunkSink: a body read straight into its slots', () => {
	it('over the direct http handler, pieces that land at the fill position are not copied; the bytes and hash are right', async () => {
		const size = (3 * 1024 * KiB) + 5;
		const data = Buffer.alloc(size);
		for (let i = 0; i < size; i++) data[i] = (i * 13) % 251;
		const server = createServer(socket => {
			socket.once('data', () => {
				socket.write(`HTTP/1.1 206 Partial Content\r\nContent-Length: ${size}\r\n\r\n`);
				setTimeout(() => socket.write(data), 20);
			});
		});
		await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
		const handler = new DirectHttpHandler({maxSockets: 1});
		try {
			const controller = new AbortController();
			const {port} = server.address() as {port: number};
			const {response} = await handler.handle({protocol: 'http:', hostname: '127.0.0.1', port, method: 'GET', path: '/', headers: {}, query: {}}, {abortSignal: controller.signal});
			const file = Buffer.alloc(size);
			const timer = new StallTimer(0, () => undefined);
			const sink = new ChunkSink({
				base: 0,
				length: size,
				range: `bytes=0-${size - 1}`,
				slotSize: 1024 * KiB,
				hasher: {threads: 0} as LeafHasher,
				slots: new SlotStore(),
				progress() {},
				async write(bytes, at) {
					bytes.copy(file, at);
				},
			}, response.body as Readable, timer);
			readBodyInto(controller.signal, sink);
			const {received, computed} = await sink.run();
			expect(received).toBe(size);
			expect(file.equals(data)).toBe(true);
			expect(computed).toBe(treeHash(data));
			// At most the first read after the head went through the handler's own buffer.
			expect(sink.copied).toBeLessThanOrEqual(64 * KiB);
		} finally {
			handler.destroy();
			server.close();
		}
	});
});
