/**
 * The tag every InitiateJob of a restore carries in its Description, so a
 * restarted runner finds (in ListJobs) the jobs it already paid for:
 * `thaw-restore <planId> <archiveIndex>`, planId the first 16 hex digits of
 * SHA-256 of plan.json's bytes (RESTORE-CONTRACT.md). Printable ASCII, far
 * under Glacier's 1,024 characters.
 */
import {createHash} from 'node:crypto';

export const TAG_PREFIX = 'thaw-restore';

export function planIdOf(planJsonBytes: Uint8Array): string {
	return createHash('sha256').update(planJsonBytes).digest('hex').slice(0, 16);
}

export function formatTag(planId: string, index: number): string {
	return `${TAG_PREFIX} ${planId} ${index}`;
}

const pattern = /^thaw-restore ([0-9a-f]{16}) (0|[1-9]\d{0,9})$/;

/** The plan and archive a job description names, or null when it is not a restore tag (any other text is someone else's job). */
export function parseTag(description: string | null | undefined): {planId: string; index: number} | null {
	if (typeof description !== 'string') return null;
	const match = pattern.exec(description);
	if (!match) return null;
	const index = Number(match[2]);
	return Number.isSafeInteger(index) ? {planId: match[1], index} : null;
}
