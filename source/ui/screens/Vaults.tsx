import {Box} from 'ink';
import {useEffect, useMemo, useRef, useState} from 'react';
import {vaultPages, type Vault} from '../../glacier/api.js';
import {inert} from '../../inert.js';
import {StatusBar} from '../components/StatusBar.js';
import {Line} from '../components/Line.js';
import {sortRows, Table, type Column} from '../components/Table.js';
import {TextInput} from '../components/TextInput.js';
import {useNavigation, useServices} from '../context.js';
import {formatBytes, formatCount, formatDate} from '../format.js';
import {useAsyncList} from '../hooks/use-async-list.js';
import {useFilter} from '../hooks/use-filter.js';
import {useKeys} from '../hooks/use-keys.js';
import {useListState} from '../hooks/use-list-state.js';
import {commandFor, hint} from '../keymap.js';
import {theme} from '../theme.js';

export const vaultColumns: Array<Column<Vault>> = [
	{title: 'Vault', minWidth: 16, text: v => inert(v.VaultName), sortValue: v => v.VaultName.toLowerCase()},
	{title: 'Archives', width: 10, align: 'right', priority: 3, text: v => (v.NumberOfArchives === undefined ? '-' : formatCount(v.NumberOfArchives)), sortValue: v => v.NumberOfArchives ?? -1},
	{title: 'Size', width: 10, align: 'right', priority: 2, text: v => formatBytes(v.SizeInBytes), sortValue: v => v.SizeInBytes ?? -1},
	{title: 'Last inventory', width: 16, priority: 1, text: v => (v.LastInventoryDate ? formatDate(v.LastInventoryDate) : 'never'), sortValue: v => v.LastInventoryDate ?? ''},
	{title: 'Created', width: 16, priority: 0, text: v => formatDate(v.CreationDate), sortValue: v => v.CreationDate ?? ''},
];

export type VaultsProps = {width: number; height: number; active: boolean};

export function Vaults({width, height, active}: VaultsProps) {
	const {connection, settings} = useServices();
	const navigation = useNavigation();
	const list = useAsyncList(signal => vaultPages(connection, {signal}), [connection]);
	const filter = useFilter();
	const [sort, setSort] = useState({column: 0, descending: false});
	const {matches} = filter;
	const rows = useMemo(() => sortRows(list.items.filter(v => matches(v.VaultName)), vaultColumns[sort.column], sort.descending), [list.items, matches, sort]);
	const tableHeight = Math.max(2, height - 2);
	const state = useListState(rows.length, tableHeight - 1);
	const {setCursor} = state;

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

	useKeys((input, key) => {
		const command = commandFor(['list', 'vaults', 'global'], input, key);
		if (!command) return;
		if (state.move(command)) return;
		switch (command) {
			case 'open': {
				const vault = rows[state.cursor];
				if (!vault) return;
				settings.set('lastVault', vault.VaultName);
				navigation.push({screen: 'jobs', vaultName: vault.VaultName});
				break;
			}

			case 'filter': {
				filter.start();
				break;
			}

			case 'sortNext': {
				setSort(s => ({column: (s.column + 1) % vaultColumns.length, descending: false}));
				break;
			}

			case 'sortReverse': {
				setSort(s => ({...s, descending: !s.descending}));
				break;
			}

			case 'reload': {
				list.reload();
				break;
			}

			case 'back': {
				if (filter.text) filter.finish(false);
				break;
			}

			default: {
				break;
			}
		}
	}, active && !filter.editing);

	const count = `${formatCount(rows.length)}${filter.text ? ` of ${formatCount(list.items.length)}` : ''} vault${list.items.length === 1 ? '' : 's'}`;
	const info = list.error
		? `Could not list vaults: ${list.error}`
		: list.loading ? `${count} so far, loading page ${list.pages + 1}…` : `${count}${filter.text ? ` matching '${inert(filter.text)}' (Esc clears)` : ''}`;
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Table columns={vaultColumns} rows={rows} width={width} height={tableHeight} cursor={state.cursor} offset={state.offset} sortColumn={sort.column} sortDescending={sort.descending} empty={list.loading ? 'Loading vaults…' : list.error ? '' : (filter.text ? 'No vault matches the filter.' : 'No vaults in this region for this account.')} />
			{filter.editing
				? <TextInput label="Filter vaults /" value={filter.text} width={width} active={active} onChange={filter.setText} onSubmit={() => filter.finish(true)} onCancel={() => filter.finish(false)} />
				: <Line width={width} color={list.error ? theme.error : undefined}>{info}</Line>}
			<StatusBar width={width} text={hint('list', ['open', 'filter', 'sortNext', 'reload', 'help', 'quit'])} />
		</Box>
	);
}
