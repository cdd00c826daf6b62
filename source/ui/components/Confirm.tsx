import {Box, Text} from 'ink';
import {useKeys} from '../hooks/use-keys.js';
import {commandFor, keyOf} from '../keymap.js';
import {fit, wrapText} from '../text.js';
import {theme, toneColour, type Tone} from '../theme.js';

export type ConfirmProps = {
	width: number;
	title: string;
	lines: string[];
	yes: string;
	no: string;
	onYes(): void;
	onNo(): void;
	/** A third choice (e.g. "start over"), on its own key. */
	other?: {label: string; onChoose(): void};
	tone?: Tone;
};

/**
 * A question that only `y` answers yes: Enter, Esc and stray bytes of a split
 * escape sequence never confirm anything. Esc or n answers no.
 */
export function Confirm({width, title, lines, yes, no, onYes, onNo, other, tone = 'warn'}: ConfirmProps) {
	useKeys((input, key) => {
		const command = commandFor(['confirm'], input, key);
		if (command === 'yes') onYes();
		else if (command === 'no') onNo();
		else if (other && command === 'other') other.onChoose();
	});
	const inner = innerWidth(width);
	const colour = toneColour(tone, theme.accent);
	const choices = `y ${yes}   ${other ? `${keyOf('confirm', 'other')} ${other.label}   ` : ''}n/Esc ${no}`;
	// The question and what it costs wrap, never cut (a billing notice is read whole before y).
	return (
		<Box flexDirection="column" borderStyle="round" borderColor={colour} width={width} paddingX={1}>
			{wrapText(title, inner, maxLinesEach).map((text, i) => <Text key={`t${i}`} bold color={colour} wrap="truncate-end">{fit(text, inner)}</Text>)}
			{wrapped(lines, inner).map((text, i) => <Text key={i} wrap="truncate-end">{fit(text, inner)}</Text>)}
			<Text bold wrap="truncate-end">{fit(choices, inner)}</Text>
		</Box>
	);
}

/** Each line of a question wraps into at most this many. */
const maxLinesEach = 4;

function innerWidth(width: number): number {
	return Math.max(10, width - 4);
}

function wrapped(lines: readonly string[], inner: number): string[] {
	return lines.flatMap(line => (line === '' ? [''] : wrapText(line, inner, maxLinesEach)));
}

/**
 * Lines a Confirm takes on screen: a count of one-line texts, or the texts
 * themselves with the width (they wrap) and the title when it may wrap too.
 */
export function confirmHeight(lines: number | readonly string[], width = Number.POSITIVE_INFINITY, title = ''): number {
	if (typeof lines === 'number') return lines + 4;
	const inner = innerWidth(width);
	return wrapped(lines, inner).length + Math.max(1, wrapText(title, inner, maxLinesEach).length) + 3;
}
