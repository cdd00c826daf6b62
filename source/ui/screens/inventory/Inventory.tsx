import {Box} from 'ink';
import {inert} from '../../../inert.js';
import {ArchiveDetails} from '../../components/ArchiveDetails.js';
import {Confirm} from '../../components/Confirm.js';
import {InventoryTable} from '../../components/InventoryTable.js';
import {Line} from '../../components/Line.js';
import {StatusBar} from '../../components/StatusBar.js';
import {TextInput} from '../../components/TextInput.js';
import {hint} from '../../keymap.js';
import type {InventorySpec} from '../../routes.js';
import {theme, toneColour} from '../../theme.js';
import {ExportDialog} from './ExportDialog.js';
import {FilterHelp} from './FilterHelp.js';
import {infoLine, inventoryEmptyText, sourceText, statusLine, totalsLine} from './inventory-status.js';
import {useInventoryKeys} from './use-inventory-keys.js';
import {useInventoryState} from './use-inventory-state.js';

export type InventoryProps = {width: number; height: number; active: boolean; spec: InventorySpec};

/**
 * The inventory browser: the archives of a vault in a table windowed to the
 * terminal, a live filter, a sort per column, details, marks with totals,
 * export to CSV or JSON, and archive retrievals of the marked rows.
 */
export function Inventory({width, height, active, spec}: InventoryProps) {
	const state = useInventoryState(spec, width, height, active);
	const {runExport, openFilterHelp} = useInventoryKeys(state, spec, active);
	const {load, store, filter, columns, ui, dispatch, parsed, applied, filtered, mask, filterPending, shownOrder, view, busy, marks, tableHeight, list, current} = state;
	const {mode, dialog} = ui;

	const from = sourceText(spec);
	const all = store ? store.totals() : {count: 0, bytes: 0};
	const totals = store ? totalsLine(all, mask ? store.totals(view) : undefined, {count: marks?.count ?? 0, bytes: marks?.bytes ?? 0}) : '';
	const info = infoLine({from, progress: load.progress, loading: load.loading, error: load.error, result: load.result, filterText: filter.text});
	const status = statusLine({
		busy, filterPending, applied, filterText: filter.text, parseError: parsed.error,
		problem: filtered?.problem ? {message: filtered.problem, showing: filtered.filter.text} : undefined,
		notice: ui.notice, error: load.error, malformed: load.malformed,
		row: store && current !== undefined ? store.get(current) : undefined, cursor: list.cursor, shown: view.length,
	});
	const empty = inventoryEmptyText({loading: load.loading, error: load.error, filtered: mask !== undefined});
	const hints = mode === 'details'
		? hint('details', ['back', 'down', 'up', 'mark', 'help'])
		: hint('inventory', width >= 120 ? ['open', 'filter', 'sortNext', 'sortReverse', 'mark', 'markAll', 'export', 'retrieve', 'restorePlan', 'back', 'help'] : ['open', 'filter', 'mark', 'export', 'retrieve', 'restorePlan', 'help']);

	const body = ui.filterHelp && filter.editing
		? <FilterHelp width={width} height={tableHeight} offset={ui.filterHelp.offset} />
		: mode === 'details' && store && current !== undefined
			? <ArchiveDetails row={store.get(current)} position={list.cursor} count={view.length} marked={marks?.has(current) === true} width={width} height={tableHeight} />
			: (store
				? <InventoryTable store={store} view={view} columns={columns} width={width} height={tableHeight} cursor={list.cursor} offset={list.offset} marks={marks} sortKey={shownOrder.key} sortDescending={shownOrder.descending} empty={empty} />
				: <Box flexDirection="column" width={width} height={tableHeight}><Line width={width} color={theme.muted}>{empty}</Line></Box>);

	return (
		<Box flexDirection="column" width={width} height={height}>
			{body}
			{mode === 'export' && dialog && !dialog.exists
				? <ExportDialog width={width} active={active} dialog={dialog} marked={marks?.count ?? 0} shown={view.length} onFile={file => dispatch({type: 'editFile', file})} />
				: undefined}
			{mode === 'export' && dialog?.exists
				? <Confirm width={width} title="This file already exists." lines={[`Replace ${inert(dialog.exists)}?`]} yes="replace it" no="go back" onYes={() => runExport(true)} onNo={() => dispatch({type: 'keepFile'})} />
				: undefined}
			<Line width={width} bold>{totals}</Line>
			{filter.editing
				? <TextInput label="Filter /" value={filter.text} width={width} active={active && !ui.filterHelp} onChange={filter.setText} onSubmit={() => filter.finish(true)} onCancel={() => filter.finish(false)} onHelp={openFilterHelp} />
				: <Line width={width} color={toneColour(info.tone)}>{info.text}</Line>}
			<Line width={width} color={toneColour(status.tone, theme.muted)}>{status.text}</Line>
			<StatusBar width={width} text={filter.editing ? (ui.filterHelp ? 'Esc or ? back to the filter' : '? the filter language  type to filter (live)  Enter keeps it  Esc clears') : hints} />
		</Box>
	);
}
