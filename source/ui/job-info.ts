/** What a person needs to know about a job at a glance: kind, size, and how long its output stays. */
import type {Job} from '../glacier/api.js';

export const outputLifetimeMs = 24 * 60 * 60 * 1000;
export const soonMs = 2 * 60 * 60 * 1000;

export type Expiry =
	| {kind: 'not-ready'}            // in progress or failed: no output
	| {kind: 'left'; ms: number; soon: boolean}
	| {kind: 'expired'; agoMs: number}
	| {kind: 'unknown'};

export function expiryOf(job: Job, now: number): Expiry {
	if (job.StatusCode !== 'Succeeded') return {kind: 'not-ready'};
	const completed = job.CompletionDate ? Date.parse(job.CompletionDate) : Number.NaN;
	if (Number.isNaN(completed)) return {kind: 'unknown'};
	const left = completed + outputLifetimeMs - now;
	if (left <= 0) return {kind: 'expired', agoMs: -left};
	return {kind: 'left', ms: left, soon: left < soonMs};
}

export function isInventory(job: Job): boolean {
	return job.Action === 'InventoryRetrieval';
}

export function actionLabel(job: Job): string {
	return job.Action === 'InventoryRetrieval' ? 'inventory' : job.Action === 'ArchiveRetrieval' ? 'archive' : (job.Action ?? '?').toLowerCase();
}

export function statusLabel(job: Job): string {
	return job.StatusCode === 'InProgress' ? 'in progress' : job.StatusCode === 'Succeeded' ? 'succeeded' : job.StatusCode === 'Failed' ? 'failed' : (job.StatusCode ?? '?').toLowerCase();
}

/** Bytes of the job's output (the retrieved range for a ranged archive job). */
export function outputSize(job: Job): number | undefined {
	if (isInventory(job)) return job.InventorySizeInBytes ?? undefined;
	const range = job.RetrievalByteRange?.match(/^(\d+)-(\d+)$/);
	if (range) return Number(range[2]) - Number(range[1]) + 1;
	return job.ArchiveSizeInBytes ?? undefined;
}
