/**
 * Downloads: each ready job through the engine (parallel tree-hash-aligned
 * chunks, per-chunk and whole checks, `.part` + journal, atomic rename),
 * earliest expiry first, many archives at once over one connection. The
 * job description from ListJobs is passed up front (no DescribeJob per
 * archive), with the inventory's SHA256TreeHash as the archive hash the
 * whole must match: the engine renames only bytes that match both the job
 * and the inventory.
 *
 * Destination paths come from the plan (already safe relative paths); the
 * folders are made one at a time under --to, and a folder that is a symbolic
 * link (or not a folder) is refused: nothing is ever written outside --to.
 */
import {lstat, mkdir, open, realpath, rename, unlink, utimes} from 'node:fs/promises';
import {dirname, join} from 'node:path';
import {ExitCode, ThawError} from '../../errors.js';
import {inert} from '../../inert.js';
import type {Job} from '../../glacier/api.js';
import {createDownloadPool, inspectPartial, journalPath, partPath, startDownload, type Download, type DownloadPool} from '../../engine/download/index.js';
import {defaultChunkSize} from '../../engine/ranges.js';
import {MiB, treeHashFile} from '../../engine/tree-hash.js';
import {StateCode} from '../state.js';
import type {Context} from './context.js';
import {armed, failpoint} from './failpoint.js';
import {copyRange, jobRetrieves, rangeFile} from './ranges.js';

type Entry = {position: number; job: Job; completedAt: number};

/** Whole-archive download attempts (after the engine's own chunk retries) before an archive fails for good. */
const VERIFY_ATTEMPTS = 3;
const SERVICE_ATTEMPTS = 5;

export class Downloader {
	/** Ready archives, latest expiry first (pop() gives the earliest). */
	private queue: Entry[] = [];
	private sorted = true;
	private readonly queued = new Set<number>();
	readonly active = new Set<number>();
	private readonly attempts = new Map<number, {verify: number; service: number}>();
	private readonly safeDirs = new Set<string>();
	private root: string | undefined;
	private readonly limit: number;
	private readonly perArchive: number;
	private readonly flights = new Set<Promise<void>>();
	/** The engine downloads in flight, by position (pause() holds them). */
	private readonly engines = new Map<number, Download>();
	/** Archives downloaded (and verified) by this run, and when the first download started and the last one ended. */
	downloaded = 0;
	firstStart = 0;
	lastEnd = 0;

	/** One connection, one limit on chunks in flight (--concurrency) and one slot budget for every download. */
	private readonly pool: DownloadPool;

	constructor(private readonly context: Context) {
		const concurrency = context.options.concurrency ?? 16;
		this.pool = createDownloadPool({connection: context.connection, concurrency});
		// Twice as many archives as chunks in flight: one archive's file work (open, fsync, rename) overlaps another's transfer.
		this.limit = concurrency * 2;
		this.perArchive = Math.max(1, Math.min(8, concurrency));
	}

	get waiting(): number {
		return this.queue.length;
	}

	get running(): number {
		return this.active.size;
	}

	/** A ready job for this archive (kept once: the first one wins until it is done). */
	add(position: number, job: Job): void {
		if (this.queued.has(position) || this.active.has(position)) return;
		const completedAt = Date.parse(job.CompletionDate ?? '') || 0;
		this.queued.add(position);
		this.queue.push({position, job, completedAt});
		this.sorted = false;
	}

	/** Forget a queued archive (its job is gone). */
	remove(position: number): void {
		if (!this.queued.delete(position)) return;
		this.queue = this.queue.filter(entry => entry.position !== position);
	}

	/** Hold (or release) every download in flight; while paused, pump() starts none. */
	setPaused(paused: boolean): void {
		for (const download of this.engines.values()) {
			if (paused) download.pause();
			else download.resume();
		}
	}

	/** Start downloads while there is room. */
	pump(): void {
		if (this.context.signal.aborted || this.context.paused()) return;
		if (!this.sorted) {
			this.queue.sort((a, b) => b.completedAt - a.completedAt || b.position - a.position);
			this.sorted = true;
		}

		while (this.active.size < this.limit && this.queue.length > 0) {
			const entry = this.queue.pop()!;
			this.queued.delete(entry.position);
			this.active.add(entry.position);
			this.context.store.set({downloading: this.active.size});
			const flight = this.download(entry).catch((error: unknown) => {
				this.context.abort(error instanceof Error ? error : new Error(String(error)));
			}).finally(() => {
				this.active.delete(entry.position);
				this.flights.delete(flight);
				this.context.store.set({downloading: this.active.size});
				this.pump();
				this.context.wake();
			});
			this.flights.add(flight);
		}
	}

	/** Wait for every download in flight (when stopping). */
	async settle(): Promise<void> {
		await Promise.allSettled([...this.flights]);
	}

	/** After settle(): let the pool's hashing threads go. */
	async close(): Promise<void> {
		await this.pool.close();
	}

	private async rootDir(): Promise<string> {
		if (this.root) return this.root;
		const to = this.context.plan.header.to;
		await mkdir(to, {recursive: true}).catch((error: unknown) => {
			throw localError(error, `create the destination folder ${to}`);
		});
		this.root = await realpath(to);
		return this.root;
	}

	/** Make the folders of `relativePath` under --to, one by one, refusing symbolic links and non-folders. */
	private async ensureParents(relativePath: string): Promise<string> {
		const root = await this.rootDir();
		const segments = relativePath.split('/');
		let dir = root;
		for (let k = 0; k < segments.length - 1; k++) {
			dir = join(dir, segments[k]);
			if (this.safeDirs.has(dir)) continue;
			try {
				await mkdir(dir);
			} catch (error) {
				if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw localError(error, `create the folder ${dir}`);
			}

			const info = await lstat(dir);
			if (info.isSymbolicLink()) throw new ThawError(`${inert(dir)} is a symbolic link: thaw never writes through one (it could lead outside ${inert(root)}); move it away and run again`, ExitCode.local);
			if (!info.isDirectory()) throw new ThawError(`${inert(dir)} is a file, not a folder: move it away and run again`, ExitCode.local);
			this.safeDirs.add(dir);
		}

		return join(root, relativePath);
	}

	/**
	 * When the archive's final name already holds a file: the right bytes
	 * (an earlier run stopped after the rename) -> journaled verified, true;
	 * anything else -> failed for good (never overwritten), true. False when
	 * the name is free.
	 */
	async checkExisting(position: number): Promise<boolean> {
		const {plan} = this.context;
		const root = await this.rootDir();
		const outfile = join(root, plan.paths[position]);
		let info;
		try {
			info = await lstat(outfile);
		} catch (error) {
			const code = (error as NodeJS.ErrnoException).code;
			if (code !== 'ENOENT' && code !== 'ENOTDIR') throw localError(error, `check ${outfile}`);
			// A ranged archive with every range in its .part (killed before it was renamed): finished, not retrieved.
			const ranged = this.context.journal.state.ranged.get(plan.index[position]);
			if (!ranged || ranged.done < plan.sizes[position]) return false;
			await this.assemble(position, outfile);
			return true;
		}

		if (!info.isFile()) {
			await this.context.failFinal(position, 'local', `${inert(outfile)} exists and is not a regular file (${info.isSymbolicLink() ? 'a symbolic link' : 'a folder or device'}): move it away and run again`);
			return true;
		}

		const size = plan.sizes[position];
		let hash: string | undefined;
		if (info.size === size) {
			hash = (await treeHashFile(outfile, {bufferSize: Math.min(8 * MiB, Math.max(64 * 1024, 2 ** Math.ceil(Math.log2(size + 1)))), threads: 1}).catch(() => undefined))?.hash;
		}

		if (hash !== plan.hashes[position]) {
			await this.context.failFinal(position, 'local', `${inert(outfile)} already exists and is not this archive (${info.size === size ? 'its tree hash differs' : `${info.size} bytes, not ${size}`}): move it away and run again`);
			return true;
		}

		await this.finishVerified(position, outfile);
		return true;
	}

	/**
	 * A verified range into its place in the archive's .part (fsynced, then
	 * journaled); the range file goes; after the last range the whole is
	 * checked and renamed, else the archive goes back for its next range.
	 */
	private async placeRange(position: number, outfile: string, rangePath: string, range: [number, number], job: Job): Promise<void> {
		const {context} = this;
		const {plan, journal} = context;
		const i = plan.index[position];
		const part = partPath(outfile);
		// The first range starts a new .part: whatever is there is an earlier, abandoned try of this archive.
		if (range[0] === 0) await unlink(part).catch(() => undefined);
		let copied;
		try {
			copied = await copyRange(rangePath, part, range[0], range[0] === 0);
		} catch (error) {
			if (range[0] > 0 && (error as NodeJS.ErrnoException).code === 'ENOENT') {
				await unlink(rangePath).catch(() => undefined);
				await context.failFinal(position, 'local', `${inert(part)}, which held the first ${range[0]} bytes of this archive, is gone: run again with --retry-failed to retrieve it from the start`);
				return;
			}

			throw localError(error, `copy ${rangePath} into ${part}`);
		}

		const expected = job.SHA256TreeHash?.toLowerCase();
		if (copied.bytes !== range[1] - range[0] + 1 || (expected && copied.hash !== expected)) {
			await unlink(rangePath).catch(() => undefined);
			throw new ThawError(`bytes ${range[0]}-${range[1]} read back from ${inert(rangePath)} are not the range Glacier sent (${copied.bytes} bytes, tree hash ${copied.hash}${expected ? `, not ${expected}` : ''})`, ExitCode.verification);
		}

		failpoint('range-placed');
		await journal.append({t: 'range-done', i, start: range[0], end: range[1], treeHash: copied.hash, at: Date.now()}, {sync: true});
		await unlink(rangePath).catch(() => undefined);
		context.store.log('info', `archive ${i} (${plan.paths[position]}): bytes ${range[0]}-${range[1]} of ${plan.sizes[position]} verified and in place`);
		if (range[1] + 1 >= plan.sizes[position]) await this.assemble(position, outfile);
		else context.requeue(position);
	}

	/** Every range is in the .part: the whole against the inventory, then the rename (never over a file that is there). */
	private async assemble(position: number, outfile: string): Promise<void> {
		const {plan} = this.context;
		const part = partPath(outfile);
		const size = plan.sizes[position];
		const whole = await treeHashFile(part, {bufferSize: 8 * MiB, threads: 1}).catch((error: unknown) => {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
			throw localError(error, `read ${part}`);
		});
		if (!whole) {
			await this.context.failFinal(position, 'local', `${inert(part)}, which held every range of this archive, is gone: run again with --retry-failed to retrieve it from the start`);
			return;
		}

		if (whole.hash !== plan.hashes[position] || whole.bytes !== size) {
			await unlink(part).catch(() => undefined);
			await this.context.failFinal(position, 'verification', `the ranges put together (${whole.bytes} bytes) have the tree hash ${whole.hash}, not the inventory's ${plan.hashes[position]}: run again with --retry-failed to retrieve it again`);
			return;
		}

		if (await lstat(outfile).then(() => true, () => false)) {
			await this.context.failFinal(position, 'local', `${inert(outfile)} appeared while its ranges were retrieved: it is kept, and the verified archive stays in ${inert(part)}`);
			return;
		}

		await rename(part, outfile);
		await syncFolder(dirname(outfile));
		failpoint('after-rename');
		await this.finishVerified(position, outfile);
		this.downloaded++;
		this.lastEnd = Date.now();
	}

	private async finishVerified(position: number, outfile: string): Promise<void> {
		const {plan, journal} = this.context;
		const mtime = plan.mtimes[position];
		if (!Number.isNaN(mtime)) {
			await utimes(outfile, mtime / 1000, mtime / 1000).catch((error: unknown) => {
				this.context.store.log('warn', `could not set the modification time of ${outfile}: ${(error as Error).message}`);
			});
		}

		await journal.append({t: 'verified', i: plan.index[position], bytes: plan.sizes[position], at: Date.now()});
		this.attempts.delete(position);
		this.context.store.changed();
	}

	private async download(entry: Entry): Promise<void> {
		const {context} = this;
		const {plan, journal, options} = context;
		const {position} = entry;
		const i = plan.index[position];
		const state = journal.state.states[i];
		if (state === StateCode.verified || state === StateCode.failed) return;
		const job = entry.job;
		if (job.ArchiveSHA256TreeHash && job.ArchiveSHA256TreeHash.toLowerCase() !== plan.hashes[position]) {
			await context.failFinal(position, 'verification', `Glacier's ArchiveSHA256TreeHash ${inert(job.ArchiveSHA256TreeHash)} is not the inventory's ${plan.hashes[position]}: the vault and the inventory disagree about this archive`);
			return;
		}

		// A ranged archive: this job is its current range's (a job of a range done already is not downloaded again).
		const range = journal.state.ranged.get(i)?.current;
		if (journal.state.ranged.has(i) && !jobRetrieves(job, range, plan.sizes[position])) return;
		const length = range ? range[1] - range[0] + 1 : plan.sizes[position];
		let outfile: string;
		let final: string;
		let downloaded = false;
		try {
			final = await this.ensureParents(plan.paths[position]);
			if (await this.checkExisting(position)) return;
			// The engine's file: the archive, or the range to be copied into the archive's .part.
			outfile = range ? rangeFile(final) : final;
			// A partial download of an older job of this archive cannot be continued: its chunks are another job's.
			// (One chunk keeps no download journal: the engine replaces whatever .part it finds.)
			if (length > defaultChunkSize(length)) {
				const partial = await inspectPartial(outfile).catch(() => null);
				if (partial && partial.jobId !== job.JobId) await removePart(outfile);
			}

			// Killed after the range was downloaded and before it was in place: it is not fetched again.
			downloaded = range !== undefined && await rangeDownloaded(outfile, length, job.SHA256TreeHash);
		} catch (error) {
			await context.failFinal(position, 'local', error instanceof ThawError ? error.message : String(error));
			return;
		}

		await journal.append({t: 'downloading', i, jobId: job.JobId, at: Date.now()});
		this.firstStart ||= Date.now();
		const whole = `0-${plan.sizes[position] - 1}`;
		const engineJob: Job = {
			...job,
			// The inventory's hash is what the whole must match, also when Glacier left a field out.
			ArchiveSHA256TreeHash: job.ArchiveSHA256TreeHash ?? plan.hashes[position],
			...(job.SHA256TreeHash || (job.RetrievalByteRange && job.RetrievalByteRange !== whole) ? {} : {SHA256TreeHash: plan.hashes[position]}),
		};
		context.throughput.begin(Date.now());
		let counted = false;
		try {
			if (downloaded) {
				context.throughput.end(Date.now());
				counted = true;
				await this.placeRange(position, final, outfile, range!, job);
				return;
			}

			const download = startDownload({
				pool: this.pool,
				vaultName: plan.header.vaultName,
				jobId: job.JobId,
				outfile,
				job: engineJob,
				concurrency: this.perArchive,
				overwrite: false,
				// The shard's lock covers every file of the shard, and the journal records the download:
				// no lock file per archive, and one chunk is one open, write, fsync and rename.
				lock: false,
				owned: true,
				notifyMs: 1000,
				signal: context.signal,
				...(options.retryBaseMs === undefined ? {} : {retryBaseMs: options.retryBaseMs}),
				...(options.retryCapMs === undefined ? {} : {retryCapMs: options.retryCapMs}),
				...(options.readTimeoutMs === undefined ? {} : {readTimeoutMs: options.readTimeoutMs}),
			});
			// Crash tests: killed with every byte in the .part, before the engine's fsync and rename.
			if (armed('before-rename')) {
				download.store.subscribe(() => {
					if (download.store.getSnapshot().phase === 'verifying') failpoint('before-rename');
				});
			}

			this.engines.set(position, download);
			context.store.trackDownload({index: i, path: plan.paths[position], store: download.store});
			if (context.paused()) download.pause();
			const result = await download.done.finally(() => {
				this.engines.delete(position);
				context.store.untrackDownload(i);
			});
			context.throughput.add(result.snapshot.total);
			context.throughput.end(Date.now());
			counted = true;
			if (range) {
				await this.placeRange(position, final, outfile, range, job);
				return;
			}

			failpoint('after-rename');
			if (result.verdict.computed !== plan.hashes[position]) {
				// Cannot happen (the engine checked the same hash before renaming); never keep wrong bytes under the final name.
				await unlink(outfile).catch(() => undefined);
				throw new ThawError(`the downloaded bytes' tree hash ${result.verdict.computed ?? '?'} is not the inventory's`, ExitCode.verification);
			}

			await this.finishVerified(position, outfile);
			this.downloaded++;
			this.lastEnd = Date.now();
		} catch (error) {
			if (!counted) context.throughput.end(Date.now());
			if (context.signal.aborted) return;
			await this.failed(entry, outfile, error);
		}
	}

	private async failed(entry: Entry, outfile: string, error: unknown): Promise<void> {
		const {context} = this;
		const {position} = entry;
		const i = context.plan.index[position];
		const thawError = error instanceof ThawError ? error : new ThawError(String((error as Error)?.message ?? error), ExitCode.unexpected, {cause: error});
		const attempts = this.attempts.get(position) ?? {verify: 0, service: 0};
		this.attempts.set(position, attempts);
		const message = thawError.message;
		switch (thawError.exitCode) {
			case ExitCode.job: {
				// Expired, failed or not found: the job is gone. Its partial bytes are another job's now.
				await removePart(outfile);
				await context.reinitiate(position, `the job is gone before its output was read: ${message}`);
				return;
			}

			case ExitCode.verification: {
				await removePart(outfile);
				attempts.verify++;
				if (attempts.verify >= VERIFY_ATTEMPTS) {
					await context.failFinal(position, 'verification', `${message} (${attempts.verify} whole downloads)`);
					return;
				}

				await context.journal.append({t: 'failed', i, reason: `verification: ${message}`, final: false, at: Date.now()});
				break;
			}

			case ExitCode.local: {
				const code = ((thawError.cause as NodeJS.ErrnoException | undefined)?.code) ?? '';
				if (code !== 'ENOSPC' && code !== 'EDQUOT' && !/disk is full|quota/.test(message)) {
					await context.failFinal(position, 'local', message);
					return;
				}

				context.store.log('warn', `${message}: waiting before trying again`);
				await context.journal.append({t: 'failed', i, reason: `local: ${message}`, final: false, at: Date.now()});
				break;
			}

			default: {
				attempts.service++;
				if (attempts.service >= SERVICE_ATTEMPTS) {
					await context.failFinal(position, 'service', `${message} (${attempts.service} tries)`);
					return;
				}

				await context.journal.append({t: 'failed', i, reason: `service: ${message}`, final: false, at: Date.now()});
				break;
			}
		}

		// Try again later (the journal says ready again): after a pause, from the queue.
		const delay = Math.min(context.pollMs, 1000 * (2 ** (attempts.verify + attempts.service)));
		setTimeout(() => {
			if (context.signal.aborted) return;
			this.add(position, entry.job);
			context.wake();
		}, delay).unref();
	}
}

/** A range file left complete by a run killed before it was copied: its size and the job's tree hash say so. */
async function rangeDownloaded(path: string, length: number, jobHash: string | undefined): Promise<boolean> {
	if (!jobHash) return false;
	const info = await lstat(path).catch(() => undefined);
	if (!info?.isFile() || info.size !== length) return false;
	const hash = (await treeHashFile(path, {bufferSize: 8 * MiB, threads: 1}).catch(() => undefined))?.hash;
	return hash === jobHash.toLowerCase();
}

/** fsync a folder, so a rename in it is durable (where a folder can be opened and fsynced). */
async function syncFolder(dir: string): Promise<void> {
	const handle = await open(dir, 'r').catch(() => undefined);
	await handle?.sync().catch(() => undefined);
	await handle?.close().catch(() => undefined);
}

async function removePart(outfile: string): Promise<void> {
	await unlink(partPath(outfile)).catch(() => undefined);
	await unlink(journalPath(outfile)).catch(() => undefined);
}

function localError(error: unknown, what: string): ThawError {
	if (error instanceof ThawError) return error;
	const code = (error as NodeJS.ErrnoException)?.code ?? '';
	return new ThawError(`cannot ${inert(what)}: ${code || (error as Error)?.message || String(error)}`, ExitCode.local, {cause: error});
}
