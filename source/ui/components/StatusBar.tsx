import {Box, Text} from 'ink';
import {fit} from '../text.js';
import {theme, toneColour, type Tone} from '../theme.js';

export type StatusBarProps = {width: number; text: string; tone?: Tone};

/** The bottom line: key hints, or a message. */
export function StatusBar({width, text, tone = 'normal'}: StatusBarProps) {
	return (
		<Box height={1} width={width}>
			<Text color={toneColour(tone, theme.muted)} wrap="truncate-end">{fit(text, width)}</Text>
		</Box>
	);
}
