/** The jobs screen's lines as pure functions of what it shows (unit-tested without Ink). */
import type {Job} from '../../../glacier/api.js';
import {inert} from '../../../inert.js';
import {formatCount, formatDate, formatDuration} from '../../format.js';
import {actionLabel, expiryOf, isInventory, statusLabel} from '../../job-info.js';
import {wrapText} from '../../text.js';
import type {Tone} from '../../theme.js';

export const statusFilters = [undefined, 'InProgress', 'Succeeded', 'Failed'] as const;
export const actionFilters = [undefined, 'ArchiveRetrieval', 'InventoryRetrieval'] as const;

/** One line explaining the job under the cursor, and what Enter will do with it. */
export function explainJob(job: Job, now: number): {text: string; tone: Tone} {
	const expiry = expiryOf(job, now);
	if (job.StatusCode === 'InProgress') return {text: `In progress since ${formatDate(job.CreationDate)} UTC (${inert(job.Tier ?? 'Standard')} tier); this list refreshes on its own.`, tone: 'normal'};
	if (job.StatusCode === 'Failed') return {text: `Failed: ${inert(job.StatusMessage ?? 'no reason given').replace(/\.+$/, '')}. Start a new retrieval (${isInventory(job) ? 'i' : 'a'}).`, tone: 'error'};
	if (expiry.kind === 'expired') {
		return {text: `Expired ${formatDuration(expiry.agoMs / 1000)} ago: Glacier keeps job output 24 hours after the job completes. A new retrieval is needed (${isInventory(job) ? 'i' : 'a'}).`, tone: 'error'};
	}

	const left = expiry.kind === 'left' ? `${formatDuration(expiry.ms / 1000)} left to download` : 'expiry unknown';
	const what = isInventory(job) ? 'Enter browses the inventory, w saves it to a file' : 'Enter downloads it';
	return {text: `Ready, ${left}${expiry.kind === 'left' && expiry.soon ? ' (less than 2 hours!)' : ''}. ${what}.`, tone: expiry.kind === 'left' && expiry.soon ? 'warn' : 'normal'};
}

/** The text the / filter of the jobs list searches. */
export function jobText(j: Job): string {
	return `${j.JobDescription ?? ''} ${j.JobId} ${j.ArchiveId ?? ''} ${actionLabel(j)} ${statusLabel(j)} ${j.Tier ?? ''}`;
}

/** A job as a person knows it: its description (the start of a long one), else the start of its id. */
function jobName(job: Job): string {
	if (!job.JobDescription) return `${inert(job.JobId.slice(0, 12))}…`;
	const chars = [...inert(job.JobDescription)];
	return `'${chars.length > 32 ? `${chars.slice(0, 31).join('')}…` : chars.join('')}'`;
}

/** Jobs just started that a filter hid: which filters were cleared so that they show. */
export function revealedNotice(jobs: readonly Job[], cleared: Pick<JobsView, 'statusFilter' | 'actionFilter' | 'text'>): {text: string; tone: Tone} {
	const what = jobs.length === 1 ? `The new ${actionLabel(jobs[0])} job ${jobName(jobs[0])} was` : `${formatCount(jobs.length)} new jobs were`;
	return {text: `${what} hidden by the filter (${filtersText(cleared)}): cleared, so all show.`, tone: 'warn'};
}

/** Jobs the last load listed and this one does not: expired (Glacier keeps output 24 hours), or no longer listed. The verdict first, so that 2 lines at 80 columns keep it. */
export function goneNotice(jobs: readonly Job[]): {text: string; tone: Tone} {
	const expired = jobs.every(j => j.StatusCode === 'Succeeded');
	const names = jobs.slice(0, 2).map(j => jobName(j)).join(', ') + (jobs.length > 2 ? `, ${formatCount(jobs.length - 2)} more` : '');
	const what = jobs.length === 1 ? `${actionLabel(jobs[0])} job ${names}` : `${formatCount(jobs.length)} jobs: ${names}`;
	return {
		text: expired
			? `Expired, gone from Glacier's list: ${what} (job output stays 24 hours after the job completes).`
			: `Gone from Glacier's list (it drops jobs some time after they end): ${what}.`,
		tone: 'warn',
	};
}

export type JobsView = {vaultName: string; shown: number; total: number; statusFilter: number; actionFilter: number; text: string; loading: boolean; pages: number; running: boolean; error?: string};

/** The filters in force, in words ('' when none). */
export function filtersText(v: Pick<JobsView, 'statusFilter' | 'actionFilter' | 'text'>): string {
	return [
		statusFilters[v.statusFilter] ? `status ${statusLabel({JobId: '', StatusCode: statusFilters[v.statusFilter]})}` : '',
		actionFilters[v.actionFilter] ? `type ${actionLabel({JobId: '', Action: actionFilters[v.actionFilter]})}` : '',
		v.text ? `text '${inert(v.text)}'` : '',
	].filter(Boolean).join(', ');
}

/** The line under the table: how many jobs, which filters, loading or refreshing, or what went wrong. */
export function jobsInfoLine(v: JobsView): string {
	if (v.error) return `Could not list jobs: ${v.error}`;
	const filters = filtersText(v);
	const count = `${formatCount(v.shown)}${filters ? ` of ${formatCount(v.total)}` : ''} job${v.total === 1 ? '' : 's'} in ${inert(v.vaultName)}`;
	return `${count}${v.loading ? `, loading page ${v.pages + 1}…` : ''}${filters ? ` (${filters})` : ''}${v.running ? ' · refreshing while jobs run' : ''}`;
}

/** The job under the cursor in one line: its type, id, archive and range. */
export function jobDetailLine(job: Job | undefined): string {
	if (!job) return '';
	return `${actionLabel(job)} job ${inert(job.JobId)}${job.ArchiveId ? ` · archive ${inert(job.ArchiveId)}` : ''}${job.RetrievalByteRange ? ` · bytes ${inert(job.RetrievalByteRange)}` : ''}`;
}

/** What the empty table says. */
export function jobsEmptyText(v: JobsView): string {
	if (v.loading) return 'Loading jobs…';
	if (v.error) return '';
	return filtersText(v) ? 'No job matches the filters.' : 'No jobs in this vault: start one with i (inventory) or a (archive).';
}

/** A long id cut into pieces of `width` (ids have no spaces to wrap at); whole, never with an ellipsis. */
export function hardWrap(text: string, width: number): string[] {
	const pieces: string[] = [];
	for (let i = 0; i < text.length; i += Math.max(1, width)) pieces.push(text.slice(i, i + Math.max(1, width)));
	return pieces.length > 0 ? pieces : [''];
}

/** The d view: the selected job in full, wrapped to the width (ids hard-wrapped, whole). */
export function jobDetails(job: Job, width: number): string[] {
	const lines: string[] = [...wrapText(`${actionLabel(job)} job, ${inert(job.StatusCode ?? '?')}${job.StatusMessage && job.StatusMessage !== job.StatusCode ? `: ${inert(job.StatusMessage)}` : ''}`, width, 2), 'Job id:', ...hardWrap(inert(job.JobId), width)];
	if (job.ArchiveId) lines.push('Archive id:', ...hardWrap(inert(job.ArchiveId), width));
	const facts: Array<[string, string | number | null | undefined]> = [
		['Description', job.JobDescription],
		['Tier', job.Tier],
		['Bytes', job.RetrievalByteRange],
		['Size', job.ArchiveSizeInBytes ?? job.InventorySizeInBytes],
		['Created', job.CreationDate],
		['Completed', job.CompletionDate],
		['SHA256TreeHash', job.SHA256TreeHash ?? job.ArchiveSHA256TreeHash],
	];
	for (const [label, value] of facts) {
		if (value === undefined || value === null || value === '') continue;
		const text = `${label}: ${inert(String(value))}`;
		lines.push(...(label === 'SHA256TreeHash' ? hardWrap(text, width) : wrapText(text, width, 3)));
	}

	lines.push(...wrapText('Scripts: thaw list-jobs --vault-name V --output text (whole ids)', width, 2));
	return lines;
}
