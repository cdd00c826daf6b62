/**
 * argv -> one command, and every failure -> one line and its exit code.
 * Nothing heavy is imported here: `thaw --help` and `thaw --version` answer
 * at once, and each command's module loads only when that command runs.
 */
import {readFileSync} from 'node:fs';
import process from 'node:process';
import {describeFailure, ExitCode} from '../errors.js';
import {inert} from '../inert.js';
import {commands, noCommand} from './commands.js';

function version(): string {
	// build/source/cli/main.js -> the package root.
	const packageJson = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {version: string};
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

async function dispatch(argv: string[]): Promise<number> {
	const [first, ...rest] = argv;
	if (first === '--help' || first === '-h' || first === 'help') {
		process.stdout.write(help() + '\n');
		return ExitCode.ok;
	}

	if (first === '--version' || first === '-v') {
		process.stdout.write(version() + '\n');
		return ExitCode.ok;
	}

	if (first === undefined || first.startsWith('-')) return (await noCommand.load()).run(argv);

	const command = commands.find(c => c.name === first);
	if (!command) {
		process.stderr.write(`thaw: unknown command '${inert(first)}'. Run 'thaw --help' to see the commands.\n`);
		return ExitCode.usage;
	}

	return (await command.load()).run(rest);
}

/** Runs one command line and returns its exit code; errors become one line on stderr (stack traces with --debug). */
export async function main(argv: string[]): Promise<number> {
	try {
		return await dispatch(argv);
	} catch (error) {
		// One place says what is printed: redacted (no credentials, even with --debug) and inert.
		const failure = describeFailure(error, argv.includes('--debug'));
		process.stderr.write(failure.text);
		return failure.exitCode;
	}
}
