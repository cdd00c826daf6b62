/**
 * Rows out: the shapes `thaw inventory --output json|jsonl|csv` writes (and
 * any export in the browser). These keep the exact values (no inert()):
 * they are data, not terminal text.
 */
import type {InventoryRow} from './types.js';

export type ExportedRow = {
	ArchiveId: string;
	ArchiveDescription: string;
	CreationDate: string;
	Size: number;
	SHA256TreeHash: string;
	Path?: string;
	LastModified?: string;
};

export function rowToJson(row: InventoryRow): ExportedRow {
	const out: ExportedRow = {
		ArchiveId: row.archiveId,
		ArchiveDescription: row.description,
		CreationDate: row.creationDateText,
		Size: row.size,
		SHA256TreeHash: row.treeHash,
	};
	if (row.path !== undefined) out.Path = row.path;
	if (row.lastModified !== undefined) out.LastModified = new Date(row.lastModified).toISOString().replace('.000Z', 'Z');
	return out;
}

export const csvHeader = 'ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash,Path,LastModified';

function csvField(value: string): string {
	return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** One RFC 4180 line (no line break) with the columns of csvHeader. */
export function csvLine(row: InventoryRow): string {
	const json = rowToJson(row);
	return [json.ArchiveId, json.ArchiveDescription, json.CreationDate, String(json.Size), json.SHA256TreeHash, json.Path ?? '', json.LastModified ?? ''].map(csvField).join(',');
}

const binaryUnits = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** 1536 -> '1.5 KiB', 0 -> '0 B'. */
export function humanSize(bytes: number): string {
	let value = bytes;
	let unit = 0;
	while (value >= 1024 && unit < binaryUnits.length - 1) {
		value /= 1024;
		unit++;
	}

	if (unit === 0) return `${bytes} B`;
	return `${value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2)} ${binaryUnits[unit]}`;
}
