import {Box, Text} from 'ink';
import {useKeys} from '../hooks/use-keys.js';
import {commandFor, keyOf} from '../keymap.js';
import {fit} from '../text.js';
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
	const inner = Math.max(10, width - 4);
	const colour = toneColour(tone, theme.accent);
	const choices = `y ${yes}   ${other ? `${keyOf('confirm', 'other')} ${other.label}   ` : ''}n/Esc ${no}`;
	return (
		<Box flexDirection="column" borderStyle="round" borderColor={colour} width={width} paddingX={1}>
			<Text bold color={colour} wrap="truncate-end">{fit(title, inner)}</Text>
			{lines.map((line, i) => <Text key={i} wrap="truncate-end">{fit(line, inner)}</Text>)}
			<Text bold wrap="truncate-end">{fit(choices, inner)}</Text>
		</Box>
	);
}

/** Lines a Confirm takes on screen. */
export function confirmHeight(lines: number): number {
	return lines + 4;
}
