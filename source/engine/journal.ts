/**
 * The resume journal that sits beside a download's `.part` file.
 *
 * Append-only text, one record per line. Every line carries its own checksum
 * (`<json>\t<first 16 hex digits of SHA-256(json)>`), so a line torn by a kill
 * at any moment, or damaged on disk, is recognised and ignored. The first
 * valid line is the header (what is being downloaded); then one line per
 * verified chunk with its tree hash, and optionally the response headers seen
 * (so a fully resumed download can still report them).
 *
 * A chunk stopped mid-way (pause, quit, Ctrl-C, a lost terminal) leaves a
 * `leaves` line: the SHA-256 of each of its first whole 1 MiB leaves in the
 * .part, written only after the .part was fsynced, and the tree hash Glacier
 * sent for the whole chunk (when it did), which the finished chunk, kept
 * leaves and rest together, must match. A later `chunk` line for the same
 * index supersedes it, and a `leaves` line with none drops it.
 *
 * The journal is a hint, never proof: a resumed chunk is hashed again from the
 * .part and compared with the journaled hash before it is trusted, and so is
 * each kept leaf.
 */
import {createHash} from 'node:crypto';
import {constants} from 'node:fs';
import {open, readFile, unlink, type FileHandle} from 'node:fs/promises';

export const JOURNAL_VERSION = 1;

export type JournalHeader = {
	type: 'thaw-download';
	version: number;
	vaultName: string;
	jobId: string;
	/** Size of the job's whole output. */
	outputSize: number;
	/** Bytes downloaded: the --range, or the whole output (inclusive ends, output coordinates). */
	start: number;
	end: number;
	/** Bytes to download (end - start + 1). */
	total: number;
	chunkSize: number;
	/** Tree hash the finished bytes must have, when known (hex). */
	expectedTreeHash?: string;
	createdAt: string;
};

export type JournalChunk = {type: 'chunk'; index: number; start: number; end: number; treeHash: string};
/** A stopped chunk's whole leaves kept in the .part: `leaves` is their SHA-256 digests, hex, one after another. */
export type JournalLeaves = {type: 'leaves'; index: number; start: number; end: number; leaves: string; chunkHash?: string};
export type JournalMeta = {type: 'meta'; contentType?: string; acceptRanges?: string; archiveDescription?: string};
export type JournalRecord = JournalHeader | JournalChunk | JournalLeaves | JournalMeta;

export type JournalContents = {
	header: JournalHeader;
	/** Verified chunks by index (the last line wins for an index written twice). */
	chunks: Map<number, JournalChunk>;
	/** Kept leaves of chunks stopped mid-way, by index (the last line wins; none for a chunk journaled whole since). */
	leaves: Map<number, JournalLeaves>;
	meta?: JournalMeta;
	/** Lines that failed their checksum or did not parse (a torn last line, damage). */
	badLines: number;
};

function lineChecksum(json: string): string {
	return createHash('sha256').update(json).digest('hex').slice(0, 16);
}

/** One self-validating journal line, newline included. */
export function encodeJournalLine(record: JournalRecord): string {
	const json = JSON.stringify(record);
	return `${json}\t${lineChecksum(json)}\n`;
}

/** The record of one line, or null when the line is torn, damaged or not a record. */
export function decodeJournalLine(line: string): JournalRecord | null {
	const tab = line.lastIndexOf('\t');
	if (tab === -1) return null;
	const json = line.slice(0, tab);
	if (line.slice(tab + 1) !== lineChecksum(json)) return null;
	try {
		const record = JSON.parse(json) as JournalRecord;
		return record && typeof record === 'object' && typeof record.type === 'string' ? record : null;
	} catch {
		return null;
	}
}

function isHeader(record: JournalRecord): record is JournalHeader {
	return record.type === 'thaw-download'
		&& typeof record.vaultName === 'string' && typeof record.jobId === 'string'
		&& Number.isSafeInteger(record.total) && Number.isSafeInteger(record.chunkSize)
		&& Number.isSafeInteger(record.start) && Number.isSafeInteger(record.end) && Number.isSafeInteger(record.outputSize);
}

function isChunk(record: JournalRecord): record is JournalChunk {
	return record.type === 'chunk' && Number.isSafeInteger(record.index) && record.index >= 0
		&& Number.isSafeInteger(record.start) && Number.isSafeInteger(record.end)
		&& typeof record.treeHash === 'string' && /^[\da-f]{64}$/.test(record.treeHash);
}

function isLeaves(record: JournalRecord): record is JournalLeaves {
	return record.type === 'leaves' && Number.isSafeInteger(record.index) && record.index >= 0
		&& Number.isSafeInteger(record.start) && Number.isSafeInteger(record.end)
		&& typeof record.leaves === 'string' && /^(?:[\da-f]{64})*$/.test(record.leaves)
		&& (record.chunkHash === undefined || (typeof record.chunkHash === 'string' && /^[\da-f]{64}$/.test(record.chunkHash)));
}

/** Parse a journal's text. Null when there is no valid header line. */
export function parseJournal(text: string): JournalContents | null {
	let header: JournalHeader | undefined;
	const chunks = new Map<number, JournalChunk>();
	const leaves = new Map<number, JournalLeaves>();
	let meta: JournalMeta | undefined;
	let badLines = 0;
	const lines = text.split('\n');
	// A complete file ends with '\n', so the last element is '' ; anything else there is a torn line.
	for (const [n, line] of lines.entries()) {
		if (line === '' && n === lines.length - 1) continue;
		const record = decodeJournalLine(line);
		if (!record) {
			badLines++;
			continue;
		}

		if (!header) {
			if (isHeader(record)) header = record;
			else badLines++;
			continue;
		}

		if (isChunk(record)) {
			chunks.set(record.index, record);
			leaves.delete(record.index);
		} else if (isLeaves(record)) {
			if (record.leaves === '') leaves.delete(record.index);
			else leaves.set(record.index, record);
		} else if (record.type === 'meta') meta = record;
		else badLines++;
	}

	return header ? {header, chunks, leaves, meta, badLines} : null;
}

/** Read and parse a journal file; null when it does not exist or holds no valid header. */
export async function readJournal(path: string): Promise<JournalContents | null> {
	let text: string;
	try {
		text = await readFile(path, 'utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
		throw error;
	}

	return parseJournal(text);
}

/** An open journal that lines are appended to, each with one write() call. */
export class JournalWriter {
	private constructor(private readonly handle: FileHandle) {}

	/**
	 * Start a new journal (replacing any old one) with its header line, made
	 * durable unless `sync: false` (a one-chunk download has nothing to resume
	 * that an fsync would save).
	 */
	static async create(path: string, header: JournalHeader, {sync = true}: {sync?: boolean} = {}): Promise<JournalWriter> {
		// Never through a link, never into a file that is there: an old journal (or a link planted
		// in its place) is removed, not followed or truncated.
		await unlink(path).catch((error: NodeJS.ErrnoException) => {
			if (error.code !== 'ENOENT') throw error;
		});
		const handle = await open(path, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | constants.O_NOFOLLOW, 0o644);
		const writer = new JournalWriter(handle);
		await writer.append(header);
		if (sync) await handle.sync();
		return writer;
	}

	/** Continue an existing journal. A torn last line is first closed with a newline so the next record starts clean. */
	static async append(path: string): Promise<JournalWriter> {
		const handle = await open(path, constants.O_RDWR | constants.O_APPEND | constants.O_NOFOLLOW);
		const {size} = await handle.stat();
		if (size > 0) {
			const last = Buffer.alloc(1);
			await handle.read(last, 0, 1, size - 1);
			if (last[0] !== 0x0A) await handle.write('\n');
		}

		return new JournalWriter(handle);
	}

	async append(record: JournalRecord): Promise<void> {
		await this.handle.write(encodeJournalLine(record));
	}

	/** Make what is appended so far durable. */
	async sync(): Promise<void> {
		await this.handle.sync();
	}

	async close(): Promise<void> {
		await this.handle.close();
	}
}

/** Which header fields differ, in words, for the "journal belongs to another download" error. */
export function describeHeaderDifference(found: JournalHeader, wanted: Pick<JournalHeader, 'vaultName' | 'jobId' | 'outputSize' | 'start' | 'end' | 'chunkSize'>): string[] {
	const differences: string[] = [];
	if (found.vaultName !== wanted.vaultName) differences.push(`vault '${found.vaultName}', not '${wanted.vaultName}'`);
	if (found.jobId !== wanted.jobId) differences.push(`job ${found.jobId.slice(0, 16)}…, not ${wanted.jobId.slice(0, 16)}…`);
	if (found.outputSize !== wanted.outputSize) differences.push(`an output of ${found.outputSize} bytes, not ${wanted.outputSize}`);
	if (found.start !== wanted.start || found.end !== wanted.end) differences.push(`bytes ${found.start}-${found.end}, not ${wanted.start}-${wanted.end}`);
	if (found.chunkSize !== wanted.chunkSize) differences.push(`${found.chunkSize / (1024 * 1024)} MiB chunks, not ${wanted.chunkSize / (1024 * 1024)} MiB (pass --chunk-size ${found.chunkSize / (1024 * 1024)} to continue it)`);
	return differences;
}
