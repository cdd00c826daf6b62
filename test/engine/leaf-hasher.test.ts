import {createHash} from 'node:crypto';
import {mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {LeafHasher, LeafWriteError} from '../../source/engine/leaf-hasher.js';

const dir = mkdtempSync(join(tmpdir(), 'thaw-leaf-hasher-'));
afterAll(() => {
	rmSync(dir, {recursive: true, force: true});
});

function slotOf(text: string, size = 64): {slot: ArrayBuffer; length: number} {
	const slot = new ArrayBuffer(size);
	const length = Buffer.from(slot).write(text);
	return {slot, length};
}

describe('LeafHasher: hash and write a leaf', () => {
	for (const threads of [1, 0]) {
		it(`${threads} threads: the digest of the bytes, the bytes at their place, the slot back`, async () => {
			const hasher = new LeafHasher(threads);
			const file = join(dir, `write-${threads}.bin`);
			writeFileSync(file, Buffer.alloc(10, '.'));
			const fd = openSync(file, 'r+');
			try {
				const {slot, length} = slotOf('leaf');
				const result = await hasher.hashLeaf(slot, length, {fd, position: 3});
				expect(result.digest.toString('hex')).toBe(createHash('sha256').update('leaf').digest('hex'));
				expect(readFileSync(file, 'latin1')).toBe('...leaf...');
				// The slot came back whole and usable (transferred there and back on a thread).
				expect(result.slot.byteLength).toBe(64);
				expect(Buffer.from(result.slot, 0, length).toString()).toBe('leaf');
			} finally {
				closeSync(fd);
				await hasher.close();
			}
		});

		it(`${threads} threads: a write that fails rejects with the file system's code, and the slot comes back`, async () => {
			const hasher = new LeafHasher(threads);
			const file = join(dir, `read-only-${threads}.bin`);
			writeFileSync(file, 'x');
			const fd = openSync(file, 'r');
			try {
				const {slot, length} = slotOf('leaf');
				const error = await hasher.hashLeaf(slot, length, {fd, position: 0}).catch((caught: unknown) => caught);
				expect(error).toBeInstanceOf(LeafWriteError);
				expect((error as LeafWriteError).code).toBe('EBADF');
				expect((error as LeafWriteError).slot?.byteLength).toBe(64);
				expect(readFileSync(file, 'latin1')).toBe('x');
			} finally {
				closeSync(fd);
				await hasher.close();
			}
		});
	}
});
