import {Box} from 'ink';
import {Line, wrappedLines} from '../../components/Line.js';
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
	// Where thaw looked (no plans yet) or why a plan cannot be read wraps, never cut: the table gives up the room.
	const infoText = restoresInfoLine(rows.length, folders, loading, current);
	const info = rows.length === 0 || current?.plan.error ? wrappedLines(infoText, width, 3) : [infoText];
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Table columns={restoreColumns} rows={rows} width={width} height={Math.max(2, tableHeight - info.length + 1)} cursor={cursor.cursor} offset={cursor.offset} sortColumn={sort.sort.column} sortDescending={sort.sort.descending} empty={loading ? 'Looking for restore plans…' : 'No restore plans yet.'} />
			{filter.editing
				? <TextInput label="Filter plans /" value={filter.text} width={width} active={active} onChange={filter.setText} onSubmit={() => filter.finish(true)} onCancel={() => filter.finish(false)} />
				: info.map((text, i) => <Line key={i} width={width} color={current?.plan.error ? theme.error : undefined}>{text}</Line>)}
			<StatusBar width={width} text={hint('list', ['open', 'filter', 'sortNext', 'reload', 'back', 'help'])} />
		</Box>
	);
}
