/**
 * The purge journal of a plan: PLAN/purge/journal.log, append-only, one
 * record per line `<crc32 of the JSON, 8 hex> <JSON>\n` as the restore
 * journal writes them; a torn tail or a line with a bad crc is ignored on
 * replay and cut away when the journal is opened for writing.
 *
 *   {t:"log", v:1, planId, planArchives, at}  the first line: which plan this is
 *   {t:"intent", is:[i...], at}               about to DeleteArchive these (fsynced BEFORE the calls)
 *   {t:"deleted", is:[i...], at}              Glacier answered 204 for these
 *   {t:"gone", is:[i...], at}                 Glacier has no such archive (deleted before, by anyone)
 *   {t:"failed", i, reason, at}               DeleteArchive kept failing; a rerun tries again
 *
 * Indexes are plan indexes (lines of archives.jsonl). Records are batched
 * (group commit: what was appended while a write was under way goes out in
 * the next one, with one fsync), so a million deletions stay a few MB and a
 * few thousand fsyncs. Deleting is idempotent at Glacier (204 again for an
 * archive already deleted), so a kill -9 between a 204 and its `deleted`
 * line costs one repeated, harmless call for that archive, never a wrong
 * verdict. One writer at a time: the purge holds PLAN/purge/lock.
 */
import {crc32} from 'node:zlib';
import {mkdir, open, readFile, type FileHandle} from 'node:fs/promises';
import {join} from 'node:path';
import {ExitCode, ThawError} from '../../errors.js';
import {inert} from '../../inert.js';
import {writeFileAtomic} from '../atomic.js';

export const purgeDirName = 'purge';
export const purgeLogName = 'journal.log';

export type PurgeRecord =
	| {t: 'intent'; is: number[]; at: number}
	| {t: 'deleted'; is: number[]; at: number}
	| {t: 'gone'; is: number[]; at: number}
	| {t: 'failed'; i: number; reason: string; at: number};

type Header = {t: 'log'; v: 1; planId: string; planArchives: number; at: number};

/** Per plan index: nothing yet, a deletion was started, or the archive is gone from Glacier (deleted, or it was not there). */
export const PurgeCode = {none: 0, intent: 1, deleted: 2, gone: 3} as const;

export type PurgeState = {
	codes: Uint8Array;
	/** The last failure per archive (cleared when it is deleted). */
	failures: Map<number, string>;
	/** The newest record's time. */
	updatedAt: number | null;
	/** When the last `deleted` record was written (a write to the vault, as Glacier's inventory sees it). */
	lastDeletedAt: number | null;
	badRecords: number;
};

export function encodeLine(value: unknown): string {
	const json = JSON.stringify(value);
	return `${crc32(Buffer.from(json, 'utf8')).toString(16).padStart(8, '0')} ${json}\n`;
}

function isIndexList(value: unknown, n: number): value is number[] {
	return Array.isArray(value) && value.every(i => Number.isSafeInteger(i) && i >= 0 && i < n);
}

function valid(value: unknown, n: number): value is PurgeRecord {
	const r = value as Record<string, unknown> | null;
	if (!r || typeof r !== 'object' || typeof r.at !== 'number') return false;
	if (r.t === 'intent' || r.t === 'deleted' || r.t === 'gone') return isIndexList(r.is, n);
	if (r.t === 'failed') return Number.isSafeInteger(r.i) && (r.i as number) >= 0 && (r.i as number) < n && typeof r.reason === 'string';
	return false;
}

function apply(state: PurgeState, record: PurgeRecord): void {
	if (state.updatedAt === null || record.at > state.updatedAt) state.updatedAt = record.at;
	switch (record.t) {
		case 'intent': {
			for (const i of record.is) if (state.codes[i] === PurgeCode.none) state.codes[i] = PurgeCode.intent;
			break;
		}

		case 'deleted':
		case 'gone': {
			for (const i of record.is) {
				state.codes[i] = record.t === 'deleted' ? PurgeCode.deleted : PurgeCode.gone;
				state.failures.delete(i);
			}

			if (record.t === 'deleted' && record.is.length > 0 && (state.lastDeletedAt === null || record.at > state.lastDeletedAt)) state.lastDeletedAt = record.at;

			break;
		}

		case 'failed': {
			state.failures.set(record.i, record.reason);
			break;
		}
	}
}

type Parsed = {header: Header | null; records: PurgeRecord[]; bad: number; validEnd: number};

function parse(buffer: Buffer, n: number): Parsed {
	let header: Header | null = null;
	const records: PurgeRecord[] = [];
	let bad = 0;
	let validEnd = 0;
	let position = 0;
	while (position < buffer.length) {
		const newline = buffer.indexOf(0x0A, position);
		if (newline === -1) {
			bad++; // a torn tail
			break;
		}

		const line = buffer.subarray(position, newline);
		position = newline + 1;
		const json = line.subarray(9);
		const crc = line.length > 9 && line[8] === 0x20 ? Number.parseInt(line.subarray(0, 8).toString('latin1'), 16) : Number.NaN;
		let value: unknown;
		try {
			if (crc !== crc32(json)) throw new Error('crc');
			value = JSON.parse(json.toString('utf8'));
		} catch {
			bad++;
			continue;
		}

		if (header === null && records.length === 0 && (value as Header)?.t === 'log') {
			header = value as Header;
			validEnd = position;
		} else if (valid(value, n)) {
			records.push(value);
			validEnd = position;
		} else {
			bad++;
		}
	}

	return {header, records, bad, validEnd};
}

function emptyState(n: number): PurgeState {
	return {codes: new Uint8Array(n), failures: new Map(), updatedAt: null, lastDeletedAt: null, badRecords: 0};
}

function journalError(what: string, path: string, error: unknown): ThawError {
	return new ThawError(`cannot ${what} the purge journal ${inert(path)}: ${inert((error as NodeJS.ErrnoException).code ?? (error as Error).message)}`, ExitCode.local, {cause: error});
}

async function readLog(path: string): Promise<Buffer | null> {
	try {
		return await readFile(path);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
		throw journalError('read', path, error);
	}
}

function replay(bytes: Buffer | null, path: string, planId: string, n: number): {state: PurgeState; parsed: Parsed | null} {
	const state = emptyState(n);
	if (!bytes) return {state, parsed: null};
	const parsed = parse(bytes, n);
	if (parsed.header && (parsed.header.planId !== planId || parsed.header.planArchives !== n)) {
		throw new ThawError(`${inert(path)} belongs to another plan (plan id ${inert(String(parsed.header.planId))}, ${parsed.header.planArchives} archives; this plan is ${planId}, ${n}): move it away only if you know those deletions are recorded elsewhere`, ExitCode.local);
	}

	for (const record of parsed.records) apply(state, record);
	state.badRecords = parsed.bad;
	return {state, parsed};
}

/** What earlier purges of a plan did, read-only (no lock): for status and previews. */
export async function readPurgeState(planDir: string, planId: string, planArchives: number): Promise<PurgeState> {
	const path = join(planDir, purgeDirName, purgeLogName);
	return replay(await readLog(path), path, planId, planArchives).state;
}

type Pending = {lines: string[]; records: PurgeRecord[]; sync: boolean; waiters: Array<{resolve: () => void; reject: (error: Error) => void}>};

export class PurgeJournal {
	private pending: Pending | null = null;
	private flushing: Promise<void> | null = null;
	private broken: ThawError | null = null;

	private constructor(readonly path: string, readonly state: PurgeState, private readonly handle: FileHandle) {}

	/** Replay the log, cut away a torn or damaged tail, and open it for appending (creating it with its header line). */
	static async open(planDir: string, planId: string, planArchives: number): Promise<PurgeJournal> {
		const dir = join(planDir, purgeDirName);
		const path = join(dir, purgeLogName);
		try {
			await mkdir(dir, {recursive: true});
		} catch (error) {
			throw journalError('create the folder of', path, error);
		}

		const {state, parsed} = replay(await readLog(path), path, planId, planArchives);
		let handle: FileHandle;
		try {
			if (parsed?.header) {
				handle = await open(path, 'r+');
				const {size} = await handle.stat();
				if (parsed.validEnd < size) {
					await handle.truncate(parsed.validEnd);
					await handle.sync();
				}

				await handle.close();
			} else {
				// No log yet, or one whose header line is damaged: a fresh log holding what could be read (nothing is lost).
				const header: Header = {t: 'log', v: 1, planId, planArchives, at: Date.now()};
				await writeFileAtomic(path, encodeLine(header) + (parsed?.records ?? []).map(record => encodeLine(record)).join(''));
			}

			handle = await open(path, 'a');
		} catch (error) {
			throw journalError('open', path, error);
		}

		return new PurgeJournal(path, state, handle);
	}

	/**
	 * Append a record; resolves once it is written (and fsynced when asked:
	 * intents always are) and applied to `state`. Records of one kind queued
	 * together are merged into one line.
	 */
	async append(record: PurgeRecord, options: {sync?: boolean} = {}): Promise<void> {
		if (this.broken) throw this.broken;
		this.pending ??= {lines: [], records: [], sync: false, waiters: []};
		const pending = this.pending;
		pending.records.push(record);
		pending.sync ||= options.sync ?? record.t === 'intent';
		const done = new Promise<void>((resolve, reject) => {
			pending.waiters.push({resolve, reject});
		});
		this.flushing ??= this.flushLoop().finally(() => {
			this.flushing = null;
		});
		return done;
	}

	private async flushLoop(): Promise<void> {
		while (this.pending) {
			const batch = this.pending;
			this.pending = null;
			try {
				if (this.broken) throw this.broken;
				await this.handle.write(merge(batch.records).map(record => encodeLine(record)).join(''));
				if (batch.sync) await this.handle.sync();
				for (const record of batch.records) apply(this.state, record);
				for (const waiter of batch.waiters) waiter.resolve();
			} catch (error) {
				this.broken ??= error instanceof ThawError ? error : journalError('write', this.path, error);
				for (const waiter of batch.waiters) waiter.reject(this.broken);
			}
		}
	}

	async close(): Promise<void> {
		while (this.flushing) await this.flushing;
		try {
			await this.handle.sync();
		} finally {
			await this.handle.close();
		}
	}
}

/** Consecutive records of the same list kind become one (their index lists joined). */
function merge(records: PurgeRecord[]): PurgeRecord[] {
	const out: PurgeRecord[] = [];
	for (const record of records) {
		const last = out.at(-1);
		if (last && last.t !== 'failed' && record.t === last.t) {
			out[out.length - 1] = {t: last.t, is: [...last.is, ...record.is], at: Math.max(last.at, record.at)};
		} else {
			out.push(record);
		}
	}

	return out;
}
