/**
 * Where a download goes by default: inside the chosen folder, named from the
 * decoded archive description when there is one, else the archive id. The
 * name is always a single path segment, so it can never leave the folder.
 */
import {decodeDescription, safeRelativePath} from '../inventory/decoders.js';
import type {Job} from '../glacier/api.js';

function lastSegment(path: string | null | undefined): string | undefined {
	const safe = path ? safeRelativePath(path) : null;
	if (!safe) return undefined;
	const name = safe.split('/').pop();
	return name && name.length <= 255 ? name : undefined;
}

export function defaultFileName(job: Job, vaultName: string, description?: string): string {
	if (job.Action === 'InventoryRetrieval') {
		const format = job.InventoryRetrievalParameters?.Format === 'CSV' ? 'csv' : 'json';
		const date = (job.CompletionDate ?? job.CreationDate ?? '').slice(0, 10) || 'latest';
		return `${lastSegment(vaultName) ?? 'vault'}-inventory-${date}.${format}`;
	}

	const raw = description ?? job.ArchiveId ?? job.JobId;
	const decoded = raw ? decodeDescription(raw) : null;
	const fromDescription = lastSegment(decoded?.path) ?? (decoded ? undefined : lastSegment(raw?.trim()));
	return fromDescription ?? lastSegment(job.ArchiveId) ?? `job-${job.JobId.slice(0, 16)}`;
}

/** A file name typed by the person: one segment, no control characters, not '.' or '..'. Returns why not, or undefined. */
export function checkFileName(name: string): string | undefined {
	if (name.trim() === '') return 'give a file name';
	if (/[/\\]/.test(name)) return 'the file name cannot contain / or \\ (choose the folder in the Folder field)';
	if (name === '.' || name === '..') return 'the file name cannot be . or ..';
	// eslint-disable-next-line no-control-regex
	if (/[\u0000-\u001F\u007F]/.test(name)) return 'the file name cannot contain control characters';
	return undefined;
}
