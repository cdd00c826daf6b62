/**
 * Colours and glyphs. Every chunk state has its own glyph as well as its own
 * colour, so the grid reads with NO_COLOR, on 16-colour terminals and for
 * people who do not see the colours. Only the 8 basic ANSI colours are used.
 */
import process from 'node:process';
import type {ChunkState} from '../engine/download-state.js';

export type Colour = 'red' | 'green' | 'yellow' | 'blue' | 'magenta' | 'cyan' | 'white' | 'gray';

export const theme = {
	accent: 'cyan' as Colour,
	muted: 'gray' as Colour,
	warn: 'yellow' as Colour,
	error: 'red' as Colour,
	ok: 'green' as Colour,
	selected: {inverse: true},
};

/** How loud a line is: one type for every status line, notice and dialog. */
export type Tone = 'normal' | 'warn' | 'error';

/** A tone's colour; `normal` keeps the caller's own (a dialog's accent, the status bar's grey, or none). */
export function toneColour(tone: Tone, normal?: Colour): Colour | undefined {
	return tone === 'error' ? theme.error : tone === 'warn' ? theme.warn : normal;
}

export const chunkStyle: Record<ChunkState, {glyph: string; colour: Colour; label: string}> = {
	pending: {glyph: '·', colour: 'gray', label: 'waiting'},
	downloading: {glyph: '↓', colour: 'cyan', label: 'downloading'},
	verifying: {glyph: '○', colour: 'yellow', label: 'checking'},
	verified: {glyph: '█', colour: 'green', label: 'verified'},
	retrying: {glyph: 'R', colour: 'magenta', label: 'retrying'},
	failed: {glyph: 'X', colour: 'red', label: 'failed'},
};

/** Least finished first: a cell that covers several chunks shows the lowest rank among them. */
export const chunkRank: Record<ChunkState, number> = {
	failed: 0,
	retrying: 1,
	pending: 2,
	downloading: 3,
	verifying: 4,
	verified: 5,
};

const sgr: Record<Colour, number> = {red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, white: 37, gray: 90};

/** Whether to put colour codes into prepared strings (Ink's own <Text color> follows chalk's rules). */
export function colourEnabled(env: NodeJS.ProcessEnv = process.env, isTTY = process.stdout.isTTY === true): boolean {
	if ('NO_COLOR' in env && env.NO_COLOR !== '') return false;
	if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0';
	return isTTY && env.TERM !== 'dumb';
}

export function paint(text: string, colour: Colour, enabled: boolean): string {
	return enabled && text !== '' ? `\u001B[${sgr[colour]}m${text}\u001B[39m` : text;
}

