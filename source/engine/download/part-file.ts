/**
 * The files of one download on disk: `<outfile>.part` (the bytes, written at
 * their offsets) and `<outfile>.part.journal` (what is verified so far), and
 * the last step that fsyncs the .part and renames it to its final name.
 */
import {createHash} from 'node:crypto';
import {lstat, open, rename, stat, unlink, type FileHandle} from 'node:fs/promises';
import {constants, type Stats} from 'node:fs';
import {ExitCode, ThawError} from '../../errors.js';
import {inert} from '../../inert.js';
import {scrub} from '../../glacier/errors.js';
import {describeHeaderDifference, JOURNAL_VERSION, JournalWriter, readJournal, type JournalChunk, type JournalContents, type JournalHeader, type JournalRecord} from '../journal.js';
import type {DownloadPlan} from '../job-plan.js';
import type {Chunk} from '../ranges.js';
import {LEAF_SIZE, MiB, TreeHasher} from '../tree-hash.js';
import {groupSync, syncDirectory, type SyncState} from './durable.js';

export function partPath(outfile: string): string {
	return `${outfile}.part`;
}

export function journalPath(outfile: string): string {
	return `${outfile}.part.journal`;
}

/** The lock a download holds for its life, beside the .part. */
export function lockPath(outfile: string): string {
	return `${outfile}.part.lock`;
}

/** What the lock says while a download runs ("x.tar is being downloaded"). */
export function lockWhat(outfile: string): string {
	return `${outfile} is being downloaded`;
}

export type PartialInfo = {vaultName: string; jobId: string; total: number; chunkSize: number; verifiedChunks: number; totalChunks: number; verifiedBytes: number};

/** What a journal says about a partial download, for "resume?" prompts; null when there is none. */
export async function inspectPartial(outfile: string): Promise<PartialInfo | null> {
	const journal = await readJournal(journalPath(outfile)).catch(() => null);
	if (!journal) return null;
	const {header} = journal;
	const totalChunks = header.total === 0 ? 0 : Math.ceil(header.total / header.chunkSize);
	let verifiedBytes = 0;
	let verifiedChunks = 0;
	for (const chunk of journal.chunks.values()) {
		if (chunk.index >= totalChunks) continue;
		verifiedChunks++;
		verifiedBytes += chunk.end - chunk.start + 1;
	}

	return {vaultName: header.vaultName, jobId: header.jobId, total: header.total, chunkSize: header.chunkSize, verifiedChunks, totalChunks, verifiedBytes};
}

/** The journal beside the .part, or null when there is none (exit 6 when it cannot be read). */
export async function readJournalOf(outfile: string): Promise<JournalContents | null> {
	const journalFile = journalPath(outfile);
	return readJournal(journalFile).catch(error => {
		throw localError(error, `read the journal ${journalFile}`);
	});
}

/** The first line of a new journal: what is being downloaded, so a later run knows whether it may continue. */
export function journalHeaderFor(plan: DownloadPlan, job: {vaultName: string; jobId: string; outputSize: number}): JournalHeader {
	return {
		type: 'thaw-download',
		version: JOURNAL_VERSION,
		vaultName: job.vaultName,
		jobId: job.jobId,
		outputSize: job.outputSize,
		start: plan.start,
		end: Math.max(plan.end, plan.start - 1),
		total: plan.total,
		chunkSize: plan.chunkSize,
		...(plan.expectedTreeHash ? {expectedTreeHash: plan.expectedTreeHash} : {}),
		createdAt: new Date().toISOString(),
	};
}

/** Exit 6 when the journal found beside the .part is another download's. */
export function checkJournalMatches(outfile: string, found: JournalHeader, wanted: JournalHeader): void {
	const differences = describeHeaderDifference(found, wanted);
	if (differences.length > 0) {
		throw new ThawError(`${journalPath(outfile)} belongs to a different download (${inert(differences.join('; '))}): to start over, delete ${partPath(outfile)} and ${journalPath(outfile)}`, ExitCode.local);
	}
}

/** The final name must be free (or replaceable) before anything is written. */
export async function checkOutfile(outfile: string, overwrite: boolean | undefined): Promise<void> {
	let info;
	try {
		info = await stat(outfile);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
		throw localError(error, `check ${outfile}`);
	}

	if (info.isDirectory()) throw new ThawError(`${inert(outfile)} is a directory: give a file name to write the output to`, ExitCode.local);
	if (!overwrite) throw checkOutfileError(outfile);
}

export function checkOutfileError(outfile: string): ThawError {
	return new ThawError(`${inert(outfile)} already exists: pass --overwrite to replace it, or choose another file name`, ExitCode.local);
}

/**
 * The state a kill between the final rename and the journal's removal
 * leaves: no .part, the final file (a regular file of the planned size), and
 * a journal of this same download listing every chunk. Its chunks are then
 * hashed again from the final file before anything is trusted.
 */
export async function finishedEarlier(outfile: string, journal: JournalContents, wanted: JournalHeader, chunks: readonly Chunk[]): Promise<boolean> {
	if (describeHeaderDifference(journal.header, wanted).length > 0) return false;
	if (!chunks.every(chunk => journal.chunks.get(chunk.index)?.start === chunk.start && journal.chunks.get(chunk.index)?.end === chunk.end)) return false;
	if (await exists(partPath(outfile))) return false;
	const info = await lstat(outfile).catch(() => undefined);
	return info !== undefined && info.isFile() && info.size === wanted.total;
}

export async function exists(path: string): Promise<boolean> {
	try {
		await stat(path);
		return true;
	} catch {
		return false;
	}
}

/** The open .part and journal of one download. */
export class PartFile {
	readonly part: string;
	readonly journalFile: string;
	private handle: FileHandle | undefined;
	private journal: JournalWriter | undefined;
	/** The bytes are already under the final name: commit only removes the journal. */
	private finished = false;
	/** Group commit of the fsyncs (durable(), recordDurably()): the one running and the one next, of each file. */
	private readonly syncs: SyncState = {};

	private constructor(readonly outfile: string, handle: FileHandle, journal: JournalWriter | undefined) {
		this.part = partPath(outfile);
		this.journalFile = journalPath(outfile);
		this.handle = handle;
		this.journal = journal;
	}

	/** The final file of a download finished but for removing its journal (see finishedEarlier), to re-check and clean up. */
	static async openFinished(outfile: string): Promise<PartFile> {
		try {
			const handle = await open(outfile, constants.O_RDONLY | constants.O_NOFOLLOW);
			const files = new PartFile(outfile, handle, undefined);
			files.finished = true;
			return files;
		} catch (error) {
			throw localError(error, `open ${outfile}`);
		}
	}

	/**
	 * Open (resuming) or create the .part at `total` bytes, and its journal.
	 * Never through a symlink (O_NOFOLLOW, O_EXCL): a link planted as the
	 * .part or its journal is refused (or, with `overwrite`, removed, never
	 * followed). A .part that thaw did not make (no journal of ours beside it,
	 * a browser's x.tar.part) is not truncated unless `overwrite` says so. The
	 * journal is made first: a kill between the two leaves a journal without
	 * a .part (starts over), never a .part without a journal.
	 */
	static async open(outfile: string, {resuming, total, header, ours, overwrite, journal: keepJournal = true}: {resuming: boolean; total: number; header: JournalHeader; ours: boolean; overwrite?: boolean; journal?: boolean}): Promise<PartFile> {
		const part = partPath(outfile);
		const journalFile = journalPath(outfile);
		let handle: FileHandle | undefined;
		try {
			let journal: JournalWriter | undefined;
			if (!keepJournal) {
				// One chunk of a download its caller journals (DownloadOptions.owned): no journal; a leftover
				// .part (the caller's) is removed only when one is there, so the usual case is one open.
				handle = await openNew(part).catch(async (error: unknown) => {
					if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
					await clearPart(outfile, ours, overwrite);
					// A journal of an earlier download of this name would outlive the file: it goes too.
					await unlink(journalFile).catch((error_: NodeJS.ErrnoException) => {
						if (error_.code !== 'ENOENT') throw error_;
					});
					return openNew(part);
				});
			} else if (resuming) {
				handle = await open(part, constants.O_RDWR | constants.O_NOFOLLOW);
				const {size} = await handle.stat();
				if (size !== total) await handle.truncate(total);
				journal = await JournalWriter.append(journalFile);
			} else {
				await clearPart(outfile, ours, overwrite);
				// One chunk: a torn header costs one chunk again, so no fsync (small files by the thousand, a restore).
				journal = await JournalWriter.create(journalFile, header, {sync: total > header.chunkSize});
				handle = await openNew(part);
				// A new file of one chunk is filled by its one write; others are sized now (sparse), so chunks land at their offsets.
				if (total > header.chunkSize) await handle.truncate(total);
			}

			return new PartFile(outfile, handle!, journal);
		} catch (error) {
			await handle?.close().catch(() => undefined);
			if ((error as NodeJS.ErrnoException).code === 'ELOOP') {
				const link = (await lstat(journalFile).catch(() => undefined))?.isSymbolicLink() ? journalFile : part;
				throw new ThawError(`${inert(link)} is a symbolic link: thaw never writes through one; remove it (or pass --overwrite), then run again`, ExitCode.local, {cause: error});
			}

			throw localError(error, `create ${part}`);
		}
	}

	/** A journal is kept beside the .part (not for one chunk its owner journals). */
	get journaled(): boolean {
		return this.journal !== undefined;
	}

	/** The open .part's descriptor (hashing threads write leaves through it; see leaf-hasher.ts). */
	get fd(): number {
		return this.handle!.fd;
	}

	/** A failed write to the .part as the exit-6 ThawError. */
	writeError(error: unknown): ThawError {
		return localError(error, `write ${this.part}`);
	}

	/** Write bytes at their offset in the .part (exit-6 ThawError on failure). */
	async writeAt(data: Buffer, at: number): Promise<void> {
		try {
			await this.handle!.write(data, 0, data.length, at);
		} catch (error) {
			throw localError(error, `write ${this.part}`);
		}
	}

	/** Tree hash of `length` bytes at `position` as they are in the .part now; undefined when the file is shorter. */
	async hashRange(position: number, length: number, buffer: Buffer = Buffer.allocUnsafe(4 * MiB)): Promise<string | undefined> {
		const hasher = new TreeHasher();
		let left = length;
		let at = position;
		while (left > 0) {
			 
			const {bytesRead} = await this.handle!.read(buffer, 0, Math.min(buffer.length, left), at);
			if (bytesRead === 0) break;
			hasher.update(buffer.subarray(0, bytesRead));
			at += bytesRead;
			left -= bytesRead;
		}

		return left === 0 ? hasher.hex() : undefined;
	}

	/**
	 * Hash again, from the .part, every chunk a journal says is verified: a
	 * journal is a hint, never proof. `checked` gets the hash when it matches
	 * the journaled one, else undefined (fetched again).
	 */
	async rehashJournaled(chunks: readonly Chunk[], journaled: Map<number, JournalChunk>, start: number, report: {checking(index: number): void; checked(chunk: Chunk, hash: string | undefined): void}): Promise<{adopted: number; rejected: number}> {
		let adopted = 0;
		let rejected = 0;
		const buffer = Buffer.allocUnsafe(4 * MiB);
		for (const chunk of chunks) {
			const entry = journaled.get(chunk.index);
			if (!entry || entry.start !== chunk.start || entry.end !== chunk.end) continue;
			report.checking(chunk.index);
			 
			const hash = await this.hashRange(chunk.start - start, chunk.end - chunk.start + 1, buffer);
			if (hash !== undefined && hash === entry.treeHash) {
				adopted++;
				report.checked(chunk, hash);
			} else {
				rejected++;
				report.checked(chunk, undefined);
			}
		}

		return {adopted, rejected};
	}

	/**
	 * fsync the .part: every write done before this call is on disk when it
	 * resolves. Chunks stopped together (a pause stops them all) share fsyncs:
	 * a call while one runs waits for the one next fsync, which covers it.
	 */
	async durable(): Promise<void> {
		if (!this.handle) return;
		try {
			await groupSync(this.syncs, 'data', async () => this.handle?.sync());
		} catch (error) {
			throw localError(error, `write ${this.part}`);
		}
	}

	/** Append a record and fsync the journal (after durable(): the data it vouches for is on disk first). */
	async recordDurably(record: JournalRecord): Promise<void> {
		if (!this.journal) return;
		await this.record(record);
		try {
			await groupSync(this.syncs, 'journal', async () => this.journal?.sync());
		} catch (error) {
			throw localError(error, `write ${this.journalFile}`);
		}
	}

	/**
	 * How many of a chunk's first leaves (1 MiB each from `position` in the
	 * .part) still have the SHA-256 digests given (hex, one after another):
	 * kept leaves are trusted only as far as their bytes are there.
	 */
	async matchingLeaves(position: number, digests: string, buffer: Buffer = Buffer.allocUnsafe(LEAF_SIZE)): Promise<Buffer[]> {
		const matched: Buffer[] = [];
		for (let leaf = 0; leaf * 64 < digests.length; leaf++) {
			const read = buffer.subarray(0, LEAF_SIZE);
			let filled = 0;
			while (filled < LEAF_SIZE) {
				const {bytesRead} = await this.handle!.read(read, filled, LEAF_SIZE - filled, position + (leaf * LEAF_SIZE) + filled);
				if (bytesRead === 0) break;
				filled += bytesRead;
			}

			if (filled < LEAF_SIZE) break;
			const digest = createHash('sha256').update(read).digest();
			if (digest.toString('hex') !== digests.slice(leaf * 64, (leaf + 1) * 64)) break;
			matched.push(digest);
		}

		return matched;
	}

	async record(record: JournalRecord): Promise<void> {
		if (!this.journal) return;
		try {
			await this.journal!.append(record);
		} catch (error) {
			throw localError(error, `write ${this.journalFile}`);
		}
	}

	async size(): Promise<number> {
		return (await this.handle!.stat()).size;
	}

	/** The open file's stat (its size before commit; commit takes it back, so the file is stat'ed once). */
	async stat(): Promise<Stats> {
		return this.handle!.stat();
	}

	/** fsync the .part, rename it to the final name, drop the journal, fsync the folder. `mine`: stat() of the open file, when just taken. */
	async commit(mine?: Stats): Promise<void> {
		// Only the file thaw made goes into place: not a link, not a file swapped in meanwhile.
		if (!this.finished) await this.checkStillOurs(mine);
		if (this.finished) {
			await this.close();
			await unlink(this.journalFile).catch(() => undefined);
			await syncDirectory(this.outfile);
			return;
		}

		try {
			await this.handle!.sync();
			await this.handle!.close();
			this.handle = undefined;
			const journal = this.journal;
			this.journal = undefined;
			await journal?.close();
			await rename(this.part, this.outfile);
			if (journal) await unlink(this.journalFile).catch(() => undefined);
			await syncDirectory(this.outfile);
		} catch (error) {
			throw localError(error, `move ${this.part} to ${this.outfile}`);
		}
	}

	private async checkStillOurs(stat?: Stats): Promise<void> {
		const [mine, there] = await Promise.all([stat ?? this.handle!.stat(), lstat(this.part).catch(() => undefined)]);
		if (!there || !there.isFile() || there.ino !== mine.ino || there.dev !== mine.dev) {
			throw new ThawError(`${inert(this.part)} was replaced while downloading (${there?.isSymbolicLink() ? 'by a symbolic link' : there ? 'by another file' : 'it is gone'}): nothing was moved to ${inert(this.outfile)}; run again to download afresh`, ExitCode.local);
		}
	}

	/** Close both files, keeping them on disk (to resume later). */
	async close(): Promise<void> {
		const {handle, journal} = this;
		this.handle = undefined;
		this.journal = undefined;
		await handle?.close().catch(() => undefined);
		await journal?.close().catch(() => undefined);
	}
}

/** Create the .part: never through a link, never into a file that is there. */
async function openNew(part: string): Promise<FileHandle> {
	return open(part, constants.O_CREAT | constants.O_EXCL | constants.O_RDWR | constants.O_NOFOLLOW, 0o644);
}

/**
 * Make room for a new .part. One of ours (a journal of ours beside it, or
 * --no-resume of a download we journaled) is removed; a symlink is removed
 * only with `overwrite` (never followed either way); anything else is
 * another program's file, kept unless `overwrite`.
 */
async function clearPart(outfile: string, ours: boolean, overwrite: boolean | undefined): Promise<void> {
	const part = partPath(outfile);
	const info = await lstat(part).catch(() => undefined);
	if (!info) return;
	if (info.isDirectory()) throw new ThawError(`${inert(part)} is a directory: remove it or choose another file name`, ExitCode.local);
	if (!overwrite && info.isSymbolicLink()) {
		throw new ThawError(`${inert(part)} is a symbolic link: thaw never writes through one; remove it (or pass --overwrite), then run again`, ExitCode.local);
	}

	if (!overwrite && !ours) {
		throw new ThawError(`${inert(part)} exists but no thaw journal is beside it, so it is not a download thaw can continue (another program's partial file?): move it away, or pass --overwrite to replace it`, ExitCode.local);
	}

	await unlink(part);
}

const localHints: Record<string, string> = {
	ENOSPC: 'the disk is full: free some space, then run the same command again to continue',
	EDQUOT: 'the disk quota is exceeded: free some space, then run the same command again to continue',
	EACCES: 'permission denied: choose a folder you can write to',
	EPERM: 'permission denied: choose a folder you can write to',
	ENOENT: 'the folder does not exist: create it or choose another path',
	EROFS: 'the file system is read-only: choose another folder',
	EISDIR: 'that is a directory: give a file name',
	ENOTDIR: 'part of the path is not a directory',
};

/** A local file problem as one exit-6 line. */
export function localError(error: unknown, what: string): ThawError {
	if (error instanceof ThawError) return error;
	const code = (error as NodeJS.ErrnoException)?.code ?? '';
	const hint = localHints[code] ?? scrub((error as Error)?.message ?? String(error));
	return new ThawError(`cannot ${inert(what)}: ${hint}${code && !localHints[code] ? '' : code ? ` (${code})` : ''}`, ExitCode.local, {cause: error});
}
