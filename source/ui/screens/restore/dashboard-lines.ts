/**
 * The restore dashboard's lines as pure functions of what it reads (unit-
 * tested without Ink): the plan's status as `thaw restore status` reads it
 * (journals on disk, read-only), this process's run when it runs the plan
 * (its RunStore snapshot and active downloads), or, when another process
 * runs it, who holds the shard lock and what its journal tail says.
 */
import {hostname} from 'node:os';
import type {DownloadSnapshot} from '../../../engine/download-state.js';
import {inert} from '../../../inert.js';
import type {RecentActivity} from '../../../restore/events.js';
import type {PlanHeader} from '../../../restore/plan-file.js';
import type {PlanRunner} from '../../../restore/plans.js';
import {formatUsd} from '../../../restore/prices.js';
import type {RunSnapshot} from '../../../restore/runner/store.js';
import type {ArchiveState} from '../../../restore/state.js';
import type {FailureInfo, PlanStatus} from '../../../restore/status.js';
import {gridLayout, gridRows} from '../../components/ChunkGrid.js';
import {formatBytes, formatCount, formatDuration, formatRate} from '../../format.js';
import {fit, textWidth, wrapText} from '../../text.js';
import {paint, type Colour, type Tone} from '../../theme.js';

export type ActiveDownloadView = {index: number; path: string; snapshot: DownloadSnapshot};

export type DashboardData = {
	header?: PlanHeader;
	status?: PlanStatus;
	/** Why the plan cannot be read. */
	error?: string;
	/** This process's run of the plan, when it started one. */
	run?: RunSnapshot;
	/** The processes holding the plan's shard locks now (this one included). */
	runners: PlanRunner[];
	/** The journals' tails: what a watcher shows instead of a runner's log. */
	activity?: RecentActivity;
	downloads: readonly ActiveDownloadView[];
	pid: number;
	now: number;
};

export type Who = {kind: 'here' | 'paused' | 'other' | 'none' | 'done' | 'failed' | 'loading'; text: string; tone: Tone | 'ok'};

const live = new Set(['starting', 'adopting', 'running']);

/** Whether this process runs the plan now. */
export function runsHere(data: DashboardData): boolean {
	return data.run !== undefined && live.has(data.run.phase);
}

/** Lock holders that are not this process. */
export function otherRunners(data: DashboardData): PlanRunner[] {
	const host = hostname();
	return data.runners.filter(r => !(r.holder && r.holder.pid === data.pid && r.holder.host === host));
}

function since(iso: string | undefined, now: number): string {
	const at = iso ? Date.parse(iso) : Number.NaN;
	return Number.isNaN(at) ? '' : ` for ${formatDuration((now - at) / 1000)}`;
}

/** The top line: who runs it (here, another process, nobody) or how it ended. */
export function whoLine(data: DashboardData): Who {
	const {status, run} = data;
	if (!status) return {kind: 'loading', text: data.error ? `Cannot read the plan: ${data.error}` : 'Reading the plan…', tone: data.error ? 'error' : 'normal'};
	const all = status.verified === status.total;
	if (run && runsHere(data)) {
		if (run.paused) return {kind: 'paused', text: `Paused in this process (pid ${data.pid}): no new retrievals or downloads; p resumes`, tone: 'warn'};
		return {kind: 'here', text: `Running in this process (pid ${data.pid})${run.phase === 'adopting' ? ': looking for jobs an earlier run started' : ''}`, tone: 'normal'};
	}

	const others = otherRunners(data);
	if (others.length > 0) {
		const first = others[0];
		const who = first.holder ? `thaw pid ${first.holder.pid} on ${inert(first.holder.host)}${since(first.holder.startedAt, data.now)}` : inert(first.message);
		return {kind: 'other', text: `Watching: run by ${who} (shard ${inert(first.shard)}${others.length > 1 ? `, and ${others.length - 1} more shard${others.length > 2 ? 's' : ''}` : ''}); read-only`, tone: 'normal'};
	}

	if (all) return {kind: 'done', text: `✔ All ${formatCount(status.total)} archives verified under ${inert(status.to)}`, tone: 'ok'};
	if (status.verified + status.failed === status.total && status.failed > 0) return {kind: 'failed', text: `✘ Finished: ${formatCount(status.failed)} failed for good, ${formatCount(status.verified)} verified (f lists the failures)`, tone: 'error'};
	if (run?.phase === 'failed') return {kind: 'failed', text: `The run in this process stopped: ${run.error ?? 'an error (see the log)'}`, tone: 'error'};
	const stopped = run?.phase === 'cancelled' ? 'Stopped' : 'Not running';
	return {kind: 'none', text: `${stopped}: s runs it here (it resumes where it stopped; nothing is paid twice)`, tone: 'warn'};
}

/** The second line: vault, destination, tier, the plan folder. */
export function planLine(data: DashboardData, planDir: string): string {
	const {status} = data;
	if (!status) return `Plan ${inert(planDir)}`;
	return `Vault '${inert(status.vaultName)}' → ${inert(status.to)} · ${status.tier} · plan ${inert(planDir)}`;
}

type Segment = {name: string; states: ArchiveState[]; glyph: string; colour: Colour};

/** The bar's segments in the order archives move through them (each with a glyph: readable without colour). */
export const segments: readonly Segment[] = [
	{name: 'verified', states: ['verified'], glyph: '█', colour: 'green'},
	{name: 'downloading', states: ['downloading'], glyph: '↓', colour: 'cyan'},
	{name: 'ready', states: ['ready'], glyph: '▒', colour: 'blue'},
	{name: 'initiated', states: ['initiating', 'initiated'], glyph: '○', colour: 'yellow'},
	{name: 'planned', states: ['planned', 'reinitiated'], glyph: '·', colour: 'gray'},
	{name: 'failed', states: ['failed'], glyph: 'X', colour: 'red'},
];

function segmentCount(states: Record<ArchiveState, number>, segment: Segment): number {
	return segment.states.reduce((sum, s) => sum + states[s], 0);
}

/** Archives by state as one bar of `width` cells (largest remainders, so a state with any archive shows at least one cell). */
export function stateBar(states: Record<ArchiveState, number>, width: number, colour: boolean): string {
	const counts = segments.map(s => segmentCount(states, s));
	const total = counts.reduce((a, b) => a + b, 0);
	if (total === 0 || width <= 0) return ' '.repeat(Math.max(0, width));
	const cells = counts.map(c => (c > 0 ? Math.max(1, Math.floor((c / total) * width)) : 0));
	let used = cells.reduce((a, b) => a + b, 0);
	while (used > width) {
		const biggest = cells.indexOf(Math.max(...cells));
		cells[biggest]--;
		used--;
	}

	const order = counts.map((c, i) => ({i, rest: (c / total) * width - cells[i]})).filter(x => counts[x.i] > 0).sort((a, b) => b.rest - a.rest);
	for (let k = 0; used < width && order.length > 0; k++, used++) cells[order[k % order.length].i]++;
	return segments.map((s, i) => paint(s.glyph.repeat(cells[i]), s.colour, colour)).join('');
}

/** The legend under the bar, with counts (reinitiated counted with planned, initiating with initiated); compact under 100 columns. */
export function legendLine(states: Record<ArchiveState, number>, colour: boolean, width = 80): string {
	if (width < 100) return segments.map(s => `${paint(s.glyph, s.colour, colour)}${formatCount(segmentCount(states, s))} ${s.name}`).join(' ');
	return segments.map(s => `${paint(s.glyph, s.colour, colour)} ${s.name} ${formatCount(segmentCount(states, s))}`).join('  ');
}

/** Measured rate: this process's runner, else the journals' verified records, else the last one a runner wrote. */
export function rateOf(data: DashboardData): number | null {
	return data.run && runsHere(data) ? data.run.bytesPerSecond ?? data.activity?.bytesPerSecond ?? null : data.activity?.bytesPerSecond ?? data.status?.bytesPerSecond ?? null;
}

export function progressLine(data: DashboardData): string {
	const {status} = data;
	if (!status) return '';
	const percent = status.bytesTotal > 0 ? Math.floor((status.bytesVerified / status.bytesTotal) * 100) : (status.verified === status.total ? 100 : 0);
	const rate = rateOf(data);
	const remaining = status.bytesTotal - status.bytesVerified - status.bytesByState.failed;
	const eta = remaining <= 0 ? '' : rate && rate > 0 ? ` · ETA ${formatDuration(remaining / rate)}` : '';
	return `Verified ${formatCount(status.verified)}/${formatCount(status.total)} · ${formatBytes(status.bytesVerified)} of ${formatBytes(status.bytesTotal)} (${percent}%) · ${rate === null ? 'rate not measured yet' : formatRate(rate)}${eta}`;
}

/** Money committed so far (every answered InitiateJob, at the plan's prices) against the plan's estimate. */
export function moneyLine(data: DashboardData): string {
	const {status, header} = data;
	if (!status) return '';
	const estimate = header ? ` of about ${formatUsd(header.estimate[header.tier].totalUSD)}` : '';
	const date = header ? ` at ${header.tier} prices of ${inert(header.prices.date)}` : '';
	const again = status.reinitiated > 0 ? ` · ${formatCount(status.reinitiated)} re-initiated (expired or gone)` : '';
	return `Committed ${formatUsd(status.committed.totalUSD)}${estimate}${date} · ${formatCount(status.committed.requests)} retrievals${again}`;
}

export function expiryLine(data: DashboardData): string {
	const next = data.status?.nextExpiry;
	if (!next) return 'Next expiry: no job output is waiting to be downloaded';
	const left = Math.max(0, (Date.parse(next.at) - data.now) / 1000);
	return `Next expiry in ${formatDuration(left)}: ${plural(next.archives, 'archive')} within that hour (downloaded earliest first)`;
}

function plural(n: number, word: string): string {
	return `${formatCount(n)} ${word}${n === 1 ? '' : 's'}`;
}

/** What the runner waits for: pause, the retrieval policy or capacity, pacing, throttling, the next poll. */
export function waitingLine(data: DashboardData): {text: string; tone: Tone} {
	const {status, run} = data;
	if (!status) return {text: '', tone: 'normal'};
	const inRetrieval = status.states.initiating + status.states.initiated;
	const parts: string[] = [];
	let tone: Tone = 'normal';
	if (run && runsHere(data)) {
		if (run.paused) parts.push('paused');
		if (run.waiting) {
			parts.push(run.waiting);
			tone = 'warn';
		}

		if (run.limitedBy && status.states.planned + status.states.reinitiated > 0) parts.push(`paced by ${run.limitedBy === 'window' ? `the 24-h window at ${formatRate(run.pacingBytesPerSecond)}` : run.limitedBy === 'disk' ? 'free disk space' : '--max-bytes-in-flight'}`);
		if (run.throttles > 0) parts.push(`throttled ${formatCount(run.throttles)}× (initiating at ${run.initiateRate.toFixed(1)}/s)`);
		if (inRetrieval > 0) parts.push(`${plural(inRetrieval, `${status.tier} retrieval`)}${run.nextPollAt === null ? '' : ` (next poll in ${formatDuration(Math.max(0, (run.nextPollAt - data.now) / 1000))})`}`);
		if (run.downloading > 0 || status.states.ready > 0) parts.push(`${formatCount(run.downloading)} downloading, ${formatCount(status.states.ready)} ready`);
	} else if (otherRunners(data).length > 0) {
		if (inRetrieval > 0) parts.push(`${plural(inRetrieval, `${status.tier} retrieval`)} to finish`);
		const deferred = data.activity?.events.filter(e => /deferred/.test(e.message)).at(-1);
		if (deferred && data.now - deferred.at < 10 * 60 * 1000) {
			parts.push(deferred.message);
			tone = 'warn';
		}
	}

	if (parts.length === 0) return {text: status.verified === status.total ? 'Waiting for: nothing, all done' : 'Waiting for: -', tone};
	return {text: `Waiting for: ${parts.join(' · ')}`, tone};
}

export type LogLine = {text: string; tone: Tone};

/** The last `count` log lines: this process's runner log, else the journals' events. */
export function logLines(data: DashboardData, count: number): LogLine[] {
	const entries = data.run ? data.run.log : data.activity?.events ?? [];
	return entries.slice(-count).map(entry => ({text: `${new Date(entry.at).toISOString().slice(11, 19)} ${inert(entry.message)}`, tone: entry.level === 'info' ? 'normal' : entry.level}));
}

/** One line per active download: its chunk grid condensed to a few cells, percent, rate. */
export function downloadLine(download: ActiveDownloadView, width: number, colour: boolean, selected: boolean): string {
	const s = download.snapshot;
	const percent = s.total > 0 ? Math.floor((s.bytesDone / s.total) * 100) : 0;
	// A fixed-width right column, so the names and grids line up from one download to the next.
	const stats = fit(` ${String(percent).padStart(3)}% ${formatBytes(s.total).padStart(8)} ${formatRate(s.throughput).padStart(10)}`, 25, 'right');
	const cells = Math.max(4, Math.min(24, Math.floor(width / 5)));
	const grid = s.chunks.length > 0 ? gridRows(s.chunks, gridLayout(s.chunks.length, cells, 1), undefined, colour)[0] ?? '' : '·';
	const gridWidth = s.chunks.length > 0 ? Math.min(cells, s.chunks.length) : 1;
	const nameWidth = Math.max(8, width - 2 - 1 - cells - textWidth(stats));
	return `${selected ? '›' : ' '} ${fit(inert(download.path), nameWidth)} ${grid}${' '.repeat(Math.max(0, cells - gridWidth))}${stats}`;
}

/** The failures list: path, final or retrying, the reason. */
export function failureLine(failure: FailureInfo, width: number, selected: boolean): string {
	const name = failure.path === null ? `archive ${failure.index}` : inert(failure.path);
	return fit(`${selected ? '›' : ' '} ${failure.final ? 'X' : 'R'} ${name}: ${inert(failure.reason)}`, width);
}

/** A failure's details: the reason wrapped over as many lines as it needs (up to 6), the rest one line each. */
export function failureDetail(failure: FailureInfo, canRetry: boolean, width = 80): string[] {
	const reason = wrapText(inert(failure.reason), Math.max(20, width - 10), 6);
	return [
		`Archive   ${failure.index}${failure.archiveId ? ` · id ${inert(failure.archiveId)}` : ''}`,
		`Path      ${failure.path === null ? '(unknown)' : inert(failure.path)}`,
		`State     ${failure.final ? 'failed for good' : 'failed, the runner will retry it'}`,
		...reason.map((line, k) => `${k === 0 ? 'Reason' : ''}`.padEnd(10) + line),
		canRetry ? 'r retries it now (a new retrieval when its job is gone)' : 'Retry: only the process that runs the plan can; or, when none does, s runs it here and r retries',
	];
}
