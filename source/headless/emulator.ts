/**
 * `thaw emulator`: run the local Glacier-compatible server (demo data, fault
 * injection) until SIGINT/SIGTERM. The URL is the first line on stdout, so
 * scripts can read it; request logs go to stderr.
 */
import {readFileSync} from 'node:fs';
import process from 'node:process';
import {ExitCode, ThawError, UsageError} from '../errors.js';
import {inert} from '../inert.js';
import {faultKinds, normalizeFaultRule, parseFaultSpec, startEmulator, type FaultRule} from '../emulator/index.js';
import {integer, parse} from './args.js';

const help = `thaw emulator: a local Glacier-compatible server (the 2012 vault API) with demo data and fault injection.

Usage:
  thaw emulator [options]

Options:
  --port N             port to listen on (default 0: any free port)
  --host HOST          address to listen on (default 127.0.0.1)
  --no-demo            start with no vaults (default: the demo vaults and jobs)
  --job-delay SECONDS  how long jobs started with InitiateJob stay InProgress (default 0)
  --fault KIND[:key=value,...]
                       inject a fault (repeatable), e.g. --fault drop:times=3,afterBytes=100000
                       kinds: ${faultKinds.join(', ')}
                       keys: op, jobId, range, times (number or Infinity), afterBytes, stallMs, bytesPerSecond, extraBytes
                       bad-header: a GetJobOutput header with a control byte; trickle: bytesPerSecond (default 1)
                       after afterBytes (default 0); size-lie: DescribeJob/ListJobs claim extraBytes (1 MiB) more
  --faults FILE        a JSON array of fault rules, e.g. [{"kind":"throttle","op":"ListJobs","times":2}]
  --quiet              do not log one line per request on stderr
  --help               show this help

The first line on stdout is the URL. Faults can also be changed while it runs:
  curl -X POST URL/_emulator/faults -d '{"kind":"corrupt"}'   (add a rule)
  curl URL/_emulator/faults                                   (rules and hits)
  curl -X DELETE URL/_emulator/faults                         (clear the rules)
Any credentials are accepted. Stop it with Ctrl-C.`;

function faultsFromFile(file: string): FaultRule[] {
	let text: string;
	try {
		text = readFileSync(file, 'utf8');
	} catch (error) {
		throw new ThawError(`cannot read --faults file '${inert(file)}': ${inert((error as Error).message)}`, ExitCode.local);
	}

	let data: unknown;
	try {
		data = JSON.parse(text) as unknown;
	} catch (error) {
		throw new UsageError(`--faults file '${inert(file)}' is not JSON: ${inert((error as Error).message)}`);
	}

	if (!Array.isArray(data)) throw new UsageError(`--faults file '${inert(file)}' must hold a JSON array of fault rules`);
	return data.map((rule, i) => {
		try {
			return normalizeFaultRule(rule);
		} catch (error) {
			throw new UsageError(`--faults file '${inert(file)}', rule ${i + 1}: ${inert((error as Error).message)}`);
		}
	});
}

function formatSize(bytes: number): string {
	const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
	let value = bytes;
	let unit = 0;
	while (value >= 1024 && unit < units.length - 1) {
		value /= 1024;
		unit++;
	}

	return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

export async function run(args: string[]): Promise<number> {
	const {values} = parse('emulator', args, {
		port: {type: 'string'},
		host: {type: 'string'},
		'no-demo': {type: 'boolean'},
		'job-delay': {type: 'string'},
		fault: {type: 'string', multiple: true},
		faults: {type: 'string'},
		quiet: {type: 'boolean'},
		help: {type: 'boolean', short: 'h'},
	});
	if (values.help) {
		process.stdout.write(help + '\n');
		return ExitCode.ok;
	}

	const port = integer('port', values.port, 0, 65_535) ?? 0;
	let jobDelayMs = 0;
	if (values['job-delay'] !== undefined) {
		const delay = values['job-delay'];
		if (!/^\d+(\.\d+)?$/.test(delay)) throw new UsageError(`--job-delay takes a number of seconds, not '${inert(delay)}'. Run 'thaw emulator --help' for usage.`);
		jobDelayMs = Math.round(Number(delay) * 1000);
	}

	const faults: FaultRule[] = [];
	for (const spec of values.fault ?? []) {
		try {
			faults.push(parseFaultSpec(spec));
		} catch (error) {
			throw new UsageError(`--fault ${inert(spec)}: ${inert((error as Error).message)}. Run 'thaw emulator --help' for usage.`);
		}
	}

	if (values.faults !== undefined) faults.push(...faultsFromFile(values.faults));
	const demo = !values['no-demo'];
	let emulator;
	try {
		emulator = await startEmulator({
			port,
			host: values.host ?? '127.0.0.1',
			demo,
			jobDelayMs,
			faults,
			log: values.quiet ? undefined : line => {
				process.stderr.write(`${new Date().toISOString().slice(11, 23)} ${line}\n`);
			},
		});
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		const where = `${inert(values.host ?? '127.0.0.1')}:${port}`;
		if (code === 'EADDRINUSE') throw new ThawError(`cannot listen on ${where}: the port is in use. Pick another with --port, or --port 0 for any free one.`, ExitCode.local);
		throw new ThawError(`cannot listen on ${where}: ${inert((error as Error).message)}`, ExitCode.local);
	}

	const out: string[] = [emulator.url];
	if (demo) {
		out.push('', 'Demo vaults:');
		for (const v of emulator.summary()) {
			const jobs = Object.entries(v.jobs).filter(([, n]) => n > 0).map(([status, n]) => `${n} ${status}`).join(', ');
			out.push(`  ${v.vault.padEnd(20)} ${String(v.archives).padStart(5)} archives ${formatSize(v.sizeInBytes).padStart(10)}${jobs ? `  jobs: ${jobs}` : ''}${v.note ? `  (${v.note})` : ''}`);
		}
	}

	if (faults.length > 0) out.push('', `Faults armed: ${faults.map(f => f.kind).join(', ')}`);
	out.push(
		'',
		'Try:',
		`  AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x AWS_DEFAULT_REGION=us-east-1 aws glacier list-jobs --account-id - --vault-name ${demo ? 'backups-mixed' : 'VAULT'} --endpoint-url ${emulator.url}`,
		`  AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x thaw --endpoint-url ${emulator.url}`,
		'',
		'Any credentials are accepted. Ctrl-C stops it.',
	);
	process.stdout.write(out.join('\n') + '\n');

	await new Promise<void>(resolve => {
		const stop = (): void => {
			process.off('SIGINT', stop);
			process.off('SIGTERM', stop);
			resolve();
		};

		process.on('SIGINT', stop);
		process.on('SIGTERM', stop);
	});
	await emulator.close();
	return ExitCode.ok;
}
