import type {Vault} from '../../../glacier/api.js';
import {inert} from '../../../inert.js';
import type {Column} from '../../components/Table.js';
import {formatBytes, formatCount, formatDate} from '../../format.js';

export const vaultColumns: Array<Column<Vault>> = [
	{title: 'Vault', minWidth: 16, text: v => inert(v.VaultName), sortValue: v => v.VaultName.toLowerCase()},
	{title: 'Archives', width: 10, align: 'right', priority: 3, text: v => (v.NumberOfArchives === undefined ? '-' : formatCount(v.NumberOfArchives)), sortValue: v => v.NumberOfArchives ?? -1},
	{title: 'Size', width: 10, align: 'right', priority: 2, text: v => formatBytes(v.SizeInBytes), sortValue: v => v.SizeInBytes ?? -1},
	{title: 'Last inventory', width: 16, priority: 1, text: v => (v.LastInventoryDate ? formatDate(v.LastInventoryDate) : 'never'), sortValue: v => v.LastInventoryDate ?? ''},
	{title: 'Created', width: 16, priority: 0, text: v => formatDate(v.CreationDate), sortValue: v => v.CreationDate ?? ''},
];
