/**
 * `thaw [options]`: the terminal UI. Without a terminal on both stdin and
 * stdout it refuses at once with one line (exit 2) and names the headless
 * commands instead.
 */
import process from 'node:process';
import {openSettings} from '../config.js';
import {ExitCode, UsageError} from '../errors.js';
import {connect} from '../glacier/client.js';
import {connectionFromArgs, connectionHelp, connectionOptions, parse} from '../headless/args.js';
import {connectWithSettings, runApp} from './launch.js';
import type {Route} from './routes.js';

const help = `Usage: thaw [--demo] [--vault-name V [--job-id J]] [connection options]

Opens the terminal UI: vaults, their jobs, and verified parallel downloads.
  --demo               run against a built-in emulator with demo vaults (no AWS account needed)
  --vault-name V       open straight on this vault's jobs
  --job-id J           with --vault-name: open straight on this job's download

${connectionHelp}

Settings (region, profile, endpoint, chunk size, concurrency, download folder): thaw config.
Keys: press ? in any screen.`;

export const noTerminalMessage = 'thaw: the terminal UI needs a terminal on stdin and stdout; for scripts use thaw get-job-output, thaw inventory or thaw tree-hash (thaw --help lists them).';

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

export async function run(argv: string[]): Promise<number> {
	const {values} = parseTuiArgs(argv);
	if (values.help) {
		process.stdout.write(help + '\n');
		return ExitCode.ok;
	}

	if (process.stdin.isTTY !== true || process.stdout.isTTY !== true) {
		process.stderr.write(noTerminalMessage + '\n');
		return ExitCode.usage;
	}

	if (values['job-id'] && !values['vault-name']) throw new UsageError('--job-id needs --vault-name too. Run \'thaw --help\' for usage.');

	const settings = openSettings();
	const initial: Route[] = [{screen: 'vaults'}];
	if (values['vault-name']) {
		initial.push({screen: 'jobs', vaultName: values['vault-name']});
		if (values['job-id']) initial.push({screen: 'download-setup', vaultName: values['vault-name'], jobId: values['job-id']});
	}

	if (values.demo) {
		const {startEmulator} = await import('../emulator/index.js');
		const emulator = await startEmulator({demo: true});
		const connection = connect({endpointUrl: emulator.url, region: 'us-east-1', demoCredentials: true});
		return runApp({services: {connection, settings, demo: true}, initial, onClosed: async () => emulator.close()});
	}

	const connection = await connectWithSettings(connectionFromArgs(values), settings);
	return runApp({services: {connection, settings, demo: false}, initial});
}
