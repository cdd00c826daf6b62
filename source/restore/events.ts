/**
 * What happened lately in a plan, from the tails of its shard journals
 * (read-only, no lock: a runner in another process may be writing): the
 * re-initiations, retries, deferrals and failures with their reasons, and
 * the download rate the verified records show. This is what a dashboard
 * watching another process's run has instead of that runner's own log.
 * Only the last `tailBytes` of each journal.log are read, so it costs the
 * same for a plan of a million archives.
 */
import {open, readdir} from 'node:fs/promises';
import {join} from 'node:path';
import {inert} from '../inert.js';
import {files} from './plan-file.js';
import {logFile, parseLog, type JournalRecord} from './state.js';

export type PlanEvent = {at: number; level: 'info' | 'warn' | 'error'; index: number; message: string};

export type RecentActivity = {
	/** Oldest first, at most `limit`. */
	events: PlanEvent[];
	/** Bytes per second verified over the last `rateWindowMs` (null when nothing was verified in it). */
	bytesPerSecond: number | null;
	/** The newest record's time over all shards. */
	lastAt: number | null;
};

async function readTail(path: string, tailBytes: number): Promise<Buffer | null> {
	let handle;
	try {
		handle = await open(path, 'r');
	} catch {
		return null;
	}

	try {
		const {size} = await handle.stat();
		const start = Math.max(0, size - tailBytes);
		const buffer = Buffer.alloc(size - start);
		await handle.read(buffer, 0, buffer.length, start);
		if (start === 0) return buffer;
		// Start at a line: the first (cut) line would only count as a bad record.
		const newline = buffer.indexOf(0x0A);
		return newline === -1 ? Buffer.alloc(0) : buffer.subarray(newline + 1);
	} finally {
		await handle.close();
	}
}

/** The event a record is worth telling, or undefined. */
export function eventOf(record: JournalRecord): PlanEvent | undefined {
	switch (record.t) {
		case 'reinitiate': {
			return {at: record.at, level: 'warn', index: record.i, message: `archive ${record.i} re-initiated: ${inert(record.reason)}`};
		}

		case 'failed': {
			return {at: record.at, level: record.final ? 'error' : 'warn', index: record.i, message: `archive ${record.i} ${record.final ? 'failed for good' : 'failed, will retry'}: ${inert(record.reason)}`};
		}

		case 'deferred': {
			return {at: record.at, level: 'warn', index: record.i, message: `archive ${record.i} deferred: ${inert(record.reason)}`};
		}

		default: {
			return undefined;
		}
	}
}

export async function readRecentActivity(planDir: string, planArchives: number, options: {tailBytes?: number; limit?: number; rateWindowMs?: number; now?: number} = {}): Promise<RecentActivity> {
	const tailBytes = options.tailBytes ?? 256 * 1024;
	const limit = options.limit ?? 50;
	const rateWindowMs = options.rateWindowMs ?? 60_000;
	const now = options.now ?? Date.now();
	let shards: string[] = [];
	try {
		shards = (await readdir(join(planDir, files.shards), {withFileTypes: true})).filter(entry => entry.isDirectory()).map(entry => entry.name);
	} catch {
		// No runner has started yet.
	}

	const events: PlanEvent[] = [];
	let verifiedBytes = 0;
	let firstVerified = Number.POSITIVE_INFINITY;
	let lastAt: number | null = null;
	for (const shard of shards) {
		const tail = await readTail(join(planDir, files.shards, shard, logFile), tailBytes);
		if (!tail || tail.length === 0) continue;
		for (const record of parseLog(tail, planArchives).records) {
			if (lastAt === null || record.at > lastAt) lastAt = record.at;
			const event = eventOf(record);
			if (event) events.push(event);
			if (record.t === 'verified' && record.at >= now - rateWindowMs) {
				verifiedBytes += record.bytes;
				firstVerified = Math.min(firstVerified, record.at);
			}
		}
	}

	events.sort((a, b) => a.at - b.at);
	const span = Number.isFinite(firstVerified) ? Math.max(1000, now - firstVerified) : 0;
	return {events: events.slice(-limit), bytesPerSecond: span > 0 ? verifiedBytes / (span / 1000) : null, lastAt};
}
