import {Box, Text} from 'ink';
import {inert} from '../../inert.js';
import {safeRelativePath} from '../../inventory/decoders.js';
import type {InventoryRow} from '../../inventory/types.js';
import {formatBytes, formatCount} from '../format.js';
import {charWidth, fit, textWidth} from '../text.js';

export type ArchiveDetailsProps = {
	row: InventoryRow;
	/** Position in the table (0-based) and the number of rows shown. */
	position: number;
	count: number;
	marked: boolean;
	width: number;
	height: number;
};

/** Cut text into lines of `width` cells (no word boundaries needed: ids and hashes have none); at most maxLines, the last ending in … when cut. */
export function wrapCells(text: string, width: number, maxLines: number): string[] {
	const lines: string[] = [];
	let line = '';
	let used = 0;
	for (const ch of text) {
		const w = charWidth(ch.codePointAt(0)!);
		if (used + w > width) {
			lines.push(line);
			line = '';
			used = 0;
		}

		line += ch;
		used += w;
	}

	if (line !== '' || lines.length === 0) lines.push(line);
	if (lines.length > maxLines) {
		const kept = lines.slice(0, maxLines);
		const chars = [...kept[maxLines - 1]];
		while (chars.length > 0 && textWidth(chars.join('')) > width - 1) chars.pop();
		kept[maxLines - 1] = chars.join('') + '…';
		return kept;
	}

	return lines;
}

function utc(ms: number): string {
	return new Date(ms).toISOString().replace('T', ' ').replace(/\.000Z$/, '').replace(/Z$/, '') + ' UTC';
}

const tools: Record<string, string> = {'mt-aws-glacier': 'mt-aws-glacier', fastglacier: 'FastGlacier (or CrushFTP, QNAP Hybrid Backup Sync)', cloudberry: 'CloudBerry', qnap: 'QNAP Glacier'};

/** One archive in full: every field of the inventory and what its description decodes to. All text inert. */
export function archiveFields(row: InventoryRow): Array<[string, string]> {
	const fields: Array<[string, string]> = [
		['ArchiveId', row.archiveId],
		['Description', row.description === '' ? '(none)' : inert(row.description)],
		['CreationDate', inert(row.creationDateText)],
		['Size', `${formatBytes(row.size)} (${formatCount(row.size)} bytes)`],
		['SHA256TreeHash', inert(row.treeHash)],
	];
	if (row.path === undefined) {
		fields.push(['Decoded', 'no: not a description format thaw knows (shown as written)']);
	} else {
		fields.push(['Written by', tools[row.tool ?? ''] ?? inert(row.tool ?? '?')], ['Path', inert(row.path)]);
		if (row.lastModified !== undefined) fields.push(['Modified', utc(row.lastModified)]);
		const safe = safeRelativePath(row.path);
		if (safe !== row.path) fields.push(['Note', safe === null ? 'this path cannot be used as a file name here (absolute, .. or empty): a download is named from the archive id' : `a download would go to ${inert(safe)}`]);
	}

	return fields;
}

export function ArchiveDetails({row, position, count, marked, width, height}: ArchiveDetailsProps) {
	const label = 16;
	const room = Math.max(10, width - label);
	const lines: Array<{text: string; bold?: boolean; colour?: string}> = [{text: `Archive ${formatCount(position + 1)} of ${formatCount(count)} (number ${formatCount(row.index + 1)} in the inventory)${marked ? ' · marked' : ''}`, bold: true}];
	for (const [name, value] of archiveFields(row)) {
		const wrapped = wrapCells(value, room, name === 'Description' || name === 'Path' ? 6 : 3);
		wrapped.forEach((text, i) => {
			lines.push({text: (i === 0 ? name.padEnd(label) : ' '.repeat(label)) + text, colour: name === 'Note' ? 'yellow' : undefined});
		});
	}

	return (
		<Box flexDirection="column" width={width} height={height}>
			{lines.slice(0, height).map((line, i) => <Text key={i} bold={line.bold} color={line.colour} wrap="truncate-end">{fit(line.text, width)}</Text>)}
		</Box>
	);
}
