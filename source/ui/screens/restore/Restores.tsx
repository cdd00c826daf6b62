import {Box} from 'ink';
import {Line} from '../../components/Line.js';
import {StatusBar} from '../../components/StatusBar.js';
import {Table} from '../../components/Table.js';
import {TextInput} from '../../components/TextInput.js';
import {hint} from '../../keymap.js';
import {theme} from '../../theme.js';
import {restoreColumns, restoresInfoLine} from './restores-lines.js';
import {useRestoresState} from './use-restores-state.js';

export type RestoresProps = {width: number; height: number; active: boolean};

/** Every restore plan thaw knows (its data folder, ./.thaw), with its state; Enter opens its dashboard. */
export function Restores({width, height, active}: RestoresProps) {
	const tableHeight = Math.max(2, height - 2);
	const {folders, rows, loading, filter, sort, cursor} = useRestoresState(tableHeight - 1, active);
	const current = rows[cursor.cursor];
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Table columns={restoreColumns} rows={rows} width={width} height={tableHeight} cursor={cursor.cursor} offset={cursor.offset} sortColumn={sort.sort.column} sortDescending={sort.sort.descending} empty={loading ? 'Looking for restore plans…' : 'No restore plans yet.'} />
			{filter.editing
				? <TextInput label="Filter plans /" value={filter.text} width={width} active={active} onChange={filter.setText} onSubmit={() => filter.finish(true)} onCancel={() => filter.finish(false)} />
				: <Line width={width} color={current?.plan.error ? theme.error : undefined}>{restoresInfoLine(rows.length, folders, loading, current)}</Line>}
			<StatusBar width={width} text={hint('list', ['open', 'filter', 'sortNext', 'reload', 'back', 'help'])} />
		</Box>
	);
}
