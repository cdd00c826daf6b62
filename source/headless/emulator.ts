/**
 * `thaw emulator`: run the local Glacier-compatible server (demo data, fault
 * injection) until SIGINT/SIGTERM. The URL is the first line on stdout, so
 * scripts can read it; request logs go to stderr.
 */
import {readFileSync} from 'node:fs';
import process from 'node:process';
import {ExitCode, ThawError, UsageError} from '../errors.js';
import {formatBytes} from '../format.js';
import {inert} from '../inert.js';
import {demoSpeedup, faultKinds, normalizeFaultRule, parseFaultSpec, startEmulator, type EmulatorOptions, type FaultRule, type RetrievalPolicy, type Tier} from '../emulator/index.js';
import {integer, parse} from './args.js';

const help = `thaw emulator: a local Glacier-compatible server (the 2012 vault API) with demo data and fault injection.

Usage:
  thaw emulator [options]

Options:
  --port N             port to listen on (default 0: any free port)
  --host HOST          address to listen on (default 127.0.0.1)
  --demo               the demo vaults and jobs (the default), including restore-demo: a few
                       thousand small archives to restore whole
  --no-demo            start with no vaults
  --job-delay SECONDS  how long jobs started with InitiateJob stay InProgress, every tier
                       (default 0; with the demo: Glacier's times ${demoSpeedup} times faster:
                       Expedited under a second, Standard 30 s, Bulk 1 min)
  --tier-delay TIER=SECONDS[,TIER=SECONDS...]
                       emulated time to completion per tier, e.g. Bulk=28800,Standard=14400
  --time-scale N       the emulated clock runs N times faster than real time (default 1): job
                       completion and the 24-hour download windows; once set, tiers take
                       Glacier's Expedited 3 min, Standard 4 h, Bulk 8 h of emulated time
  --initiate-rate PER_SECOND[/BURST]
                       throttle InitiateJob bursts (token bucket; over it: ThrottlingException),
                       e.g. 5/20 (default: no limit)
  --retrieval-policy None|FreeTier|BytesPerHour=N
                       the data retrieval policy at start (default None, as AWS's); Standard
                       retrievals over it get PolicyEnforcedException; FreeTier allows
                       10 GiB / 30 of Standard retrievals per 24 emulated hours
  --expedited-capacity N
                       Expedited retrievals allowed per 5 emulated minutes (default: unlimited);
                       more get InsufficientCapacityException
  --fault KIND[:key=value,...]
                       inject a fault (repeatable), e.g. --fault drop:times=3,afterBytes=100000
                       kinds: ${faultKinds.join(', ')}
                       keys: op, jobId, range, times (number or Infinity), afterBytes, stallMs, bytesPerSecond, extraBytes
                       bad-header: a GetJobOutput header with a control byte; trickle: bytesPerSecond (default 1)
                       after afterBytes (default 0); size-lie: DescribeJob/ListJobs claim extraBytes (1 MiB) more;
                       late-answer: InitiateJob makes the job at once and answers stallMs (1000) later
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

const usageHint = 'Run \'thaw emulator --help\' for usage.';

function positiveNumber(name: string, value: string): number {
	const number = Number(value);
	if (!/^\d+(\.\d+)?$/.test(value) || !(number > 0) || !Number.isFinite(number)) throw new UsageError(`--${name} takes a positive number, not '${inert(value)}'. ${usageHint}`);
	return number;
}

/** `Bulk=28800,Standard=14400` (seconds) -> ms per tier. */
function tierDelays(value: string): Partial<Record<Tier, number>> {
	const delays: Partial<Record<Tier, number>> = {};
	for (const part of value.split(',')) {
		const match = /^(expedited|standard|bulk)=(\d+(?:\.\d+)?)$/i.exec(part.trim());
		if (!match) throw new UsageError(`--tier-delay takes TIER=SECONDS[,TIER=SECONDS...] with tiers Expedited, Standard and Bulk, not '${inert(value)}'. ${usageHint}`);
		const tier = (match[1][0].toUpperCase() + match[1].slice(1).toLowerCase()) as Tier;
		delays[tier] = Math.round(Number(match[2]) * 1000);
	}

	return delays;
}

/** `5` or `5/20`: per second and burst (default: the rate, at least 1). */
function initiateRate(value: string): {perSecond: number; burst: number} {
	const match = /^(\d+(?:\.\d+)?)(?:\/(\d+))?$/.exec(value);
	const perSecond = match ? Number(match[1]) : Number.NaN;
	const burst = match?.[2] === undefined ? Math.max(1, Math.ceil(perSecond)) : Number(match[2]);
	if (!match || !(perSecond > 0) || burst < 1) throw new UsageError(`--initiate-rate takes PER_SECOND[/BURST], e.g. 5/20, not '${inert(value)}'. ${usageHint}`);
	return {perSecond, burst};
}

function retrievalPolicy(value: string): RetrievalPolicy {
	if (/^none$/i.test(value)) return {Strategy: 'None'};
	if (/^freetier$/i.test(value)) return {Strategy: 'FreeTier'};
	const match = /^bytesperhour=(\d+)$/i.exec(value);
	if (match && Number(match[1]) >= 1 && Number.isSafeInteger(Number(match[1]))) return {Strategy: 'BytesPerHour', BytesPerHour: Number(match[1])};
	throw new UsageError(`--retrieval-policy takes None, FreeTier or BytesPerHour=N (N bytes, at least 1), not '${inert(value)}'. ${usageHint}`);
}

function formatDuration(ms: number): string {
	if (ms === 0) return 'at once';
	if (ms < 60_000) return `${Number((ms / 1000).toFixed(1))} s`;
	if (ms < 3_600_000) return `${Number((ms / 60_000).toFixed(1))} min`;
	return `${Number((ms / 3_600_000).toFixed(1))} h`;
}

export async function run(args: string[]): Promise<number> {
	const {values} = parse('emulator', args, {
		port: {type: 'string'},
		host: {type: 'string'},
		demo: {type: 'boolean'},
		'no-demo': {type: 'boolean'},
		'job-delay': {type: 'string'},
		'tier-delay': {type: 'string'},
		'time-scale': {type: 'string'},
		'initiate-rate': {type: 'string'},
		'retrieval-policy': {type: 'string'},
		'expedited-capacity': {type: 'string'},
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
	if (values.demo && values['no-demo']) throw new UsageError(`--demo and --no-demo contradict each other. ${usageHint}`);
	const limits: EmulatorOptions = {};
	if (values['job-delay'] !== undefined) {
		const delay = values['job-delay'];
		if (!/^\d+(\.\d+)?$/.test(delay)) throw new UsageError(`--job-delay takes a number of seconds, not '${inert(delay)}'. ${usageHint}`);
		limits.jobDelayMs = Math.round(Number(delay) * 1000);
	}

	if (values['tier-delay'] !== undefined) limits.tierDelayMs = tierDelays(values['tier-delay']);
	if (values['time-scale'] !== undefined) limits.timeScale = positiveNumber('time-scale', values['time-scale']);
	if (values['initiate-rate'] !== undefined) limits.initiateRate = initiateRate(values['initiate-rate']);
	if (values['retrieval-policy'] !== undefined) limits.retrievalPolicy = retrievalPolicy(values['retrieval-policy']);
	const capacity = integer('expedited-capacity', values['expedited-capacity'], 0, 1_000_000);
	if (capacity !== undefined) limits.expeditedCapacity = capacity;

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
			...limits,
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
			out.push(`  ${v.vault.padEnd(20)} ${String(v.archives).padStart(5)} archives ${formatBytes(v.sizeInBytes).padStart(10)}${jobs ? `  jobs: ${jobs}` : ''}${v.note ? `  (${v.note})` : ''}`);
		}
	}

	const restoreInventory = demo ? emulator.jobs('restore-demo').find(job => job.action === 'InventoryRetrieval')?.jobId : undefined;
	const delays = Object.entries(emulator.tierDelayMs).map(([tier, ms]) => `${tier} ${formatDuration(ms)}`).join(', ');
	out.push('', `Retrievals complete after: ${delays}${emulator.timeScale === 1 ? '' : ` of emulated time; the clock runs ${emulator.timeScale} times faster`}`);
	if (faults.length > 0) out.push('', `Faults armed: ${faults.map(f => f.kind).join(', ')}`);
	out.push(
		'',
		'Try:',
		`  AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x AWS_DEFAULT_REGION=us-east-1 aws glacier list-jobs --account-id - --vault-name ${demo ? 'backups-mixed' : 'VAULT'} --endpoint-url ${emulator.url}`,
		`  AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x thaw --endpoint-url ${emulator.url}`,
		...(restoreInventory === undefined ? [] : [
			'  Restore the vault restore-demo whole (a minute with the demo\'s retrieval times):',
			`  AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x thaw restore plan ./restore-plan --vault-name restore-demo --inventory-job-id ${restoreInventory} --to ./restored --endpoint-url ${emulator.url}`,
			`  AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x thaw restore run ./restore-plan --poll-seconds 5 --endpoint-url ${emulator.url}`,
		]),
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
