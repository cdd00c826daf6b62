#!/usr/bin/env -S node --initial-old-space-size=64
/**
 * The V8 flag in the first line is measured: V8 starts with a tiny old
 * generation and, while a download streams, runs a full mark-compact every
 * ~70 ms to stay in it (77 per GiB); starting it at 64 MiB leaves 0 and cuts
 * thaw's user CPU per GiB from ~4.3 s to ~2.3 s at the same peak RSS
 * (`node --trace-gc build/cli.js get-job-output ...`).
 *
 * thaw: argv -> one command. This file imports nothing heavy up front, so
 * `thaw --help` and `thaw --version` answer at once; each command's module is
 * loaded only when that command runs.
 */
import {readFileSync} from 'node:fs';
import process from 'node:process';
import {describeFailure, ExitCode} from './source/errors.js';
import {inert} from './source/inert.js';

type Command = {
	name: string;
	summary: string;
	load: () => Promise<{run: (args: string[]) => Promise<number>}>;
};

const commands: Command[] = [
	{name: 'get-job-output', summary: 'Download a job\'s output in parallel, verified chunk by chunk (AWS CLI arguments)', load: async () => import('./source/headless/get-job-output.js')},
	{name: 'inventory', summary: 'Read a vault inventory (JSON or Glacier CSV): filter, sort, print or browse', load: async () => import('./source/headless/inventory.js')},
	{name: 'tree-hash', summary: 'Print the SHA-256 tree hash of files', load: async () => import('./source/headless/tree-hash.js')},
	{name: 'verify', summary: 'Check a file against an expected tree hash (exit 0 or 3)', load: async () => import('./source/headless/verify.js')},
	{name: 'emulator', summary: 'Run the local Glacier-compatible server with demo data and fault injection', load: async () => import('./source/headless/emulator.js')},
	{name: 'config', summary: 'Show where settings are kept and what they hold', load: async () => import('./source/headless/config.js')},
];

function version(): string {
	const packageJson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {version: string};
	return packageJson.version;
}

function help(): string {
	const width = Math.max(...commands.map(c => c.name.length));
	return [
		'thaw: get your data out of Amazon S3 Glacier vaults, verified.',
		'',
		'Usage:',
		'  thaw [--demo] [--vault-name V [--job-id J]] [connection options]   open the terminal UI',
		'  thaw <command> [options]',
		'',
		'Commands:',
		...commands.map(c => `  ${c.name.padEnd(width)}  ${c.summary}`),
		'',
		'Connection options (as in the AWS CLI): --profile, --region, --endpoint-url,',
		'  --no-verify-ssl, --ca-bundle. Credentials come from the AWS SDK\'s default chain.',
		'',
		'  thaw <command> --help   options of one command',
		'  thaw --version          print the version',
	].join('\n');
}

async function main(argv: string[]): Promise<number> {
	const [first, ...rest] = argv;
	if (first === '--help' || first === '-h' || first === 'help') {
		process.stdout.write(help() + '\n');
		return ExitCode.ok;
	}

	if (first === '--version' || first === '-v') {
		process.stdout.write(version() + '\n');
		return ExitCode.ok;
	}

	if (first === undefined || first.startsWith('-')) {
		const tui = await import('./source/ui/run.js');
		return tui.run(argv);
	}

	const command = commands.find(c => c.name === first);
	if (!command) {
		process.stderr.write(`thaw: unknown command '${inert(first)}'. Run 'thaw --help' to see the commands.\n`);
		return ExitCode.usage;
	}

	const module = await command.load();
	return module.run(rest);
}

const debug = process.argv.includes('--debug');

try {
	process.exitCode = await main(process.argv.slice(2));
} catch (error) {
	// One place says what is printed: redacted (no credentials, even with --debug) and inert.
	const failure = describeFailure(error, debug);
	process.stderr.write(failure.text);
	process.exitCode = failure.exitCode;
}
