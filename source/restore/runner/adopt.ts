/**
 * Never pay twice: on start, one walk over every ListJobs page (all
 * statuses) finds the jobs this plan already started (their Description is
 * the plan's tag), and the journal is brought in line with them: a job found
 * is adopted (never started again), a job the journal knows that Glacier no
 * longer lists is gone (expired or failed: journaled as reinitiate and
 * counted), a Succeeded job goes to the downloads.
 */
import {jobPages, type Job, type JobFilter} from '../../glacier/api.js';
import {StateCode} from '../state.js';
import type {Context} from './context.js';
import {jobRetrieves, wantedRange} from './ranges.js';
import {parseTag} from './tag.js';

export type Tagged = Map<number, Job[]>;

/** Every job of ours (this plan, this shard) that one walk over all ListJobs pages finds, by plan index. */
export async function walkTaggedJobs(context: Context, filter: JobFilter): Promise<{jobs: Tagged; pages: number}> {
	const {plan} = context;
	const jobs: Tagged = new Map();
	let pages = 0;
	for await (const page of jobPages(context.connection, plan.header.vaultName, {...filter, limit: 50, signal: context.signal})) {
		pages++;
		for (const job of page) {
			if (job.Action !== 'ArchiveRetrieval') continue;
			const tag = parseTag(job.JobDescription);
			if (!tag || tag.planId !== plan.planId || tag.index >= plan.planArchives) continue;
			const position = plan.position[tag.index];
			if (position === -1 || job.ArchiveId !== plan.ids[position]) continue;
			// A ranged archive's jobs for ranges already done (or not asked for) are not its job now.
			if (!jobRetrieves(job, wantedRange(context, tag.index), plan.sizes[position])) continue;
			const list = jobs.get(tag.index);
			if (list) list.push(job);
			else jobs.set(tag.index, [job]);
		}
	}

	return {jobs, pages};
}

function completion(job: Job): number {
	const ms = Date.parse(job.CompletionDate ?? '');
	return Number.isNaN(ms) ? 0 : ms;
}

/** The job to keep when several carry the same tag: Succeeded (newest) over InProgress over Failed; the journal's own job wins a tie. */
export function bestJob(jobs: readonly Job[], known?: string): Job | undefined {
	const rank = (job: Job) => job.StatusCode === 'Succeeded' ? 2 : job.StatusCode === 'InProgress' ? 1 : 0;
	let best: Job | undefined;
	for (const job of jobs) {
		if (!best || rank(job) > rank(best)
			|| (rank(job) === rank(best) && (job.JobId === known || (best.JobId !== known && completion(job) > completion(best))))) best = job;
	}

	return best;
}

/** Bring one archive's journal in line with the job Glacier lists for it (or does not). `complete`: the walk saw every status. */
export async function reconcile(context: Context, position: number, found: readonly Job[] | undefined, complete: boolean): Promise<void> {
	const {journal, plan} = context;
	const i = plan.index[position];
	const state = journal.state.states[i];
	if (state === StateCode.verified || state === StateCode.failed) return;
	const known = journal.state.jobIds.get(i);
	const job = found ? bestJob(found, known) : undefined;
	const now = Date.now();

	if (job && job.StatusCode !== 'Failed') {
		if (job.JobId !== known || state === StateCode.initiating || state === StateCode.planned || state === StateCode.reinitiated) {
			// Paid for before (maybe by a run killed between InitiateJob and its journal line): adopt it.
			await journal.append({t: 'initiated', i, jobId: job.JobId, tier: (job.Tier as 'Bulk' | 'Standard' | 'Expedited' | undefined) ?? context.tier, at: now});
			context.countJob(i, job.JobId, 'adopted');
		}

		context.uncertain.delete(i);
		if (job.StatusCode === 'Succeeded') context.ready(position, job);
		return;
	}

	if (job?.StatusCode === 'Failed') {
		if (known !== undefined || state === StateCode.initiating) await context.reinitiate(position, `the retrieval job failed: ${job.StatusMessage ?? 'no reason given'}`);
		else context.requeue(position);
		return;
	}

	if (!complete) return;
	if (known !== undefined && (state === StateCode.initiated || state === StateCode.ready || state === StateCode.downloading)) {
		await context.reinitiate(position, 'the retrieval job is gone (expired or never listed): initiating again');
		return;
	}

	// initiating (no job was made), planned or reinitiated: the initiator takes it.
	context.uncertain.delete(i);
	context.requeue(position);
}

/** The start-up walk: every status, every page; then every unfinished archive of the shard is reconciled. */
export async function adoptAll(context: Context): Promise<number> {
	const {jobs, pages} = await walkTaggedJobs(context, {});
	const {plan} = context;
	for (let position = 0; position < plan.index.length; position++) {
		await reconcile(context, position, jobs.get(plan.index[position]), true);
	}

	return pages;
}
