/**
 * The full-screen TUI's terminal: the alternate screen (the shell's screen
 * and scrollback come back on exit, as with k9s and htop) drawn through the
 * line-diffing FrameWriter. Ink is given a stand-in stdout whose write() is
 * one whole frame (Ink's debug mode writes nothing else), with the real
 * terminal's size and resize events. Console output while the TUI runs
 * would tear the frame, so it is held and printed after the screen is left.
 */
import {EventEmitter} from 'node:events';
import process from 'node:process';
import {format} from 'node:util';
import {FrameWriter, leaveSequence} from './frame-writer.js';
import type {StartFrame} from './start-frame.js';
import {colourEnabled} from './theme.js';

export type AltScreen = {
	/** Give this to Ink's render() as stdout, with debug: true. */
	stdout: NodeJS.WriteStream;
	/** Draw the last frame, leave the alternate screen, print held console output. Idempotent. */
	close(): void;
};

class FrameStdout extends EventEmitter {
	readonly isTTY = true;

	constructor(private readonly real: NodeJS.WriteStream, private readonly writer: FrameWriter) {
		super();
	}

	get columns(): number {
		return this.real.columns || 80;
	}

	get rows(): number {
		return this.real.rows || 24;
	}

	write(frame: string | Uint8Array): boolean {
		this.writer.frame(typeof frame === 'string' ? frame : Buffer.from(frame).toString('utf8'));
		return true;
	}
}

const consoleMethods = ['log', 'info', 'warn', 'error', 'debug'] as const;

const cpuMs = () => {
	const {user, system} = process.cpuUsage();
	return (user + system) / 1000;
};

/**
 * `start`: the start screen cli/tui.ts drew before the TUI loaded (start-frame.ts); it is
 * already on the alternate screen, and the first frame is diffed against it.
 */
export function openAltScreen(real: NodeJS.WriteStream = process.stdout, minIntervalMs = 100, start?: StartFrame): AltScreen {
	// THAW_TRACE_STARTUP=1 (the start-up bench): when the start screen and Ink's first frame went
	// out, in ms since the process started and in CPU ms, printed on exit; CPU time still means
	// something on a loaded machine.
	const trace = (what: string, at: number, cpu: number) => `thaw start-up: ${what} at ${at.toFixed(0)} ms, ${cpu.toFixed(0)} ms CPU`;
	let firstFrame: string | undefined;
	let writes = start ? 1 : 0;
	const writer = new FrameWriter({
		write(text) {
			real.write(text);
			if (++writes === 2) firstFrame = [start ? trace('start screen', start.at, start.cpu) : undefined, trace('first frame', performance.now(), cpuMs())].filter(Boolean).join('\n');
		},
		columns: () => real.columns || 80,
		rows: () => real.rows || 24,
		minIntervalMs,
		colour: colourEnabled(process.env, real.isTTY === true),
	});
	const stdout = new FrameStdout(real, writer);
	const onResize = () => {
		writer.invalidate();
		stdout.emit('resize');
	};

	const held: string[] = [];
	const saved = consoleMethods.map(name => [name, console[name]] as const);
	for (const name of consoleMethods) {
		console[name] = (...args: unknown[]) => {
			held.push(format(...args));
		};
	}

	// A crash or a signal still gives the shell its screen back.
	const onExit = () => {
		real.write(leaveSequence);
	};

	real.on('resize', onResize);
	process.once('exit', onExit);
	start?.taken();
	writer.enter(start?.text);
	let closed = false;
	return {
		stdout: stdout as unknown as NodeJS.WriteStream,
		close() {
			if (closed) return;
			closed = true;
			real.off('resize', onResize);
			process.off('exit', onExit);
			writer.leave();
			for (const [name, method] of saved) console[name] = method;
			if (held.length > 0) process.stderr.write(held.join('\n') + '\n');
			if (firstFrame && process.env.THAW_TRACE_STARTUP) process.stderr.write(firstFrame + '\n');
		},
	};
}
