/**
 * What reaches the terminal: Ink renders each frame as a whole string (its
 * `debug` mode hands the frame to stdout.write and nothing else), and this
 * writer puts it on the terminal's alternate screen rewriting only the rows
 * that changed, each at an absolute position. Over SSH that is the
 * difference between ~1.6 KB per frame (Ink erases and rewrites every line)
 * and the one or two lines a download's counters change.
 *
 * Why not Ink's own `incrementalRendering`: it moves the cursor back with
 * cursorUp(lines - 1), which is one row short when the frame ends in a
 * newline (a frame shorter than the terminal, as ours is), so every frame
 * lands a row lower, the bottom row's newline scrolls the header away and
 * rows it skipped as unchanged stay stale. Absolute positions cannot drift:
 * row r of the frame is always row r of the screen.
 *
 * Stale cells are impossible by construction: a changed row is rewritten
 * from column 1 and erased to its end when it is narrower than the terminal;
 * rows a shorter frame no longer has are erased; autowrap is off while the
 * TUI runs, so a character the terminal thinks wider than we did is clipped
 * at the margin instead of spilling into the next row; a resize redraws all.
 * Frames come at most every `minIntervalMs` (the last one always arrives).
 */
import {textWidth} from './text.js';

const esc = '\u001B[';
/** Alternate screen on, cursor hidden, autowrap off, screen cleared. */
export const enterSequence = `${esc}?1049h${esc}?25l${esc}?7l${esc}H${esc}2J`;
/** Autowrap and cursor back, main screen (with the shell's scrollback) restored. */
export const leaveSequence = `${esc}0m${esc}?7h${esc}?25h${esc}?1049l`;

// eslint-disable-next-line no-control-regex
const escapes = /\u001B\[[0-?]*[ -/]*[@-~]|\u001B\][^\u0007\u001B]*(?:\u0007|\u001B\\)/g;

/** Cells a frame line takes on screen, escape sequences left out. */
export function visibleWidth(line: string): number {
	return textWidth(line.replace(escapes, ''));
}

/**
 * The frame without colour (NO_COLOR): SGR colour parameters (30-39, 40-49, 90-97, 100-107 and
 * 38/48 extended colours) dropped, bold, dim, underline and inverse kept, so a selection stays visible.
 */
export function withoutColour(text: string): string {
	// eslint-disable-next-line no-control-regex
	return text.replace(/\u001B\[([0-9;:]*)m/g, (_all, params: string) => {
		const codes = params === '' ? [0] : params.split(/[;:]/).map(Number);
		const kept: number[] = [];
		for (let i = 0; i < codes.length; i++) {
			const code = codes[i];
			if (code === 38 || code === 48) {
				i += codes[i + 1] === 5 ? 2 : codes[i + 1] === 2 ? 4 : 0;
				continue;
			}

			if ((code >= 30 && code <= 39) || (code >= 40 && code <= 49) || (code >= 90 && code <= 97) || (code >= 100 && code <= 107)) continue;
			kept.push(code);
		}

		return kept.length > 0 ? `\u001B[${kept.join(';')}m` : '';
	});
}

export type FrameWriterOptions = {
	write(text: string): void;
	columns(): number;
	rows(): number;
	minIntervalMs?: number;
	now?: () => number;
	/** false (NO_COLOR): colour codes are taken out of every frame, whoever put them there. */
	colour?: boolean;
};

export class FrameWriter {
	private previous: string[] | undefined;
	private pending: string | undefined;
	private timer: NodeJS.Timeout | undefined;
	private lastWrite = Number.NEGATIVE_INFINITY;
	private active = false;
	private readonly minIntervalMs: number;
	private readonly now: () => number;

	constructor(private readonly options: FrameWriterOptions) {
		this.minIntervalMs = options.minIntervalMs ?? 0;
		this.now = options.now ?? Date.now;
	}

	/**
	 * Switch to the alternate screen. With `drawn`, someone already did and this frame is on
	 * it (thaw's start screen, drawn before Ink loaded): the next frame is diffed against it.
	 */
	enter(drawn?: string): void {
		if (this.active) return;
		this.active = true;
		if (drawn === undefined) {
			this.previous = undefined;
			this.options.write(enterSequence);
			return;
		}

		this.previous = (this.options.colour === false ? withoutColour(drawn) : drawn).split('\n').slice(0, Math.max(1, this.options.rows()));
	}

	/** The next frame is drawn whole on a cleared screen (after a resize, or anything else that touched it). */
	invalidate(): void {
		this.previous = undefined;
	}

	/** A frame from Ink; written now, or when the interval since the last one has passed. */
	frame(text: string): void {
		if (!this.active) return;
		this.pending = text;
		const wait = this.lastWrite + this.minIntervalMs - this.now();
		if (wait <= 0) {
			this.flush();
			return;
		}

		this.timer ??= setTimeout(() => {
			this.timer = undefined;
			this.flush();
		}, wait);
	}

	/** Write the pending frame, if any, now. */
	flush(): void {
		if (this.timer) clearTimeout(this.timer);
		this.timer = undefined;
		const text = this.pending;
		this.pending = undefined;
		if (text === undefined || !this.active) return;
		const out = this.diff(text);
		this.lastWrite = this.now();
		if (out) this.options.write(out);
	}

	/** Draw the last frame, then give the terminal back as it was. */
	leave(): void {
		if (!this.active) return;
		this.flush();
		this.active = false;
		this.options.write(leaveSequence);
	}

	/** The bytes that turn the screen showing `previous` into `text`. */
	private diff(text: string): string {
		const rows = Math.max(1, this.options.rows());
		const columns = Math.max(1, this.options.columns());
		const lines = (this.options.colour === false ? withoutColour(text) : text).split('\n').slice(0, rows);
		const previous = this.previous;
		let out = previous ? '' : `${esc}H${esc}2J`;
		const count = Math.max(lines.length, previous?.length ?? 0);
		for (let row = 0; row < count; row++) {
			const line = lines[row] ?? '';
			if (previous && previous[row] === line) continue;
			if (!previous && line === '') continue;
			out += `${esc}${row + 1}H${line}${esc}0m`;
			if (visibleWidth(line) < columns) out += `${esc}K`;
		}

		this.previous = lines;
		return out;
	}
}
