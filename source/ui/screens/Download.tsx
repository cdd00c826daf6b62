import {Box, Text} from 'ink';
import {useEffect, useLayoutEffect, useState} from 'react';
import type {DownloadSnapshot} from '../../engine/download-state.js';
import {ExitCode, ThawError} from '../../errors.js';
import {inert} from '../../inert.js';
import {cellChunks, ChunkGrid, gridLayout, legend} from '../components/ChunkGrid.js';
import {Confirm} from '../components/Confirm.js';
import {Line} from '../components/Line.js';
import {StatusBar} from '../components/StatusBar.js';
import {useNavigation, useServices} from '../context.js';
import {errorLine} from '../error-line.js';
import {formatBytes, formatDuration, formatRate} from '../format.js';
import {useDownloadStore} from '../hooks/use-download-store.js';
import {useKeys} from '../hooks/use-keys.js';
import {commandFor} from '../keymap.js';
import type {Route} from '../routes.js';
import {chunkStyle, colourEnabled, toneColour} from '../theme.js';
import {wrapText} from '../text.js';

export type DownloadProps = {width: number; height: number; active: boolean; route: Extract<Route, {screen: 'download'}>};

const running = (s: DownloadSnapshot) => s.phase === 'planning' || s.phase === 'downloading' || s.phase === 'paused' || s.phase === 'verifying';

function short(hash: string | undefined): string {
	return hash ? `${hash.slice(0, 12)}…${hash.slice(-6)}` : '-';
}

/** The lines under the grid for the chunk (or cell of chunks) under the cursor. */
function cursorDetail(s: DownloadSnapshot, first: number, last: number): string {
	if (s.chunks.length === 0) return '';
	const chunk = s.chunks[first];
	if (first !== last) {
		const lastChunk = s.chunks[last];
		const counts = new Map<string, number>();
		for (let i = first; i <= last; i++) counts.set(s.chunks[i].state, (counts.get(s.chunks[i].state) ?? 0) + 1);
		return `Chunks ${first + 1}-${last + 1}: bytes ${chunk.start}-${lastChunk.end} · ${[...counts].map(([k, n]) => `${n} ${chunkStyle[k as keyof typeof chunkStyle].label}`).join(', ')}`;
	}

	const hash = chunk.treeHash ? ` · hash ${short(chunk.treeHash)}${chunk.expectedHash ? (chunk.expectedHash === chunk.treeHash ? ' = Glacier\'s' : ` ≠ Glacier's ${short(chunk.expectedHash)}`) : ''}` : '';
	const checked = chunk.state === 'verified' ? (chunk.checkedBy === 'size' ? ' (size only)' : '') : '';
	const error = chunk.lastError && chunk.state !== 'verified' ? ` · last error: ${chunk.lastError}` : '';
	return `Chunk ${chunk.index + 1}/${s.chunks.length}: bytes ${chunk.start}-${chunk.end} · ${chunkStyle[chunk.state].label}${checked}${chunk.resumed ? ' (from an earlier run)' : ''} · ${chunk.attempts} attempt${chunk.attempts === 1 ? '' : 's'}${hash}${error}`;
}

/** The engine's messages are the CLI's too: here a resume is opening the job again, not a command. */
function onScreen(message: string): string {
	return message.replace(/run the same command again( to continue)?/g, 'open this job again to resume');
}

/** Bytes of the chunks verified so far. */
function verifiedBytes(s: DownloadSnapshot): number {
	let bytes = 0;
	for (const chunk of s.chunks) if (chunk.state === 'verified') bytes += chunk.end - chunk.start + 1;
	return bytes;
}

function failedNow(s: DownloadSnapshot): boolean {
	return s.phase === 'failed' || (s.phase !== 'cancelled' && s.verdict !== undefined && !s.verdict.ok);
}

/** What the screen's first line and the counter say the download is: never 'Downloading' once it failed. */
function downloadOutcome(s: DownloadSnapshot, failure: {verification: boolean} | undefined): {title: string; pace: string; colour?: 'red' | 'yellow'} {
	if (s.phase === 'done') return {title: 'Downloaded', pace: ''};
	if (s.phase === 'cancelled') return {title: 'Stopped:', pace: 'stopped', colour: 'yellow'};
	// A verdict that is not ok comes just before the phase 'failed' (the files are closed in between).
	if (failedNow(s)) {
		// A verdict that is not ok, or the engine's verification exit (3): the bytes did not check out.
		const verification = failure?.verification ?? (s.verdict !== undefined && !s.verdict.ok && /^verification failed/.test(s.verdict.summary));
		return verification ? {title: 'Failed verification:', pace: 'failed verification', colour: 'red'} : {title: 'Download failed:', pace: 'failed', colour: 'red'};
	}

	return {title: 'Downloading', pace: ''};
}

/** Before the first byte: asking Glacier, or (resuming) hashing again the chunks an earlier run kept. */
function planningText(s: DownloadSnapshot): string {
	const rechecking = s.chunks.some(chunk => chunk.state === 'verifying' || chunk.resumed);
	if (rechecking) return `Re-checking the chunks an earlier run kept in the .part file: ${s.verifiedChunks} of ${s.chunks.length} verified so far…`;
	return s.chunks.length > 0 ? 'Preparing the .part file…' : 'Asking Glacier about the job…';
}

export function Download({width, height, active, route}: DownloadProps) {
	const services = useServices();
	const navigation = useNavigation();
	const {download, outfile} = route;
	const s = useDownloadStore(download.store, services.progressMs ?? services.frameMs);
	const [failure, setFailure] = useState<{text: string; verification: boolean}>();
	const [ask, setAsk] = useState<'cancel' | 'leave' | 'quit'>();
	const [cursor, setCursor] = useState(0);

	useEffect(() => {
		download.done.catch((error: unknown) => {
			setFailure({text: errorLine(error), verification: error instanceof ThawError && error.exitCode === ExitCode.verification});
		});
	}, [download]);

	const isRunning = running(s);
	// `q` asks before abandoning a running download.
	useEffect(() => {
		if (!active) return undefined;
		navigation.setQuitGuard(() => {
			if (!running(download.store.getSnapshot())) return true;
			setAsk('quit');
			return false;
		});
		return () => {
			navigation.setQuitGuard(undefined);
		};
	}, [active, download, navigation]);
	// In the commit that shows or hides a question, not after it: a key typed just after the answer must reach the screen.
	useLayoutEffect(() => {
		navigation.setCapture(active && ask !== undefined);
	}, [active, ask, navigation]);

	// Layout: 4 lines on top, the grid, the legend, 1 cursor line, the log, 3 verdict lines, the status bar.
	const logLines = height >= 30 ? 8 : height >= 20 ? 4 : 2;
	const dialog = ask ? 6 : 0;
	const fixed = 4 + 1 + 1 + logLines + 3 + 1 + dialog;
	const maxGridRows = Math.max(1, height - fixed);
	const layout = gridLayout(s.chunks.length, width, maxGridRows);
	const cell = Math.min(cursor, Math.max(0, layout.cells - 1));
	const [first, last] = s.chunks.length ? cellChunks(layout, cell, s.chunks.length) : [0, 0];

	useKeys((input, key) => {
		const command = commandFor(['download', 'global'], input, key);
		const move = (delta: number) => {
			setCursor(c => Math.max(0, Math.min(layout.cells - 1, Math.min(c, layout.cells - 1) + delta)));
		};

		if (command === 'back') {
			// Esc while it runs asks first; Enter only leaves a finished download.
			if (!isRunning) navigation.pop();
			else if (key.escape) setAsk('leave');
			return;
		}

		switch (command) {
			case 'left': {
				move(-1);
				break;
			}

			case 'right': {
				move(1);
				break;
			}

			case 'up': {
				move(-layout.columns);
				break;
			}

			case 'down': {
				move(layout.columns);
				break;
			}

			case 'pause': {
				if (s.phase === 'paused') download.resume();
				else if (isRunning) download.pause();
				break;
			}

			case 'cancel': {
				if (isRunning) setAsk('cancel');
				break;
			}

			default: {
				break;
			}
		}
	}, active && !ask);

	const stop = (then: 'stay' | 'leave' | 'quit') => {
		setAsk(undefined);
		download.cancel();
		if (then === 'leave') navigation.pop();
		if (then === 'quit') navigation.exit(0);
	};

	const colour = colourEnabled();
	const outcome = downloadOutcome(s, failure);
	// Failed: what counts is what was verified, not what was received (100 % of a failure is wrong).
	const failed = failedNow(s);
	const stopped = failed || s.phase === 'cancelled';
	const shownBytes = failed ? verifiedBytes(s) : s.bytesDone;
	const percent = s.total > 0 ? Math.floor((shownBytes / s.total) * 100) : (s.phase === 'done' ? 100 : 0);
	const elapsed = ((s.finishedAt ?? Date.now()) - s.startedAt) / 1000;
	// Paused or stopped: no speed or ETA from before (they would be stale).
	const pace = s.phase === 'done' ? `took ${formatDuration(elapsed)}` : stopped ? outcome.pace : s.phase === 'paused' ? 'paused' : `${formatRate(s.throughput)} · ETA ${formatDuration(s.etaSeconds)}`;
	const stats = `${formatBytes(shownBytes)} / ${formatBytes(s.total)}${failed ? ' verified' : ''} (${percent}%) · ${pace}`;
	const counts = `Chunks ${s.verifiedChunks}/${s.chunks.length} verified, ${s.retryingChunks} retrying, ${s.failedChunks} failed · ${s.retries} ${s.retries === 1 ? 'retry' : 'retries'} · ${formatBytes(s.chunkSize)} each`;
	const mode = s.verification.mode === 'tree-hash'
		? 'Every chunk is checked against the SHA-256 tree hash Glacier sends'
		: `Sizes only: ${inert(s.verification.reason ?? 'Glacier sends no tree hash for this output')}`;

	// The verdict wraps (a failure's reason, the saved path, the cancel note are never cut): its head in
	// up to 3 lines, then the hashes; at least 3 lines so the layout does not jump.
	type Verdict = {head: string[]; rest: string[]; colour: 'green' | 'red' | 'yellow' | 'cyan'; loud: boolean};
	const wrap = (text: string) => wrapText(text, width, 3);
	let verdict: Verdict;
	if (s.verdict && s.phase === 'done' && s.verdict.ok) {
		verdict = {colour: 'green', loud: true, head: wrap(` ✔ VERIFIED · ${s.verdict.checkedBy === 'tree-hash' ? 'tree hash matches Glacier\'s' : 'size matches (no tree hash available)'} · saved as ${inert(outfile)}`), rest: [
			s.verdict.checkedBy === 'tree-hash' ? `computed ${s.verdict.computed ?? '-'}` : inert(s.verdict.summary),
			s.verdict.checkedBy === 'tree-hash' ? `expected ${s.verdict.expected ?? '-'}` : '',
		]};
	} else if (s.phase === 'failed' || (s.verdict && !s.verdict.ok)) {
		const hashes = Boolean(s.verdict?.computed || s.verdict?.expected);
		const rest = hashes
			? [`computed ${s.verdict?.computed ?? '-'}`, `expected ${s.verdict?.expected ?? '-'}`]
			: (failure && failure.text !== s.verdict?.summary ? wrap(onScreen(failure.text)) : []);
		// Why it failed and what was kept is read whole: the head may take all but one of the log's lines too.
		const headRoom = Math.max(3, 3 + logLines - 1 - rest.length);
		verdict = {colour: 'red', loud: true, head: wrapText(` ✘ NOT VERIFIED · ${onScreen(inert(s.verdict?.summary ?? failure?.text ?? 'the download failed'))}`, width, headRoom), rest};
	} else if (s.phase === 'cancelled') {
		verdict = {colour: 'yellow', loud: false, head: wrap(' Cancelled · the partial file and its journal are kept: open this job again to resume (the setup finds it)'), rest: []};
	} else if (s.phase === 'paused') {
		verdict = {colour: 'yellow', loud: false, head: wrap(' Paused · p resumes; nothing verified is lost'), rest: []};
	} else {
		verdict = {colour: 'cyan', loud: false, head: wrap(s.phase === 'planning' ? planningText(s) : s.phase === 'verifying' ? 'Checking the whole output\'s tree hash…' : 'Downloading…'), rest: []};
	}

	const verdictLines = [...verdict.head.map(text => ({text, head: true})), ...verdict.rest.map(text => ({text, head: false}))];
	while (verdictLines.length < 3) verdictLines.push({text: '', head: false});
	// A verdict longer than its 3 lines takes them from the log above it.
	const shownLog = Math.max(0, logLines - (verdictLines.length - 3));
	const log = s.log.slice(-shownLog);

	const done = !isRunning;
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Line width={width} bold color={outcome.colour}>{`${outcome.title} ${inert(outfile)}`}</Line>
			<Line width={width}>{stats}</Line>
			<Line width={width} color={toneColour(s.failedChunks > 0 ? 'error' : s.retryingChunks > 0 ? 'warn' : 'normal')}>{counts}</Line>
			<Line width={width} color="gray">{mode}</Line>
			<ChunkGrid chunks={s.chunks} width={width} maxRows={maxGridRows} cursor={cell} />
			<Box height={Math.max(0, maxGridRows - layout.rows)} />
			<Box height={1} width={width}><Text wrap="truncate-end">{legend(colour)}</Text></Box>
			<Line width={width} color="gray">{cursorDetail(s, first, last)}</Line>
			{Array.from({length: shownLog}, (_v, i) => {
				const entry = log[i];
				return <Line key={i} width={width} color={entry && entry.level !== 'info' ? toneColour(entry.level) : undefined}>{entry ? `${new Date(entry.at).toISOString().slice(11, 19)} ${entry.message}` : ''}</Line>;
			})}
			{verdictLines.map((line, i) => <Line key={`v${i}`} width={width} bold={line.head} inverse={line.head && verdict.loud} color={verdict.colour}>{line.text}</Line>)}
			{ask === 'cancel' || ask === 'leave'
				? <Confirm width={width} title={ask === 'cancel' ? 'Cancel this download?' : 'Leave and stop this download?'} lines={['The partial file and its journal stay: open this job again later to resume.']} yes="stop it" no="keep downloading" onYes={() => stop(ask === 'cancel' ? 'stay' : 'leave')} onNo={() => setAsk(undefined)} />
				: undefined}
			{ask === 'quit'
				? <Confirm width={width} tone="error" title="Quit while this download runs?" lines={['It stops now; the partial file and its journal stay for a later resume.']} yes="quit" no="keep downloading" onYes={() => stop('quit')} onNo={() => setAsk(undefined)} />
				: undefined}
			<StatusBar width={width} text={done ? 'Enter/Esc back to the jobs  arrows/hjkl move over the grid  ? help  q quit' : `${s.phase === 'paused' ? 'p resume' : 'p pause'}  c cancel  arrows/hjkl inspect chunks  Esc back  ? help  q quit`} />
		</Box>
	);
}
