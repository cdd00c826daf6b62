/**
 * A restore shard's state: what every archive of the plan is doing, rebuilt
 * from the shard's compaction snapshot (state.bin) plus the journal records
 * appended since (journal.log).
 *
 * This file holds everything that reads: the record types, the line codec,
 * how a record changes the state, the snapshot format and readShardState
 * (read-only, no lock: what `thaw restore status` uses while a runner writes).
 * journal.ts holds the single writer (RestoreJournal) on top of it.
 *
 * journal.log: one record per line, `<crc32 of the JSON, 8 hex> <JSON>\n`.
 * Its first line is `{t:"log", gen, planArchives, at}`: the generation ties
 * the log to the snapshot it continues, so a crash between "state.bin
 * renamed" and "journal.log replaced" never applies the same records twice
 * (an `initiated` counted twice would say an archive was paid for twice).
 *
 * state.bin (little-endian):
 *   "THAWRST1" | u32 headerLength | header JSON | u8 states[N] | pad to 4 |
 *   u32 initiations[N] | u32 crc32 of everything before it
 * The header JSON holds gen, planArchives, reinitiated, bytesPerSecond,
 * updatedAt and the sparse maps (jobIds, completedAt, failures): only the
 * archives in flight or failed have entries, so 1,000,000 archives stay a few
 * MB and read in milliseconds.
 */
import {crc32} from 'node:zlib';
import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import {ExitCode, ThawError} from '../errors.js';

export const archiveStates = ['planned', 'initiating', 'initiated', 'ready', 'downloading', 'verified', 'failed', 'reinitiated'] as const;
export type ArchiveState = (typeof archiveStates)[number];

/** The small ints stored in ShardState.states (index into archiveStates). */
export const StateCode = {
	planned: 0,
	initiating: 1,
	initiated: 2,
	ready: 3,
	downloading: 4,
	verified: 5,
	failed: 6,
	reinitiated: 7,
} as const satisfies Record<ArchiveState, number>;

export type Tier = 'Bulk' | 'Standard' | 'Expedited';

export type JournalRecord =
	| {t: 'intent'; i: number; at: number}
	| {t: 'initiated'; i: number; jobId: string; tier: Tier; at: number}
	| {t: 'ready'; i: number; jobId: string; completedAt: number; at: number}
	| {t: 'downloading'; i: number; jobId: string; at: number}
	| {t: 'verified'; i: number; bytes: number; at: number}
	| {t: 'failed'; i: number; reason: string; final: boolean; at: number}
	| {t: 'reinitiate'; i: number; reason: string; at: number}
	| {t: 'throughput'; bytesPerSecond: number; at: number}
	| {t: 'deferred'; i: number; reason: string; at: number};

/** The first line of every journal.log. */
export type LogHeader = {t: 'log'; gen: number; planArchives: number; at: number};

export type ShardState = {
	/** Per plan index, the ArchiveState as its StateCode. */
	states: Uint8Array;
	/** Current job per archive (initiated / ready / downloading). */
	jobIds: Map<number, string>;
	/** Job completion (ms) for ready / downloading archives: the output expires 24 h later. */
	completedAt: Map<number, number>;
	/** InitiateJob calls answered per archive (re-initiations count). */
	initiations: Uint32Array;
	/** The last failure reason: for failed archives, and for archives whose last attempt failed and will be retried. */
	failures: Map<number, string>;
	/** How many re-initiations happened. */
	reinitiated: number;
	bytesPerSecond: number | null;
	/** The newest record's `at` (ms). */
	updatedAt: number | null;
	/** Records that were torn, failed their crc, or made no sense (ignored). */
	badRecords: number;
	/** Valid records replayed from journal.log on top of state.bin. */
	replayed: number;
};

export const jobWindowMs = 24 * 60 * 60 * 1000;

export function emptyState(planArchives: number): ShardState {
	return {
		states: new Uint8Array(planArchives),
		jobIds: new Map(),
		completedAt: new Map(),
		initiations: new Uint32Array(planArchives),
		failures: new Map(),
		reinitiated: 0,
		bytesPerSecond: null,
		updatedAt: null,
		badRecords: 0,
		replayed: 0,
	};
}

export function stateName(code: number): ArchiveState {
	return archiveStates[code] ?? 'planned';
}

// ---- records -------------------------------------------------------------

const tiers = new Set(['Bulk', 'Standard', 'Expedited']);

function isIndex(value: unknown, planArchives: number): value is number {
	return Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) < planArchives;
}

function isTime(value: unknown): value is number {
	return typeof value === 'number' && Number.isFinite(value);
}

/** True when the record is well formed for a plan of this many archives. */
export function isValidRecord(record: unknown, planArchives: number): record is JournalRecord {
	if (!record || typeof record !== 'object') return false;
	const r = record as Record<string, unknown>;
	if (!isTime(r.at)) return false;
	switch (r.t) {
		case 'intent': {
			return isIndex(r.i, planArchives);
		}

		case 'initiated': {
			return isIndex(r.i, planArchives) && typeof r.jobId === 'string' && r.jobId !== '' && tiers.has(r.tier as string);
		}

		case 'ready': {
			return isIndex(r.i, planArchives) && typeof r.jobId === 'string' && r.jobId !== '' && isTime(r.completedAt);
		}

		case 'downloading': {
			return isIndex(r.i, planArchives) && typeof r.jobId === 'string' && r.jobId !== '';
		}

		case 'verified': {
			return isIndex(r.i, planArchives) && Number.isSafeInteger(r.bytes) && (r.bytes as number) >= 0;
		}

		case 'failed': {
			return isIndex(r.i, planArchives) && typeof r.reason === 'string' && typeof r.final === 'boolean';
		}

		case 'reinitiate':
		case 'deferred': {
			return isIndex(r.i, planArchives) && typeof r.reason === 'string';
		}

		case 'throughput': {
			return typeof r.bytesPerSecond === 'number' && Number.isFinite(r.bytesPerSecond) && r.bytesPerSecond >= 0;
		}

		default: {
			return false;
		}
	}
}

/**
 * How one record changes the state. The runner's view of an archive's life:
 * planned -> initiating (intent) -> initiated -> ready -> downloading -> verified,
 * with failed (final), reinitiated (job gone: a new InitiateJob is allowed,
 * the next intent moves it on) and deferred (policy / capacity: back to planned).
 * A non-final failure keeps the reason and steps back to where a retry starts:
 * initiating -> planned (the InitiateJob call failed), downloading -> ready.
 */
export function applyRecord(state: ShardState, record: JournalRecord): void {
	if (state.updatedAt === null || record.at > state.updatedAt) state.updatedAt = record.at;
	switch (record.t) {
		case 'intent': {
			state.states[record.i] = StateCode.initiating;
			break;
		}

		case 'initiated': {
			// The same job told twice (the poll adopted it while its own InitiateJob answer was on the way):
			// one InitiateJob, and the archive keeps whatever state it has reached since. Once verified or
			// failed for good (which drop the job id), an archive is never initiated again without a
			// `reinitiate` first: an `initiated` then is such a late answer too, and must not undo them.
			const current = state.states[record.i];
			if (current === StateCode.verified || current === StateCode.failed) break;
			if (state.jobIds.get(record.i) === record.jobId && (current === StateCode.initiated || current === StateCode.ready || current === StateCode.downloading)) break;
			state.states[record.i] = StateCode.initiated;
			state.jobIds.set(record.i, record.jobId);
			state.completedAt.delete(record.i);
			state.initiations[record.i]++;
			break;
		}

		case 'ready': {
			state.states[record.i] = StateCode.ready;
			state.jobIds.set(record.i, record.jobId);
			state.completedAt.set(record.i, record.completedAt);
			break;
		}

		case 'downloading': {
			state.states[record.i] = StateCode.downloading;
			state.jobIds.set(record.i, record.jobId);
			break;
		}

		case 'verified': {
			state.states[record.i] = StateCode.verified;
			state.jobIds.delete(record.i);
			state.completedAt.delete(record.i);
			state.failures.delete(record.i);
			break;
		}

		case 'failed': {
			state.failures.set(record.i, record.reason);
			if (record.final) {
				state.states[record.i] = StateCode.failed;
				state.jobIds.delete(record.i);
				state.completedAt.delete(record.i);
			} else if (state.states[record.i] === StateCode.initiating) {
				state.states[record.i] = StateCode.planned;
			} else if (state.states[record.i] === StateCode.downloading) {
				state.states[record.i] = StateCode.ready;
			}

			break;
		}

		case 'reinitiate': {
			state.states[record.i] = StateCode.reinitiated;
			state.jobIds.delete(record.i);
			state.completedAt.delete(record.i);
			state.reinitiated++;
			break;
		}

		case 'deferred': {
			if (state.states[record.i] === StateCode.initiating) state.states[record.i] = StateCode.planned;
			break;
		}

		case 'throughput': {
			state.bytesPerSecond = record.bytesPerSecond;
			break;
		}
	}
}

// ---- the line codec ----------------------------------------------------------

function hex8(value: number): string {
	return value.toString(16).padStart(8, '0');
}

/** One journal line, newline included. */
export function encodeLine(record: JournalRecord | LogHeader): string {
	const json = JSON.stringify(record);
	return `${hex8(crc32(json))} ${json}\n`;
}

export type ParsedLog = {
	header: LogHeader | null;
	records: JournalRecord[];
	badRecords: number;
	/** Byte length up to and including the last valid line: where a writer truncates a torn or damaged tail. */
	validEnd: number;
};

function parseHex8(buffer: Buffer, start: number): number {
	let value = 0;
	for (let k = start; k < start + 8; k++) {
		const c = buffer[k];
		let digit: number;
		if (c >= 0x30 && c <= 0x39) digit = c - 0x30;
		else if (c >= 0x61 && c <= 0x66) digit = c - 0x57;
		else return -1;
		value = (value * 16) + digit;
	}

	return value;
}

/** Decode a journal.log's bytes. Lines with a bad crc, bad JSON or a torn tail (no newline) are counted and skipped. */
export function parseLog(buffer: Buffer, planArchives: number): ParsedLog {
	let header: LogHeader | null = null;
	const records: JournalRecord[] = [];
	let badRecords = 0;
	let validEnd = 0;
	let position = 0;
	let first = true;
	while (position < buffer.length) {
		const newline = buffer.indexOf(0x0A, position);
		if (newline === -1) {
			badRecords++; // a torn tail
			break;
		}

		const lineStart = position;
		position = newline + 1;
		let value: unknown;
		if (newline - lineStart < 10 || buffer[lineStart + 8] !== 0x20) {
			badRecords++;
			first = false;
			continue;
		}

		const crc = parseHex8(buffer, lineStart);
		const json = buffer.subarray(lineStart + 9, newline);
		if (crc < 0 || crc32(json) !== crc) {
			badRecords++;
			first = false;
			continue;
		}

		try {
			value = JSON.parse(json.toString('utf8'));
		} catch {
			badRecords++;
			first = false;
			continue;
		}

		if (first) {
			first = false;
			const h = value as Partial<LogHeader>;
			if (h && h.t === 'log' && Number.isSafeInteger(h.gen) && Number.isSafeInteger(h.planArchives)) {
				header = value as LogHeader;
				validEnd = position;
				continue;
			}
		}

		if (isValidRecord(value, planArchives)) {
			records.push(value);
			validEnd = position;
		} else {
			badRecords++;
		}
	}

	return {header, records, badRecords, validEnd};
}

// ---- the snapshot ------------------------------------------------------------

const magic = Buffer.from('THAWRST1', 'latin1');

type SnapshotHeader = {
	gen: number;
	planArchives: number;
	reinitiated: number;
	bytesPerSecond: number | null;
	updatedAt: number | null;
	jobIds: Array<[number, string]>;
	completedAt: Array<[number, number]>;
	failures: Array<[number, string]>;
};

export function encodeSnapshot(state: ShardState, gen: number): Buffer {
	const planArchives = state.states.length;
	const header: SnapshotHeader = {
		gen,
		planArchives,
		reinitiated: state.reinitiated,
		bytesPerSecond: state.bytesPerSecond,
		updatedAt: state.updatedAt,
		jobIds: [...state.jobIds],
		completedAt: [...state.completedAt],
		failures: [...state.failures],
	};
	const json = Buffer.from(JSON.stringify(header), 'utf8');
	const statesStart = magic.length + 4 + json.length;
	const initiationsStart = Math.ceil((statesStart + planArchives) / 4) * 4;
	const crcStart = initiationsStart + (planArchives * 4);
	const buffer = Buffer.alloc(crcStart + 4);
	magic.copy(buffer, 0);
	buffer.writeUInt32LE(json.length, magic.length);
	json.copy(buffer, magic.length + 4);
	buffer.set(state.states, statesStart);
	const initiations = new Uint32Array(buffer.buffer, buffer.byteOffset + initiationsStart, planArchives);
	if (isLittleEndian) initiations.set(state.initiations);
	else for (let i = 0; i < planArchives; i++) buffer.writeUInt32LE(state.initiations[i], initiationsStart + (i * 4));
	buffer.writeUInt32LE(crc32(buffer.subarray(0, crcStart)), crcStart);
	return buffer;
}

const isLittleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

export type Snapshot = {state: ShardState; gen: number};

/** Decode state.bin; a ThawError (exit 6) when it is damaged or belongs to a plan of another size. */
export function decodeSnapshot(buffer: Buffer, planArchives: number, path: string): Snapshot {
	const damaged = (why: string) => new ThawError(`${path} is damaged (${why}): move it away and run again to rebuild the state from the journal, or restore it from a copy`, ExitCode.local);
	if (buffer.length < magic.length + 8 || !buffer.subarray(0, magic.length).equals(magic)) throw damaged('not a thaw restore state file');
	const crcStart = buffer.length - 4;
	if (crc32(buffer.subarray(0, crcStart)) !== buffer.readUInt32LE(crcStart)) throw damaged('checksum mismatch');
	const jsonLength = buffer.readUInt32LE(magic.length);
	const header = JSON.parse(buffer.toString('utf8', magic.length + 4, magic.length + 4 + jsonLength)) as SnapshotHeader;
	if (header.planArchives !== planArchives) {
		throw new ThawError(`${path} is for a plan of ${header.planArchives} archives, not ${planArchives}: this shard directory belongs to another plan`, ExitCode.local);
	}

	const statesStart = magic.length + 4 + jsonLength;
	const initiationsStart = Math.ceil((statesStart + planArchives) / 4) * 4;
	if (initiationsStart + (planArchives * 4) !== crcStart) throw damaged('wrong length');
	const state = emptyState(planArchives);
	state.states.set(buffer.subarray(statesStart, statesStart + planArchives));
	if (isLittleEndian && (buffer.byteOffset + initiationsStart) % 4 === 0) {
		state.initiations.set(new Uint32Array(buffer.buffer, buffer.byteOffset + initiationsStart, planArchives));
	} else {
		for (let i = 0; i < planArchives; i++) state.initiations[i] = buffer.readUInt32LE(initiationsStart + (i * 4));
	}

	state.reinitiated = header.reinitiated;
	state.bytesPerSecond = header.bytesPerSecond;
	state.updatedAt = header.updatedAt;
	state.jobIds = new Map(header.jobIds);
	state.completedAt = new Map(header.completedAt);
	state.failures = new Map(header.failures);
	return {state, gen: header.gen};
}

// ---- reading a shard ---------------------------------------------------------

export const stateFile = 'state.bin';
export const logFile = 'journal.log';

async function readOptional(path: string): Promise<Buffer | null> {
	try {
		return await readFile(path);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
		throw new ThawError(`cannot read ${path}: ${(error as Error).message}`, ExitCode.local);
	}
}

export type Replayed = {state: ShardState; gen: number; log: ParsedLog | null; logApplies: boolean};

/**
 * Snapshot + log -> state. The log is applied only when its generation is
 * the snapshot's (or there is no snapshot yet); a log of an older generation
 * is already inside the snapshot (a compaction stopped between its rename
 * and the log's replacement).
 */
export async function replayShard(shardDir: string, planArchives: number): Promise<Replayed> {
	const statePath = join(shardDir, stateFile);
	const logPath = join(shardDir, logFile);
	const [snapshotBytes, logBytes] = await Promise.all([readOptional(statePath), readOptional(logPath)]);
	let state: ShardState;
	let gen = 0;
	if (snapshotBytes) {
		({state, gen} = decodeSnapshot(snapshotBytes, planArchives, statePath));
	} else {
		state = emptyState(planArchives);
	}

	const log = logBytes ? parseLog(logBytes, planArchives) : null;
	let logApplies = false;
	if (log) {
		if (log.header && log.header.planArchives !== planArchives) {
			throw new ThawError(`${logPath} is for a plan of ${log.header.planArchives} archives, not ${planArchives}: this shard directory belongs to another plan`, ExitCode.local);
		}

		// No snapshot: any log applies (generation 0, or one whose header line was damaged).
		logApplies = snapshotBytes === null || (log.header !== null && log.header.gen === gen);
		if (logApplies) {
			for (const record of log.records) applyRecord(state, record);
			state.replayed = log.records.length;
			state.badRecords = log.badRecords;
			if (!snapshotBytes && log.header) gen = log.header.gen;
		}
	}

	return {state, gen, log, logApplies};
}

/** The state of one shard directory, read-only and without the lock (a runner may be writing). */
export async function readShardState(shardDir: string, planArchives: number): Promise<ShardState> {
	return (await replayShard(shardDir, planArchives)).state;
}
