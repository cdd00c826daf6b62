/**
 * Regex filter terms, with bounded work. A user's regex over untrusted
 * descriptions can backtrack without end (/(a+)+$/ on a run of 40 a's takes
 * minutes, and one exec cannot be interrupted from the same thread), so
 * every regex term runs in a worker thread while the caller waits (Atomics,
 * still synchronous): each page of rows (up to 65,536) must be done within
 * the budget, else the worker is terminated and RegexTooSlowError says so.
 *
 * Cost, measured on 1 M rows (test/bench/inventory.bench.mjs): the worker
 * keeps its own copy of the joined texts it searched (search, and display
 * for case-sensitive regexes: sent once, then reused; copying costs ~10 ms
 * per 25 MB, and memory that text once more: +~190 MB peak RSS for both at
 * 1 M mixed-script rows), a query costs a message and a wake-up (well under
 * 1 ms), and the first regex of a process ~50 ms more to start the worker. A pattern found too slow on a text is
 * remembered, so typing on after it fails at once instead of waiting again.
 */
import {receiveMessageOnPort, MessageChannel, Worker, type MessagePort} from 'node:worker_threads';
import type {JoinedText, TextPage} from '../joined-text.js';
import {FilterError, RegexTooSlowError} from './error.js';

export const defaultRegexBudgetMs = 1000;
/** How long the worker may take to start and receive the text (not the user's regex: generous). */
const startBudgetMs = 20_000;

type SentPage = {id: number; first: number; text: string; starts: Uint32Array};

type RegexJob = {
	textId: number;
	/** The pages to search, in order; the worker has the ones not in send from earlier jobs. */
	ids: number[];
	send: SentPage[];
	source: string;
	flags: string;
	/** Per row (lookarounds could see the neighbouring rows in joined text). */
	perRow: boolean;
	/** A match inside one row of the joined text counts as is (no ^ or $, or the m flag). */
	exact: boolean;
	candidates: Uint8Array | undefined;
	/** Int32 [progress count, state: 0 running, 1 done, 2 failed]. */
	progress: SharedArrayBuffer;
	/** One byte per row: the result. */
	mask: SharedArrayBuffer;
	replies: MessagePort;
};

/**
 * The worker's whole program. Self-contained (its source text is what the
 * worker runs, so it works from source in tests and from build/ alike):
 * it references nothing outside itself.
 */
function regexThread(port: MessagePort): void {
	const pages = new Map<number, SentPage>();
	const texts = new Map<number, number[]>();
	port.on('message', (job: RegexJob) => {
		const progress = new Int32Array(job.progress);
		const tick = () => {
			Atomics.add(progress, 0, 1);
			Atomics.notify(progress, 0);
		};

		try {
			// Keep the pages of the two texts used last (search and display; a text's last page is replaced when rows are added).
			for (const page of job.send) pages.set(page.id, page);
			const keep = new Set(job.ids);
			for (const id of texts.get(job.textId) ?? []) if (!keep.has(id)) pages.delete(id);
			texts.delete(job.textId);
			texts.set(job.textId, job.ids);
			if (texts.size > 2) {
				const [oldest, ids] = texts.entries().next().value!;
				texts.delete(oldest);
				for (const id of ids) pages.delete(id);
			}

			tick();
			const out = new Uint8Array(job.mask);
			const candidates = job.candidates;
			const regex = new RegExp(job.source, job.flags);
			const global = new RegExp(job.source, [...new Set(job.flags + 'gm')].join(''));
			for (const id of job.ids) {
				const {text, first, starts} = pages.get(id)!;
				const rows = starts.length - 1;
				const next = (k: number) => {
					if (candidates !== undefined) while (k < rows && candidates[first + k] === 0) k++;
					return k;
				};

				const testRow = (k: number) => {
					regex.lastIndex = 0;
					if (regex.test(text.slice(starts[k], starts[k + 1] - 1))) out[first + k] = 1;
				};

				if (job.perRow) {
					for (let k = next(0); k < rows; k = next(k + 1)) testRow(k);
				} else {
					// One global multiline exec per matching row; a match is mapped back to its row by binary search.
					let k = next(0);
					while (k < rows) {
						global.lastIndex = starts[k];
						const match = global.exec(text);
						if (match === null) break;
						const at = match.index;
						if (starts[k + 1] <= at) {
							let low = k + 1;
							let high = rows - 1;
							while (low < high) {
								const middle = (low + high + 1) >>> 1;
								if (starts[middle] <= at) low = middle;
								else high = middle - 1;
							}

							k = low;
						}

						if (candidates === undefined || candidates[first + k] !== 0) {
							if (job.exact && at + match[0].length < starts[k + 1]) out[first + k] = 1;
							else testRow(k);
						}

						k = next(k + 1);
					}
				}

				tick();
			}

			Atomics.store(progress, 1, 1);
		} catch (error) {
			job.replies.postMessage((error as Error).message);
			Atomics.store(progress, 1, 2);
		}

		job.replies.close();
		tick();
	});
}

let worker: Worker | undefined;
/** What the worker holds: text id -> its page ids, oldest first (the same bookkeeping as in the worker). */
const held = new Map<number, number[]>();
const pageIds = new WeakMap<TextPage, number>();
const textIds = new WeakMap<JoinedText, number>();
let nextId = 1;
/** Patterns found too slow on a text: source/flags. */
const tooSlow = new WeakMap<JoinedText, Set<string>>();

function startWorker(): Worker {
	const started = new Worker(`(${regexThread.toString()})(require('node:worker_threads').parentPort)`, {eval: true});
	started.unref(); // Never keeps a process alive
	started.on('exit', () => {
		if (worker === started) stopWorker();
	});
	started.on('error', () => undefined); // Reported by the job it was running (state), or it exits
	held.clear();
	return started;
}

function stopWorker(): void {
	void worker?.terminate();
	worker = undefined;
	held.clear();
}

function idOf<T extends object>(ids: WeakMap<T, number>, value: T): number {
	let id = ids.get(value);
	if (id === undefined) ids.set(value, id = nextId++);
	return id;
}

function hasLookaround(source: string): boolean {
	return /\(\?<?[=!]/.test(source.replaceAll(/\\[^]/g, ''));
}

/** Does the regex use ^ or $ outside character classes? */
function hasAnchors(source: string): boolean {
	return /[$^]/.test(source.replaceAll(/\\[^]/g, '').replaceAll(/\[[^\]]*\]/g, ''));
}

/**
 * Mark rows (candidates only, if given) of joined that regex matches, one
 * global multiline exec over each page per matching row. A match lying
 * inside one row counts as is when the regex behaves the same on the joined
 * text (no ^ or $, or the m flag); any other match is checked on that row
 * alone. No match is missed: a regex without lookarounds that matches a row
 * alone also matches at the same place in the joined text, where ^ and $
 * (m) meet the '\n' between rows and \b sees a non-word character, as at a
 * string's ends. Regexes with lookarounds are tested row by row. pattern is
 * the term as typed, for the message when it runs out of budget.
 */
export function findRegex(joined: JoinedText, regex: RegExp, pattern: string, mask: Uint8Array, candidates: Uint8Array | undefined, budgetMs = defaultRegexBudgetMs): void {
	const key = `${regex.source}/${regex.flags}`;
	if (tooSlow.get(joined)?.has(key) === true) throw new RegexTooSlowError(pattern, budgetMs);
	worker ??= startWorker();
	const textId = idOf(textIds, joined);
	const ids = joined.pages.map(page => idOf(pageIds, page));
	const had = new Set(held.get(textId));
	const send: SentPage[] = [];
	for (const [k, page] of joined.pages.entries()) if (!had.has(ids[k])) send.push({id: ids[k], first: page.first, text: page.text, starts: page.starts});
	held.delete(textId);
	held.set(textId, ids);
	if (held.size > 2) held.delete(held.keys().next().value!);

	const progress = new Int32Array(new SharedArrayBuffer(8));
	const shared = new SharedArrayBuffer(Math.max(1, mask.length)); // The worker writes ones only, into zeros
	const {port1, port2} = new MessageChannel();
	const job: RegexJob = {
		textId,
		ids,
		send,
		source: regex.source,
		flags: regex.flags,
		perRow: hasLookaround(regex.source),
		exact: regex.flags.includes('m') || !hasAnchors(regex.source),
		candidates,
		progress: progress.buffer as SharedArrayBuffer,
		mask: shared,
		replies: port2,
	};
	worker.postMessage(job, [port2]);

	// Wait: the worker counts one step when it has the text, then one per page; each step has its budget.
	let seen = 0;
	let deadline = performance.now() + startBudgetMs;
	while (Atomics.load(progress, 1) === 0) {
		const left = deadline - performance.now();
		if (left <= 0) {
			stopWorker();
			port1.close();
			// Remembered only when the worker was searching (not still starting, e.g. on a machine under load).
			if (seen > 0) {
				let slow = tooSlow.get(joined);
				if (slow === undefined) tooSlow.set(joined, slow = new Set());
				slow.add(key);
			}

			throw new RegexTooSlowError(pattern, budgetMs);
		}

		Atomics.wait(progress, 0, seen, left);
		const now = Atomics.load(progress, 0);
		if (now !== seen) {
			seen = now;
			deadline = performance.now() + budgetMs;
		}
	}

	if (Atomics.load(progress, 1) === 2) {
		const reply = receiveMessageOnPort(port1);
		port1.close();
		throw new FilterError(`${pattern}: ${String(reply?.message ?? 'the regular expression failed')}`);
	}

	port1.close();
	mask.set(new Uint8Array(shared, 0, mask.length)); // Into a plain buffer: masks are combined and kept
}
