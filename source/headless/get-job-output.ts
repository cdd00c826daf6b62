/**
 * `thaw get-job-output`: a drop-in for `aws glacier get-job-output` that
 * downloads in parallel verified chunks and resumes. Same arguments, same
 * JSON keys on stdout (plus thaw's own), progress on stderr.
 */
import process from 'node:process';
import {ExitCode, UsageError} from '../errors.js';
import {inert, inertJson} from '../inert.js';
import {connect} from '../glacier/client.js';
import {startDownload, type DownloadResult} from '../engine/download/index.js';
import {parseRangeHeader, RangeHeaderError} from '../engine/ranges.js';
import {MiB} from '../engine/tree-hash.js';
import {checkChunkSize} from '../engine/chunk-size.js';
import {connectionFromArgs, connectionHelp, connectionOptions, integer, parse} from './args.js';
import {startProgress, type ProgressMode} from './progress.js';

const help = `Usage: thaw get-job-output --vault-name V --job-id J [--range bytes=A-B] [options] OUTFILE

Download the output of a Succeeded archive or inventory retrieval job into
OUTFILE, in parallel chunks, each checked against Glacier's SHA-256 tree hash,
then the whole. The data goes to OUTFILE.part (with a journal beside it) and
is renamed to OUTFILE only once verified; run the same command again after an
interruption to fetch only what is missing.

Arguments (as in 'aws glacier get-job-output'):
  --vault-name NAME         the vault
  --job-id ID               the retrieval job
  --account-id ID           12-digit account id, or - (default -)
  --range bytes=A-B         only these bytes of the output (inclusive)
  --output json|text        what to print on stdout (default json); on a terminal,
                            control characters in values are escaped (\u009b, \x1b),
                            into a file or a pipe they are kept exactly
  OUTFILE                   where to write the output

thaw's own:
  --chunk-size MIB          chunk size in MiB, a power of two (default: from the size, 1 to 64)
  --concurrency N           chunks fetched at once (default 8)
  --max-attempts N          tries per chunk before giving up (default 8)
  --hash-threads N          worker threads that hash and write the data (default: one per
                            core beyond the first, at most 2; 0 does it on the main thread)
  --overwrite               replace OUTFILE if it exists (otherwise exit 6)
  --no-resume               ignore an earlier partial download and start over
  --quiet                   no progress or warnings on stderr

${connectionHelp}

Exit codes: 0 verified, 2 usage, 3 verification failed, 4 job not ready, expired
or not found, 5 service or network failure, 6 local file problem, 130 interrupted.`;

const options = {
	...connectionOptions,
	'vault-name': {type: 'string'},
	'job-id': {type: 'string'},
	range: {type: 'string'},
	output: {type: 'string'},
	color: {type: 'string'},
	'chunk-size': {type: 'string'},
	concurrency: {type: 'string'},
	'max-attempts': {type: 'string'},
	'hash-threads': {type: 'string'},
	overwrite: {type: 'boolean'},
	'no-resume': {type: 'boolean'},
	quiet: {type: 'boolean'},
	help: {type: 'boolean', short: 'h'},
} as const;

/** What `aws glacier get-job-output` would print for the same bytes. */
export type DownloadResponse = {
	/** What a single GetJobOutput of these bytes answers: 200 for the whole output, 206 for a range. */
	status: number;
	contentType?: string;
	acceptRanges?: string;
	archiveDescription?: string;
	contentRange?: string;
	/** The x-amz-sha256-tree-hash a single GetJobOutput of these bytes would carry (the AWS CLI's "checksum"), when Glacier sends one. */
	checksum?: string;
};

/** The AWS CLI's response for a finished download: one GetJobOutput of all its bytes, as the engine's chunks add up to. */
export function awsResponse(result: DownloadResult): DownloadResponse {
	const {plan, headers, verdict} = result;
	return {
		status: plan.whole ? 200 : 206,
		contentType: headers.contentType ?? plan.info.contentType,
		acceptRanges: headers.acceptRanges ?? 'bytes',
		...(headers.archiveDescription === undefined ? {} : {archiveDescription: headers.archiveDescription}),
		...(plan.whole ? {} : {contentRange: `bytes ${plan.start}-${plan.end}/${plan.info.outputSize}`}),
		...(plan.checksumSent && verdict.computed ? {checksum: verdict.computed} : {}),
	};
}

/** The keys `aws glacier get-job-output` prints, in its order. */
const awsKeys = ['checksum', 'status', 'contentRange', 'acceptRanges', 'contentType', 'archiveDescription'] as const;

export function awsFields(result: DownloadResult): Record<string, string | number> {
	const response = awsResponse(result);
	const fields: Record<string, string | number> = {};
	for (const key of awsKeys) {
		const value = response[key];
		if (value !== undefined) fields[key] = value;
	}

	return fields;
}

export function outputObject(result: DownloadResult, seconds: number): Record<string, unknown> {
	const {verdict, snapshot} = result;
	return {
		...awsFields(result),
		treeHash: verdict.computed,
		verified: verdict.ok && verdict.checkedBy === 'tree-hash',
		verification: verdict.checkedBy,
		...(verdict.checkedBy === 'size' ? {notVerified: snapshot.verification.reason ?? verdict.summary} : {}),
		bytes: snapshot.total,
		chunks: snapshot.chunks.length,
		chunkSize: snapshot.chunkSize,
		resumedChunks: snapshot.resumedChunks,
		retries: snapshot.retries,
		seconds: Math.round(seconds * 1000) / 1000,
	};
}

/**
 * The AWS CLI's text output: the scalar values, sorted by key, tab-separated
 * on one line. On a terminal each value is made inert (archiveDescription
 * and contentType are the server's words).
 */
export function textOutput(fields: Record<string, string | number>, terminal = false): string {
	return Object.keys(fields).sort().map(key => (terminal ? inert(String(fields[key])) : String(fields[key]))).join('\t');
}

/** What goes to stdout: exact values into a file or a pipe; on a terminal, control characters escaped (JSON as \uXXXX, the same value). */
export function stdoutText(result: DownloadResult, seconds: number, output: 'json' | 'text', terminal: boolean): string {
	if (output === 'text') return `${textOutput(awsFields(result), terminal)}\n`;
	const json = JSON.stringify(outputObject(result, seconds), null, 4);
	return `${terminal ? inertJson(json) : json}\n`;
}

export async function run(args: string[]): Promise<number> {
	const {values, positionals} = parse('get-job-output', args, options, true);
	if (values.help) {
		process.stdout.write(help + '\n');
		return ExitCode.ok;
	}

	const vaultName = values['vault-name'];
	const jobId = values['job-id'];
	if (!vaultName) throw new UsageError('--vault-name is required. Run \'thaw get-job-output --help\' for usage.');
	if (!jobId) throw new UsageError('--job-id is required. Run \'thaw get-job-output --help\' for usage.');
	if (positionals.length === 0) throw new UsageError('give the file to write the output to (OUTFILE). Run \'thaw get-job-output --help\' for usage.');
	if (positionals.length > 1) throw new UsageError(`one OUTFILE only, got ${positionals.length}: ${inert(positionals.join(' '))}`);
	const outfile = positionals[0];
	const output = values.output ?? 'json';
	if (output !== 'json' && output !== 'text') throw new UsageError(`--output takes json or text, not '${inert(output)}'`);

	let range: {start: number; end: number} | undefined;
	if (values.range !== undefined) {
		try {
			range = parseRangeHeader(values.range);
		} catch (error) {
			if (error instanceof RangeHeaderError) throw new UsageError(`--range: ${inert(error.message)}`);
			throw error;
		}
	}

	const chunkMiB = checkChunkSize(values['chunk-size'], '--chunk-size');

	const concurrency = integer('concurrency', values.concurrency, 1, 64) ?? 8;
	const maxAttempts = integer('max-attempts', values['max-attempts'], 1, 100);
	const hashThreads = integer('hash-threads', values['hash-threads'], 0, 16);
	const connectionValues = connectionFromArgs(values);
	const readTimeoutMs = connectionValues.readTimeoutSeconds === undefined ? undefined : connectionValues.readTimeoutSeconds * 1000;
	const connection = connect({...connectionValues, maxSockets: concurrency});

	const started = performance.now();
	const download = startDownload({
		connection,
		vaultName,
		jobId,
		outfile,
		range,
		chunkSize: chunkMiB === undefined ? undefined : chunkMiB * MiB,
		concurrency,
		maxAttempts,
		hashThreads,
		readTimeoutMs,
		overwrite: values.overwrite === true,
		resume: values['no-resume'] ? 'never' : 'auto',
	});

	const quiet = values.quiet === true;
	const mode: ProgressMode = quiet ? 'off' : (process.stderr.isTTY ? 'live' : 'lines');
	const progress = startProgress(download.store, {stream: process.stderr, mode});
	let interrupts = 0;
	const onSignal = (signal?: NodeJS.Signals) => {
		if (signal === 'SIGHUP') {
			// The terminal is gone: stop as Ctrl-C does (the whole leaves in flight are kept), and let
			// writes to the vanished terminal fail quietly instead of ending the process before that.
			process.stderr.on('error', () => undefined);
			process.stdout.on('error', () => undefined);
			try {
				progress.stop();
			} catch {
				// Nothing to draw on.
			}
		}

		interrupts++;
		if (interrupts > 1) {
			// A second Ctrl-C: leave at once, but say what is left behind (the journal's chunks are all sound).
			process.stderr.write(`\nthaw: interrupted again: stopping now; ${inert(outfile)}.part and its journal are kept; run the same command again to continue\n`);
			process.exit(ExitCode.interrupted);
		}

		// The engine logs why it stops as a warning as well: the command prints it once, as its error (exit 130).
		progress.stop();
		download.cancel();
	};

	process.on('SIGINT', onSignal);
	process.on('SIGTERM', onSignal);
	process.on('SIGHUP', onSignal);
	try {
		const result = await download.done;
		progress.stop();
		const seconds = (performance.now() - started) / 1000;
		if (!quiet) {
			const prefix = result.verdict.checkedBy === 'tree-hash' ? 'thaw: ' : 'thaw: warning: ';
			process.stderr.write(`${prefix}${inert(result.verdict.summary)}\n`);
		}

		process.stdout.write(stdoutText(result, seconds, output, process.stdout.isTTY === true));
		return ExitCode.ok;
	} finally {
		progress.stop();
		process.off('SIGINT', onSignal);
		process.off('SIGTERM', onSignal);
		process.off('SIGHUP', onSignal);
		connection.close();
	}
}
