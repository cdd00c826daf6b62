/**
 * thaw restore status PLAN [--output table|json] [--watch]
 * What a plan has done, read from its files (never Glacier), safe to run
 * while runners work. --watch redraws in a terminal, prints a line per
 * refresh otherwise.
 */
import process from 'node:process';
import {setTimeout as sleep} from 'node:timers/promises';
import {ExitCode, UsageError} from '../errors.js';
import {inert} from '../inert.js';
import {readPlanStatus, type PlanStatus} from '../restore/status.js';
import {archiveStates} from '../restore/state.js';
import {formatUsd} from '../restore/prices.js';
import {parse, seconds} from './args.js';
import {formatBytes} from '../format.js';
import {formatDuration} from './progress.js';

export const statusUsage = `Usage: thaw restore status PLAN [--output table|json] [--watch [--interval S]]

What the restore plan in PLAN has done so far: archives and bytes by state
(planned, initiating, initiated, ready, downloading, verified, failed,
reinitiated), the money committed (InitiateJob requests and GB at the plan's
prices, plus transfer out of what is verified), the next output window to
expire, throughput, time left, and the failures with their reasons. Reads
only the PLAN folder (never Glacier), so it is safe while runners work.

Options:
  --output table|json   a table (default) or one JSON object
  --watch               refresh until interrupted (redrawn in a terminal, a line each time otherwise)
  --interval S          seconds between refreshes with --watch (default 2)
  --help                this help

Exit codes: 0 ok, 2 bad option, 6 no plan in PLAN or a damaged plan file.`;

function percent(part: number, whole: number): string {
	return whole === 0 ? '100%' : `${((part / whole) * 100).toFixed(1)}%`;
}

function table(status: PlanStatus): string {
	const lines: string[] = [];
	lines.push(`Restore plan ${inert(status.plan)} (plan id ${status.planId}): vault ${inert(status.vaultName)}, tier ${status.tier}, to ${inert(status.to)}`);
	lines.push(`  verified ${status.verified.toLocaleString('en-US')} of ${status.total.toLocaleString('en-US')} archives (${percent(status.verified, status.total)}), ${formatBytes(status.bytesVerified)} of ${formatBytes(status.bytesTotal)} (${percent(status.bytesVerified, status.bytesTotal)})`);
	lines.push('');
	lines.push(`  ${'state'.padEnd(13)} ${'archives'.padStart(10)} ${'bytes'.padStart(12)}`);
	for (const name of archiveStates) lines.push(`  ${name.padEnd(13)} ${status.states[name].toLocaleString('en-US').padStart(10)} ${formatBytes(status.bytesByState[name]).padStart(12)}`);
	lines.push('');
	const c = status.committed;
	lines.push(`  committed     ${formatUsd(c.totalUSD)}: ${c.requests.toLocaleString('en-US')} retrieval requests ${formatUsd(c.requestsUSD)}, ${formatBytes(c.retrievedBytes)} retrieved ${formatUsd(c.retrievalUSD)}, transfer out ${formatUsd(c.transferUSD)} (plan's prices)`);
	if (status.reinitiated > 0) lines.push(`  re-initiated  ${status.reinitiated.toLocaleString('en-US')} retrievals (their jobs were gone)`);
	lines.push(`  next expiry   ${status.nextExpiry ? `${status.nextExpiry.at} (in ${formatDuration(status.nextExpiry.inSeconds)}; ${status.nextExpiry.archives.toLocaleString('en-US')} archive(s) within the hour after)` : 'none (no output waiting to be downloaded)'}`);
	lines.push(`  throughput    ${status.bytesPerSecond === null ? 'not measured yet' : `${formatBytes(status.bytesPerSecond)}/s`}`);
	lines.push(`  time left     ${status.etaSeconds === null ? 'unknown' : `${formatDuration(status.etaSeconds)} of downloading (retrieval waits not included)`}`);
	lines.push(`  last update   ${status.updatedAt ?? 'never (no runner has started)'}${status.shards.length > 0 ? `; shards: ${status.shards.map(s => inert(s.name)).join(', ')}` : ''}`);
	const damaged = status.shards.reduce((sum, s) => sum + s.badRecords, 0);
	if (damaged > 0) lines.push(`  journal       ${damaged} torn or damaged record(s) ignored`);
	if (status.failuresTotal > 0) {
		lines.push('');
		lines.push(`Failures (${status.failuresTotal.toLocaleString('en-US')}${status.failuresTotal > status.failures.length ? `, first ${status.failures.length}` : ''}):`);
		for (const f of status.failures) {
			lines.push(`  #${f.index} ${f.path === null ? '' : inert(f.path) + ' '}${f.final ? 'FAILED' : 'will retry'}: ${inert(f.reason)}`);
		}
	}

	return lines.join('\n') + '\n';
}

function oneLine(status: PlanStatus): string {
	const s = status.states;
	return `${new Date().toISOString()} verified ${status.verified}/${status.total} (${formatBytes(status.bytesVerified)} of ${formatBytes(status.bytesTotal)}), planned ${s.planned}, initiating ${s.initiating}, initiated ${s.initiated}, ready ${s.ready}, downloading ${s.downloading}, failed ${s.failed}, reinitiated ${s.reinitiated}; committed ${formatUsd(status.committed.totalUSD)}${status.etaSeconds === null ? '' : `; ETA ${formatDuration(status.etaSeconds)}`}\n`;
}

export async function run(args: string[]): Promise<number> {
	const {values, positionals} = parse('restore status', args, {
		output: {type: 'string'},
		watch: {type: 'boolean'},
		interval: {type: 'string'},
		help: {type: 'boolean', short: 'h'},
	}, true);
	if (values.help) {
		process.stdout.write(statusUsage + '\n');
		return ExitCode.ok;
	}

	if (positionals.length !== 1) throw new UsageError(`thaw restore status takes one PLAN folder${positionals.length > 1 ? `, not ${positionals.length}` : ''}. Run 'thaw restore status --help' for usage.`);
	const output = values.output ?? 'table';
	if (output !== 'table' && output !== 'json') throw new UsageError(`--output must be table or json, not '${inert(output)}'`);
	const interval = seconds('interval', values.interval) ?? 2;
	const planDir = positionals[0];
	const render = (status: PlanStatus) => output === 'json' ? JSON.stringify(status, null, values.watch ? undefined : 2) + '\n' : table(status);
	if (!values.watch) {
		process.stdout.write(render(await readPlanStatus(planDir)));
		return ExitCode.ok;
	}

	const live = process.stdout.isTTY === true && output === 'table';
	let stop = false;
	const onSignal = () => {
		stop = true;
	};

	process.once('SIGINT', onSignal);
	process.once('SIGTERM', onSignal);
	try {
		while (!stop) {
			const status = await readPlanStatus(planDir);
			if (live) process.stdout.write(`\u001B[H\u001B[2J${table(status)}\n(refreshing every ${interval} s; Ctrl-C to stop)\n`);
			else process.stdout.write(output === 'json' ? render(status) : oneLine(status));
			if (status.total > 0 && status.verified + status.failed === status.total && !live) break;
			await sleep(Math.max(interval * 1000, 100));
		}
	} finally {
		process.off('SIGINT', onSignal);
		process.off('SIGTERM', onSignal);
	}

	return ExitCode.ok;
}
