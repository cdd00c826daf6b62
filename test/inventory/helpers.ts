import {loadInventory, type LoadOptions, type LoadResult} from '../../source/inventory/index.js';
import type {InventoryRow} from '../../source/inventory/types.js';

export type TestRecord = {id: string; description: string; date: string; size: number; hash: string};

const idAlphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** A deterministic 138-character archive id. */
export function archiveId(n: number): string {
	let id = '';
	let x = (n + 1) * 2_654_435_761;
	for (let k = 0; k < 138; k++) {
		x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0;
		id += idAlphabet[(x >>> 16) & 63];
	}

	return id;
}

export function treeHash(n: number): string {
	let hash = '';
	let x = n + 7;
	for (let k = 0; k < 64; k++) {
		x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0;
		hash += '0123456789abcdef'[(x >>> 16) & 15];
	}

	return hash;
}

export function record(n: number, description: string, overrides: Partial<TestRecord> = {}): TestRecord {
	return {id: archiveId(n), description, date: '2014-01-31T12:00:00Z', size: n * 1000, hash: treeHash(n), ...overrides};
}

export function jsonInventory(records: TestRecord[]): string {
	return JSON.stringify({
		VaultARN: 'arn:aws:glacier:us-east-1:012345678901:vaults/test',
		InventoryDate: '2024-01-01T00:00:00Z',
		ArchiveList: records.map(r => ({ArchiveId: r.id, ArchiveDescription: r.description, CreationDate: r.date, Size: r.size, SHA256TreeHash: r.hash})),
	});
}

/** As Glacier writes CSV: quotes around fields with a comma or quote, \" for a quote, backslashes untouched. */
export function glacierCsvField(text: string): string {
	return /[",]/.test(text) ? `"${text.replaceAll('"', '\\"')}"` : text;
}

export function glacierCsv(records: TestRecord[], eol = '\n'): string {
	return ['ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash', ...records.map(r => `${r.id},${glacierCsvField(r.description)},${r.date},${r.size},${r.hash}`)].join(eol) + eol;
}

export function rfcCsv(records: TestRecord[]): string {
	const field = (text: string) => /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
	return ['ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash', ...records.map(r => `${r.id},${field(r.description)},${r.date},${r.size},${r.hash}`)].join('\r\n') + '\r\n';
}

/** Cut bytes into pieces of a fixed size, or random sizes (seeded) when size is 'random'. */
export function pieces(data: Buffer, size: number | 'random', seed = 1): Buffer[] {
	const out: Buffer[] = [];
	let x = seed;
	for (let at = 0; at < data.length;) {
		let n: number;
		if (size === 'random') {
			x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0;
			n = 1 + ((x >>> 16) % 97);
		} else {
			n = size;
		}

		out.push(Buffer.from(data.subarray(at, at + n)));
		at += n;
	}

	return out;
}

export async function load(text: string | Buffer, options: LoadOptions = {}, pieceSize: number | 'random' | 'whole' = 'whole'): Promise<LoadResult> {
	const data = Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8');
	return loadInventory(pieceSize === 'whole' ? [data] : pieces(data, pieceSize), options);
}

export function rows(result: LoadResult): InventoryRow[] {
	return Array.from({length: result.store.length}, (_, i) => result.store.get(i));
}

export function plain(r: InventoryRow): {id: string; description: string; date: string; size: number; hash: string} {
	return {id: r.archiveId, description: r.description, date: r.creationDateText, size: r.size, hash: r.treeHash};
}
