import {Box, Text, type TextProps} from 'ink';
import {fit, wrapText} from '../text.js';

export type LineProps = Omit<TextProps, 'children' | 'wrap'> & {width: number; children: string};

/** Exactly one terminal line, cut to the width: the building block that keeps frames within the terminal. */
export function Line({width, children, ...style}: LineProps) {
	return (
		<Box height={1} width={width}>
			<Text {...style} wrap="truncate-end">{fit(children, width)}</Text>
		</Box>
	);
}

export type WrappedProps = LineProps & {
	/** At most this many lines (the last one cut with … beyond them); a frame's height stays planned. */
	maxLines: number;
};

/** Text a person needs whole (an error, a billing notice, a path): word-wrapped into Lines, never cut at the width. */
export function Wrapped({width, maxLines, children, ...style}: WrappedProps) {
	return <>{wrappedLines(children, width, maxLines).map((text, i) => <Line key={i} width={width} {...style}>{text}</Line>)}</>;
}

/** The lines a Wrapped takes (at least 1, so a layout can count them before drawing). */
export function wrappedLines(text: string, width: number, maxLines: number): string[] {
	const lines = wrapText(text, width, maxLines);
	return lines.length > 0 ? lines : [''];
}
