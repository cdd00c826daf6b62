/**
 * The inventory table's columns for a given width, and what each sorts by.
 * Texts are made inert here: descriptions and decoded paths are untrusted.
 */
import {inert} from '../../inert.js';
import type {SortField} from '../../inventory/sort.js';
import type {InventoryRow} from '../../inventory/types.js';
import type {Column} from '../components/Table.js';
import {formatBytes} from '../format.js';

/** What a column sorts by (the same fields as `thaw inventory --sort`). */
export type SortKey = SortField;

export type InventoryColumn = Column<InventoryRow> & {sortKey: SortKey};

/** At this width and wider, dates show their time and ids and hashes get more room. */
export const wideWidth = 150;

function day(ms: number | undefined, withTime: boolean): string {
	if (ms === undefined || !Number.isFinite(ms)) return '';
	const iso = new Date(ms).toISOString();
	return withTime ? iso.slice(0, 16).replace('T', ' ') : iso.slice(0, 10);
}

/** The name a person knows the archive by: the decoded path, else the raw description. */
export function displayName(row: InventoryRow): string {
	return inert(row.path ?? row.description);
}

export function inventoryColumns(width: number): InventoryColumn[] {
	const wide = width >= wideWidth;
	const dateWidth = wide ? 16 : 10;
	const columns: InventoryColumn[] = [
		{title: 'Path or description', minWidth: 16, sortKey: 'description', text: displayName},
		{title: 'Size', width: 9, align: 'right', priority: 5, sortKey: 'size', text: row => formatBytes(row.size)},
		{title: 'Created', width: dateWidth, priority: 4, sortKey: 'created', text: row => day(row.creationDate, wide)},
		{title: 'Modified', width: dateWidth, priority: 2, sortKey: 'modified', text: row => day(row.lastModified, wide)},
		{title: 'ArchiveId', width: wide ? 24 : 9, priority: 1, sortKey: 'id', text: row => row.archiveId},
	];
	if (wide) columns.push({title: 'Tree hash', width: 14, priority: 0, sortKey: 'hash', text: row => row.treeHash});
	return columns;
}
