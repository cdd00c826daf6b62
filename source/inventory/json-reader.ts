/**
 * A streaming parser for Glacier's JSON inventory,
 * {"VaultARN": ..., "InventoryDate": ..., "ArchiveList": [{...}, ...]},
 * working on bytes. Keys may come in any order, unknown keys are skipped,
 * strings may hold any escape (\uXXXX surrogate pairs included).
 *
 * Resumable at the grain of a token or one archive record: when a chunk
 * ends inside one, the unconsumed tail is kept and parsed again with the
 * next chunk (records are small next to chunks, so this costs little).
 * Syntax errors stop the load (the next record cannot be found reliably);
 * a well-formed record with a bad value is skippable.
 */
import {FieldError, InventoryFormatError} from './format-error.js';
import {checkSizeNumber, parseCreationDate, parseSizeDigits, parseTreeHash} from './fields.js';
import type {BadRecordHandler, RecordFields, RecordSink} from './types.js';

const need = -1;
const emptyBuffer = Buffer.alloc(0);
const maxRecordBytes = 64 * 1024 * 1024;

const enum State { start, keyOrEnd, key, afterValue, listFirst, listItem, listAfterItem, done }

const enum Key { other, archiveId, description, creationDate, size, treeHash, vaultArn, inventoryDate, archiveList }

const keyNames: Array<[Buffer, Key]> = [
	[Buffer.from('ArchiveId'), Key.archiveId],
	[Buffer.from('ArchiveDescription'), Key.description],
	[Buffer.from('CreationDate'), Key.creationDate],
	[Buffer.from('Size'), Key.size],
	[Buffer.from('SHA256TreeHash'), Key.treeHash],
	[Buffer.from('VaultARN'), Key.vaultArn],
	[Buffer.from('InventoryDate'), Key.inventoryDate],
	[Buffer.from('ArchiveList'), Key.archiveList],
];

/** The key names all differ in length. */
const keysByLength: Array<[Buffer, Key] | undefined> = [];
for (const entry of keyNames) keysByLength[entry[0].length] = entry;

class SyntaxProblem extends Error {
	constructor(readonly position: number, message: string) {
		super(message);
	}
}

/** A decoded string field: a view of the input (no escapes) or of a scratch buffer. */
class Field {
	bytes: Buffer = emptyBuffer;
	start = 0;
	end = 0;
	position = 0;
	present = false;
	scratch = Buffer.allocUnsafe(256);
}

function isWhitespace(b: number): boolean {
	return b === 0x20 || b === 0x0A || b === 0x0D || b === 0x09;
}

export type JsonReaderOptions = {skipBad?: boolean; onBad?: BadRecordHandler};

export class JsonInventoryParser {
	vaultArn: string | undefined;
	inventoryDate: string | undefined;
	private buffer: Buffer = Buffer.alloc(0);
	private pos = 0;
	/** Absolute offset of buffer[0] in the input, and line breaks before it. */
	private base = 0;
	private linesBefore = 0;
	private state = State.start;
	private final = false;
	private sawList = false;
	private escaped = false;
	private readonly id = new Field();
	private readonly description = new Field();
	private readonly date = new Field();
	private readonly hash = new Field();
	private readonly sizeText = new Field();
	private readonly keyText = new Field();
	private size = 0;
	private sizePresent = false;
	private sizePosition = 0;
	private readonly hashBytes = new Uint8Array(32);
	private readonly fields: RecordFields = {
		id: emptyBuffer, idStart: 0, idEnd: 0, description: emptyBuffer, descriptionStart: 0, descriptionEnd: 0, creationDate: 0, creationDateText: undefined, size: 0, treeHash: this.hashBytes, treeHashText: undefined,
	};

	constructor(private readonly sink: RecordSink, private readonly options: JsonReaderOptions = {}) {}

	push(chunk: Uint8Array): void {
		const data = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
		if (data.length === 0) return;
		if (this.pos >= this.buffer.length) {
			this.dropConsumed();
			this.buffer = data;
		} else {
			const tail = this.buffer.subarray(this.pos);
			if (tail.length > maxRecordBytes) this.fail(this.pos, `a value longer than ${maxRecordBytes / 1024 / 1024} MiB: this is not a Glacier inventory`);
			this.dropConsumed();
			this.buffer = Buffer.concat([tail, data]);
		}

		this.pos = 0;
		this.run();
	}

	end(): void {
		this.final = true;
		this.run();
		if (this.state !== State.done) this.fail(this.buffer.length, 'unexpected end of input (is the file truncated?)');
		if (!this.sawList) this.fail(this.buffer.length, 'no "ArchiveList" in the inventory');
	}

	/** Line (1-based) and absolute byte offset of a position in the current buffer. */
	private where(position: number): {line: number; offset: number} {
		let line = this.linesBefore + 1;
		let at = this.buffer.indexOf(10);
		while (at !== -1 && at < position) {
			line++;
			at = this.buffer.indexOf(10, at + 1);
		}

		return {line, offset: this.base + position};
	}

	private dropConsumed(): void {
		const buffer = this.buffer;
		const end = Math.min(this.pos, buffer.length);
		let at = buffer.indexOf(10);
		let lines = 0;
		while (at !== -1 && at < end) {
			lines++;
			at = buffer.indexOf(10, at + 1);
		}

		this.linesBefore += lines;
		this.base += end;
	}

	private fail(position: number, reason: string): never {
		throw new InventoryFormatError(reason, this.where(position));
	}

	private run(): void {
		try {
			this.steps();
		} catch (error) {
			if (error instanceof SyntaxProblem) this.fail(error.position, error.message);
			throw error;
		}
	}

	private steps(): void {
		const buffer = this.buffer;
		const length = buffer.length;
		for (;;) {
			let p = this.pos;
			while (p < length && isWhitespace(buffer[p])) p++;
			this.pos = p;
			if (p >= length) return; // end() reports an incomplete document
			const b = buffer[p];
			switch (this.state) {
				case State.start: {
					if (b === 0xEF && this.base + p === 0) { // UTF-8 byte order mark
						if (length < 3) return;
						if (buffer[1] === 0xBB && buffer[2] === 0xBF) {
							this.pos = 3;
							continue;
						}
					}

					if (b !== 0x7B) throw new SyntaxProblem(p, 'expected \'{\' at the start of a JSON inventory');
					this.pos = p + 1;
					this.state = State.keyOrEnd;
					break;
				}

				case State.keyOrEnd:
				case State.key: {
					if (b === 0x7D && this.state === State.keyOrEnd) {
						this.pos = p + 1;
						this.state = State.done;
						break;
					}

					if (b !== 0x22) throw new SyntaxProblem(p, `expected a key in double quotes${this.state === State.keyOrEnd ? ' or \'}\'' : ''}`);
					const next = this.topMember(p);
					if (next === need) return;
					this.pos = next;
					break;
				}

				case State.afterValue: {
					if (b === 0x2C) this.state = State.key;
					else if (b === 0x7D) this.state = State.done;
					else throw new SyntaxProblem(p, 'expected \',\' or \'}\' after a value');
					this.pos = p + 1;
					break;
				}

				case State.listFirst:
				case State.listItem: {
					if (b === 0x5D && this.state === State.listFirst) {
						this.pos = p + 1;
						this.state = State.afterValue;
						break;
					}

					let next: number;
					if (b === 0x7B) {
						next = this.record(p);
					} else if (this.options.skipBad) {
						next = this.skipValue(p, 0);
						if (next !== need) this.bad(p, 'an ArchiveList entry that is not an object');
					} else {
						throw new SyntaxProblem(p, 'expected an archive record \'{\'' + (this.state === State.listFirst ? ' or \']\'' : ''));
					}

					if (next === need) return;
					this.pos = next;
					this.state = State.listAfterItem;
					break;
				}

				case State.listAfterItem: {
					if (b === 0x2C) this.state = State.listItem;
					else if (b === 0x5D) this.state = State.afterValue;
					else throw new SyntaxProblem(p, 'expected \',\' or \']\' after an archive record');
					this.pos = p + 1;
					break;
				}

				case State.done: {
					throw new SyntaxProblem(p, 'unexpected text after the end of the inventory');
				}
			}
		}
	}

	/** `"key": value` at the top level (the ArchiveList value only up to its '['). */
	private topMember(p: number): number {
		const keyEnd = this.scanString(p);
		if (keyEnd === need) return need;
		const key = this.keyOf(p + 1, keyEnd);
		let q = this.colon(keyEnd + 1);
		if (q === need) return need;
		const buffer = this.buffer;
		if (key === Key.archiveList) {
			if (buffer[q] !== 0x5B) throw new SyntaxProblem(q, '"ArchiveList" must be an array');
			this.sawList = true;
			this.state = State.listFirst;
			return q + 1;
		}

		if ((key === Key.vaultArn || key === Key.inventoryDate) && buffer[q] === 0x22) {
			const end = this.scanString(q);
			if (end === need) return need;
			const field = this.id; // Scratch only: no record is being read here.
			this.stringValue(q, end, field);
			const text = field.bytes.toString('utf8', field.start, field.end);
			if (key === Key.vaultArn) this.vaultArn = text;
			else this.inventoryDate = text;
			q = end + 1;
		} else {
			q = this.skipValue(q, 0);
			if (q === need) return need;
		}

		this.state = State.afterValue;
		return q;
	}

	/** After a key: whitespace, ':', whitespace; the position of the value. */
	private colon(p: number): number {
		const buffer = this.buffer;
		const length = buffer.length;
		while (p < length && isWhitespace(buffer[p])) p++;
		if (p >= length) return need;
		if (buffer[p] !== 0x3A) throw new SyntaxProblem(p, 'expected \':\' after a key');
		p++;
		while (p < length && isWhitespace(buffer[p])) p++;
		return p >= length ? need : p;
	}

	private keyOf(start: number, end: number): Key {
		let bytes = this.buffer;
		if (this.escaped) {
			this.stringValue(start - 1, end, this.keyText);
			bytes = this.keyText.bytes;
			start = this.keyText.start;
			end = this.keyText.end;
		}

		const candidate = keysByLength[end - start];
		if (candidate === undefined) return Key.other;
		const name = candidate[0];
		for (let k = 0; k < name.length; k++) if (bytes[start + k] !== name[k]) return Key.other;
		return candidate[1];
	}

	/**
	 * At '"': the index of the closing quote, or need. Sets this.escaped.
	 * Fast path: native indexOf for the quote, and one cached native search
	 * for the next backslash (rare), so plain strings are never walked in JS.
	 * Raw control characters inside strings are tolerated.
	 */
	private scanString(p: number): number {
		const buffer = this.buffer;
		const close = buffer.indexOf(0x22, p + 1);
		if (close === -1) return need;
		// The cache says: no backslash in [backslashFrom, backslashAt). Records are re-read after a need, so check both ends.
		if (this.backslashBuffer !== buffer || p + 1 < this.backslashFrom || this.backslashAt <= p) {
			const at = buffer.indexOf(0x5C, p + 1);
			this.backslashAt = at === -1 ? Infinity : at;
			this.backslashFrom = p + 1;
			this.backslashBuffer = buffer;
		}

		if (this.backslashAt > close) {
			this.escaped = false;
			return close;
		}

		const length = buffer.length;
		for (let i = p + 1; i < length; i++) {
			const b = buffer[i];
			if (b === 0x22) {
				this.escaped = true;
				return i;
			}

			if (b === 0x5C) i++;
		}

		return need;
	}

	private backslashAt = Infinity;
	private backslashFrom = 0;
	private backslashBuffer: Buffer | undefined;

	/** Decode the string between the quotes at p and end into field (escapes resolved). */
	private stringValue(p: number, end: number, field: Field): void {
		field.position = p;
		field.present = true;
		if (!this.escaped) {
			field.bytes = this.buffer;
			field.start = p + 1;
			field.end = end;
			return;
		}

		const buffer = this.buffer;
		if (field.scratch.length < end - p) field.scratch = Buffer.allocUnsafe((end - p) * 2);
		const out = field.scratch;
		let n = 0;
		for (let i = p + 1; i < end; i++) {
			const b = buffer[i];
			if (b !== 0x5C) {
				out[n++] = b;
				continue;
			}

			const e = buffer[++i];
			switch (e) {
				case 0x22: case 0x5C: case 0x2F: out[n++] = e; break;
				case 0x62: out[n++] = 8; break;
				case 0x66: out[n++] = 12; break;
				case 0x6E: out[n++] = 10; break;
				case 0x72: out[n++] = 13; break;
				case 0x74: out[n++] = 9; break;
				case 0x75: {
					let code = this.hex4(i + 1);
					i += 4;
					if (code >= 0xD800 && code <= 0xDBFF && buffer[i + 1] === 0x5C && buffer[i + 2] === 0x75) {
						const low = this.hex4(i + 3);
						if (low >= 0xDC00 && low <= 0xDFFF) {
							code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
							i += 6;
						}
					}

					if (code >= 0xD800 && code <= 0xDFFF) code = 0xFFFD; // A lone surrogate has no UTF-8 form
					n += out.write(String.fromCodePoint(code), n, 'utf8');
					break;
				}

				default: throw new SyntaxProblem(i - 1, `invalid escape '\\${String.fromCharCode(e)}' in a string`);
			}
		}

		field.bytes = out;
		field.start = 0;
		field.end = n;
	}

	private hex4(at: number): number {
		let value = 0;
		for (let k = 0; k < 4; k++) {
			const b = this.buffer[at + k];
			const d = b >= 48 && b <= 57 ? b - 48 : b >= 97 && b <= 102 ? b - 87 : b >= 65 && b <= 70 ? b - 55 : -1;
			if (d < 0) throw new SyntaxProblem(at - 2, 'invalid \\u escape (needs 4 hex digits)');
			value = (value << 4) | d;
		}

		return value;
	}

	/** At a number: its end, or need when it runs to the end of the buffer. */
	private scanNumber(p: number): number {
		const buffer = this.buffer;
		const length = buffer.length;
		let i = p;
		if (buffer[i] === 0x2D) i++;
		const digitsFrom = (from: number): number => {
			let j = from;
			while (j < length && buffer[j] >= 48 && buffer[j] <= 57) j++;
			return j;
		};

		let j = digitsFrom(i);
		if (j === i) {
			if (j >= length && !this.final) return need;
			throw new SyntaxProblem(p, 'invalid number');
		}

		if (buffer[i] === 48 && j > i + 1) throw new SyntaxProblem(p, 'invalid number (leading zero)');
		i = j;
		if (i < length && buffer[i] === 0x2E) {
			j = digitsFrom(i + 1);
			if (j === i + 1 && j < length) throw new SyntaxProblem(p, 'invalid number');
			i = j;
		}

		if (i < length && (buffer[i] === 0x65 || buffer[i] === 0x45)) {
			i++;
			if (i < length && (buffer[i] === 0x2B || buffer[i] === 0x2D)) i++;
			j = digitsFrom(i);
			if (j === i && j < length) throw new SyntaxProblem(p, 'invalid number');
			i = j;
		}

		if (i >= length && !this.final) return need;
		return i;
	}

	/** Skip any JSON value: its end, or need. */
	private skipValue(p: number, depth: number): number {
		if (depth > 512) throw new SyntaxProblem(p, 'values nested too deeply');
		const buffer = this.buffer;
		const length = buffer.length;
		while (p < length && isWhitespace(buffer[p])) p++;
		if (p >= length) return need;
		const b = buffer[p];
		if (b === 0x22) {
			const end = this.scanString(p);
			return end === need ? need : end + 1;
		}

		if (b === 0x2D || (b >= 48 && b <= 57)) return this.scanNumber(p);
		for (const literal of literals) {
			if (b !== literal[0]) continue;
			if (p + literal.length > length) return need;
			if (!literal.equals(buffer.subarray(p, p + literal.length))) break;
			return p + literal.length;
		}

		if (b !== 0x7B && b !== 0x5B) throw new SyntaxProblem(p, 'expected a value');
		const close = b === 0x7B ? 0x7D : 0x5D;
		p++;
		let first = true;
		for (;;) {
			while (p < length && isWhitespace(buffer[p])) p++;
			if (p >= length) return need;
			if (buffer[p] === close && first) return p + 1;
			if (b === 0x7B) {
				if (buffer[p] !== 0x22) throw new SyntaxProblem(p, 'expected a key in double quotes');
				const keyEnd = this.scanString(p);
				if (keyEnd === need) return need;
				p = this.colon(keyEnd + 1);
				if (p === need) return need;
			}

			p = this.skipValue(p, depth + 1);
			if (p === need) return need;
			while (p < length && isWhitespace(buffer[p])) p++;
			if (p >= length) return need;
			if (buffer[p] === close) return p + 1;
			if (buffer[p] !== 0x2C) throw new SyntaxProblem(p, `expected ',' or '${String.fromCharCode(close)}'`);
			p++;
			first = false;
		}
	}

	/** One archive record at '{': its end, or need. Hands a valid record to the sink. */
	private record(start: number): number {
		const buffer = this.buffer;
		const length = buffer.length;
		this.id.present = false;
		this.description.present = false;
		this.date.present = false;
		this.hash.present = false;
		this.sizePresent = false;
		let p = start + 1;
		while (p < length && isWhitespace(buffer[p])) p++;
		if (p >= length) return need;
		if (buffer[p] === 0x7D) {
			this.finishRecord(start);
			return p + 1;
		}

		for (;;) {
			if (buffer[p] !== 0x22) throw new SyntaxProblem(p, 'expected a key in double quotes in an archive record');
			const keyEnd = this.scanString(p);
			if (keyEnd === need) return need;
			const key = this.keyOf(p + 1, keyEnd);
			p = this.colon(keyEnd + 1);
			if (p === need) return need;
			const b = buffer[p];
			if (key === Key.size) {
				this.sizePosition = p;
				this.sizePresent = true;
				if (b === 0x22) {
					const end = this.scanString(p);
					if (end === need) return need;
					this.stringValue(p, end, this.sizeText);
					this.size = -1;
					p = end + 1;
				} else {
					const end = this.scanNumber(p);
					if (end === need) return need;
					this.sizeText.bytes = buffer;
					this.sizeText.start = p;
					this.sizeText.end = end;
					let value = 0;
					for (let k = p; k < end; k++) {
						const d = buffer[k] - 48;
						if (d < 0 || d > 9) {
							value = -2;
							break;
						}

						value = value * 10 + d;
					}

					this.size = value;
					p = end;
				}
			} else if (key === Key.archiveId || key === Key.description || key === Key.creationDate || key === Key.treeHash) {
				const field = key === Key.archiveId ? this.id : key === Key.description ? this.description : key === Key.creationDate ? this.date : this.hash;
				if (b === 0x22) {
					const end = this.scanString(p);
					if (end === need) return need;
					this.stringValue(p, end, field);
					p = end + 1;
				} else {
					const end = this.skipValue(p, 1);
					if (end === need) return need;
					if (key === Key.description && end - p === 4 && buffer[p] === 0x6E) { // null
						field.present = true;
						field.bytes = emptyBuffer;
						field.start = 0;
						field.end = 0;
						field.position = p;
					} else {
						field.present = true;
						field.position = -p - 1; // Marks "not a string"
					}

					p = end;
				}
			} else {
				p = this.skipValue(p, 1);
				if (p === need) return need;
			}

			while (p < length && isWhitespace(buffer[p])) p++;
			if (p >= length) return need;
			if (buffer[p] === 0x7D) break;
			if (buffer[p] !== 0x2C) throw new SyntaxProblem(p, 'expected \',\' or \'}\' in an archive record');
			p++;
			while (p < length && isWhitespace(buffer[p])) p++;
			if (p >= length) return need;
		}

		this.finishRecord(start);
		return p + 1;
	}

	private bad(position: number, reason: string): void {
		const error = new InventoryFormatError(reason, this.where(position));
		if (!this.options.skipBad) throw error;
		this.options.onBad?.(error);
	}

	private checkPresent(field: Field, name: string, position: number): number {
		if (!field.present) throw new FieldError(`the archive record has no ${name}`);
		if (field.position < 0) {
			this.failedAt = -field.position - 1;
			throw new FieldError(`${name} must be a string`);
		}

		return position;
	}

	private failedAt = -1;

	private finishRecord(start: number): void {
		this.failedAt = -1;
		let position = start;
		try {
			const fields = this.fields;
			const {id, description, date, hash} = this;
			position = this.checkPresent(id, 'ArchiveId', position);
			position = this.checkPresent(date, 'CreationDate', position);
			position = this.checkPresent(hash, 'SHA256TreeHash', position);
			if (!this.sizePresent) throw new FieldError('the archive record has no Size');
			if (description.present && description.position < 0) {
				position = -description.position - 1;
				throw new FieldError('ArchiveDescription must be a string');
			}

			position = id.position; // (The store checks the id's characters as it packs it.)
			fields.id = id.bytes;
			fields.idStart = id.start;
			fields.idEnd = id.end;
			position = date.position;
			const parsed = parseCreationDate(date.bytes, date.start, date.end);
			fields.creationDate = parsed.ms;
			fields.creationDateText = parsed.canonical ? undefined : date.bytes.toString('utf8', date.start, date.end);
			position = hash.position;
			const lower = parseTreeHash(hash.bytes, hash.start, hash.end, this.hashBytes);
			fields.treeHashText = lower ? undefined : hash.bytes.toString('latin1', hash.start, hash.end);
			position = this.sizePosition;
			const sizeText = this.sizeText;
			if (this.size === -1) fields.size = parseSizeDigits(sizeText.bytes, sizeText.start, sizeText.end);
			else if (this.size === -2 || !Number.isSafeInteger(this.size)) {
				const text = sizeText.bytes.toString('latin1', sizeText.start, sizeText.end);
				fields.size = checkSizeNumber(Number(text), text);
			} else fields.size = this.size;
			if (description.present) {
				fields.description = description.bytes;
				fields.descriptionStart = description.start;
				fields.descriptionEnd = description.end;
			} else {
				fields.description = emptyBuffer;
				fields.descriptionStart = 0;
				fields.descriptionEnd = 0;
			}
		} catch (error) {
			if (error instanceof FieldError) {
				this.bad(this.failedAt >= 0 ? this.failedAt : position, error.message);
				return;
			}

			throw error;
		}

		try {
			this.sink(this.fields);
		} catch (error) {
			if (error instanceof FieldError) this.bad(this.id.position, error.message);
			else throw error;
		}
	}
}

const literals = [Buffer.from('true'), Buffer.from('false'), Buffer.from('null')];
