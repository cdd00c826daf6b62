import {mkdtemp, readFile, rm, writeFile, appendFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {decodeJournalLine, describeHeaderDifference, encodeJournalLine, JournalWriter, parseJournal, readJournal, type JournalHeader} from '../../source/engine/journal.js';

const header: JournalHeader = {
	type: 'thaw-download', version: 1, vaultName: 'v', jobId: 'job-1', outputSize: 5_000_000,
	start: 0, end: 4_999_999, total: 5_000_000, chunkSize: 1_048_576, createdAt: '2026-01-01T00:00:00.000Z',
};
const hash = (n: number) => n.toString(16).padStart(64, '0');
const dir = await mkdtemp(join(tmpdir(), 'thaw-journal-'));
afterAll(async () => rm(dir, {recursive: true, force: true}));

describe('journal lines', () => {
	it('round-trip with their own checksum', () => {
		const line = encodeJournalLine({type: 'chunk', index: 3, start: 3, end: 4, treeHash: hash(7)});
		expect(line.endsWith('\n')).toBe(true);
		expect(decodeJournalLine(line.slice(0, -1))).toEqual({type: 'chunk', index: 3, start: 3, end: 4, treeHash: hash(7)});
	});

	it('refuse a line whose content or checksum changed, or that was cut short', () => {
		const line = encodeJournalLine({type: 'chunk', index: 3, start: 3, end: 4, treeHash: hash(7)}).slice(0, -1);
		expect(decodeJournalLine(line.replace('"index":3', '"index":4'))).toBeNull();
		expect(decodeJournalLine(line.slice(0, -1) + (line.endsWith('0') ? '1' : '0'))).toBeNull();
		for (let cut = 1; cut < line.length; cut += 7) expect(decodeJournalLine(line.slice(0, cut))).toBeNull();
		expect(decodeJournalLine('')).toBeNull();
		expect(decodeJournalLine('not json\tdeadbeefdeadbeef')).toBeNull();
	});
});

describe('kept leaves of a chunk stopped mid-way', () => {
	const leaves = (index: number, count: number) => ({type: 'leaves' as const, index, start: index * 4_194_304, end: ((index + 1) * 4_194_304) - 1, leaves: Array.from({length: count}, (_, leaf) => hash(leaf + 1)).join(''), chunkHash: hash(99)});
	const parse = (records: Array<Parameters<typeof encodeJournalLine>[0]>) => parseJournal([header, ...records].map(record => encodeJournalLine(record)).join(''))!;

	it('the last line for a chunk wins; a line with no leaves, or the chunk journaled whole, drops them', () => {
		const journal = parse([leaves(0, 1), leaves(0, 3), leaves(1, 2), leaves(2, 1), {...leaves(2, 0)}, {type: 'chunk', index: 1, start: 4_194_304, end: 8_388_607, treeHash: hash(5)}]);
		expect([...journal.leaves.keys()]).toEqual([0]);
		expect(journal.leaves.get(0)!.leaves).toHaveLength(3 * 64);
		expect(journal.badLines).toBe(0);
	});

	it('a line whose digests are not whole 64-hex-digit hashes, or whose chunk hash is not one, is a bad line', () => {
		const journal = parse([{...leaves(0, 2), leaves: hash(1) + 'abc'}, {...leaves(1, 1), chunkHash: 'x'}, {...leaves(2, 1), leaves: 'AB'.repeat(32)}]);
		expect(journal.leaves.size).toBe(0);
		expect(journal.badLines).toBe(3);
	});
});

describe('parseJournal', () => {
	const text = [header, {type: 'chunk' as const, index: 0, start: 0, end: 1_048_575, treeHash: hash(1)}, {type: 'chunk' as const, index: 2, start: 2_097_152, end: 3_145_727, treeHash: hash(2)}]
		.map(record => encodeJournalLine(record)).join('');

	it('reads the header and every verified chunk', () => {
		const journal = parseJournal(text)!;
		expect(journal.header).toEqual(header);
		expect([...journal.chunks.keys()]).toEqual([0, 2]);
		expect(journal.badLines).toBe(0);
	});

	it('ignores a torn last line at every possible cut', () => {
		const extra = encodeJournalLine({type: 'chunk', index: 4, start: 4_194_304, end: 4_999_999, treeHash: hash(4)});
		for (let cut = 1; cut < extra.length - 1; cut++) {
			const journal = parseJournal(text + extra.slice(0, cut))!;
			expect([...journal.chunks.keys()]).toEqual([0, 2]);
			expect(journal.badLines).toBe(1);
		}

		expect([...parseJournal(text + extra)!.chunks.keys()]).toEqual([0, 2, 4]);
	});

	it('has no header when the first line is damaged or absent', () => {
		expect(parseJournal('')).toBeNull();
		expect(parseJournal(text.slice(10))).toBeNull();
		expect(parseJournal(encodeJournalLine({type: 'chunk', index: 0, start: 0, end: 1, treeHash: hash(1)}))).toBeNull();
	});

	it('skips a chunk line with a malformed hash', () => {
		const bad = encodeJournalLine({type: 'chunk', index: 1, start: 0, end: 1, treeHash: 'xyz'});
		expect(parseJournal(text + bad)!.chunks.has(1)).toBe(false);
	});
});

describe('JournalWriter', () => {
	it('appends after a torn line without gluing the next record to it', async () => {
		const path = join(dir, 'a.journal');
		const writer = await JournalWriter.create(path, header);
		await writer.append({type: 'chunk', index: 0, start: 0, end: 1_048_575, treeHash: hash(1)});
		await writer.close();
		await appendFile(path, encodeJournalLine({type: 'chunk', index: 1, start: 1_048_576, end: 2_097_151, treeHash: hash(9)}).slice(0, 20));
		const again = await JournalWriter.append(path);
		await again.append({type: 'chunk', index: 2, start: 2_097_152, end: 3_145_727, treeHash: hash(2)});
		await again.close();
		const journal = (await readJournal(path))!;
		expect([...journal.chunks.keys()]).toEqual([0, 2]);
		expect(journal.badLines).toBe(1);
		expect((await readFile(path, 'utf8')).split('\n')).toHaveLength(5);
	});

	it('readJournal gives null for a missing file', async () => {
		expect(await readJournal(join(dir, 'none'))).toBeNull();
		await writeFile(join(dir, 'junk'), 'hello\n');
		expect(await readJournal(join(dir, 'junk'))).toBeNull();
	});
});

describe('describeHeaderDifference', () => {
	it('names each field that differs and how to continue', () => {
		expect(describeHeaderDifference(header, header)).toEqual([]);
		const differences = describeHeaderDifference(header, {...header, jobId: 'job-2', chunkSize: 2_097_152, start: 5, end: 10});
		expect(differences).toHaveLength(3);
		expect(differences.join(' ')).toContain('--chunk-size 1');
	});
});
