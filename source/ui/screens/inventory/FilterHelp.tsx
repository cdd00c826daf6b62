import {Box} from 'ink';
import {filterHelpLines} from '../../../inventory/filter/help.js';
import {Line} from '../../components/Line.js';
import {theme} from '../../theme.js';

/** The filter language, over the table while the / prompt stays open below it (? there opens it, Esc or ? closes it). */
export function filterHelpText(): Array<{text: string; heading?: boolean; muted?: boolean}> {
	return [
		{text: 'The filter language (thaw inventory --filter takes the same)', heading: true},
		{text: ''},
		...filterHelpLines().map(text => ({text})),
		{text: ''},
		{text: '? typed inside /…/ or "…" is part of it; elsewhere it opens this help.', muted: true},
		{text: 'Esc or ? goes back to the filter, with what you typed.', muted: true},
	];
}

export function FilterHelp({width, height, offset}: {width: number; height: number; offset: number}) {
	const lines = filterHelpText().slice(offset, offset + height);
	return (
		<Box flexDirection="column" width={width} height={height}>
			{lines.map((line, i) => <Line key={i} width={width} bold={line.heading} color={line.heading ? 'cyan' : line.muted ? theme.muted : undefined}>{line.text}</Line>)}
		</Box>
	);
}
