/**
 * A restore shard's state: what every archive of the plan is doing, rebuilt
 * from the shard's compaction snapshot (state.bin) plus the journal records
 * appended since (journal.log).
 *
 * This file holds everything that reads: the line codec, the snapshot format
 * and readShardState (records.ts: the record types and how each changes the state)
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
import {applyRecord, emptyState, isValidRecord, type JournalRecord, type LogHeader, type ShardState} from './records.js';

export {applyRecord, archiveStates, emptyState, isValidRecord, jobWindowMs, StateCode, stateName} from './records.js';
export type {ArchiveState, JournalRecord, LogHeader, RangedArchive, ShardState, Tier} from './records.js';
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
	/** [index, done, current start, current end] (-1, -1: no current range); absent in older snapshots. */
	ranged?: Array<[number, number, number, number]>;
	rangedBytes?: Array<[number, number]>;
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
		ranged: [...state.ranged].map(([i, {done, current}]) => [i, done, current?.[0] ?? -1, current?.[1] ?? -1]),
		rangedBytes: [...state.rangedBytes],
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
	state.ranged = new Map((header.ranged ?? []).map(([i, done, start, end]) => [i, start < 0 ? {done} : {done, current: [start, end]}]));
	state.rangedBytes = new Map(header.rangedBytes ?? []);
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
