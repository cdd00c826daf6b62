/**
 * Where a download goes by default: inside the chosen folder, named from the
 * decoded archive description when there is one, else the archive id. The
 * name is always a single path segment, so it can never leave the folder.
 */
import {decodeDescription, safeRelativePath} from '../inventory/decoders.js';
import type {Job} from '../glacier/api.js';

/** Bytes a file name may have (NAME_MAX on Linux, macOS and Windows file systems alike). */
const NAME_MAX = 255;
/** The longest name thaw puts beside the file while it downloads. */
const LONGEST_SUFFIX = '.part.journal';
/** Bytes the file's own name may have so `${name}.part.journal` still fits. */
export const MAX_NAME_BYTES = NAME_MAX - Buffer.byteLength(LONGEST_SUFFIX);

/**
 * The name cut to MAX_NAME_BYTES of UTF-8, by whole code points, keeping its
 * extension (up to 16 bytes after the last dot): a long description's name
 * still opens with the right program.
 */
export function fitName(name: string): string {
	if (Buffer.byteLength(name) <= MAX_NAME_BYTES) return name;
	const dot = name.lastIndexOf('.');
	const extension = dot > 0 && Buffer.byteLength(name.slice(dot)) <= 16 ? name.slice(dot) : '';
	const room = MAX_NAME_BYTES - Buffer.byteLength(extension);
	let stem = '';
	let bytes = 0;
	for (const codePoint of name.slice(0, name.length - extension.length)) {
		const size = Buffer.byteLength(codePoint);
		if (bytes + size > room) break;
		stem += codePoint;
		bytes += size;
	}

	return `${stem}${extension}`;
}

function lastSegment(path: string | null | undefined): string | undefined {
	const safe = path ? safeRelativePath(path) : null;
	if (!safe) return undefined;
	const name = safe.split('/').pop();
	// A name of only spaces is no name (and would be refused by checkFileName).
	if (!name || name.trim() === '' || name.trim() === '.' || name.trim() === '..') return undefined;
	return fitName(name);
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
	if (Buffer.byteLength(name) > MAX_NAME_BYTES) return `the file name is ${Buffer.byteLength(name)} bytes long: at most ${MAX_NAME_BYTES} (thaw keeps ${LONGEST_SUFFIX} beside it while downloading)`;
	return undefined;
}
