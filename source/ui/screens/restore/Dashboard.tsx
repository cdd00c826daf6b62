import {Box, Text} from 'ink';
import {useMemo, useState, type ReactNode} from 'react';
import {inert} from '../../../inert.js';
import {stateName} from '../../../restore/state.js';
import {ChunkGrid, legend} from '../../components/ChunkGrid.js';
import {Confirm, confirmHeight} from '../../components/Confirm.js';
import {Line} from '../../components/Line.js';
import {StatusBar} from '../../components/StatusBar.js';
import {TextInput} from '../../components/TextInput.js';
import {formatBytes, formatRate} from '../../format.js';
import {hint} from '../../keymap.js';
import {runOf} from '../../restore-runs.js';
import {colourEnabled, theme, toneColour} from '../../theme.js';
import {fit} from '../../text.js';
import {
	downloadLine, expiryLine, failureDetail, failureLine, legendLine, logLines, moneyLine, planLine, progressLine, runsHere, stateBar, waitingLine, whoLine,
} from './dashboard-lines.js';
import {useDashboardData} from './use-dashboard-data.js';
import {useDashboardKeys} from './use-dashboard-keys.js';
import {filterArchives, useDashboardState, usePlanArchives} from './use-dashboard-state.js';

export type DashboardProps = {width: number; height: number; active: boolean; planDir: string};

/** Lines above the lists: who, the plan, the bar, its legend, progress, money, expiry, what it waits for. */
const TOP = 8;

/**
 * The restore dashboard: archives by state, counts and bytes, money
 * committed, throughput and ETA, the next expiry, what the runner waits for,
 * the active downloads (a condensed grid each; Enter the full grid), a short
 * log; f the failures, / the archives by path. It draws this process's run,
 * or watches one another process runs (read-only: its journal and lock).
 */
export function Dashboard({width, height, active, planDir}: DashboardProps) {
	const [run, setRun] = useState(() => runOf(planDir));
	const data = useDashboardData(planDir, run, active);
	const {ui, dispatch} = useDashboardState(active);
	const archives = usePlanArchives(planDir, ui.mode === 'archives');
	const colour = colourEnabled();
	const here = runsHere(data);
	const failures = data.status?.failures ?? [];
	const shown = useMemo(() => (archives.paths ? filterArchives(archives.paths, archives.states, ui.filter) : []), [archives.paths, archives.states, ui.filter]);

	const rows = ui.mode === 'main' ? data.downloads.length : ui.mode === 'failures' || ui.mode === 'failure' ? failures.length : ui.mode === 'archives' ? shown.length : 0;
	const cursor = Math.min(ui.cursor, Math.max(0, rows - 1));
	const currentIndex = ui.mode === 'main' ? data.downloads[cursor]?.index : ui.mode === 'failures' || ui.mode === 'failure' ? failures[cursor]?.index : undefined;
	const {stopAndQuit} = useDashboardKeys({ui, dispatch, data, planDir, run, setRun, rows, currentIndex, active});

	const who = whoLine(data);
	const waiting = waitingLine(data);
	const dialog = ui.ask ? confirmHeight(2) : 0;
	// Below the top lines: the list (or grid, details), the log, a notice line, the status bar.
	const room = Math.max(2, height - TOP - 2 - dialog);
	// The log takes what the downloads leave (at least 2 lines, at most 8), the downloads at least half.
	const logAvailable = (data.run ? data.run.log.length : data.activity?.events.length) ?? 0;
	const logCount = ui.mode === 'main' ? Math.min(logAvailable, 8, Math.max(2, room - 1 - Math.max(data.downloads.length, Math.ceil(room / 2)))) : 0;
	const listRoom = Math.max(1, room - logCount - (ui.mode === 'main' ? 1 : 0));
	const offset = Math.max(0, Math.min(cursor - Math.floor(listRoom / 2), rows - listRoom));

	let body: ReactNode;
	if (ui.mode === 'grid') {
		const download = data.downloads.find(d => d.index === ui.gridIndex);
		body = download
			? (
				<Box flexDirection="column" width={width} height={listRoom}>
					<Line width={width} bold>{`${inert(download.path)} · ${formatBytes(download.snapshot.bytesDone)} of ${formatBytes(download.snapshot.total)} · ${formatRate(download.snapshot.throughput)}`}</Line>
					<ChunkGrid chunks={download.snapshot.chunks} width={width} maxRows={Math.max(1, listRoom - 2)} />
					<Box flexGrow={1} />
					<Box height={1} width={width}><Text wrap="truncate-end">{legend(colour)}</Text></Box>
				</Box>
			)
			: <Box height={listRoom}><Line width={width} color={theme.muted}>This download has finished (Esc goes back).</Line></Box>;
	} else if (ui.mode === 'failure') {
		const failure = failures[cursor];
		body = (
			<Box flexDirection="column" width={width} height={listRoom}>
				{(failure ? failureDetail(failure, here, width) : ['No failure here any more.']).slice(0, listRoom).map((line, i) => <Line key={i} width={width}>{line}</Line>)}
			</Box>
		);
	} else if (ui.mode === 'failures') {
		const total = data.status?.failuresTotal ?? 0;
		body = (
			<Box flexDirection="column" width={width} height={listRoom}>
				<Line width={width} bold>{`Failures: ${total}${total > failures.length ? ` (the first ${failures.length} shown)` : ''}${total > 0 ? '  Enter details  r retry' : ''}`}</Line>
				{failures.length === 0 ? <Line width={width} color={theme.muted}>No archive has failed.</Line> : undefined}
				{failures.slice(offset, offset + listRoom - 1).map((failure, i) => <Line key={failure.index} width={width} color={failure.final ? theme.error : theme.warn}>{failureLine(failure, width, offset + i === cursor)}</Line>)}
			</Box>
		);
	} else if (ui.mode === 'archives') {
		body = (
			<Box flexDirection="column" width={width} height={listRoom}>
				{ui.editing
					? <TextInput label="Archives whose path holds /" value={ui.filter} width={width} active={active} onChange={text => dispatch({type: 'filterText', text})} onSubmit={() => dispatch({type: 'keepFilter'})} onCancel={() => dispatch({type: 'clearFilter'})} />
					: <Line width={width} bold>{`Archives whose path holds '${inert(ui.filter)}': ${shown.length.toLocaleString('en-US')}   (/ edits, Esc closes)`}</Line>}
				{archives.paths ? undefined : <Line width={width} color={theme.muted}>{archives.error ? `Cannot read the plan's archives: ${inert(archives.error)}` : 'Reading the plan\'s archives…'}</Line>}
				{shown.slice(offset, offset + listRoom - 1).map((row, i) => <Line key={row.index} width={width} inverse={offset + i === cursor && !ui.editing}>{`${fit(stateName(row.state), 12)} ${inert(row.path)}`}</Line>)}
			</Box>
		);
	} else {
		body = (
			<Box flexDirection="column" width={width} height={listRoom + 1}>
				<Line width={width} bold>{`Downloads: ${data.downloads.length}${here ? '' : (data.run ? ' (the run has ended)' : ' (shown for a run of this process)')}${data.downloads.length > 0 ? '   Enter: the full grid' : ''}`}</Line>
				{data.downloads.slice(offset, offset + listRoom).map((d, i) => (
					<Box key={d.index} height={1} width={width}><Text wrap="truncate-end">{downloadLine(d, width, colour, offset + i === cursor)}</Text></Box>
				))}
			</Box>
		);
	}

	const logs = logLines(data, logCount);
	// Nothing of the restore on its way: D deletes from Glacier what is proven restored.
	const complete = !here && data.status !== undefined && data.status.total > 0 && data.status.verified + data.status.failed === data.status.total;
	const keys = ui.mode === 'main'
		? hint('restore', here ? ['pause', 'failures', 'filter', 'open', 'back', 'help'] : complete ? ['purge', 'failures', 'filter', 'back', 'help'] : ['runHere', 'failures', 'filter', 'back', 'help'])
		: ui.mode === 'failures' || ui.mode === 'failure' ? 'j/k move  Enter details  r retry  f/Esc back  ? help' : 'j/k move  Esc back  ? help';
	const whoColour = who.tone === 'ok' ? theme.ok : toneColour(who.tone, theme.accent);
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Line width={width} bold color={whoColour} inverse={who.kind === 'done' || who.kind === 'failed'}>{who.text}</Line>
			<Line width={width} color={theme.muted}>{planLine(data, planDir)}</Line>
			<Box height={1} width={width}><Text wrap="truncate-end">{data.status ? stateBar(data.status.states, width, colour) : ''}</Text></Box>
			<Box height={1} width={width}><Text wrap="truncate-end">{data.status ? legendLine(data.status.states, colour, width) : ''}</Text></Box>
			<Line width={width}>{progressLine(data)}</Line>
			<Line width={width}>{moneyLine(data)}</Line>
			<Line width={width}>{expiryLine(data)}</Line>
			<Line width={width} color={toneColour(waiting.tone)}>{waiting.text}</Line>
			{body}
			{logs.map((line, i) => <Line key={i} width={width} color={toneColour(line.tone, theme.muted)}>{line.text}</Line>)}
			<Box flexGrow={1} />
			{ui.ask
				? <Confirm width={width} tone="error" title="Stop this restore and quit?" lines={['Downloads in flight are kept; Restores (R in the vault list) resumes it, or', 'thaw restore run PLAN; nothing verified is fetched or paid for twice.']} yes="stop and quit" no="keep running" onYes={stopAndQuit} onNo={() => dispatch({type: 'unask'})} />
				: undefined}
			<Line width={width} color={toneColour(ui.notice?.tone ?? 'normal', theme.muted)}>{ui.notice?.text ?? ''}</Line>
			<StatusBar width={width} text={keys} />
		</Box>
	);
}
