/**
 * Generic CSV (RFC 4180, e.g. an inventory re-saved by a spreadsheet)
 * through csv-parse's streaming API. Columns are found by header name (any
 * case, any order, extra columns ignored); ArchiveDescription may be absent.
 */
import {once} from 'node:events';
import {CsvError, parse} from 'csv-parse';
import {FieldError, InventoryFormatError} from './format-error.js';
import {parseCreationDate, parseSizeDigits, parseTreeHash} from './fields.js';
import type {BadRecordHandler, RecordFields, RecordSink} from './types.js';

export type CsvOptions = {skipBad?: boolean; onBad?: BadRecordHandler};

type Columns = {id: number; description: number; date: number; size: number; hash: number};

function columnsOf(header: string[]): Columns {
	const names = header.map(name => name.trim().toLowerCase());
	const find = (name: string, required: boolean): number => {
		const index = names.indexOf(name.toLowerCase());
		if (index === -1 && required) throw new InventoryFormatError(`the CSV header has no ${name} column`, {line: 1});
		return index;
	};

	return {id: find('ArchiveId', true), description: find('ArchiveDescription', false), date: find('CreationDate', true), size: find('Size', true), hash: find('SHA256TreeHash', true)};
}

function csvProblem(error: CsvError): InventoryFormatError {
	const line = (error as CsvError & {lines?: number}).lines;
	const reason = error.message.replace(/^Invalid Record Length: /, '').replace(/,? ?(at|on) line \d+\.?$/, '');
	return new InventoryFormatError(reason, line === undefined ? {} : {line});
}

export async function readCsv(chunks: AsyncIterable<Uint8Array>, sink: RecordSink, options: CsvOptions = {}): Promise<void> {
	const parser = parse({
		bom: true,
		info: true,
		skip_empty_lines: true,
		relax_column_count: false,
		skip_records_with_error: options.skipBad === true,
		on_skip: error => {
			if (error) options.onBad?.(csvProblem(error));
			return undefined;
		},
	});
	const pump = (async () => {
		try {
			for await (const chunk of chunks) if (!parser.write(chunk)) await once(parser, 'drain');
			parser.end();
		} catch (error) {
			parser.destroy(error as Error);
		}
	})();
	const hashBytes = new Uint8Array(32);
	const fields: RecordFields = {
		id: Buffer.alloc(0), idStart: 0, idEnd: 0, description: Buffer.alloc(0), descriptionStart: 0, descriptionEnd: 0, creationDate: 0, creationDateText: undefined, size: 0, treeHash: hashBytes, treeHashText: undefined,
	};
	let columns: Columns | undefined;
	try {
		for await (const item of parser as AsyncIterable<{record: string[]; info: {lines: number}}>) {
			const {record, info} = item;
			if (columns === undefined) {
				columns = columnsOf(record);
				continue;
			}

			try {
				const id = Buffer.from(record[columns.id] ?? '', 'utf8'); // (The store checks its characters.)
				const dateBytes = Buffer.from(record[columns.date] ?? '', 'utf8');
				const date = parseCreationDate(dateBytes, 0, dateBytes.length);
				const sizeBytes = Buffer.from(record[columns.size] ?? '', 'utf8');
				const hashText = record[columns.hash] ?? '';
				const hash = Buffer.from(hashText, 'utf8');
				fields.id = id;
				fields.idStart = 0;
				fields.idEnd = id.length;
				fields.creationDate = date.ms;
				fields.creationDateText = date.canonical ? undefined : record[columns.date];
				fields.size = parseSizeDigits(sizeBytes, 0, sizeBytes.length);
				fields.treeHashText = parseTreeHash(hash, 0, hash.length, hashBytes) ? undefined : hashText;
				fields.description = columns.description === -1 ? Buffer.alloc(0) : Buffer.from(record[columns.description] ?? '', 'utf8');
				fields.descriptionStart = 0;
				fields.descriptionEnd = fields.description.length;
				sink(fields);
			} catch (error) {
				if (!(error instanceof FieldError)) throw error;
				const problem = new InventoryFormatError(error.message, {line: info.lines});
				if (!options.skipBad) throw problem;
				options.onBad?.(problem);
			}
		}
	} catch (error) {
		if (error instanceof CsvError) throw csvProblem(error);
		throw error;
	} finally {
		parser.destroy();
		await pump;
	}

	if (columns === undefined) throw new InventoryFormatError('the file is empty: a CSV inventory starts with a header line', {line: 1});
}
