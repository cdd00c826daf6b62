import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {render} from 'ink-testing-library';
import {openSettings, type SettingKey, type Settings} from '../../source/config.js';
import {startEmulator, type Emulator, type EmulatorOptions} from '../../source/emulator/index.js';
import {connect, type Connection} from '../../source/glacier/client.js';
import {App} from '../../source/ui/app.js';
import type {AppServices} from '../../source/ui/context.js';
import type {Route} from '../../source/ui/routes.js';

// eslint-disable-next-line no-control-regex
const ansi = /\u001B\[[0-9;:]*m/g;

export const keys = {
	enter: '\r',
	escape: '\u001B',
	up: '\u001B[A',
	down: '\u001B[B',
	right: '\u001B[C',
	left: '\u001B[D',
	pageDown: '\u001B[6~',
	tab: '\t',
	backspace: '\u007F',
};

export async function delay(ms = 20): Promise<void> {
	await new Promise(resolve => {
		setTimeout(resolve, ms);
	});
}

export type Harness = {
	emulator: Emulator;
	connection: Connection;
	services: AppServices;
	dir: string;
	exitCodes: number[];
	/** The last frame without colour codes. */
	frame(): string;
	/** Wait until the frame satisfies the check (a string it contains, or a predicate); fails with the frame after `timeoutMs`. */
	waitFor(check: string | RegExp | ((frame: string) => boolean), timeoutMs?: number): Promise<string>;
	/** Type keys one by one, letting React settle after each. */
	press(...input: string[]): Promise<void>;
	/** How many frames Ink has written so far (for frame-rate checks). */
	frameCount(): number;
	/** Every frame Ink has written so far, without colour codes (for what scrolled past). */
	allFrames(): string[];
	close(): Promise<void>;
};

export async function startHarness(options: {
	emulator?: EmulatorOptions;
	setup?: (emulator: Emulator) => Promise<void> | void;
	size?: {columns: number; rows: number};
	now?: () => number;
	initial?: Route[];
	refreshMs?: number;
	/** Saved settings (thaw config) in place before the app starts. */
	settings?: Partial<Settings>;
	/** Services to set on top of the defaults (restore runner timings, the plans folder…). */
	services?: Partial<AppServices>;
} = {}): Promise<Harness> {
	const emulator = await startEmulator(options.emulator);
	await options.setup?.(emulator);
	const dir = mkdtempSync(join(tmpdir(), 'thaw-ui-'));
	const connection = connect({endpointUrl: emulator.url, region: 'us-east-1', demoCredentials: true, maxAttempts: 1});
	const exitCodes: number[] = [];
	const settings = openSettings({cwd: join(dir, 'config')});
	for (const [key, value] of Object.entries(options.settings ?? {})) settings.set(key as SettingKey, value);
	const services: AppServices = {
		connection,
		settings,
		demo: false,
		now: options.now ?? Date.now,
		refreshMs: options.refreshMs ?? 60_000,
		frameMs: 20,
		cwd: dir,
		track: () => () => true,
		...options.services,
	};
	const instance = render(<App services={services} size={options.size ?? {columns: 80, rows: 24}} initial={options.initial} onExit={code => exitCodes.push(code)} />);
	const frame = () => (instance.lastFrame() ?? '').replace(ansi, '');
	return {
		emulator,
		connection,
		services,
		dir,
		exitCodes,
		frame,
		async waitFor(check, timeoutMs = 5000) {
			const test = typeof check === 'string' ? (f: string) => f.includes(check) : check instanceof RegExp ? (f: string) => check.test(f) : check;
			const deadline = Date.now() + timeoutMs;
			while (Date.now() < deadline) {
				if (test(frame())) return frame();
				await delay(15);
			}

			throw new Error(`timed out waiting for ${String(check)}; last frame:\n${frame()}`);
		},
		frameCount: () => instance.frames.length,
		allFrames: () => instance.frames.map(written => written.replace(ansi, '')),
		async press(...input) {
			for (const key of input) {
				instance.stdin.write(key);
				await delay(30);
			}
		},
		async close() {
			instance.unmount();
			connection.close();
			await emulator.close();
			rmSync(dir, {recursive: true, force: true});
		},
	};
}

/** The frame with all runs of white space as one space (for text that may wrap). */
export function flat(frame: string): string {
	return frame.replace(/\s+/g, ' ');
}

/** Every line fits: at most `columns` cells wide, fewer than `rows` lines. */
export function fitsIn(frame: string, columns: number, rows: number): {ok: boolean; lines: number; widest: number} {
	const lines = frame.split('\n');
	const widest = Math.max(...lines.map(l => [...l].length));
	return {ok: lines.length < rows && widest <= columns, lines: lines.length, widest};
}
