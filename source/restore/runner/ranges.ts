/**
 * Ranged retrieval: an archive bigger than what one window can download at
 * the pace (rate x --window-hours) is retrieved as tree-hash aligned byte
 * ranges (RetrievalByteRange), one after another, each one job. A range is
 * downloaded by the engine to `<name>.part.range` (verified against the
 * job's SHA256TreeHash), copied to its place in `<name>.part` (hashed again
 * as it is read), fsynced and journaled (`range-done`); once the last range
 * is in, the whole `.part` is hashed against the inventory and only then
 * renamed to the final name.
 *
 * Ranges: the next one starts where the verified bytes end (`done`) and is
 * P long, P the largest power of two MiB that divides `done` and fits the
 * window (at least 1 MiB), or runs to the end of the archive when that is
 * nearer: start a multiple of P, length P or less at the end, so each is
 * tree-hash aligned (GLACIER.md) and Glacier sends its tree hash. A range
 * size can so grow as the measured pace does (1, 1, 2, 4 ... GiB).
 */
import {constants} from 'node:fs';
import {open, type FileHandle} from 'node:fs/promises';
import type {Job} from '../../glacier/api.js';
import {TreeHasher} from '../../engine/tree-hash.js';
import type {Context} from './context.js';

export const RANGE_UNIT = 1024 * 1024;

/** Where a range is downloaded to before it is copied into the .part. */
export function rangeFile(outfile: string): string {
	return `${outfile}.part.range`;
}

/**
 * The archive bytes the next job of this archive retrieves: [start, end]
 * inclusive, or null for the whole archive (it fits the window and is not
 * ranged already).
 */
export function nextRange(size: number, done: number | undefined, windowBytes: number): [number, number] | null {
	if (done === undefined && size <= windowBytes) return null;
	const start = done ?? 0;
	let piece = RANGE_UNIT;
	while (piece * 2 <= windowBytes && start % (piece * 2) === 0 && piece < size - start) piece *= 2;
	return [start, Math.min(start + piece, size) - 1];
}

/**
 * The job this archive waits for now must have retrieved: the current range
 * of a ranged archive, null for the whole archive, or undefined when a
 * ranged archive asks for none (between two ranges).
 */
export function wantedRange(context: Context, i: number): [number, number] | null | undefined {
	const ranged = context.journal.state.ranged.get(i);
	if (!ranged) return null;
	return ranged.current;
}

/** Whether a job retrieved the bytes wanted (a job of another range of the same archive is not this archive's now). */
export function jobRetrieves(job: Job, wanted: [number, number] | null | undefined, size: number): boolean {
	if (wanted === undefined) return false;
	const text = job.RetrievalByteRange;
	if (wanted === null) return !text || size === 0 || text === `0-${size - 1}`;
	return text === `${wanted[0]}-${wanted[1]}`;
}

/**
 * Copy a verified range file to its place (`at`) in the archive's .part,
 * hashing what is read, then fsync the .part. The first range makes a new
 * .part (never through a link: O_EXCL, O_NOFOLLOW; the caller removed an
 * old one); later ones open the one there. Returns the tree hash of the
 * bytes copied. 'ENOENT' from a later range: the .part is gone.
 */
export async function copyRange(rangePath: string, part: string, at: number, first: boolean): Promise<{hash: string; bytes: number}> {
	const flags = first ? constants.O_CREAT | constants.O_EXCL | constants.O_RDWR | constants.O_NOFOLLOW : constants.O_RDWR | constants.O_NOFOLLOW;
	let target: FileHandle | undefined;
	let source: FileHandle | undefined;
	try {
		target = await open(part, flags, 0o644);
		source = await open(rangePath, constants.O_RDONLY | constants.O_NOFOLLOW);
		const hasher = new TreeHasher();
		const buffer = Buffer.allocUnsafe(4 * RANGE_UNIT);
		let offset = 0;
		for (;;) {
			const {bytesRead} = await source.read(buffer, 0, buffer.length, offset);
			if (bytesRead === 0) break;
			const piece = buffer.subarray(0, bytesRead);
			hasher.update(piece);
			await target.write(piece, 0, bytesRead, at + offset);
			offset += bytesRead;
		}

		await target.sync();
		return {hash: hasher.hex(), bytes: offset};
	} finally {
		await source?.close().catch(() => undefined);
		await target?.close().catch(() => undefined);
	}
}
