/**
 * What `thaw` and the `thaw inventory` browser share: one full-screen run of the
 * App that, on the way out, cancels running downloads (their .part file and
 * journal stay for a later resume) and closes what it opened.
 */
import process from 'node:process';
import {render} from 'ink';
import {App} from './app.js';
import type {AppServices, TrackedDownload} from './context.js';
import {resumeHint} from './resume-hint.js';
import type {Route} from './routes.js';
import {openAltScreen} from './alt-screen.js';
import type {StartFrame} from './start-frame.js';

type Running = {cancel(): void; done: Promise<unknown>; about?: TrackedDownload};

async function settle(work: Promise<unknown> | undefined, ms: number): Promise<void> {
	await Promise.race([work, new Promise(resolve => {
		setTimeout(resolve, ms).unref();
	})]);
}

export async function runApp(options: {
	services: Omit<AppServices, 'track' | 'now' | 'refreshMs' | 'frameMs' | 'progressMs' | 'cwd'> & Partial<AppServices>;
	initial: Route[];
	/** Closed last, e.g. the in-process demo emulator. */
	onClosed?: () => Promise<void>;
	/** The terminal (tests give a stand-in; then the process is not exited at the end). */
	io?: {stdin: NodeJS.ReadStream; stdout: NodeJS.WriteStream; stderr?: NodeJS.WriteStream};
	/** The connection options thaw was given, for the resume command printed on exit. */
	resumeFlags?: string[];
	/** The start screen already drawn (thaw's TUI: cli/tui.ts draws it before this loads). */
	start?: StartFrame;
	/** The process's exit code from the app's (thaw restore run: how the run ended), once the tracked work has stopped. */
	exitCode?: (appCode: number) => Promise<number>;
}): Promise<number> {
	const downloads = new Set<Running>();
	let exitCode = 0;
	const services: AppServices = {
		now: Date.now,
		refreshMs: 15_000,
		frameMs: 100,
		// A download's counters change at most 4 times a second: over SSH every frame costs bytes.
		progressMs: 250,
		cwd: process.cwd(),
		track(download, about) {
			const running: Running = {cancel: () => download.cancel(), done: download.done, about};
			downloads.add(running);
			return () => downloads.delete(running);
		},
		...options.services,
	};
	// Ink's debug mode hands each whole frame to the screen's stdout, which writes only the rows that changed.
	const screen = openAltScreen(options.io?.stdout, undefined, options.start);
	const instance = render(
		<App
			services={services}
			initial={options.initial}
			onExit={code => {
				exitCode = code;
				instance.unmount();
			}}
		/>,
		{stdout: screen.stdout, stdin: options.io?.stdin ?? process.stdin, debug: true, exitOnCtrlC: false, patchConsole: false},
	);
	// A lost terminal (an SSH session dropped) leaves as a quit does: downloads are cancelled and keep their
	// whole leaves in flight. Writes to the gone terminal then fail quietly rather than end the process first.
	const onHangup = () => {
		process.stdout.on('error', () => undefined);
		process.stderr.on('error', () => undefined);
		exitCode = 130;
		instance.unmount();
	};

	process.once('SIGHUP', onHangup);
	try {
		await instance.waitUntilExit();
	} finally {
		process.off('SIGHUP', onHangup);
		screen.close();
		const stopped = [...downloads].filter(download => download.about);
		const stopping = [...downloads].map(download => {
			download.cancel();
			return download.done.catch(() => undefined);
		});
		// Give cancelled downloads a moment to flush their journal, then let nothing else hold the process.
		await settle(Promise.all(stopping), 3000);
		// Say how to pick up each one that was stopped, on the shell's screen.
		for (const download of stopped) {
			const about = download.about!;
			(options.io?.stderr ?? process.stderr).write(resumeHint({...about, ...about.progress?.()}, options.resumeFlags ?? [], services.demo) + '\n');
		}
		if (options.exitCode) exitCode = await options.exitCode(exitCode);
		services.connection.close();
		await settle(options.onClosed?.(), 1000);
		if (!options.io) {
			setTimeout(() => {
				process.exit(exitCode);
			}, 200).unref();
		}
	}

	return exitCode;
}
