/**
 * `thaw [options]`: the terminal UI. Without a terminal on both stdin and
 * stdout it refuses at once with one line (exit 2) and names the headless
 * commands instead.
 */
import {statSync} from 'node:fs';
import process from 'node:process';
import {connectionFromArgs, connectionHelp, connectionOptions, parse} from '../args.js';
import {ExitCode, UsageError} from '../errors.js';
import {drawStartFrame} from '../ui/start-frame.js';
import {isTerminal} from './terminal.js';

const help = `Usage: thaw [--demo] [--vault-name V [--job-id J]] [connection options]

Opens the terminal UI: vaults, their jobs, and verified parallel downloads.
  --demo               run against a built-in emulator with demo vaults (no AWS account needed)
  --vault-name V       open straight on this vault's jobs
  --job-id J           with --vault-name: open straight on this job's download

${connectionHelp}

Settings (region, profile, endpoint, chunk size, concurrency, download folder): thaw config.
Keys: press ? in any screen.`;

const noTerminalMessage = 'thaw: the terminal UI needs a terminal on stdin and stdout; for scripts use thaw get-job-output, thaw inventory or thaw tree-hash (thaw --help lists them).';

function parseTuiArgs(argv: string[]) {
	try {
		return parse('', argv, {
			help: {type: 'boolean', short: 'h'},
			demo: {type: 'boolean'},
			'vault-name': {type: 'string'},
			'job-id': {type: 'string'},
			...connectionOptions,
		});
	} catch (error) {
		if (error instanceof UsageError) throw new UsageError(error.message.replace('thaw  --help', 'thaw --help'));
		throw error;
	}
}

type TuiModule = typeof import('../ui/run.js');

/**
 * The TUI as one bundled file (build/tui/run.js, made by scripts/bundle.mjs
 * in `npm run build`): start-up reads a few files instead of hundreds of
 * modules. Only when it is newer than tsc's output, so a bare `tsc` rebuild is
 * never shadowed by an older bundle; else (tests, a tsc-only build) the modules.
 */
async function loadTui(): Promise<TuiModule> {
	const bundle = new URL('../../tui/run.js', import.meta.url);
	try {
		if (statSync(bundle).mtimeMs >= statSync(new URL('../ui/run.js', import.meta.url)).mtimeMs) return await import(bundle.href) as TuiModule;
	} catch {
		// No bundle here (running from source, or a tsc-only build): the modules below.
	}

	return import('../ui/run.js');
}

export async function run(argv: string[]): Promise<number> {
	const {values} = parseTuiArgs(argv);
	if (values.help) {
		process.stdout.write(help + '\n');
		return ExitCode.ok;
	}

	if (!isTerminal()) {
		process.stderr.write(noTerminalMessage + '\n');
		return ExitCode.usage;
	}

	if (values['job-id'] && !values['vault-name']) throw new UsageError('--job-id needs --vault-name too. Run \'thaw --help\' for usage.');
	const connection = connectionFromArgs(values);
	// Something on the screen at once, while the TUI loads (see start-frame.ts).
	const start = drawStartFrame({demo: values.demo === true});
	try {
		const {runTui} = await loadTui();
		return await runTui({demo: values.demo === true, vaultName: values['vault-name'], jobId: values['job-id'], connection, start});
	} catch (error) {
		// Failed before the TUI's screen took over (no region, a bad setting): the message goes on the shell's screen.
		start.leave();
		throw error;
	}
}
