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

/** Sizes print through the one byte formatter (source/format.ts); this name stays for the inventory's callers. */
export {formatBytes as humanSize} from '../format.js';
