import {useCallback, useEffect, useState} from 'react';
import type {CommandId} from '../keymap.js';

export type ListState = {
	cursor: number;
	/** First visible row. */
	offset: number;
	move(command: CommandId): boolean;
	setCursor(index: number): void;
};

/** Pure windowing: the first row to draw so `cursor` is visible in `height` rows. */
export function windowStart(cursor: number, offset: number, height: number, count: number): number {
	if (count <= height) return 0;
	let start = offset;
	if (cursor < start) start = cursor;
	if (cursor >= start + height) start = cursor - height + 1;
	return Math.max(0, Math.min(start, count - height));
}

/** Cursor and visible window of a list of `count` rows shown `height` at a time. */
export function useListState(count: number, height: number): ListState {
	const [cursor, setCursorRaw] = useState(0);
	const [offset, setOffset] = useState(0);
	const clamped = Math.max(0, Math.min(cursor, count - 1));
	const start = windowStart(clamped, offset, Math.max(1, height), count);

	useEffect(() => {
		if (start !== offset) setOffset(start);
		if (clamped !== cursor && count > 0) setCursorRaw(clamped);
	}, [start, offset, clamped, cursor, count]);

	const setCursor = useCallback((index: number) => {
		setCursorRaw(Math.max(0, index));
	}, []);

	const move = useCallback((command: CommandId): boolean => {
		const page = Math.max(1, height - 1);
		const last = Math.max(0, count - 1);
		const to: Partial<Record<CommandId, (c: number) => number>> = {
			up: c => c - 1,
			down: c => c + 1,
			top: () => 0,
			bottom: () => last,
			pageUp: c => c - page,
			pageDown: c => c + page,
		};
		const step = to[command];
		if (!step) return false;
		setCursorRaw(c => Math.max(0, Math.min(last, step(Math.min(c, last)))));
		return true;
	}, [count, height]);

	return {cursor: clamped, offset: start, move, setCursor};
}
