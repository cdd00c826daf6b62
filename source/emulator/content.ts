/**
 * Archive content, generated deterministically from a seed with random
 * access: the bytes are the AES-128-CTR keystream under key = SHA-256(seed)
 * truncated to 16 bytes, with the IV = the 16-byte big-endian block counter
 * (offset / 16). Any byte range is computed without generating what precedes
 * it, at about 1 GB/s, with no disk and no memory for a 10 GiB archive.
 */
import {createCipheriv, createHash, type Cipher} from 'node:crypto';

/** Bump when the content for a given seed changes (it keys the on-disk hash cache). */
export const GENERATOR_VERSION = 1;

const zeros = Buffer.alloc(1024 * 1024);

export function contentKey(seed: string): Buffer {
	return createHash('sha256').update(seed, 'utf8').digest().subarray(0, 16);
}

function counterBlock(block: number): Buffer {
	const iv = Buffer.alloc(16);
	iv.writeBigUInt64BE(BigInt(block), 8);
	return iv;
}

/** Sequential reader of the content from a start offset. */
export class ContentReader {
	private readonly cipher: Cipher;
	private skip: number;

	constructor(key: Buffer, start: number) {
		const block = Math.floor(start / 16);
		this.cipher = createCipheriv('aes-128-ctr', key, counterBlock(block));
		this.skip = start - (block * 16);
	}

	/** The next `length` bytes (a fresh buffer). */
	read(length: number): Buffer {
		const need = length + this.skip;
		let out: Buffer;
		if (need <= zeros.length) {
			out = this.cipher.update(zeros.subarray(0, need));
		} else {
			const parts: Buffer[] = [];
			let left = need;
			while (left > 0) {
				const take = Math.min(left, zeros.length);
				parts.push(this.cipher.update(zeros.subarray(0, take)));
				left -= take;
			}

			out = Buffer.concat(parts, need);
		}

		if (this.skip > 0) {
			out = out.subarray(this.skip);
			this.skip = 0;
		}

		return out;
	}
}

/** The exact bytes start..endInclusive of the content for this key. */
export function contentBytes(key: Buffer, start: number, endInclusive: number): Buffer {
	if (endInclusive < start) return Buffer.alloc(0);
	return new ContentReader(key, start).read(endInclusive - start + 1);
}
