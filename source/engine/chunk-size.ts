/**
 * The one rule for a chunk size a person gives (thaw config chunkSizeMiB,
 * get-job-output --chunk-size, the TUI's download setup): a power of two
 * number of MiB from 1 to 4096. Only powers of two keep every chunk
 * tree-hash aligned, so each chunk can be verified on its own; 4096 MiB is
 * Glacier's largest part size, and beyond it one chunk would hold too much
 * in flight to retry sensibly.
 */
import {UsageError} from '../errors.js';
import {inert} from '../inert.js';

export const MAX_CHUNK_MIB = 4096;

/** Why `text` (MiB, as typed) is not a chunk size, or undefined when it is one. */
export function chunkSizeProblem(text: string): string | undefined {
	const n = Number(text);
	if (/^\d+$/.test(text) && n >= 1 && n <= MAX_CHUNK_MIB && (n & (n - 1)) === 0) return undefined;
	return `takes a power of two number of MiB from 1 to ${MAX_CHUNK_MIB} (1, 2, 4, ... 64, 128 ...), not '${inert(text)}': only those keep chunks tree-hash aligned`;
}

/** The chunk size in MiB, or undefined when none was given; a UsageError naming `name` otherwise. */
export function checkChunkSize(text: string | undefined, name: string): number | undefined {
	if (text === undefined) return undefined;
	const problem = chunkSizeProblem(text);
	if (problem) throw new UsageError(`${name} ${problem}`);
	return Number(text);
}
