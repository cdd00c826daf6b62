/**
 * Which reader an inventory needs, from its first bytes.
 *
 * - `{` (after an optional byte order mark and whitespace): json.
 * - Otherwise the first line must be a CSV header naming ArchiveId,
 *   CreationDate, Size and SHA256TreeHash (any case, order, quoting, extra
 *   columns). If it is not exactly Glacier's own header
 *   `ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash`, the file
 *   was re-saved by something else: csv (RFC 4180).
 * - With Glacier's header, look at how quotes are escaped in the sample.
 *   Glacier writes a quote inside a field as \" and never writes "" unless
 *   right after a backslash; RFC 4180 writes "". So: a "" not preceded by a
 *   backslash, and no \" followed by an ordinary character, means csv;
 *   anything else (including no quotes at all, where both read the same)
 *   means glacier-csv.
 * The sample is the first 64 KiB: if a file is misjudged, say --format.
 */
import {InventoryFormatError} from './format-error.js';
import {glacierCsvHeader} from './glacier-csv-reader.js';
import type {InventoryFormat} from './types.js';

export const sampleBytes = 64 * 1024;

function splitHeader(line: string): string[] {
	return line.split(',').map(name => name.trim().replace(/^"(.*)"$/, '$1').trim().toLowerCase());
}

export function detectFormat(sample: Uint8Array): InventoryFormat {
	let text = Buffer.from(sample.buffer, sample.byteOffset, sample.byteLength).toString('latin1');
	if (text.startsWith('\u00EF\u00BB\u00BF')) text = text.slice(3);
	const trimmed = text.trimStart();
	if (trimmed.startsWith('{')) return 'json';
	const newline = text.indexOf('\n');
	const header = (newline === -1 ? text : text.slice(0, newline)).replace(/\r$/, '');
	const names = splitHeader(header);
	const required = ['archiveid', 'creationdate', 'size', 'sha256treehash'];
	if (trimmed === '' || !required.every(name => names.includes(name))) {
		throw new InventoryFormatError(`not a Glacier inventory: expected JSON (starting with '{') or CSV with the header ${glacierCsvHeader}`, {line: 1});
	}

	if (header !== glacierCsvHeader) return 'csv';
	const body = newline === -1 ? '' : text.slice(newline + 1);
	const rfcEvidence = /(^|[^\\])""/m.test(body);
	const glacierEvidence = /\\"[^",\r\n]/.test(body);
	return rfcEvidence && !glacierEvidence ? 'csv' : 'glacier-csv';
}
