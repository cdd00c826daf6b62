import {Box, Text} from 'ink';
import {useRef} from 'react';
import {useKeys} from '../hooks/use-keys.js';
import {commandFor} from '../keymap.js';
import {fit, textWidth, truncate} from '../text.js';

export type TextInputProps = {
	label: string;
	value: string;
	width: number;
	active: boolean;
	placeholder?: string;
	onChange(value: string): void;
	onSubmit?(value: string): void;
	onCancel?(): void;
	/** ? typed: true when it was taken (the filter help opened), false to type it. Without it, ? is typed. */
	onHelp?(value: string): boolean;
};

// eslint-disable-next-line no-control-regex
const controls = /[\u0000-\u001f\u007f-\u009f]/g;

/** One-line text entry: typing and pasting append (control characters dropped), Backspace deletes, Enter submits, Esc cancels. */
export function TextInput({label, value, width, active, placeholder, onChange: report, onSubmit, onCancel, onHelp}: TextInputProps) {
	// Several keys can be handled before the next render (a fast burst): build on the latest value, not the rendered one.
	const latest = useRef(value);
	latest.current = value;
	const onChange = (next: string) => {
		latest.current = next;
		report(next);
	};

	useKeys((input, key) => {
		const value = latest.current;
		const command = commandFor(['text'], input, key);
		if (command === 'accept') {
			onSubmit?.(value);
			return;
		}

		if (command === 'cancel') {
			onCancel?.();
			return;
		}

		if (command === 'deleteChar') {
			onChange([...value].slice(0, -1).join(''));
			return;
		}

		if (command === 'clearText') {
			onChange('');
			return;
		}

		if (command === 'help' && onHelp?.(value)) return;

		if (key.ctrl || key.meta || key.tab || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow || key.pageUp || key.pageDown) return;
		const clean = input.replace(controls, '');
		if (clean) onChange(value + clean);
	}, active);

	const room = Math.max(1, width - textWidth(label) - 2);
	const shown = value === '' && !active && placeholder ? placeholder : value;
	// Show the end of a long value: that is where the typing happens.
	const chars = [...shown];
	let tail = shown;
	while (textWidth(tail) > room - 1 && chars.length > 0) {
		chars.shift();
		tail = '…' + chars.join('');
	}

	return (
		<Box height={1} width={width}>
			<Text color={active ? 'cyan' : undefined} bold={active}>{truncate(label, width)}</Text>
			<Text color={value === '' && !active ? 'gray' : undefined} wrap="truncate-end">{fit(` ${tail}${active ? '█' : ''}`, room + 1)}</Text>
		</Box>
	);
}
