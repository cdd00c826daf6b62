import {createCipheriv, createHash, randomInt} from 'node:crypto';
import {mkdtempSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {ContentReader, contentBytes, contentKey} from '../../source/emulator/content.js';
import {isMegabyteAligned, isTreeHashAligned, parseRangeHeader} from '../../source/emulator/alignment.js';
import {LeafHashes, rangeTreeHash} from '../../source/emulator/hashes.js';
import {glacierCsvField, inventoryCsv} from '../../source/emulator/inventory-output.js';
import {treeHash} from '../../source/engine/tree-hash.js';
import {difference, MiB} from './helpers.js';

/** A naive recursive tree hash straight from the definition (not the project's implementation). */
function naiveTreeHash(data: Buffer): Buffer {
	let level: Buffer[] = [];
	for (let i = 0; i < data.length; i += MiB) level.push(createHash('sha256').update(data.subarray(i, i + MiB)).digest());
	if (level.length === 0) return createHash('sha256').digest();
	while (level.length > 1) {
		const next: Buffer[] = [];
		for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? createHash('sha256').update(level[i]).update(level[i + 1]).digest() : level[i]);
		level = next;
	}

	return level[0];
}

describe('generated content', () => {
	it('is the AES-128-CTR keystream of sha256(seed), so the same seed gives the same bytes', () => {
		const key = contentKey('seed-1');
		expect(key.toString('hex')).toBe(createHash('sha256').update('seed-1').digest().subarray(0, 16).toString('hex'));
		const expected = createCipheriv('aes-128-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(100_000));
		expect(difference(contentBytes(key, 0, 99_999), expected)).toBe('');
		expect(difference(contentBytes(contentKey('seed-1'), 0, 99_999), expected)).toBe('');
		expect(difference(contentBytes(contentKey('seed-2'), 0, 99_999), expected)).not.toBe('');
	});

	it('gives random-access slices equal to the slice of the whole', () => {
		const key = contentKey('slices');
		const whole = contentBytes(key, 0, (3 * MiB) + 1233);
		for (let i = 0; i < 50; i++) {
			const start = randomInt(0, whole.length);
			const end = randomInt(start, Math.min(whole.length, start + 300_000));
			expect(difference(contentBytes(key, start, end), whole.subarray(start, end + 1)), `${start}-${end}`).toBe('');
		}

		const reader = new ContentReader(key, 17);
		const pieces = [reader.read(5), reader.read(1), reader.read(2 * MiB), reader.read(31)];
		expect(difference(Buffer.concat(pieces), whole.subarray(17, 17 + 5 + 1 + (2 * MiB) + 31))).toBe('');
	});

	it('computes leaf hashes whose combinations are the tree hashes of every aligned range', async () => {
		const hashes = new LeafHashes(false);
		const key = contentKey('leaves');
		const size = (5 * MiB) + 77;
		const whole = contentBytes(key, 0, size - 1);
		const leaves = await hashes.leaves('leaves', key, size);
		expect(leaves).toHaveLength(6);
		expect(rangeTreeHash(leaves, 0, size - 1)).toBe(naiveTreeHash(whole).toString('hex'));
		expect(rangeTreeHash(leaves, 0, size - 1)).toBe(treeHash(whole));
		expect(rangeTreeHash(leaves, 4 * MiB, size - 1)).toBe(naiveTreeHash(whole.subarray(4 * MiB)).toString('hex'));
		expect(rangeTreeHash(leaves, 2 * MiB, (4 * MiB) - 1)).toBe(naiveTreeHash(whole.subarray(2 * MiB, 4 * MiB)).toString('hex'));
		expect(await hashes.leaves('leaves', key, size)).toBe(leaves);
	});

	it('caches the leaves of big archives on disk and reads them back', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'thaw-leaf-cache-'));
		try {
			const size = 64 * MiB;
			const key = contentKey('cached');
			const fresh = await new LeafHashes(dir).leaves('cached', key, size);
			const files = readdirSync(dir);
			expect(files).toHaveLength(1);
			const cached = await new LeafHashes(dir).leaves('cached', key, size);
			expect(cached.map(l => l.toString('hex'))).toEqual(fresh.map(l => l.toString('hex')));
			expect(fresh[63].toString('hex')).toBe(createHash('sha256').update(contentBytes(key, 63 * MiB, size - 1)).digest('hex'));
			writeFileSync(join(dir, files[0]), Buffer.alloc(10)); // a damaged cache file is ignored, not trusted
			const again = await new LeafHashes(dir).leaves('cached', key, size);
			expect(again[0].toString('hex')).toBe(fresh[0].toString('hex'));
		} finally {
			rmSync(dir, {recursive: true, force: true});
		}
	});
});

describe('alignment rules', () => {
	const total = Math.round(3.1 * MiB);
	it('follows the AWS examples for 3.1 MB of data', () => {
		expect(isTreeHashAligned(MiB, (2 * MiB) - 1, total)).toBe(true); // 1 MB to 2 MB
		expect(isTreeHashAligned(2 * MiB, total - 1, total)).toBe(true); // 2 MB to the end
		expect(isTreeHashAligned(0, total - 1, total)).toBe(true); // everything
		expect(isTreeHashAligned(MiB, total - 1, total)).toBe(false); // 1 MB to the end: 2.1 MB long, not at a multiple of 4 MB
		expect(isTreeHashAligned(MiB, (3 * MiB) - 1, total)).toBe(false); // 2 MB long at 1 MB
		expect(isTreeHashAligned(100, MiB - 1, total)).toBe(false);
		expect(isMegabyteAligned(MiB, total - 1, total)).toBe(true);
		expect(isMegabyteAligned(MiB, (3 * MiB) - 1, total)).toBe(true);
		expect(isMegabyteAligned(MiB, (3 * MiB) - 2, total)).toBe(false);
	});

	it('agrees with "the range hash is a node of the whole tree" on every MiB range of small sizes', () => {
		for (let leaves = 1; leaves <= 8; leaves++) {
			const size = (leaves * MiB) - 5;
			const key = contentKey(`align-${leaves}`);
			const data = contentBytes(key, 0, size - 1);
			const nodes = new Set<string>();
			let level: Buffer[] = [];
			for (let i = 0; i < size; i += MiB) level.push(createHash('sha256').update(data.subarray(i, i + MiB)).digest());
			for (const n of level) nodes.add(n.toString('hex'));
			while (level.length > 1) {
				const next: Buffer[] = [];
				for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? createHash('sha256').update(level[i]).update(level[i + 1]).digest() : level[i]);
				level = next;
				for (const n of level) nodes.add(n.toString('hex'));
			}

			for (let a = 0; a < leaves; a++) {
				for (let b = a; b < leaves; b++) {
					const start = a * MiB;
					const end = Math.min(size - 1, ((b + 1) * MiB) - 1);
					const isNode = nodes.has(naiveTreeHash(data.subarray(start, end + 1)).toString('hex'));
					expect(isTreeHashAligned(start, end, size), `${leaves} leaves, ${a}..${b}`).toBe(isNode);
				}
			}
		}
	});

	it('parses Range headers as Glacier does', () => {
		expect(parseRangeHeader(undefined, 100)).toEqual({kind: 'none'});
		expect(parseRangeHeader('bytes=0-9', 100)).toEqual({kind: 'range', start: 0, endInclusive: 9});
		expect(parseRangeHeader('bytes=90-', 100)).toEqual({kind: 'range', start: 90, endInclusive: 99});
		expect(parseRangeHeader('bytes=-10', 100)).toEqual({kind: 'range', start: 90, endInclusive: 99});
		expect(parseRangeHeader('bytes=50-500', 100)).toEqual({kind: 'range', start: 50, endInclusive: 99});
		expect(parseRangeHeader('bytes 0-9/100', 100)).toEqual({kind: 'none'}); // boto3#2077: a malformed Range is ignored
		expect(parseRangeHeader('bytes=100-200', 100).kind).toBe('error'); // boto#2510: start beyond the data is a 400
		expect(parseRangeHeader('bytes=9-3', 100).kind).toBe('error');
	});
});

describe('Glacier CSV escaping', () => {
	it('matches the examples of the AWS documentation exactly', () => {
		expect(glacierCsvField('my archive description,1')).toBe('"my archive description,1"');
		expect(glacierCsvField('my archive description,1"2')).toBe('"my archive description,1\\"2"');
		expect(glacierCsvField('my archive description,1\\"2')).toBe('"my archive description,1\\\\"2"');
		expect(glacierCsvField('abc,\\')).toBe('"abc,\\"');
		expect(glacierCsvField('C:\\dir\\')).toBe('C:\\dir\\');
		expect(glacierCsvField('plain')).toBe('plain');
		const csv = inventoryCsv([{archiveId: 'id_-1', description: 'a,1"2', creationDate: '2014-01-01T00:00:00Z', size: 5, treeHash: 'ab'.repeat(32)}]);
		expect(csv).toBe(`ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash\nid_-1,"a,1\\"2",2014-01-01T00:00:00Z,5,${'ab'.repeat(32)}\n`);
	});
});
