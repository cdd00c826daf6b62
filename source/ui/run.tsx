/**
 * `thaw [options]`: the terminal UI. Without a terminal on both stdin and
 * stdout it refuses at once with one line (exit 2) and names the headless
 * commands instead.
 */
import process from 'node:process';
import {render} from 'ink';
import {openSettings} from '../config.js';
import {ExitCode, UsageError} from '../errors.js';
import {connect, resolveRegion, type Connection} from '../glacier/client.js';
import {connectionFromArgs, connectionHelp, connectionOptions, parse} from '../headless/args.js';
import {App} from './app.js';
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
	const saved = settings.get();
	let connection: Connection;
	let closeEmulator: (() => Promise<void>) | undefined;
	if (values.demo) {
		const {startEmulator} = await import('../emulator/index.js');
		const emulator = await startEmulator({demo: true});
		closeEmulator = async () => emulator.close();
		connection = connect({endpointUrl: emulator.url, region: 'us-east-1', demoCredentials: true});
	} else {
		const options = connectionFromArgs(values);
		connection = connect({
			...options,
			region: options.region ?? (process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION ? undefined : saved.region),
			profile: options.profile ?? (process.env.AWS_PROFILE ? undefined : saved.profile),
			endpointUrl: options.endpointUrl ?? saved.endpoint,
			maxSockets: saved.concurrency ?? 8,
		});
		await resolveRegion(connection);
	}

	const initial: Route[] = [{screen: 'vaults'}];
	if (values['vault-name']) {
		initial.push({screen: 'jobs', vaultName: values['vault-name']});
		if (values['job-id']) initial.push({screen: 'download-setup', vaultName: values['vault-name'], jobId: values['job-id']});
	}

	const downloads = new Set<{cancel(): void; done: Promise<unknown>}>();
	let exitCode: number = ExitCode.ok;
	const instance = render(
		<App
			services={{connection, settings, demo: values.demo === true, now: Date.now, refreshMs: 15_000, frameMs: 100, cwd: process.cwd(), track(download) {
				downloads.add(download);
				return () => downloads.delete(download);
			}}}
			initial={initial}
			onExit={code => {
				exitCode = code;
				instance.unmount();
			}}
		/>,
		{maxFps: 12, exitOnCtrlC: true, patchConsole: true},
	);
	try {
		await instance.waitUntilExit();
	} finally {
		// Whatever still runs stops here; its .part file and journal stay for a later resume.
		const stopping = [...downloads].map(download => {
			download.cancel();
			return download.done.catch(() => undefined);
		});
		// Give cancelled downloads a moment to flush their journal, then let nothing else hold the process.
		await Promise.race([Promise.all(stopping), new Promise(resolve => {
			setTimeout(resolve, 3000).unref();
		})]);
		connection.close();
		await Promise.race([closeEmulator?.(), new Promise(resolve => {
			setTimeout(resolve, 1000).unref();
		})]);
		setTimeout(() => {
			process.exit(exitCode);
		}, 200).unref();
	}

	return exitCode;
}
