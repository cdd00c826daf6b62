/**
 * Deleting the proven archives: in batches whose intent is journaled and
 * fsynced before any call, a few calls in flight, paced by AIMD (a
 * ThrottlingException halves the rate, successes raise it again), transient
 * failures (5xx, network) retried with backoff, each answer journaled. Just
 * before its call, each file gets a quick look (same inode, size, times): a
 * file changed since it was proven is hashed again, and kept if it no
 * longer matches.
 */
import {deleteArchive} from '../../glacier/api.js';
import type {Connection} from '../../glacier/client.js';
import {errorName, httpStatus, isNetworkError, scrub, toThawError} from '../../glacier/errors.js';
import {backoffDelay} from '../../engine/backoff.js';
import {Aimd} from '../runner/aimd.js';
import {failpoint} from '../runner/failpoint.js';
import type {PurgeJournal} from './journal.js';
import type {Candidate, KeptArchive} from './preview.js';
import type {PurgeStore} from './store.js';
import {proveFile, stillProved} from './verify.js';

export type DeleteOptions = {
	/** DeleteArchive calls in flight at once (default 8). */
	concurrency?: number;
	/** Calls per second to start at (default 25); AIMD finds the pace from there. */
	initialRate?: number;
	/** Attempts per archive on 5xx / network failures before giving up on it this run (default 8). */
	maxAttempts?: number;
	retryBaseMs?: number;
	retryCapMs?: number;
};

export type DeleteOutcome = {
	deleted: number;
	bytesDeleted: number;
	/** Glacier had no such archive (already deleted): journaled as gone. */
	gone: number;
	bytesGone: number;
	/** Changed after the preview and no longer proven: kept. */
	changed: KeptArchive[];
	/** DeleteArchive kept failing: kept for now, a rerun tries again. */
	failed: Array<KeptArchive & {reason: 'delete-failed'}>;
};

const batchSize = 64;

type Answer = 'deleted' | 'gone' | 'failed';

async function wait(ms: number, signal: AbortSignal): Promise<void> {
	if (ms <= 0 || signal.aborted) return;
	await new Promise<void>(resolve => {
		const done = () => {
			clearTimeout(timer);
			signal.removeEventListener('abort', done);
			resolve();
		};

		const timer = setTimeout(done, ms);
		signal.addEventListener('abort', done, {once: true});
	});
}

export async function deleteCandidates(input: {
	connection: Connection;
	vaultName: string;
	to: string;
	candidates: Candidate[];
	journal: PurgeJournal;
	store: PurgeStore;
	signal: AbortSignal;
	options?: DeleteOptions;
}): Promise<DeleteOutcome> {
	const {connection, vaultName, to, candidates, journal, store, signal} = input;
	const options = input.options ?? {};
	const concurrency = options.concurrency ?? 8;
	const maxAttempts = options.maxAttempts ?? 8;
	const aimd = new Aimd({initialPerSecond: options.initialRate ?? 25, maxPerSecond: 200});
	const outcome: DeleteOutcome = {deleted: 0, bytesDeleted: 0, gone: 0, bytesGone: 0, changed: [], failed: []};
	let fatal: Error | undefined;
	store.set({rate: aimd.rate});

	const deleteOne = async (candidate: Candidate): Promise<void> => {
		for (let attempt = 1; ; attempt++) {
			if (signal.aborted || fatal) return;
			const delay = aimd.delay(Date.now());
			if (delay > 0) await wait(delay, signal);
			if (signal.aborted) return;
			aimd.take(Date.now());
			let answer: Answer | 'retry';
			let why = '';
			try {
				await deleteArchive(connection, vaultName, candidate.archiveId, {signal});
				failpoint('purge-after-delete');
				aimd.success();
				answer = 'deleted';
			} catch (error) {
				if (signal.aborted) return;
				const name = errorName(error);
				const message = scrub((error as Error)?.message ?? String(error));
				why = `${name || 'error'}: ${message}`;
				if (name === 'ThrottlingException' || name === 'LimitExceededException' || httpStatus(error) === 429) {
					aimd.throttle(Date.now());
					store.add('throttles');
					store.set({rate: aimd.rate});
					attempt--; // a throttle is a pace, not a failure
					answer = 'retry';
				} else if (name === 'ResourceNotFoundException' && !(/vault/i.test(message) && !/archive/i.test(message))) {
					answer = 'gone';
				} else if (name === 'InvalidParameterValueException' || name === 'MissingParameterValueException') {
					// Glacier refused this one archive (its id, say): kept and said, the others go on.
					answer = 'failed';
				} else if (isNetworkError(error) || (httpStatus(error) ?? 500) >= 500 || httpStatus(error) === 408) {
					answer = attempt >= maxAttempts ? 'failed' : 'retry';
					if (answer === 'retry') await wait(backoffDelay(attempt, {baseMs: options.retryBaseMs, capMs: options.retryCapMs}), signal);
				} else {
					// Credentials, access, the vault gone: nothing else will go through either.
					fatal ??= toThawError(error, {connection, what: 'delete an archive', vaultName});
					return;
				}
			}

			if (answer === 'retry') continue;
			// Answers are written at once but not fsynced one by one: a kill -9 keeps them (the page cache); a power loss may
			// lose the last few, and the rerun deletes those again, which Glacier answers with 204. The close() fsyncs.
			if (answer === 'deleted') {
				await journal.append({t: 'deleted', is: [candidate.index], at: Date.now()});
				outcome.deleted++;
				outcome.bytesDeleted += candidate.size;
				store.add('deleted');
				store.add('bytesDeleted', candidate.size);
			} else if (answer === 'gone') {
				await journal.append({t: 'gone', is: [candidate.index], at: Date.now()});
				outcome.gone++;
				outcome.bytesGone += candidate.size;
				store.add('deleted');
				store.add('bytesDeleted', candidate.size);
			} else {
				await journal.append({t: 'failed', i: candidate.index, reason: why, at: Date.now()}, {sync: true});
				outcome.failed.push({index: candidate.index, archiveId: candidate.archiveId, path: candidate.path, size: candidate.size, reason: 'delete-failed', detail: why});
				store.add('failed');
			}

			return;
		}
	};

	for (let start = 0; start < candidates.length && !signal.aborted && !fatal; start += batchSize) {
		const batch: Candidate[] = [];
		for (const candidate of candidates.slice(start, start + batchSize)) {
			// A quick look; a file touched since the preview is proven again (hashed) or kept.
			if (await stillProved(to, candidate.path, candidate.identity)) {
				batch.push(candidate);
				continue;
			}

			const proof = await proveFile(to, candidate.path, candidate.size, candidate.treeHash);
			if (proof.ok) {
				batch.push({...candidate, identity: proof.identity});
			} else {
				outcome.changed.push({index: candidate.index, archiveId: candidate.archiveId, path: candidate.path, size: candidate.size, reason: proof.reason, detail: `changed after the preview: ${proof.detail}`});
				store.add('changed');
				store.log('warn', `kept ${candidate.path}: it changed after the preview (${proof.detail})`);
			}
		}

		if (batch.length === 0) continue;
		await journal.append({t: 'intent', is: batch.map(c => c.index), at: Date.now()}, {sync: true});
		const flights = new Set<Promise<void>>();
		for (const candidate of batch) {
			if (signal.aborted || fatal) break;
			while (flights.size >= concurrency) await Promise.race(flights);
			const flight: Promise<void> = deleteOne(candidate).finally(() => {
				flights.delete(flight);
			});
			flights.add(flight);
		}

		await Promise.all(flights);
		store.set({rate: aimd.rate});
	}

	if (fatal) throw fatal;
	return outcome;
}
