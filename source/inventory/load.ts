/**
 * Load an inventory (a file, or any stream of bytes such as a GetJobOutput
 * body) into a row store: detect the format, stream it through the right
 * reader, report progress as bytes consumed.
 */
import {open} from 'node:fs/promises';
import {ExitCode, ThawError} from '../errors.js';
import {readCsv} from './csv-reader.js';
import {detectFormat, sampleBytes} from './detect.js';
import {InventoryFormatError} from './format-error.js';
import {GlacierCsvParser} from './glacier-csv-reader.js';
import {JsonInventoryParser} from './json-reader.js';
import {InventoryStore} from './store.js';
import type {InventoryFormat, LoadProgress} from './types.js';

export type InventorySource = string | AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

export type LoadOptions = {
	/** Skip auto-detection. */
	format?: InventoryFormat;
	/** Skip and count malformed records instead of stopping at the first. */
	skipBad?: boolean;
	onProgress?: (progress: LoadProgress) => void;
	/** Total size when known (files: taken from the file), for progress. */
	totalBytes?: number;
	signal?: AbortSignal;
};

export type LoadResult = {
	store: InventoryStore;
	format: InventoryFormat;
	/** Malformed records skipped (skipBad). */
	skipped: number;
	/** The first few of them. */
	problems: InventoryFormatError[];
	/** With skipBad, a syntax error that ended the load early (rows before it are kept). */
	stoppedEarly?: InventoryFormatError;
	bytes: number;
};

const keptProblems = 20;

function fileError(path: string, error: unknown): ThawError {
	const code = (error as NodeJS.ErrnoException).code;
	const reason = code === 'ENOENT' ? 'no such file'
		: code === 'EACCES' || code === 'EPERM' ? 'permission denied'
			: code === 'EISDIR' ? 'it is a directory'
				: (error as Error).message;
	return new ThawError(`cannot read ${path}: ${reason}`, ExitCode.local, {cause: error});
}

async function * fileChunks(path: string, onSize: (size: number) => void): AsyncGenerator<Uint8Array> {
	let handle;
	try {
		handle = await open(path, 'r');
		const stat = await handle.stat();
		if (stat.isDirectory()) throw Object.assign(new Error('is a directory'), {code: 'EISDIR'});
		onSize(stat.size);
	} catch (error) {
		await handle?.close();
		throw fileError(path, error);
	}

	try {
		const chunkSize = 1 << 20;
		for (;;) {
			const buffer = Buffer.allocUnsafeSlow(chunkSize);
			let bytesRead: number;
			try {
				({bytesRead} = await handle.read(buffer, 0, chunkSize, null));
			} catch (error) {
				throw fileError(path, error);
			}

			if (bytesRead === 0) return;
			yield buffer.subarray(0, bytesRead);
		}
	} finally {
		await handle.close();
	}
}

async function * asAsync(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncGenerator<Uint8Array> {
	for await (const chunk of source as AsyncIterable<Uint8Array>) yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
}

/** Open an inventory file early, so an unreadable one fails before any work (exit 6). */
export async function checkReadable(path: string): Promise<number> {
	try {
		const handle = await open(path, 'r');
		try {
			const stat = await handle.stat();
			if (stat.isDirectory()) throw Object.assign(new Error('is a directory'), {code: 'EISDIR'});
			return stat.size;
		} finally {
			await handle.close();
		}
	} catch (error) {
		throw fileError(path, error);
	}
}

export async function loadInventory(source: InventorySource, options: LoadOptions = {}): Promise<LoadResult> {
	let totalBytes = options.totalBytes;
	const chunks = typeof source === 'string' ? fileChunks(source, size => {
		totalBytes ??= size;
	}) : asAsync(source);
	const iterator = chunks[Symbol.asyncIterator]();

	// Read a sample for format detection (and a size estimate).
	const head: Uint8Array[] = [];
	let headBytes = 0;
	let exhausted = false;
	while (headBytes < sampleBytes) {
		const next = await iterator.next();
		if (next.done) {
			exhausted = true;
			break;
		}

		head.push(next.value);
		headBytes += next.value.length;
	}

	const format = options.format ?? detectFormat(Buffer.concat(head).subarray(0, sampleBytes));
	const expectedRows = totalBytes === undefined ? 0 : Math.ceil(totalBytes / (format === 'json' ? 200 : 160));
	const store = new InventoryStore(expectedRows);
	store.format = format;
	const result: LoadResult = {store, format, skipped: 0, problems: [], bytes: 0};
	const onBad = (error: Error) => {
		result.skipped++;
		if (result.problems.length < keptProblems) result.problems.push(error as InventoryFormatError);
	};

	const sink = store.add.bind(store);
	const report = () => options.onProgress?.({bytes: result.bytes, totalBytes, rows: store.length});
	async function * all(): AsyncGenerator<Uint8Array> {
		for (const chunk of head) yield chunk;
		if (exhausted) return;
		for (;;) {
			const next = await iterator.next();
			if (next.done) return;
			yield next.value;
		}
	}

	async function * counted(): AsyncGenerator<Uint8Array> {
		for await (const chunk of all()) {
			if (options.signal?.aborted) throw new ThawError('inventory loading cancelled', ExitCode.interrupted);
			yield chunk;
			result.bytes += chunk.length;
			report();
		}
	}

	try {
		if (format === 'csv') {
			await readCsv(counted(), sink, {skipBad: options.skipBad, onBad});
		} else {
			const parser = format === 'json'
				? new JsonInventoryParser(sink, {skipBad: options.skipBad, onBad})
				: new GlacierCsvParser(sink, {skipBad: options.skipBad, onBad});
			for await (const chunk of counted()) parser.push(chunk);
			parser.end();
			if (parser instanceof JsonInventoryParser) {
				store.vaultArn = parser.vaultArn;
				store.inventoryDate = parser.inventoryDate;
			}
		}
	} catch (error) {
		if (!(error instanceof InventoryFormatError) || !options.skipBad || store.length === 0) throw error;
		result.stoppedEarly = error;
		await iterator.return?.(undefined);
	}

	report();
	return result;
}
