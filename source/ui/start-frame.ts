/**
 * The screen thaw shows while the TUI loads. Ink, React, the screens and the
 * AWS SDK take ~0.25-0.3 s of CPU to load (test/bench/demo-startup.bench.mjs);
 * over SSH a blank terminal for that long reads as a hang. So before any of
 * it loads, cli/tui.ts draws this: the alternate screen, the header bar and
 * one line saying what is happening, through the same FrameWriter that the
 * TUI then takes over (it is handed the frame, so Ink's first frame rewrites
 * only the rows that differ).
 *
 * It also puts the terminal in raw mode at once: keys typed while loading are
 * neither echoed over the frame nor lost (they wait in the terminal until Ink
 * reads them). The process's exit puts the mode back, and the exit handler
 * the TUI installs leaves the alternate screen, even if loading fails.
 */
import process from 'node:process';
import {FrameWriter, leaveSequence} from './frame-writer.js';

/** What the TUI is given: the frame on screen and when it went out (ms since the process started, CPU ms). */
export type StartFrame = {
	text: string;
	at: number;
	cpu: number;
	/** The TUI's screen has taken over the terminal (and gives it back itself). */
	taken(): void;
	/** Loading failed before that: give the shell its screen and mode back, so the error can be read. */
	leave(): void;
};

/** The frame: a header bar as wide as the terminal (inverse: it reads with NO_COLOR too) and a status line. */
export function startFrameText(columns: number, demo: boolean): string {
	const left = demo ? ' thaw  DEMO' : ' thaw';
	const right = 'starting… ';
	const width = Math.max(left.length + right.length, columns);
	const bar = (left + ' '.repeat(width - left.length - right.length) + right).slice(0, columns);
	const status = demo ? ' Starting the demo emulator…' : ' Loading…';
	return `\u001B[7m${bar}\u001B[27m\n\n${status.slice(0, columns)}\n`;
}

export function drawStartFrame(options: {demo: boolean; out?: NodeJS.WriteStream; input?: NodeJS.ReadStream}): StartFrame {
	const out = options.out ?? process.stdout;
	const input = options.input ?? process.stdin;
	const writer = new FrameWriter({write: text => out.write(text), columns: () => out.columns || 80, rows: () => out.rows || 24});
	writer.enter();
	const text = startFrameText(out.columns || 80, options.demo);
	writer.frame(text);
	writer.flush();
	if (input.isTTY) input.setRawMode(true);
	// Until the TUI's own screen takes over (and installs its handler), a crash still gives the shell its screen back.
	const onExit = () => {
		out.write(leaveSequence);
	};

	process.once('exit', onExit);
	let mine = true;
	const cpu = process.cpuUsage();
	return {
		text,
		at: performance.now(),
		cpu: (cpu.user + cpu.system) / 1000,
		taken() {
			mine = false;
			process.off('exit', onExit);
		},
		leave() {
			if (!mine) return;
			mine = false;
			process.off('exit', onExit);
			if (input.isTTY) input.setRawMode(false);
			out.write(leaveSequence);
		},
	};
}
