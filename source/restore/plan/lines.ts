/**
 * archives.jsonl and decisions.jsonl, written as bytes. archives.jsonl has
 * one line per planned archive,
 *   ["<id>",<size>,"<tree hash>",<path as JSON>,<mtime ms>|null,"<creation date>"]
 * decisions.jsonl one JSON object per decision (build.ts's Decision), each
 * exactly as JSON.stringify would write it (a path or an unusual date text
 * that needs escaping goes through it), assembled in a buffer that is
 * written while the next one fills: no string or object per line.
 */
import {createHash, type Hash} from 'node:crypto';
import type {FileHandle} from 'node:fs/promises';
import {maxPackedLength} from '../../inventory/id-column.js';
import type {InventoryStore} from '../../inventory/store.js';
import {Named} from './fast-name.js';
import {DecisionKind, type PlanResult} from './build.js';

const chunkBytes = 1 << 20;
/** The two hex digits of every byte value, at 2v and 2v + 1. */
const hexPairs = Buffer.from(Array.from({length: 256}, (_, v) => v.toString(16).padStart(2, '0')).join(''), 'latin1');

/** Buffers filled in turn; each written while the other fills (one write in flight). */
class ChunkedFile {
	private buffer = Buffer.allocUnsafe(chunkBytes * 2);
	private spare = Buffer.allocUnsafe(chunkBytes * 2);
	used = 0;
	/** Bytes handed to the file so far. */
	written = 0;
	private pending: Promise<unknown> | undefined;
	constructor(private readonly handle: FileHandle, private readonly hash: Hash | undefined) {}

	/** The buffer, when it has room for `bytes` more at `used` (else make room first: makeRoom()). */
	room(bytes: number): Buffer | undefined {
		return this.used + bytes <= this.buffer.length ? this.buffer : undefined;
	}

	async makeRoom(bytes: number): Promise<Buffer> {
		await this.flush();
		if (bytes > this.buffer.length) this.buffer = Buffer.allocUnsafe(bytes);
		return this.buffer;
	}

	async flush(): Promise<void> {
		await this.pending;
		this.pending = undefined;
		if (this.used === 0) return;
		const full = this.buffer.subarray(0, this.used);
		this.hash?.update(full);
		this.written += this.used;
		this.pending = this.handle.write(full);
		[this.buffer, this.spare] = [this.spare.length >= chunkBytes * 2 ? this.spare : Buffer.allocUnsafe(chunkBytes * 2), this.buffer];
		this.used = 0;
	}

	async close(): Promise<void> {
		await this.flush();
		await this.pending;
	}
}

/** A non-negative safe integer's digits at `at`; the position after them. */
function writeDigits(value: number, out: Buffer, at: number): number {
	if (value < 10) {
		out[at] = 48 + value;
		return at + 1;
	}

	let digits = 1;
	for (let v = value; v >= 10; v = Math.floor(v / 10)) digits++;
	let v = value;
	let i = at + digits - 1;
	for (; v > 0x7F_FF_FF_FF; i--) { // Doubles down to 31 bits, then integer arithmetic
		const q = Math.floor(v / 10);
		out[i] = 48 + (v - (q * 10));
		v = q;
	}

	for (let small = v | 0; i >= at; i--) {
		const q = (small / 10) | 0;
		out[i] = 48 + (small - (q * 10));
		small = q;
	}

	return at + digits;
}

/** A number as JavaScript writes it (String(value)). */
function writeNumber(value: number, out: Buffer, at: number): number {
	if (Number.isSafeInteger(value) && value >= 0) return writeDigits(value, out, at);
	return at + out.write(String(value), at, 'latin1');
}

function two(value: number, out: Buffer, at: number): void {
	const tens = (value / 10) | 0;
	out[at] = 48 + tens;
	out[at + 1] = 48 + (value - (tens * 10));
}

const dayMs = 86_400_000;
const year10000 = 253_402_300_800_000;

/**
 * The creation date as the old writer wrote it: toISOString(), without
 * '.000'. Years 1970..9999 with whole milliseconds by arithmetic (days to
 * civil dates, H. Hinnant's algorithm, in 32-bit integers: the day and the
 * millisecond of the day); the rest by Date.
 */
function writeDate(ms: number, out: Buffer, at: number): number {
	if (!(ms >= 0 && ms < year10000 && Number.isInteger(ms))) {
		const iso = new Date(ms).toISOString();
		return at + out.write(JSON.stringify(ms % 1000 === 0 ? `${iso.slice(0, -5)}Z` : iso), at, 'latin1');
	}

	const days = Math.floor(ms / dayMs);
	let rest = (ms - (days * dayMs)) | 0;
	const z = (days + 719_468) | 0;
	const era = (z / 146_097) | 0;
	const doe = z - (era * 146_097);
	const yoe = ((doe - ((doe / 1460) | 0) + ((doe / 36_524) | 0) - ((doe / 146_096) | 0)) / 365) | 0;
	const doy = doe - ((365 * yoe) + ((yoe / 4) | 0) - ((yoe / 100) | 0));
	const mp = (((5 * doy) + 2) / 153) | 0;
	const day = doy - ((((153 * mp) + 2) / 5) | 0) + 1;
	const month = mp < 10 ? mp + 3 : mp - 9;
	const year = yoe + (era * 400) + (month <= 2 ? 1 : 0);
	const seconds = (rest / 1000) | 0;
	const millis = rest - (seconds * 1000);
	rest = seconds;
	const minutes = (rest / 60) | 0;
	const second = rest - (minutes * 60);
	const hour = (minutes / 60) | 0;
	const minute = minutes - (hour * 60);
	const century = (year / 100) | 0;
	out[at] = 0x22;
	two(century, out, at + 1);
	two(year - (century * 100), out, at + 3);
	out[at + 5] = 0x2D;
	two(month, out, at + 6);
	out[at + 8] = 0x2D;
	two(day, out, at + 9);
	out[at + 11] = 0x54;
	two(hour, out, at + 12);
	out[at + 14] = 0x3A;
	two(minute, out, at + 15);
	out[at + 17] = 0x3A;
	two(second, out, at + 18);
	let o = at + 20;
	if (millis !== 0) {
		const hundreds = (millis / 100) | 0;
		out[o] = 0x2E;
		out[o + 1] = 48 + hundreds;
		two(millis - (hundreds * 100), out, o + 2);
		o += 4;
	}

	out[o] = 0x5A;
	out[o + 1] = 0x22;
	return o + 2;
}

/** What JSON.stringify would escape in these bytes: 0 nothing, 1 only '"' and '\\' (as \" and \\), 2 more (controls). */
function escaping(bytes: Uint8Array, start: number, end: number): number {
	let found = 0;
	for (let i = start; i < end; i++) {
		const b = bytes[i];
		if (b < 0x20) return 2;
		if (b === 0x22 || b === 0x5C) found = 1;
	}

	return found;
}

function needsEscaping(bytes: Uint8Array, start: number, end: number): boolean {
	return escaping(bytes, start, end) !== 0;
}

export type ArchiveLines = {offsets: Float64Array; sha256: string | undefined};

/** Write archives.jsonl for the plan into handle; offsets of every line (and the end); sha256 of the bytes when asked. */
export async function writeArchiveLines(handle: FileHandle, store: InventoryStore, plan: PlanResult, withHash: boolean): Promise<ArchiveLines> {
	const hash = withHash ? createHash('sha256') : undefined;
	const file = new ChunkedFile(handle, hash);
	const {rows, candidates, named, renamedTo} = plan;
	const {flags, mtimes} = named;
	const count = rows.length;
	const offsets = new Float64Array(plan.scratch, 0, count + 1);
	const {hashes, hashTexts, dateTexts} = store;
	for (let p = 0; p < count; p++) {
		const row = rows[p];
		const k = candidates[p];
		const renamed = renamedTo.size === 0 ? undefined : renamedTo.get(k); // (Map lookups cost; most of these maps are empty)
		let pathText: string | undefined;
		let pathStart = 0;
		let pathEnd = 0;
		let pathBuffer: Buffer | undefined;
		let pathEscapes = 0;
		if (renamed !== undefined || (flags[k] & Named.inText) !== 0) {
			pathText = JSON.stringify(renamed ?? named.text(k));
		} else {
			const at = named.locate(k);
			pathEscapes = escaping(at.buffer, at.start, at.end);
			if (pathEscapes === 2) {
				pathText = JSON.stringify(named.text(k));
			} else {
				pathBuffer = at.buffer;
				pathStart = at.start;
				pathEnd = at.end;
			}
		}

		const pathBytes = pathText === undefined ? (2 * (pathEnd - pathStart)) + 2 : Buffer.byteLength(pathText);
		const hashText = hashTexts.size === 0 ? undefined : hashTexts.get(row);
		const dateText = dateTexts.size === 0 ? undefined : dateTexts.get(row);
		const longest = maxPackedLength + 256 + pathBytes + (hashText === undefined ? 64 : Buffer.byteLength(hashText)) + (dateText === undefined ? 0 : (dateText.length * 6) + 2);
		const out = file.room(longest) ?? await file.makeRoom(longest); // (An await per line would cost more than the line)
		const lineStart = file.used;
		let o = lineStart;
		out[o++] = 0x5B; // [
		out[o++] = 0x22;
		const idLength = store.ids.copyText(row, out, o);
		o += idLength >= 0 ? idLength : out.write(store.archiveId(row), o, 'latin1');
		out[o++] = 0x22;
		out[o++] = 0x2C;
		o = writeNumber(store.sizes[row], out, o);
		out[o++] = 0x2C;
		out[o++] = 0x22;
		if (hashText === undefined) {
			const at = hashes.locate(row);
			const bytes = at.buffer;
			for (let b = at.start; b < at.start + 32; b++, o += 2) {
				const v = bytes[b] << 1;
				out[o] = hexPairs[v];
				out[o + 1] = hexPairs[v + 1];
			}
		} else {
			o += out.write(hashText, o, 'latin1');
		}

		out[o++] = 0x22;
		out[o++] = 0x2C;
		if (pathText === undefined) {
			out[o++] = 0x22;
			if (pathEscapes !== 0) {
				for (let i = pathStart; i < pathEnd; i++) {
					const b = pathBuffer![i];
					if (b === 0x22 || b === 0x5C) out[o++] = 0x5C;
					out[o++] = b;
				}
			} else if (pathEnd - pathStart < 96) { // Faster than a native copy for short paths
				for (let i = pathStart; i < pathEnd; i++) out[o++] = pathBuffer![i];
			} else {
				o += pathBuffer!.copy(out, o, pathStart, pathEnd);
			}

			out[o++] = 0x22;
		} else {
			o += out.write(pathText, o, 'utf8');
		}

		out[o++] = 0x2C;
		const mtime = mtimes[k];
		if (Number.isNaN(mtime)) {
			out[o++] = 0x6E; // null
			out[o++] = 0x75;
			out[o++] = 0x6C;
			out[o++] = 0x6C;
		} else {
			o = writeNumber(mtime, out, o);
		}

		out[o++] = 0x2C;
		o = dateText === undefined ? writeDate(store.created[row], out, o) : o + out.write(JSON.stringify(dateText), o, 'utf8');
		out[o++] = 0x5D; // ]
		out[o++] = 0x0A;
		offsets[p] = file.written + lineStart;
		file.used = o;
	}

	await file.close();
	offsets[count] = file.written;
	return {offsets, sha256: hash?.digest('hex')};
}

const decisionHeads = [
	Buffer.from('{"kind":"undecodable","archiveId":"', 'latin1'),
	Buffer.from('{"kind":"skipped-version","archiveId":"', 'latin1'),
];
const toKey = Buffer.from('","to":', 'latin1');
const pathKey = Buffer.from('","path":', 'latin1');
const keptKey = Buffer.from(',"kept":"', 'latin1');

function copyBytes(source: Buffer, out: Buffer, at: number): number {
	for (let i = 0; i < source.length; i++) out[at + i] = source[i];
	return at + source.length;
}

/** decisions.jsonl: the common decisions (undecodable, skipped version) as bytes, renames through JSON.stringify. */
export async function writeDecisionLines(handle: FileHandle, store: InventoryStore, plan: PlanResult): Promise<void> {
	const file = new ChunkedFile(handle, undefined);
	const {decisions, named} = plan;
	const {selected} = named;
	const writeId = (k: number, out: Buffer, at: number): number => {
		const length = store.ids.copyText(selected[k], out, at);
		return at + (length >= 0 ? length : out.write(store.archiveId(selected[k]), at, 'latin1'));
	};

	for (let index = 0; index < decisions.length; index++) {
		const kind = decisions.kindAt(index);
		const k = decisions.candidateAt(index);
		const at = named.locate(k);
		const simple = kind !== DecisionKind.renamed && (named.flags[k] & Named.inText) === 0 && !needsEscaping(at.buffer, at.start, at.end);
		if (!simple) {
			const line = JSON.stringify(decisions.at(index)) + '\n';
			const length = Buffer.byteLength(line);
			const out = file.room(length) ?? await file.makeRoom(length);
			file.used += out.write(line, file.used, 'utf8');
			continue;
		}

		const pathBuffer = at.buffer;
		const pathStart = at.start;
		const pathEnd = at.end;
		const longest = 64 + (3 * (maxPackedLength + 64)) + (pathEnd - pathStart);
		const out = file.room(longest) ?? await file.makeRoom(longest);
		let o = copyBytes(decisionHeads[kind], out, file.used);
		o = writeId(k, out, o);
		o = copyBytes(kind === DecisionKind.undecodable ? toKey : pathKey, out, o);
		out[o++] = 0x22;
		o += pathBuffer.copy(out, o, pathStart, pathEnd);
		out[o++] = 0x22;
		if (kind === DecisionKind.skipped) {
			o = copyBytes(keptKey, out, o);
			o = writeId(decisions.detailAt(index), out, o);
			out[o++] = 0x22;
		}

		out[o++] = 0x7D; // }
		out[o++] = 0x0A;
		file.used = o;
	}

	await file.close();
}
