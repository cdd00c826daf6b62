/**
 * `thaw restore run PLAN`: restore one shard of a plan made by `thaw restore
 * plan`, until every archive is verified on disk or has failed for good.
 * Progress on stderr (a live line in a terminal, a line every 30 s
 * otherwise, nothing with --quiet); the exit code says how it ended.
 */
import process from 'node:process';
import {ExitCode, UsageError} from '../errors.js';
import {inert} from '../inert.js';
import {connect, type Connection} from '../glacier/client.js';
import {startRestore, type RunnerOptions, type RunResult} from '../restore/runner/runner.js';
import type {RunSnapshot, RunStoreView} from '../restore/runner/store.js';
import {readPlanHeader, type PlanHeader} from '../restore/runner/plan.js';
import {parseShard} from '../restore/shard.js';
import {formatBytes, formatClock as formatDuration} from '../format.js';
import {connectionFromArgs, connectionHelp, connectionOptions, integer, parse} from './args.js';

export const help = `Usage: thaw restore run PLAN [options]

Restore the archives of PLAN (made by 'thaw restore plan') into its destination
folder: start retrievals in paced waves, smallest first, poll for completion,
download each ready job in verified parallel chunks, earliest expiry first.
Runs until every archive is verified on disk or has failed for good. Safe to
stop and run again at any moment: nothing verified is fetched again and no
archive is paid for twice (jobs already started are found by their tag).

Options:
  --concurrency N           downloads (GetJobOutput requests) at once (default 16)
  --window-hours H          plan to download each wave within H of the 24 hours
                            a job's output is kept (default 20)
  --bandwidth auto|MiB/s    download rate to pace with (default auto: measured;
                            until the first downloads measured it, at most
                            1 GiB is initiated)
  --poll-seconds S          look for finished jobs this often (default 300)
  --max-bytes-in-flight SIZE  at most this much initiated and not yet on disk
                            (e.g. 500GiB, 2TB; default: window and free disk only)
  --shard K/N               restore shard K (0-based) of N; several runners can
                            share one PLAN directory, one per shard
  --shard auto/N            K from JOB_COMPLETION_INDEX (Kubernetes Indexed Job)
                            or AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch array job)
  --retry-failed            try again the archives an earlier run gave up on
  --quiet                   no progress lines

${connectionHelp}

Exit codes: 0 all verified, 2 usage, 3 some failed verification for good,
4 jobs failed or expired for good, 5 the service or network kept failing,
6 local file problem (or another runner holds this shard), 130 interrupted.`;

const options = {
	...connectionOptions,
	concurrency: {type: 'string'},
	'window-hours': {type: 'string'},
	bandwidth: {type: 'string'},
	'poll-seconds': {type: 'string'},
	'max-bytes-in-flight': {type: 'string'},
	shard: {type: 'string'},
	'retry-failed': {type: 'boolean'},
	quiet: {type: 'boolean'},
	help: {type: 'boolean', short: 'h'},
} as const;

const sizeUnits: Record<string, number> = {
	'': 1, b: 1,
	k: 1024, kb: 1000, kib: 1024,
	m: 1024 ** 2, mb: 1000 ** 2, mib: 1024 ** 2,
	g: 1024 ** 3, gb: 1000 ** 3, gib: 1024 ** 3,
	t: 1024 ** 4, tb: 1000 ** 4, tib: 1024 ** 4,
	p: 1024 ** 5, pb: 1000 ** 5, pib: 1024 ** 5,
};

/** 500GiB, 2TB, 1.5T, 1048576: bytes. */
export function parseSize(name: string, text: string | undefined): number | undefined {
	if (text === undefined) return undefined;
	const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
	const unit = match ? sizeUnits[match[2].toLowerCase()] : undefined;
	if (!match || unit === undefined || Number(match[1]) <= 0) throw new UsageError(`--${name} takes a size like 500GiB, 2TB or 1048576 (bytes), not '${inert(text)}'`);
	return Math.floor(Number(match[1]) * unit);
}

/** A positive number (hours, seconds, MiB/s). */
export function positive(name: string, text: string | undefined, what: string, max = Number.POSITIVE_INFINITY): number | undefined {
	if (text === undefined) return undefined;
	const value = Number(text);
	if (!/^\d+(\.\d+)?$/.test(text.trim()) || !(value > 0) || value > max) throw new UsageError(`--${name} takes ${what}, not '${inert(text)}'`);
	return value;
}

export function progressLine(snapshot: RunSnapshot, now = Date.now()): string {
	const {counts} = snapshot;
	const percent = snapshot.bytesTotal > 0 ? Math.floor((snapshot.bytesVerified / snapshot.bytesTotal) * 100) : (counts.verified === snapshot.total ? 100 : 0);
	const inFlight = counts.initiating + counts.initiated;
	const parts = [
		`${counts.verified}/${snapshot.total} verified (${formatBytes(snapshot.bytesVerified)} / ${formatBytes(snapshot.bytesTotal)}, ${percent}%)`,
		`${inFlight} in retrieval`,
		`${counts.ready + counts.downloading} ready`,
		`${snapshot.downloading} downloading`,
	];
	if (counts.failed > 0) parts.push(`${counts.failed} failed`);
	if (snapshot.reinitiated > 0) parts.push(`${snapshot.reinitiated} re-initiated`);
	if (snapshot.throttles > 0) parts.push(`${snapshot.throttles} throttled`);
	if (snapshot.bytesPerSecond !== null) parts.push(`${formatBytes(snapshot.bytesPerSecond)}/s`);
	if (snapshot.limitedBy && counts.planned + counts.reinitiated > 0) parts.push(snapshot.limitedBy === 'measuring' ? 'waiting for the first downloads to measure the rate' : `paced by ${snapshot.limitedBy}`);
	if (snapshot.nextPollAt !== null && inFlight > 0) parts.push(`next poll ${formatDuration(Math.max(0, (snapshot.nextPollAt - now) / 1000))}`);
	if (snapshot.waiting) parts.push('waiting (see above)');
	return parts.join('  ');
}

function startProgress(store: RunStoreView, stream: NodeJS.WriteStream, mode: 'live' | 'lines' | 'off'): {stop(): void} {
	let lastLog: unknown;
	let liveDrawn = false;
	const clearLive = () => {
		if (liveDrawn) {
			stream.write('\r\u001B[K');
			liveDrawn = false;
		}
	};

	const printLog = (snapshot: RunSnapshot) => {
		const from = snapshot.log.findIndex(entry => entry === lastLog) + 1;
		for (const entry of snapshot.log.slice(from)) {
			if (entry.level === 'info' && mode === 'off') continue;
			if (mode === 'off' && entry.level === 'warn') continue;
			clearLive();
			stream.write(`thaw: ${entry.level === 'info' ? '' : `${entry.level === 'warn' ? 'warning' : 'error'}: `}${entry.message}\n`);
		}

		if (snapshot.log.length > 0) lastLog = snapshot.log.at(-1);
	};

	const draw = () => {
		const snapshot = store.getSnapshot();
		printLog(snapshot);
		if (mode === 'off' || snapshot.phase !== 'running') return;
		const line = progressLine(snapshot);
		if (mode === 'live') {
			const width = Math.max(20, (stream.columns ?? 100) - 1);
			stream.write(`\r${line.slice(0, width)}\u001B[K`);
			liveDrawn = true;
		} else {
			stream.write(`${line}\n`);
		}
	};

	let seen = 0;
	const unsubscribe = store.subscribe(() => {
		// Only new log lines are printed between progress lines: a snapshot (which counts every archive's state) only when there are some.
		if (store.logCount === seen) return;
		seen = store.logCount;
		printLog(store.getSnapshot());
	});
	const interval = Number(process.env.THAW_PROGRESS_MS) || (mode === 'live' ? 500 : 30_000);
	const timer = setInterval(draw, interval);
	timer.unref();
	return {
		stop() {
			clearInterval(timer);
			unsubscribe();
			printLog(store.getSnapshot());
			clearLive();
		},
	};
}

function summary(result: RunResult, to: string): string {
	const parts = [`${result.verified} of ${result.total} archives verified under ${inert(to)}`];
	if (result.failed > 0) parts.push(`${result.failed} failed for good`);
	if (result.reinitiated > 0) parts.push(`${result.reinitiated} re-initiated`);
	if (result.adopted > 0) parts.push(`${result.adopted} jobs adopted from an earlier run`);
	parts.push(`${result.initiatedThisRun} retrievals started by this run`);
	if (result.downloaded > 0) {
		const rate = result.downloadSeconds > 0 ? `, ${Math.round(result.downloaded / result.downloadSeconds)} archives/s` : '';
		parts.push(`${result.downloaded} downloaded in ${result.downloadSeconds.toFixed(1)} s${rate}`);
	}
	return parts.join('; ');
}

export type RunRequest = {planDir: string; header: PlanHeader; connection: Connection; runner: RunnerOptions; quiet: boolean};

/** Check the arguments and open the connection (shared with the terminal dashboard: cli/restore.ts); 'help' for --help. */
export async function readRunArgs(args: string[]): Promise<RunRequest | 'help'> {
	const {values, positionals} = parse('restore run', args, options, true);
	if (values.help) return 'help';
	if (positionals.length !== 1) throw new UsageError(`give one PLAN directory${positionals.length > 1 ? `, not ${positionals.length}` : ''}. Run 'thaw restore run --help' for usage.`);
	const planDir = positionals[0];
	const concurrency = integer('concurrency', values.concurrency, 1, 256) ?? 16;
	const windowHours = positive('window-hours', values['window-hours'], 'a number of hours from 0 to 24 (e.g. 20)', 24);
	const pollSeconds = positive('poll-seconds', values['poll-seconds'], 'a number of seconds (e.g. 300)');
	const bandwidthText = values.bandwidth ?? 'auto';
	const bandwidth = bandwidthText === 'auto' ? undefined : positive('bandwidth', bandwidthText, 'auto or a rate in MiB/s (e.g. 12.5)')! * 1024 * 1024;
	const maxBytesInFlight = parseSize('max-bytes-in-flight', values['max-bytes-in-flight']);
	const shard = parseShard(values.shard);
	const {header} = await readPlanHeader(planDir);
	const connectionValues = connectionFromArgs({...values, region: values.region ?? header.region});
	const connection = connect({...connectionValues, maxSockets: concurrency});
	return {
		planDir, header, connection, quiet: values.quiet === true,
		runner: {
			connection, planDir, shard, concurrency, windowHours, bandwidth, maxBytesInFlight,
			pollMs: pollSeconds === undefined ? undefined : pollSeconds * 1000,
			retryFailed: values['retry-failed'] === true,
			readTimeoutMs: connectionValues.readTimeoutSeconds === undefined ? undefined : connectionValues.readTimeoutSeconds * 1000,
		},
	};
}

export async function run(args: string[]): Promise<number> {
	const request = await readRunArgs(args);
	if (request === 'help') {
		process.stdout.write(help + '\n');
		return ExitCode.ok;
	}

	const {planDir, header, connection, quiet} = request;
	const restore = startRestore(request.runner);
	const progress = startProgress(restore.store, process.stderr, quiet ? 'off' : (process.stderr.isTTY ? 'live' : 'lines'));
	let interrupts = 0;
	const onSignal = () => {
		interrupts++;
		if (interrupts > 1) process.exit(ExitCode.interrupted);
		if (!quiet) process.stderr.write('\nthaw: stopping: downloads in flight are kept as .part files; run the same command again to continue\n');
		restore.cancel();
	};

	process.on('SIGINT', onSignal);
	process.on('SIGTERM', onSignal);
	// A lost terminal stops the run as Ctrl-C does (downloads in flight keep their whole leaves); writes to it fail quietly.
	const onHangup = () => {
		process.stderr.on('error', () => undefined);
		process.stdout.on('error', () => undefined);
		onSignal();
	};

	process.on('SIGHUP', onHangup);
	try {
		const result = await restore.done;
		progress.stop();
		for (const failure of result.failures.slice(0, 20)) process.stderr.write(`thaw: failed: ${inert(failure.path)}: ${inert(failure.reason)}\n`);
		if (result.failures.length > 20) process.stderr.write(`thaw: ... and ${result.failures.length - 20} more (thaw restore status ${inert(planDir)} lists them)\n`);
		if (!quiet || result.exitCode !== ExitCode.ok) process.stderr.write(`thaw: ${summary(result, header.to)}\n`);
		return result.exitCode;
	} finally {
		progress.stop();
		process.off('SIGINT', onSignal);
		process.off('SIGTERM', onSignal);
		process.off('SIGHUP', onHangup);
		connection.close();
	}
}
