import {mkdtemp, mkdir, readFile, rm, stat, writeFile, appendFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {RestoreJournal, readShardState, StateCode, type JournalRecord, type ShardState} from '../../source/restore/journal.js';
import {applyRecord, emptyState, encodeLine, encodeSnapshot, parseLog} from '../../source/restore/state.js';
import {ThawError} from '../../source/errors.js';

const root = await mkdtemp(join(tmpdir(), 'thaw-restore-journal-'));
afterAll(async () => rm(root, {recursive: true, force: true}));
let counter = 0;
async function shardDir(): Promise<string> {
	const dir = join(root, `shard-${counter++}`);
	await mkdir(dir, {recursive: true});
	return dir;
}

/** A deterministic pseudo-random life for many archives: every record kind, in a plausible order. */
function randomRecords(planArchives: number, count: number, seed = 1): JournalRecord[] {
	let x = seed;
	const random = () => {
		x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
		return x / 2_147_483_648;
	};

	const records: JournalRecord[] = [];
	for (let k = 0; k < count; k++) {
		const i = Math.floor(random() * planArchives);
		const at = 1_700_000_000_000 + k;
		const jobId = `job-${i}-${k}`;
		switch (Math.floor(random() * 9)) {
			case 0: { records.push({t: 'intent', i, at}); break; }
			case 1: { records.push({t: 'initiated', i, jobId, tier: 'Bulk', at}); break; }
			case 2: { records.push({t: 'ready', i, jobId, completedAt: at - 5, at}); break; }
			case 3: { records.push({t: 'downloading', i, jobId, at}); break; }
			case 4: { records.push({t: 'verified', i, bytes: i * 10, at}); break; }
			case 5: { records.push({t: 'failed', i, reason: `reason ${k} ünïcødé`, final: random() < 0.5, at}); break; }
			case 6: { records.push({t: 'reinitiate', i, reason: 'expired', at}); break; }
			case 7: { records.push({t: 'throughput', bytesPerSecond: Math.floor(random() * 1e8), at}); break; }
			default: { records.push({t: 'deferred', i, reason: 'PolicyEnforcedException', at}); break; }
		}
	}

	return records;
}

function reference(planArchives: number, records: JournalRecord[]): ShardState {
	const state = emptyState(planArchives);
	for (const record of records) applyRecord(state, record);
	return state;
}

function comparable(state: ShardState) {
	return {
		states: [...state.states],
		jobIds: [...state.jobIds].sort((a, b) => a[0] - b[0]),
		completedAt: [...state.completedAt].sort((a, b) => a[0] - b[0]),
		initiations: [...state.initiations],
		failures: [...state.failures].sort((a, b) => a[0] - b[0]),
		reinitiated: state.reinitiated,
		bytesPerSecond: state.bytesPerSecond,
		updatedAt: state.updatedAt,
	};
}

describe('restore journal', () => {
	it('the same job told twice is one InitiateJob, and the archive keeps the state it reached (adopted by the poll while its own answer was on the way)', async () => {
		const dir = await shardDir();
		const journal = await RestoreJournal.open(dir, 1);
		await journal.append({t: 'intent', i: 0, at: 1});
		// The poll's walk saw the job first (adopted it), and it had already completed.
		await journal.append({t: 'initiated', i: 0, jobId: 'J1', tier: 'Bulk', at: 2});
		await journal.append({t: 'ready', i: 0, jobId: 'J1', completedAt: 3, at: 4});
		// Then the InitiateJob call's own answer is journaled.
		await journal.append({t: 'initiated', i: 0, jobId: 'J1', tier: 'Bulk', at: 5});
		expect(journal.state.states[0]).toBe(StateCode.ready);
		expect(journal.state.completedAt.get(0)).toBe(3);
		expect(journal.state.initiations[0]).toBe(1);
		// A different job for the same archive is a second InitiateJob (paid for): counted.
		await journal.append({t: 'initiated', i: 0, jobId: 'J2', tier: 'Bulk', at: 6});
		expect(journal.state.initiations[0]).toBe(2);
		await journal.close();
		expect([...(await readShardState(dir, 1)).initiations]).toEqual([2]);
	});

	it('an InitiateJob answer journaled after the archive was verified (or failed for good) undoes neither, and is not a second InitiateJob', async () => {
		const dir = await shardDir();
		const journal = await RestoreJournal.open(dir, 2);
		for (const i of [0, 1]) {
			await journal.append({t: 'intent', i, at: 1});
			// The poll adopted the job, and it was downloaded, while the call's answer was on the way.
			await journal.append({t: 'initiated', i, jobId: `J${i}`, tier: 'Bulk', at: 2});
			await journal.append({t: 'ready', i, jobId: `J${i}`, completedAt: 3, at: 4});
			await journal.append({t: 'downloading', i, jobId: `J${i}`, at: 5});
		}

		await journal.append({t: 'verified', i: 0, bytes: 10, at: 6});
		await journal.append({t: 'failed', i: 1, reason: 'local: taken', final: true, at: 6});
		for (const i of [0, 1]) await journal.append({t: 'initiated', i, jobId: `J${i}`, tier: 'Bulk', at: 7});
		expect([...journal.state.states]).toEqual([StateCode.verified, StateCode.failed]);
		expect([...journal.state.initiations]).toEqual([1, 1]);
		await journal.close();
		const read = await readShardState(dir, 2);
		expect([...read.states]).toEqual([StateCode.verified, StateCode.failed]);
		expect([...read.initiations]).toEqual([1, 1]);
	});

	it('walks an archive through its life', async () => {
		const dir = await shardDir();
		const journal = await RestoreJournal.open(dir, 3);
		await journal.append({t: 'intent', i: 1, at: 1});
		expect(journal.state.states[1]).toBe(StateCode.initiating);
		await journal.append({t: 'initiated', i: 1, jobId: 'J1', tier: 'Standard', at: 2});
		await journal.append({t: 'ready', i: 1, jobId: 'J1', completedAt: 3, at: 4});
		expect(journal.state.completedAt.get(1)).toBe(3);
		await journal.append({t: 'downloading', i: 1, jobId: 'J1', at: 5});
		await journal.append({t: 'failed', i: 1, reason: 'connection reset', final: false, at: 6});
		expect(journal.state.states[1]).toBe(StateCode.ready);
		await journal.append({t: 'reinitiate', i: 1, reason: 'job gone (404)', at: 7});
		expect(journal.state.states[1]).toBe(StateCode.reinitiated);
		expect(journal.state.jobIds.has(1)).toBe(false);
		await journal.append({t: 'intent', i: 1, at: 8});
		await journal.append({t: 'initiated', i: 1, jobId: 'J2', tier: 'Standard', at: 9});
		await journal.append({t: 'verified', i: 1, bytes: 10, at: 10});
		await journal.append({t: 'intent', i: 2, at: 11});
		await journal.append({t: 'deferred', i: 2, reason: 'PolicyEnforcedException', at: 12});
		await journal.append({t: 'intent', i: 0, at: 13});
		await journal.append({t: 'failed', i: 0, reason: 'tree hash mismatch', final: true, at: 14});
		await journal.append({t: 'throughput', bytesPerSecond: 1234, at: 15});
		await journal.close();
		const state = await readShardState(dir, 3);
		expect([...state.states]).toEqual([StateCode.failed, StateCode.verified, StateCode.planned]);
		expect([...state.initiations]).toEqual([0, 2, 0]);
		expect(state.reinitiated).toBe(1);
		expect(state.failures.get(0)).toBe('tree hash mismatch');
		expect(state.failures.has(1)).toBe(false);
		expect(state.bytesPerSecond).toBe(1234);
		expect(state.updatedAt).toBe(15);
		expect(state.badRecords).toBe(0);
	});

	it('replay equals the live state, with many concurrent appends (group commit) and a compaction in the middle', async () => {
		const dir = await shardDir();
		const records = randomRecords(500, 6000);
		const journal = await RestoreJournal.open(dir, 500);
		await Promise.all(records.slice(0, 3000).map(async record => journal.append(record, {sync: record.t === 'intent'})));
		const compacting = journal.compact();
		const rest = records.slice(3000).map(async record => journal.append(record));
		await compacting;
		await Promise.all(rest);
		const live = comparable(journal.state);
		expect(live).toEqual(comparable(reference(500, records)));
		await journal.close();
		expect(comparable(await readShardState(dir, 500))).toEqual(live);
		const reopened = await RestoreJournal.open(dir, 500);
		expect(comparable(reopened.state)).toEqual(live);
		await reopened.close();
	});

	it('ignores a torn tail on replay and cuts it away on the next open', async () => {
		const dir = await shardDir();
		const journal = await RestoreJournal.open(dir, 4);
		await journal.append({t: 'intent', i: 0, at: 1});
		await journal.append({t: 'initiated', i: 0, jobId: 'J', tier: 'Bulk', at: 2});
		await journal.close();
		const logPath = join(dir, 'journal.log');
		const torn = encodeLine({t: 'verified', i: 0, bytes: 5, at: 3});
		await appendFile(logPath, torn.slice(0, 20));
		const before = await readFile(logPath);
		const read = await readShardState(dir, 4);
		expect(read.states[0]).toBe(StateCode.initiated);
		expect(read.badRecords).toBe(1);
		expect(await readFile(logPath)).toEqual(before); // read-only
		const reopened = await RestoreJournal.open(dir, 4);
		expect((await stat(logPath)).size).toBe(before.length - 20);
		await reopened.append({t: 'verified', i: 0, bytes: 5, at: 4});
		await reopened.close();
		const after = await readShardState(dir, 4);
		expect(after.states[0]).toBe(StateCode.verified);
		expect(after.badRecords).toBe(0);
	});

	it('skips a record with a flipped byte and keeps the ones after it', async () => {
		const dir = await shardDir();
		const journal = await RestoreJournal.open(dir, 4);
		await journal.append({t: 'intent', i: 1, at: 1});
		await journal.append({t: 'initiated', i: 1, jobId: 'JOB', tier: 'Bulk', at: 2});
		await journal.append({t: 'intent', i: 2, at: 3});
		await journal.close();
		const logPath = join(dir, 'journal.log');
		const text = await readFile(logPath, 'utf8');
		const flipped = text.replace('"jobId":"JOB"', '"jobId":"JOC"');
		expect(flipped).not.toBe(text);
		await writeFile(logPath, flipped);
		const state = await readShardState(dir, 4);
		expect(state.states[1]).toBe(StateCode.initiating);
		expect(state.initiations[1]).toBe(0);
		expect(state.states[2]).toBe(StateCode.initiating);
		expect(state.badRecords).toBe(1);
		// A flipped crc digit is refused the same way.
		const lines = text.split('\n');
		lines[2] = (lines[2][0] === '0' ? '1' : '0') + lines[2].slice(1);
		expect(parseLog(Buffer.from(lines.join('\n')), 4).records).toHaveLength(2);
		// Records for indexes outside the plan, or of an unknown kind, are ignored too.
		const odd = encodeLine({t: 'intent', i: 9, at: 1}) + encodeLine({t: 'nonsense', i: 1, at: 1} as unknown as JournalRecord);
		expect(parseLog(Buffer.from(odd), 4)).toMatchObject({records: [], badRecords: 2});
	});

	it('compaction round trip: state.bin holds everything, the log starts over, later records still replay', async () => {
		const dir = await shardDir();
		const records = randomRecords(1000, 4000, 7);
		const journal = await RestoreJournal.open(dir, 1000);
		for (const record of records.slice(0, 2500)) await journal.append(record);
		const logBefore = (await stat(join(dir, 'journal.log'))).size;
		await journal.compact();
		const logAfter = (await stat(join(dir, 'journal.log'))).size;
		expect(logAfter).toBeLessThan(100);
		expect(logBefore).toBeGreaterThan(100_000);
		const fromSnapshot = await readShardState(dir, 1000);
		expect(comparable(fromSnapshot)).toEqual(comparable(reference(1000, records.slice(0, 2500))));
		expect(fromSnapshot.replayed).toBe(0);
		for (const record of records.slice(2500)) await journal.append(record);
		await journal.close();
		const state = await readShardState(dir, 1000);
		expect(state.replayed).toBe(1500);
		expect(comparable(state)).toEqual(comparable(reference(1000, records)));
	});

	it('auto-compacts after many records', async () => {
		const dir = await shardDir();
		const records = randomRecords(50, 300, 3);
		const journal = await RestoreJournal.open(dir, 50, {autoCompactRecords: 100});
		for (const record of records) await journal.append(record);
		await journal.close();
		const state = await readShardState(dir, 50);
		expect(state.replayed).toBeLessThan(100);
		expect(comparable(state)).toEqual(comparable(reference(50, records)));
	});

	it('a crash between the snapshot and the new log never applies records twice', async () => {
		const dir = await shardDir();
		const journal = await RestoreJournal.open(dir, 2);
		await journal.append({t: 'intent', i: 0, at: 1});
		await journal.append({t: 'initiated', i: 0, jobId: 'J', tier: 'Bulk', at: 2});
		await journal.close();
		// What compact() would have written before the crash: the snapshot of generation 1, the old log (generation 0) still there.
		const state = reference(2, [{t: 'intent', i: 0, at: 1}, {t: 'initiated', i: 0, jobId: 'J', tier: 'Bulk', at: 2}]);
		await writeFile(join(dir, 'state.bin'), encodeSnapshot(state, 1));
		expect((await readShardState(dir, 2)).initiations[0]).toBe(1);
		const reopened = await RestoreJournal.open(dir, 2);
		expect(reopened.state.initiations[0]).toBe(1);
		await reopened.append({t: 'ready', i: 0, jobId: 'J', completedAt: 3, at: 4});
		await reopened.close();
		const after = await readShardState(dir, 2);
		expect(after.initiations[0]).toBe(1);
		expect(after.states[0]).toBe(StateCode.ready);
	});

	it('refuses a shard directory of another plan, and a damaged state.bin, with exit 6', async () => {
		const dir = await shardDir();
		const journal = await RestoreJournal.open(dir, 5);
		await journal.append({t: 'intent', i: 0, at: 1});
		await journal.compact();
		await journal.close();
		await expect(RestoreJournal.open(dir, 6)).rejects.toMatchObject({exitCode: 6, message: expect.stringMatching(/5 archives, not 6/)});
		const bytes = await readFile(join(dir, 'state.bin'));
		bytes[bytes.length - 10] ^= 1;
		await writeFile(join(dir, 'state.bin'), bytes);
		const error = await readShardState(dir, 5).catch((error_: unknown) => error_);
		expect(error).toBeInstanceOf(ThawError);
		expect(error).toMatchObject({exitCode: 6, message: expect.stringMatching(/damaged/)});
	});

	it('reads an empty shard directory as all planned', async () => {
		const dir = await shardDir();
		const state = await readShardState(dir, 3);
		expect([...state.states]).toEqual([0, 0, 0]);
		expect(state.updatedAt).toBeNull();
	});

	it('state.bin of 1,000,000 archives round-trips exactly', async () => {
		const dir = await shardDir();
		const n = 1_000_000;
		const state = emptyState(n);
		for (let i = 0; i < n; i++) {
			state.states[i] = i % 8;
			state.initiations[i] = i % 3;
		}

		for (let i = 0; i < 20_000; i++) {
			state.jobIds.set(i * 50, `job-${i}`);
			state.completedAt.set(i * 50, 1_700_000_000_000 + i);
		}

		state.failures.set(999_999, 'gone for good');
		state.reinitiated = 42;
		state.bytesPerSecond = 5e7;
		state.updatedAt = 1_700_000_000_123;
		await writeFile(join(dir, 'state.bin'), encodeSnapshot(state, 3));
		await writeFile(join(dir, 'journal.log'), encodeLine({t: 'log', gen: 3, planArchives: n, at: 0}) + encodeLine({t: 'verified', i: 7, bytes: 1, at: 1_700_000_000_124}));
		const read = await readShardState(dir, n);
		expect(read.states[7]).toBe(StateCode.verified);
		read.states[7] = 7;
		expect(Buffer.from(read.states).equals(Buffer.from(state.states))).toBe(true);
		expect(Buffer.from(read.initiations.buffer).equals(Buffer.from(state.initiations.buffer))).toBe(true);
		expect([...read.jobIds]).toEqual([...state.jobIds]);
		expect([...read.completedAt]).toEqual([...state.completedAt]);
		expect([...read.failures]).toEqual([...state.failures]);
		expect([read.reinitiated, read.bytesPerSecond, read.updatedAt]).toEqual([42, 5e7, 1_700_000_000_124]);
	});
});
