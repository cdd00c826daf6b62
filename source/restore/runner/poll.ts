/**
 * Completion: one walk over every ListJobs page with completed=true per
 * poll (never more often than --poll-seconds), not a DescribeJob per job:
 * with 100,000 outstanding jobs that is 2,000 pages every few minutes. When
 * an InitiateJob's outcome is unknown (the connection broke after sending
 * it), the next walk covers every status, so the job, if it was made, is
 * adopted rather than paid for again.
 */
import {StateCode} from '../state.js';
import {reconcile, walkTaggedJobs} from './adopt.js';
import type {Context} from './context.js';

export type PollResult = {pages: number; ready: number; gone: number};

/**
 * One walk. `full` (every status) when an InitiateJob's outcome is unknown,
 * and every few polls anyway: a job that failed or expired while the runner
 * was not looking is found gone only by a walk that would have listed it.
 */
export async function poll(context: Context, active: ReadonlySet<number>, full = false): Promise<PollResult> {
	const complete = full || context.uncertain.size > 0;
	const {journal, plan} = context;
	// Only what was known before the walk began can be missing from it: a job whose InitiateJob was
	// answered (or failed unclearly) while the pages were read may have been made after its page.
	const known = new Map(journal.state.jobIds);
	const uncertain = new Set(context.uncertain);
	const {jobs, pages} = await walkTaggedJobs(context, complete ? {} : {completed: true});
	let ready = 0;
	let gone = 0;
	for (const [i, found] of jobs) {
		const position = plan.position[i];
		const state = journal.state.states[i];
		if (state === StateCode.verified || state === StateCode.failed || active.has(position)) continue;
		if (state === StateCode.ready && found.some(job => job.JobId === journal.state.jobIds.get(i) && job.StatusCode === 'Succeeded')) continue;
		await reconcile(context, position, found, false);
		if (journal.state.states[i] === StateCode.ready) ready++;
	}

	// A ready job the completed walk no longer lists is gone (its 24 hours are over): initiate again.
	// After a walk of every status, so is any job of ours it did not list.
	for (const [i, jobId] of known) {
		const position = plan.position[i];
		if (position === -1 || active.has(position) || journal.state.jobIds.get(i) !== jobId) continue;
		const state = journal.state.states[i];
		if (state !== StateCode.ready && state !== StateCode.downloading && !(complete && state === StateCode.initiated)) continue;
		if (jobs.get(i)?.some(job => job.JobId === jobId)) continue;
		gone++;
		await context.reinitiate(position, 'the job\'s output expired before it was downloaded: initiating again');
	}

	if (complete) {
		for (const i of uncertain) {
			if (jobs.has(i) || !context.uncertain.has(i)) continue;
			const position = plan.position[i];
			context.uncertain.delete(i);
			await reconcile(context, position, undefined, true);
		}
	}

	return {pages, ready, gone};
}
