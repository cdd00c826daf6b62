/**
 * Download progress on stderr for the headless commands, read from the same
 * store the TUI reads: one live line redrawn in place in a terminal, a plain
 * line every few seconds otherwise, nothing when quiet. Warnings and errors
 * the engine logs are printed as their own lines in both modes.
 */
import type {DownloadSnapshot, DownloadStore} from '../engine/download-state.js';
import {formatBytes, formatClock} from '../format.js';

export type ProgressMode = 'live' | 'lines' | 'off';

export type ProgressOptions = {
	stream: NodeJS.WritableStream & {isTTY?: boolean; columns?: number};
	mode: ProgressMode;
	/** How often a line is drawn (default 200 ms live, 5 s lines). */
	intervalMs?: number;
	now?: () => number;
};

/** The progress lines' duration format (the one in source/format.ts). */
export const formatDuration = formatClock;

/** One line: bytes, percent, rate, ETA, chunks verified, retries (when there were any). */
export function progressLine(snapshot: DownloadSnapshot): string {
	const percent = snapshot.total > 0 ? Math.floor((snapshot.bytesDone / snapshot.total) * 100) : 100;
	const parts = [
		`${formatBytes(snapshot.bytesDone)} / ${formatBytes(snapshot.total)} (${percent}%)`,
		`${formatBytes(snapshot.throughput)}/s`,
		`ETA ${snapshot.etaSeconds === undefined ? '--:--' : formatDuration(snapshot.etaSeconds)}`,
		`chunks ${snapshot.verifiedChunks}/${snapshot.chunks.length} verified`,
	];
	// No retries, no word: the line fits 80 columns (it was cut at 'retrie' there).
	if (snapshot.retries > 0) parts.push(`retries ${snapshot.retries}`);
	if (snapshot.phase === 'paused') parts.push('paused');
	if (snapshot.phase === 'verifying') parts.push('checking the whole');
	return parts.join('  ');
}

/** While a resume re-checks the journaled chunks in the .part: how far it is; else undefined. */
export function recheckLine(snapshot: DownloadSnapshot): string | undefined {
	if (!snapshot.chunks.some(chunk => chunk.state === 'verifying' || chunk.resumed)) return undefined;
	return `re-checking the chunks kept in the .part file: ${snapshot.verifiedChunks}/${snapshot.chunks.length} verified`;
}

export type Progress = {
	/** Print the warnings not yet printed, clear the live line and stop (again: nothing). */
	stop(): void;
};

export function startProgress(store: DownloadStore, options: ProgressOptions): Progress {
	if (options.mode === 'off') return {stop() {}};
	const {stream, mode} = options;
	const interval = options.intervalMs ?? (mode === 'live' ? 200 : 5000);
	let lastLog: unknown;
	let liveDrawn = false;

	const clearLive = () => {
		if (liveDrawn) {
			stream.write('\r\u001B[K');
			liveDrawn = false;
		}
	};

	const printLog = (snapshot: DownloadSnapshot) => {
		// The log is bounded: new entries start after the last one printed (all of it if that one rotated out).
		const from = snapshot.log.findIndex(entry => entry === lastLog) + 1;
		for (const entry of snapshot.log.slice(from)) {
			// Info is for the TUI's log; a final error is printed once by the command itself.
			if (entry.level !== 'warn') continue;
			clearLive();
			stream.write(`thaw: warning: ${entry.message}\n`);
		}

		if (snapshot.log.length > 0) lastLog = snapshot.log.at(-1);
	};

	const draw = () => {
		const snapshot = store.getSnapshot();
		printLog(snapshot);
		if (snapshot.phase === 'done' || snapshot.phase === 'failed' || snapshot.phase === 'cancelled') return;
		// Planning says nothing, except while a resume hashes again the chunks an earlier run kept (a big .part takes a while).
		const line = snapshot.phase === 'planning' ? recheckLine(snapshot) : progressLine(snapshot);
		if (line === undefined) return;
		if (mode === 'live') {
			const width = Math.max(20, (stream.columns ?? 100) - 1);
			stream.write(`\r${line.slice(0, width)}\u001B[K`);
			liveDrawn = true;
		} else {
			stream.write(`${line}\n`);
		}
	};

	// Warnings as soon as they happen (between progress lines too).
	const unsubscribe = store.subscribe(() => {
		const snapshot = store.getSnapshot();
		if (snapshot.log.at(-1) !== lastLog) printLog(snapshot);
	});
	const timer = setInterval(draw, interval);
	timer.unref();
	let stopped = false;
	return {
		stop() {
			if (stopped) return;
			stopped = true;
			clearInterval(timer);
			unsubscribe();
			printLog(store.getSnapshot());
			clearLive();
		},
	};
}
