import {Box, Text} from 'ink';
import {fit} from '../text.js';

export type StatusBarProps = {width: number; text: string; tone?: 'normal' | 'warn' | 'error'};

/** The bottom line: key hints, or a message. */
export function StatusBar({width, text, tone = 'normal'}: StatusBarProps) {
	return (
		<Box height={1} width={width}>
			<Text color={tone === 'error' ? 'red' : tone === 'warn' ? 'yellow' : 'gray'} wrap="truncate-end">{fit(text, width)}</Text>
		</Box>
	);
}
