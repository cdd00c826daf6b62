import {useEffect, useMemo, useRef} from 'react';
import {vaultPages, type Vault} from '../../../glacier/api.js';
import {layoutColumns, sortRows} from '../../components/Table.js';
import {useServices} from '../../context.js';
import {useAsyncList} from '../../hooks/use-async-list.js';
import {useFilter} from '../../hooks/use-filter.js';
import {useListState} from '../../hooks/use-list-state.js';
import {useSort} from '../../hooks/use-sort.js';
import {vaultColumns} from './columns.js';

/** The vault list: loaded page by page, filtered, sorted, with a cursor that starts on the vault opened last. */
export function useVaultsState(tableRows: number, width?: number) {
	const {connection, settings, vaults} = useServices();
	// The first load reads the ListVaults thaw sent while it started; a reload asks again.
	const list = useAsyncList(signal => vaults?.take() ?? vaultPages(connection, {signal}), [connection, vaults]);
	const filter = useFilter();
	const sort = useSort({column: 0, descending: false}, vaultColumns.length, width === undefined ? undefined : layoutColumns(vaultColumns, width).shown);
	const {matches} = filter;
	const rows: Vault[] = useMemo(() => sortRows(list.items.filter(v => matches(v.VaultName)), vaultColumns[sort.sort.column], sort.sort.descending), [list.items, matches, sort.sort]);
	const cursor = useListState(rows.length, tableRows);
	const {setCursor} = cursor;

	// Put the cursor on the vault opened last time, once it shows up.
	const placed = useRef(false);
	useEffect(() => {
		if (placed.current || !list.items.length) return;
		const last = settings.get().lastVault;
		const index = last ? rows.findIndex(v => v.VaultName === last) : -1;
		if (index >= 0) {
			setCursor(index);
			placed.current = true;
		} else if (!list.loading) {
			placed.current = true;
		}
	}, [rows, list.loading, list.items.length, settings, setCursor]);

	return {list, filter, sort, rows, cursor, settings};
}
