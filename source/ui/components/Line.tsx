import {Box, Text, type TextProps} from 'ink';
import {fit} from '../text.js';

export type LineProps = Omit<TextProps, 'children' | 'wrap'> & {width: number; children: string};

/** Exactly one terminal line, cut to the width: the building block that keeps frames within the terminal. */
export function Line({width, children, ...style}: LineProps) {
	return (
		<Box height={1} width={width}>
			<Text {...style} wrap="truncate-end">{fit(children, width)}</Text>
		</Box>
	);
}
