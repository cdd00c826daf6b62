import {Box, Text} from 'ink';
import {fit, textWidth} from '../text.js';
import {theme, toneColour, type Tone} from '../theme.js';

export type StatusBarProps = {width: number; text: string; tone?: Tone};

/** The bottom line: key hints, or a message. */
export function StatusBar({width, text, tone = 'normal'}: StatusBarProps) {
	return (
		<Box height={1} width={width}>
			<Text color={toneColour(tone, theme.muted)} wrap="truncate-end">{fit(fitHints(text, width), width)}</Text>
		</Box>
	);
}

/**
 * Key hints too wide for the line: drop whole hints from the end (an … says some are left out),
 * keeping '? help' and 'q quit', so the way to every key stays on screen, never half a hint.
 */
export function fitHints(text: string, width: number): string {
	if (textWidth(text) <= width) return text;
	const items = text.split(/ {2,}/);
	if (items.length < 2) return text;
	const kept = items.filter(item => /^[?q] /.test(item));
	const rest = items.filter(item => !kept.includes(item));
	while (rest.length > 0) {
		const line = [...rest, '…', ...kept].join('  ');
		if (textWidth(line) <= width) return line;
		rest.pop();
	}

	return kept.length > 0 ? kept.join('  ') : text;
}
