/**
 * A restore shard's records and what they do: the archive states, the
 * journal record types, the shard state they build, and applyRecord (how a
 * record changes it). state.ts holds the codecs and the reading on top;
 * everything here is re-exported from there.
 */
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
	/** `range`: a ranged retrieval of these archive bytes (inclusive), for an archive too big for one window. */
	| {t: 'intent'; i: number; at: number; range?: [number, number]}
	| {t: 'initiated'; i: number; jobId: string; tier: Tier; at: number}
	| {t: 'ready'; i: number; jobId: string; completedAt: number; at: number}
	| {t: 'downloading'; i: number; jobId: string; at: number}
	| {t: 'verified'; i: number; bytes: number; at: number}
	| {t: 'failed'; i: number; reason: string; final: boolean; at: number}
	| {t: 'reinitiate'; i: number; reason: string; at: number}
	| {t: 'throughput'; bytesPerSecond: number; at: number}
	| {t: 'deferred'; i: number; reason: string; at: number}
	/** A range of a ranged archive is verified and in its place in the .part (fsynced): the next range may start. */
	| {t: 'range-done'; i: number; start: number; end: number; treeHash: string; at: number};

/** A ranged archive: bytes [0, done) are verified in the .part; `current` is the range being retrieved, if any. */
export type RangedArchive = {done: number; current?: [number, number]};

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
	/** Archives retrieved in ranges (too big for one window), while they are: verified and failed ones have none. */
	ranged: Map<number, RangedArchive>;
	/** Bytes retrieved by the ranged jobs of an archive (what status bills, instead of initiations x size); kept after it is verified. */
	rangedBytes: Map<number, number>;
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
		ranged: new Map(),
		rangedBytes: new Map(),
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

function isRange(value: unknown): value is [number, number] {
	return Array.isArray(value) && value.length === 2 && Number.isSafeInteger(value[0]) && Number.isSafeInteger(value[1]) && value[0] >= 0 && value[1] >= value[0];
}

/** True when the record is well formed for a plan of this many archives. */
export function isValidRecord(record: unknown, planArchives: number): record is JournalRecord {
	if (!record || typeof record !== 'object') return false;
	const r = record as Record<string, unknown>;
	if (!isTime(r.at)) return false;
	switch (r.t) {
		case 'intent': {
			return isIndex(r.i, planArchives) && (r.range === undefined || isRange(r.range));
		}

		case 'range-done': {
			return isIndex(r.i, planArchives) && isRange([r.start, r.end]) && typeof r.treeHash === 'string' && /^[\da-f]{64}$/.test(r.treeHash);
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
			if (record.range) {
				const ranged = state.ranged.get(record.i);
				if (ranged) ranged.current = record.range;
				else state.ranged.set(record.i, {done: record.range[0], current: record.range});
			}

			break;
		}

		case 'range-done': {
			const ranged = state.ranged.get(record.i);
			// Only the range that continues the verified bytes (a second line for it changes nothing).
			if (!ranged || record.start !== ranged.done) break;
			ranged.done = record.end + 1;
			delete ranged.current;
			state.states[record.i] = StateCode.planned;
			state.jobIds.delete(record.i);
			state.completedAt.delete(record.i);
			break;
		}

		case 'initiated': {
			// The same job told twice (the poll adopted it while its own InitiateJob answer was on the way):
			// one InitiateJob, and the archive keeps whatever state it has reached since. Once verified or
			// failed for good (which drop the job id), an archive is never initiated again without a
			// `reinitiate` first: an `initiated` then is such a late answer too, and must not undo them.
			const current = state.states[record.i];
			if (current === StateCode.verified || current === StateCode.failed) break;
			// Between two ranges of a ranged archive no job is asked for: the answer for the range just done, late.
			if (state.ranged.get(record.i)?.current === undefined && state.ranged.has(record.i)) break;
			if (state.jobIds.get(record.i) === record.jobId && (current === StateCode.initiated || current === StateCode.ready || current === StateCode.downloading)) break;
			state.states[record.i] = StateCode.initiated;
			state.jobIds.set(record.i, record.jobId);
			state.completedAt.delete(record.i);
			state.initiations[record.i]++;
			const range = state.ranged.get(record.i)?.current;
			if (range) state.rangedBytes.set(record.i, (state.rangedBytes.get(record.i) ?? 0) + (range[1] - range[0] + 1));
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
			state.ranged.delete(record.i);
			state.jobIds.delete(record.i);
			state.completedAt.delete(record.i);
			state.failures.delete(record.i);
			break;
		}

		case 'failed': {
			state.failures.set(record.i, record.reason);
			if (record.final) {
				state.states[record.i] = StateCode.failed;
				// A retry (--retry-failed) starts a ranged archive over.
				state.ranged.delete(record.i);
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
