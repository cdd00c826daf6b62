import {Box} from 'ink';
import {Line} from '../../components/Line.js';
import {StatusBar} from '../../components/StatusBar.js';
import {Table} from '../../components/Table.js';
import {TextInput} from '../../components/TextInput.js';
import {hint} from '../../keymap.js';
import {theme} from '../../theme.js';
import {wrapText} from '../../text.js';
import {vaultColumns} from './columns.js';
import {useVaultsKeys} from './use-vaults-keys.js';
import {useVaultsState} from './use-vaults-state.js';
import {vaultsEmptyText, vaultsInfoLine} from './vaults-status.js';

export type VaultsProps = {width: number; height: number; active: boolean};

export function Vaults({width, height, active}: VaultsProps) {
	const tableHeight = Math.max(2, height - 2);
	const state = useVaultsState(tableHeight - 1, width);
	useVaultsKeys(state, active);
	const {list, filter, sort, rows, cursor} = state;
	const view = {shown: rows.length, total: list.items.length, filter: filter.text, loading: list.loading, pages: list.pages, error: list.error};
	// An error (no region, no credentials, ...) wraps, never cut; the empty table gives it room.
	const info = list.error ? wrapText(vaultsInfoLine(view), width, Math.min(5, tableHeight)) : [vaultsInfoLine(view)];
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Table columns={vaultColumns} rows={rows} width={width} height={tableHeight - info.length + 1} cursor={cursor.cursor} offset={cursor.offset} sortColumn={sort.sort.column} sortDescending={sort.sort.descending} empty={vaultsEmptyText(view)} />
			{filter.editing
				? <TextInput label="Filter vaults /" value={filter.text} width={width} active={active} onChange={filter.setText} onSubmit={() => filter.finish(true)} onCancel={() => filter.finish(false)} />
				: info.map((text, i) => <Line key={i} width={width} color={list.error ? theme.error : undefined}>{text}</Line>)}
			<StatusBar width={width} text={hint('vaults', ['open', 'filter', 'sortNext', 'restores', 'reload', 'help', 'quit'])} />
		</Box>
	);
}
