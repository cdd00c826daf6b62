/**
 * Export rows of the browser to a file, as `thaw inventory --output csv|json`
 * prints them (the exact original values: these are data, not terminal
 * text). The file is written under a temporary name next to the target and
 * only then given its final name, so a failed export never leaves a
 * half-written file there; an existing file is replaced only when asked.
 */
import {createWriteStream} from 'node:fs';
import {link, rename, rm} from 'node:fs/promises';
import {basename, dirname, join} from 'node:path';
import {Readable} from 'node:stream';
import {pipeline} from 'node:stream/promises';
import {ExitCode, ThawError} from '../errors.js';
import {csvHeader, csvLine, rowToJson} from './export.js';
import type {InventoryStore} from './store.js';

export type ExportFormat = 'csv' | 'json';

/** Thrown when the file exists and overwrite was not asked for. */
export class ExportExistsError extends ThawError {
	constructor(readonly path: string) {
		super(`${path} already exists`, ExitCode.local);
	}
}

/** The file's whole content, piece by piece (one piece per batch of rows). */
export function * exportPieces(store: InventoryStore, rows: ArrayLike<number>, format: ExportFormat, batch = 2000): Generator<string> {
	if (format === 'csv') yield csvHeader + '\r\n';
	else yield '[';
	for (let k = 0; k < rows.length; k += batch) {
		let text = '';
		for (let j = k; j < Math.min(rows.length, k + batch); j++) {
			const row = store.get(rows[j]);
			text += format === 'csv' ? csvLine(row) + '\r\n' : `${j === 0 ? '\n' : ',\n'}${JSON.stringify(rowToJson(row))}`;
		}

		yield text;
	}

	if (format === 'json') yield rows.length === 0 ? ']\n' : '\n]\n';
}

function localError(path: string, error: unknown): ThawError {
	const code = (error as NodeJS.ErrnoException).code;
	const reason = code === 'ENOENT' ? 'the folder does not exist'
		: code === 'EACCES' || code === 'EPERM' ? 'permission denied'
			: code === 'ENOSPC' ? 'the disk is full'
				: code === 'EISDIR' ? 'it is a folder'
					: (error as Error).message;
	return new ThawError(`cannot write ${path}: ${reason}`, ExitCode.local, {cause: error});
}

export async function exportRows(store: InventoryStore, rows: ArrayLike<number>, format: ExportFormat, path: string, options: {overwrite?: boolean} = {}): Promise<{bytes: number}> {
	const temporary = join(dirname(path), `.${basename(path)}.thaw-${process.pid}-${Date.now()}.tmp`);
	let bytes = 0;
	function * counted(): Generator<string> {
		for (const piece of exportPieces(store, rows, format)) {
			bytes += Buffer.byteLength(piece);
			yield piece;
		}
	}

	try {
		await pipeline(Readable.from(counted()), createWriteStream(temporary, {flags: 'wx'}));
		if (options.overwrite) {
			await rename(temporary, path);
		} else {
			// link() refuses to replace an existing file, so a file that appeared meanwhile is never overwritten.
			try {
				await link(temporary, path);
			} catch (error) {
				if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new ExportExistsError(path);
				throw error;
			}

			await rm(temporary, {force: true});
		}
	} catch (error) {
		await rm(temporary, {force: true}).catch(() => undefined);
		if (error instanceof ThawError) throw error;
		throw localError(path, error);
	}

	return {bytes};
}
