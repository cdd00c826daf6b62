/**
 * Glacier's own CSV inventory. Its escaping is not RFC 4180: a field with a
 * comma or a quote is wrapped in quotes, a quote inside becomes \" and a
 * backslash is left alone, so generic CSV readers misread it. Only
 * ArchiveDescription can hold arbitrary text, so each line is read anchored
 * on its shape: ArchiveId up to the first comma, then the last three fields
 * (CreationDate, Size, SHA256TreeHash) after the last three commas; what is
 * left is the description. If it starts and ends with a quote, that pair is
 * removed and each \" becomes "; every other backslash is literal.
 */
import {FieldError, InventoryFormatError} from './format-error.js';
import {parseCreationDate, parseSizeDigits, parseTreeHash} from './fields.js';
import type {BadRecordHandler, RecordFields, RecordSink} from './types.js';

export const glacierCsvHeader = 'ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash';
const maxLineBytes = 64 * 1024 * 1024;

export type GlacierCsvOptions = {skipBad?: boolean; onBad?: BadRecordHandler};

export class GlacierCsvParser {
	private tail: Buffer | undefined;
	private line = 0;
	private sawHeader = false;
	private scratch = Buffer.allocUnsafe(2048);
	private readonly hashBytes = new Uint8Array(32);
	private readonly fields: RecordFields = {
		id: Buffer.alloc(0), idStart: 0, idEnd: 0, description: Buffer.alloc(0), descriptionStart: 0, descriptionEnd: 0, creationDate: 0, creationDateText: undefined, size: 0, treeHash: this.hashBytes, treeHashText: undefined,
	};

	constructor(private readonly sink: RecordSink, private readonly options: GlacierCsvOptions = {}) {}

	push(chunk: Uint8Array): void {
		let data = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
		if (this.tail !== undefined) {
			data = Buffer.concat([this.tail, data]);
			this.tail = undefined;
		}

		let start = 0;
		let newline = data.indexOf(10);
		while (newline !== -1) {
			this.handleLine(data, start, newline);
			start = newline + 1;
			newline = data.indexOf(10, start);
		}

		if (start < data.length) {
			if (data.length - start > maxLineBytes) throw new InventoryFormatError(`a line longer than ${maxLineBytes / 1024 / 1024} MiB: this is not a Glacier CSV inventory`, {line: this.line + 1});
			this.tail = Buffer.from(data.subarray(start)); // A copy: the source may reuse its chunk
		}
	}

	end(): void {
		if (this.tail !== undefined) {
			const tail = this.tail;
			this.tail = undefined;
			this.handleLine(tail, 0, tail.length);
		}

		if (!this.sawHeader) throw new InventoryFormatError(`the file is empty: a Glacier CSV inventory starts with the header ${glacierCsvHeader}`, {line: 1});
	}

	private handleLine(data: Buffer, start: number, end: number): void {
		this.line++;
		if (end > start && data[end - 1] === 13) end--;
		if (!this.sawHeader) {
			if (this.line === 1 && data[start] === 0xEF && data[start + 1] === 0xBB && data[start + 2] === 0xBF) start += 3;
			const header = data.toString('latin1', start, end).trim();
			if (header.toLowerCase() !== glacierCsvHeader.toLowerCase()) {
				throw new InventoryFormatError(`expected the Glacier CSV header ${glacierCsvHeader}, found ${JSON.stringify(header.slice(0, 100))} (for other CSV files use --format csv)`, {line: this.line});
			}

			this.sawHeader = true;
			return;
		}

		if (end === start) return; // Blank line
		try {
			this.record(data, start, end);
		} catch (error) {
			if (!(error instanceof FieldError)) throw error;
			const problem = new InventoryFormatError(error.message, {line: this.line});
			if (!this.options.skipBad) throw problem;
			this.options.onBad?.(problem);
		}
	}

	private record(data: Buffer, start: number, end: number): void {
		let c1 = start;
		while (c1 < end && data[c1] !== 44) c1++;
		let c4 = end - 1;
		while (c4 > c1 && data[c4] !== 44) c4--;
		let c3 = c4 - 1;
		while (c3 > c1 && data[c3] !== 44) c3--;
		let c2 = c3 - 1;
		while (c2 >= c1 && data[c2] !== 44) c2--;
		if (c1 >= end || c2 < c1 || c3 <= c2 || c4 <= c3) {
			throw new FieldError('expected 5 fields: ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash');
		}

		const fields = this.fields;
		if (c1 === start) throw new FieldError('ArchiveId is empty');
		const date = parseCreationDate(data, c2 + 1, c3);
		fields.creationDate = date.ms;
		fields.creationDateText = date.canonical ? undefined : data.toString('latin1', c2 + 1, c3);
		fields.size = parseSizeDigits(data, c3 + 1, c4);
		fields.treeHashText = parseTreeHash(data, c4 + 1, end, this.hashBytes) ? undefined : data.toString('latin1', c4 + 1, end);
		fields.id = data;
		fields.idStart = start;
		fields.idEnd = c1;
		let from = c1 + 1;
		let to = c2;
		if (to - from >= 2 && data[from] === 34 && data[to - 1] === 34) {
			from++;
			to--;
			if (this.scratch.length < to - from) this.scratch = Buffer.allocUnsafe((to - from) * 2);
			const out = this.scratch;
			let n = 0;
			for (let i = from; i < to; i++) {
				const b = data[i];
				if (b === 92 && i + 1 < to && data[i + 1] === 34) continue; // \" -> "
				out[n++] = b;
			}

			fields.description = out;
			fields.descriptionStart = 0;
			fields.descriptionEnd = n;
		} else {
			fields.description = data;
			fields.descriptionStart = from;
			fields.descriptionEnd = to;
		}

		this.sink(fields);
	}
}
