/** The inventory browser's lines as pure functions of what it shows (unit-tested without Ink). */
import {basename, extname} from 'node:path';
import {inert} from '../../../inert.js';
import {humanSize} from '../../../inventory/export.js';
import type {ExportFormat} from '../../../inventory/export-file.js';
import type {LoadResult} from '../../../inventory/load.js';
import type {InventoryRow, LoadProgress} from '../../../inventory/types.js';
import {formatBytes, formatCount} from '../../format.js';
import type {InventorySpec} from '../../routes.js';
import {fit} from '../../text.js';
import type {Tone} from '../../theme.js';

export type Notice = {text: string; tone: Tone};

export function inventoryTitle(spec: InventorySpec): string {
	return spec.source.kind === 'job'
		? `Vault ${spec.source.vaultName} › Inventory ${spec.source.jobId.slice(0, 8)}…`
		: `Inventory ${basename(spec.source.path)}`;
}

/** The vault the inventory lists, when known (retrievals need it). */
export function vaultOf(spec: InventorySpec): string | undefined {
	return spec.vaultName ?? (spec.source.kind === 'job' ? spec.source.vaultName : undefined);
}

export function plural(n: number, word: string): string {
	return `${formatCount(n)} ${word}${n === 1 ? '' : 's'}`;
}

/** Where the inventory comes from, in words (inert). */
export function sourceText(spec: InventorySpec): string {
	return spec.source.kind === 'job' ? `inventory job ${inert(spec.source.jobId.slice(0, 12))}… of '${inert(spec.source.vaultName)}'` : inert(spec.source.path);
}

/** The start of an export's file name: the vault's, else the inventory file's, in safe characters. */
export function exportBase(spec: InventorySpec): string {
	return (vaultOf(spec) ?? (spec.source.kind === 'file' ? basename(spec.source.path, extname(spec.source.path)) : 'inventory')).replace(/[^\w.-]+/g, '_');
}

/** Swap a .csv/.json ending for the other format's. */
export function withExtension(file: string, format: ExportFormat): string {
	const ext = extname(file).toLowerCase();
	return ext === '.csv' || ext === '.json' ? file.slice(0, -ext.length) + '.' + format : file;
}

type Totals = {count: number; bytes: number};

/** After the retrieval screen: what started, what was skipped (it had a job), and what stays marked. */
export function retrievalNotice(outcome: {started: string[]; skipped: string[]}, marked: number): Notice {
	const left = marked - outcome.started.length - outcome.skipped.length;
	const parts = [
		outcome.started.length > 0 ? `Started ${plural(outcome.started.length, 'retrieval')}` : 'Started no retrieval',
		outcome.skipped.length > 0 ? `skipped ${formatCount(outcome.skipped.length)} that had one` : '',
	].filter(Boolean).join(', ');
	const unmarked = outcome.started.length + outcome.skipped.length > 0 ? '; those are unmarked' : '';
	return {text: `${parts}${unmarked}${left > 0 ? `; ${formatCount(left)} not started stay${left === 1 ? 's' : ''} marked` : ''}.`, tone: left > 0 ? 'warn' : 'normal'};
}

/** The bold line under the table: all archives, those shown (when filtered) and those marked. */
export function totalsLine(all: Totals, shown: Totals | undefined, marked: Totals): string {
	return `${plural(all.count, 'archive')}, ${humanSize(all.bytes)}${shown ? ` · shown ${formatCount(shown.count)}, ${humanSize(shown.bytes)}` : ''} · marked ${formatCount(marked.count)}, ${humanSize(marked.bytes)}`;
}

export function loadingLine(from: string, progress: LoadProgress): string {
	const percent = progress.totalBytes ? ` (${Math.floor((progress.bytes / progress.totalBytes) * 100)}%)` : '';
	return `Reading ${from}: ${formatBytes(progress.bytes)}${progress.totalBytes ? ` of ${formatBytes(progress.totalBytes)}` : ''}${percent}, ${plural(progress.rows, 'archive')}…`;
}

export function skippedLine(result: LoadResult | undefined): string {
	return result && result.skipped > 0
		? `Skipped ${plural(result.skipped, 'malformed record')}${result.problems[0] ? ` (first: ${inert(result.problems[0].message)})` : ''}`
		: '';
}

export type InfoView = {from: string; progress: LoadProgress; loading: boolean; error?: string; result?: LoadResult; filterText: string};

/** The line above the last: the load's error or progress, the filter in force, skipped records, or where the rows come from. */
export function infoLine(v: InfoView): Notice {
	const skipped = skippedLine(v.result);
	if (v.error) return {text: `Could not read ${v.from}: ${v.error}`, tone: 'error'};
	if (v.loading) return {text: loadingLine(v.from, v.progress), tone: 'normal'};
	if (v.filterText) return {text: `Filter: ${inert(v.filterText)}   (/ edits, Esc clears)`, tone: 'normal'};
	if (skipped) return {text: skipped, tone: 'warn'};
	const format = v.result ? `${v.result.format === 'glacier-csv' ? 'Glacier CSV' : v.result.format.toUpperCase()} ` : '';
	// The hint first: at 80 columns a long source (a file's path, a vault's name) is what gets cut.
	return {text: `/ filters, e.g. size>1GiB created<2015 -tmp · ${format}from ${v.from}`, tone: 'normal'};
}

export type StatusView = {
	busy?: string;
	filterPending: boolean;
	/** The filter text applied (the last that parsed). */
	applied: string;
	filterText: string;
	parseError?: string;
	/** A filter that stopped (a regex out of time) and the text of the one still shown. */
	problem?: {message: string; showing: string};
	notice?: Notice;
	error?: string;
	malformed: boolean;
	/** The row under the cursor, its position and the count shown. */
	row?: InventoryRow;
	cursor: number;
	shown: number;
};

/** The last line above the keys: busy, a filter problem, a notice, what to do after an error, or the row under the cursor. */
export function statusLine(v: StatusView): Notice {
	if (v.busy) return {text: `${v.busy}${v.filterPending ? ` (the filter '${inert(v.applied)}' applies when it is done)` : ''}`, tone: 'warn'};
	if (v.parseError && v.filterText) return {text: `${v.parseError} (showing '${inert(v.applied)}')`, tone: 'error'};
	if (v.problem && v.filterText) return {text: `${v.problem.message} (showing '${inert(v.problem.showing)}')`, tone: 'error'};
	if (v.notice) return v.notice;
	if (v.error) return {text: v.malformed ? 'b loads again skipping malformed records (they are counted)  r tries again  Esc back' : 'r tries again  Esc back', tone: 'normal'};
	if (!v.row) return {text: '', tone: 'normal'};
	const position = v.shown > 0 ? `${formatCount(v.cursor + 1)}/${formatCount(v.shown)} · ` : '';
	const {row} = v;
	return {text: `${position}${row.path === undefined ? 'Description' : `${row.tool} path`}: ${inert(row.path ?? row.description)}${row.path === undefined ? '' : `   (raw: ${inert(row.description)})`}`, tone: 'normal'};
}

/** What the empty table says. */
export function inventoryEmptyText(v: {loading: boolean; error?: string; filtered: boolean}): string {
	return v.loading ? 'Reading the inventory…' : v.error ? 'Nothing to show.' : v.filtered ? 'No archive matches the filter.' : 'This inventory lists no archives.';
}

export function markAllNotice(did: boolean, shown: number): Notice {
	return {text: did ? `Marked all ${plural(shown, 'archive')} shown.` : `Unmarked the ${plural(shown, 'archive')} shown.`, tone: 'normal'};
}

export function exportedNotice(count: number, format: ExportFormat, bytes: number, file: string): Notice {
	return {text: `Exported ${plural(count, 'archive')} as ${format.toUpperCase()} (${formatBytes(bytes)}) to ${inert(file)}`, tone: 'normal'};
}

/** The export dialog's title line. */
export function exportTitle(which: 'marked' | 'shown', marked: number, shown: number): string {
	return `Export ${which === 'marked' ? plural(marked, 'marked archive') : plural(shown, 'archive') + ' shown'}: exact values, plus decoded Path/LastModified`;
}

/** One choice of the export dialog: the options with the selected one in brackets. */
export function choiceLine(label: string, options: readonly string[], selected: string, focused: boolean, width: number): string {
	return fit(`${label} ${options.map(o => (o === selected ? `[${o}]` : ` ${o} `)).join(' ')}${focused ? '   ←/→ changes' : ''}`, width);
}
