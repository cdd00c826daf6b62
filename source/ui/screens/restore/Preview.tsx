import {Box} from 'ink';
import {inert} from '../../../inert.js';
import {Confirm, confirmHeight} from '../../components/Confirm.js';
import {Line, Wrapped} from '../../components/Line.js';
import {StatusBar} from '../../components/StatusBar.js';
import {TextInput} from '../../components/TextInput.js';
import {hint, keyOf} from '../../keymap.js';
import type {RestoreSelection} from '../../routes.js';
import {theme, toneColour, type Colour} from '../../theme.js';
import {confirmLines, confirmQuestion, costLines, decisionLines, namesLine, previewTitle, pricesLine, tierLine, timeLine, youngLine, type PreviewLine} from './preview-lines.js';
import {usePreviewKeys} from './use-preview-keys.js';
import {usePreviewState} from './use-preview-state.js';

export type PreviewProps = {width: number; height: number; active: boolean; selection: RestoreSelection};

function colourOf(line: PreviewLine): Colour | undefined {
	if (line.tone === 'muted') return theme.muted;
	if (line.tone === 'accent') return theme.accent;
	return toneColour(line.tone ?? 'normal');
}

/**
 * The restore preview (R in the inventory browser): counts and bytes, the
 * names the planner changed (l lists them), the destination (d edits it),
 * the tier (t cycles it) and the cost per tier with the price table's date,
 * how long it takes; Enter asks, naming the money, and only y starts.
 */
export function Preview({width, height, active, selection}: PreviewProps) {
	const state = usePreviewState(selection, active);
	const {ui, dispatch, preview, planError, planDir, times, rate} = state;
	const confirm = ui.phase === 'confirm' && preview ? confirmLines(preview, ui.tier, ui.to) : [];
	const fixed = 7 + (ui.phase === 'confirm' ? confirmHeight(confirm, width, preview ? confirmQuestion(preview, ui.tier) : '') : 0);
	const listRows = Math.max(1, height - fixed - 1);
	const {start} = usePreviewKeys(state, selection, active, listRows);

	if (!preview) {
		return (
			<Box flexDirection="column" width={width} height={height}>
				<Line width={width} bold>{`Restore from vault '${inert(selection.vaultName)}'`}</Line>
				<Line width={width} color={planError ? theme.error : undefined}>{planError ? `Cannot plan this restore: ${planError}` : `Planning ${selection.rows.length.toLocaleString('en-US')} archives: names, versions, prices…`}</Line>
				<Box flexGrow={1} />
				<StatusBar width={width} text="Esc back" />
			</Box>
		);
	}

	const young = youngLine(preview);
	const body: PreviewLine[] = ui.list
		? decisionLines(preview, ui.offset, listRows, width).map(text => ({text}))
		: [
			...costLines(preview, ui.tier),
			{text: pricesLine(preview), tone: 'muted'},
			{text: timeLine(preview, ui.tier, rate, times)},
		];
	const empty = preview.plan.totals.archives === 0;
	const keys = ui.draft === undefined
		? (ui.list ? `j/k scroll  ${keyOf('preview', 'decisions')}/Esc close the list  ? help` : hint('preview', ['start', 'tierNext', 'editTo', 'decisions', 'back', 'help']))
		: 'type the folder  Enter keeps it  Esc cancels';
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Line width={width} bold>{previewTitle(preview, selection.which)}</Line>
			<Line width={width}>{namesLine(preview, keyOf('preview', 'decisions'))}</Line>
			{young ? <Line width={width} color={theme.muted}>{young.text}</Line> : undefined}
			{ui.draft === undefined
				? <Line width={width}>{`To        ${inert(ui.to)}   (${keyOf('preview', 'editTo')} edits; only restored files go there)`}</Line>
				: <TextInput label="To       " value={ui.draft} width={width} active={active} onChange={text => dispatch({type: 'draft', text})} onSubmit={() => dispatch({type: 'keepTo'})} onCancel={() => dispatch({type: 'cancelTo'})} />}
			{/* The plan's folder is what thaw restore run takes: whole (the list view keeps its one line). */}
			<Wrapped width={width} maxLines={ui.list ? 1 : 3} color={theme.muted}>{`Plan      kept in ${inert(planDir)}`}</Wrapped>
			<Line width={width} bold color={theme.accent}>{tierLine(ui.tier, keyOf('preview', 'tierNext'))}</Line>
			{body.map((line, i) => <Wrapped key={i} width={width} maxLines={ui.list ? 1 : 2} bold={line.bold} color={colourOf(line)}>{line.text}</Wrapped>)}
			{ui.error || empty ? <Wrapped width={width} maxLines={ui.list ? 1 : 3} color={theme.error}>{ui.error ?? 'Nothing to restore: no archive is marked or shown.'}</Wrapped> : undefined}
			{ui.phase === 'starting' ? <Line width={width} color={theme.accent}>Writing the plan, then starting…</Line> : undefined}
			<Box flexGrow={1} />
			{ui.phase === 'confirm'
				? <Confirm width={width} tone="warn" title={confirmQuestion(preview, ui.tier)} lines={confirm} yes="start" no="go back" onYes={start} onNo={() => dispatch({type: 'unask'})} />
				: undefined}
			<StatusBar width={width} text={keys} />
		</Box>
	);
}
