/**
 * `thaw list-jobs --vault-name V`: a vault's jobs, every page, as
 * `aws glacier list-jobs` prints them (JSON, the default), or as a table or
 * tab-separated text with whole job ids, so that `thaw get-job-output` can
 * be scripted over SSH without copying an id off a screen.
 */
import process from 'node:process';
import {listJobs, type Job} from '../glacier/api.js';
import {connect} from '../glacier/client.js';
import {ExitCode, UsageError} from '../errors.js';
import {formatBytes} from '../format.js';
import {inert} from '../inert.js';
import {connectionFromArgs, connectionHelp, connectionOptions, parse} from './args.js';

export const help = `Usage: thaw list-jobs --vault-name V [--output json|table|text] [--statuscode S] [--completed true|false] [options]

List the jobs of vault V (every page), as 'aws glacier list-jobs' does. Job ids
are printed whole: pass one to 'thaw get-job-output --vault-name V --job-id ID FILE'.

Options (as in 'aws glacier list-jobs'):
  --vault-name V            the vault
  --account-id ID           12-digit account id, or - (default -)
  --statuscode S            only InProgress, Succeeded or Failed jobs
  --completed true|false    only completed (or only not yet completed) jobs
  --output json|table|text  json (default): {"JobList": [...]} as the AWS CLI prints it;
                            table: aligned columns for people; text: tab-separated, one job a
                            line (id, action, status, tier, bytes, completed, description)
  --help                    this help

${connectionHelp}

Exit codes: 0 listed, 2 usage, 4 no such vault, 5 Glacier kept failing.`;

const options = {
	...connectionOptions,
	'vault-name': {type: 'string'},
	statuscode: {type: 'string'},
	completed: {type: 'string'},
	output: {type: 'string'},
	help: {type: 'boolean', short: 'h'},
} as const;

const outputs = ['json', 'table', 'text'] as const;

function size(job: Job): number | undefined {
	return job.Action === 'InventoryRetrieval' ? job.InventorySizeInBytes ?? undefined : job.ArchiveSizeInBytes ?? undefined;
}

function action(job: Job): string {
	return job.Action === 'InventoryRetrieval' ? 'inventory' : job.Action === 'ArchiveRetrieval' ? 'archive' : inert(job.Action ?? '-');
}

function tier(job: Job): string {
	return inert(job.Tier ?? job.InventoryRetrievalParameters?.Format ?? '-');
}

/** One field of text output: no tab or newline inside it. */
function field(text: string): string {
	return text.replace(/[\t\n\r]/g, ' ');
}

function table(jobs: Job[]): string {
	const rows = jobs.map(job => [job.JobId, action(job), inert(job.StatusCode ?? '-'), tier(job), formatBytes(size(job)), inert(job.CompletionDate ?? '-'), inert(job.JobDescription ?? '')]);
	const head = ['JobId', 'Type', 'Status', 'Tier', 'Size', 'Completed', 'Description'];
	// The id column is as wide as the longest id: never cut (that is the point of this command).
	const widths = head.map((h, i) => Math.max(h.length, ...rows.map(r => [...r[i]].length)));
	const line = (cells: string[]) => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ').trimEnd();
	return [line(head), ...rows.map(r => line(r))].join('\n') + '\n';
}

export async function run(args: string[]): Promise<number> {
	const {values, positionals} = parse('list-jobs', args, options, true);
	if (values.help) {
		process.stdout.write(help + '\n');
		return ExitCode.ok;
	}

	if (positionals.length > 0) throw new UsageError(`thaw list-jobs takes no arguments, only options (not '${inert(positionals[0])}'). Run 'thaw list-jobs --help' for usage.`);
	const vaultName = values['vault-name'];
	if (!vaultName) throw new UsageError('thaw list-jobs needs --vault-name V. Run \'thaw list-jobs --help\' for usage.');
	const output = values.output ?? 'json';
	if (!(outputs as readonly string[]).includes(output)) throw new UsageError(`--output takes json, table or text, not '${inert(output)}'`);
	const status = values.statuscode;
	if (status !== undefined && !['InProgress', 'Succeeded', 'Failed'].includes(status)) throw new UsageError(`--statuscode takes InProgress, Succeeded or Failed, not '${inert(status)}'`);
	const completed = values.completed;
	if (completed !== undefined && completed !== 'true' && completed !== 'false') throw new UsageError(`--completed takes true or false, not '${inert(completed)}'`);
	const connection = connect(connectionFromArgs(values));
	try {
		const jobs = await listJobs(connection, vaultName, {
			statuscode: status as 'InProgress' | 'Succeeded' | 'Failed' | undefined,
			completed: completed === undefined ? undefined : completed === 'true',
		});
		const text = output === 'json'
			? JSON.stringify({JobList: jobs}, null, 4) + '\n'
			: output === 'table'
				? (jobs.length > 0 ? table(jobs) : `no jobs in vault '${inert(vaultName)}'\n`)
				: jobs.map(job => [job.JobId, action(job), job.StatusCode ?? '-', tier(job), String(size(job) ?? ''), job.CompletionDate ?? '', job.JobDescription ?? ''].map(f => field(inert(f))).join('\t') + '\n').join('');
		// `| head` may close the pipe early: that is the reader's choice, not a failure.
		process.stdout.on('error', (error: NodeJS.ErrnoException) => {
			if (error.code !== 'EPIPE') throw error;
		});
		process.stdout.write(text);
		return ExitCode.ok;
	} finally {
		connection.close();
	}
}
