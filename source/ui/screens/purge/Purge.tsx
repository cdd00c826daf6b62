import {Box} from 'ink';
import {progressText} from '../../../restore/purge/index.js';
import {inert} from '../../../inert.js';
import {Line} from '../../components/Line.js';
import {StatusBar} from '../../components/StatusBar.js';
import {TextInput} from '../../components/TextInput.js';
import {useNavigation} from '../../context.js';
import {hintText, purgeBody, questionText} from './purge-lines.js';
import {usePurge} from './use-purge.js';
import {usePurgeKeys} from './use-purge-keys.js';

export type PurgeProps = {width: number; height: number; active: boolean; planDir: string};

/**
 * Delete from Glacier the archives of a finished restore whose files are
 * proven now: the core's preview (every verified file hashed again: what
 * would be deleted, kept and why, the early-deletion charge), the typed
 * count, the deletions with their progress, the verdict. The same story
 * `thaw restore purge PLAN` prints.
 */
export function Purge({width, height, active, planDir}: PurgeProps) {
	const navigation = useNavigation();
	const {ui, dispatch, snapshot, submit, stop} = usePurge(planDir);
	const body = purgeBody(ui, width);
	// Title, progress, (question, input), notice, status bar.
	const room = Math.max(1, height - (ui.phase === 'confirm' ? 6 : 4));
	const maxOffset = Math.max(0, body.length - room);
	usePurgeKeys({ui, dispatch, stop, active, maxOffset, page: room});
	const offset = Math.min(ui.offset, maxOffset);
	const shown = body.slice(offset, offset + room);
	const progress = ui.phase === 'checking' || ui.phase === 'deleting' ? progressText(snapshot) : '';
	const more = body.length > room ? ` (${offset + 1}-${Math.min(body.length, offset + room)} of ${body.length} lines)` : '';

	return (
		<Box flexDirection="column" width={width} height={height}>
			<Line width={width} bold>{`Delete from vault ${inert(ui.preview?.vaultName ?? '')} only what is proven restored${more}`}</Line>
			{shown.map((line, i) => <Line key={i} width={width}>{line}</Line>)}
			<Box flexGrow={1} />
			<Line width={width} color="cyan">{progress}</Line>
			{ui.phase === 'confirm' && ui.preview
				? (
					<>
						<Line width={width} color="yellow">{questionText(ui.preview)}</Line>
						<TextInput label="Count:" value={ui.typed} width={width} active={active} onChange={text => dispatch({type: 'type', text})} onSubmit={submit} onCancel={() => navigation.pop()} />
					</>
				)
				: undefined}
			<Line width={width} color={ui.notice?.tone === 'error' ? 'red' : ui.notice?.tone === 'warn' ? 'yellow' : undefined}>{ui.notice?.text ?? ''}</Line>
			<StatusBar width={width} text={hintText(ui.phase)} />
		</Box>
	);
}
