/**
 * thaw inventory FILE: read a vault inventory (JSON, Glacier CSV or CSV),
 * filter and sort it, and print it as a table, CSV, JSON, JSON lines or a
 * count. Table text is made inert; csv/json/jsonl keep the exact values,
 * except on a terminal, where their control characters are escaped.
 * With --vault-name V --job-id J it reads an inventory job's output straight
 * from GetJobOutput. (In a terminal with no --output, source/cli/inventory.ts
 * opens the browser instead: this module never loads Ink.)
 */
import process from 'node:process';
import {ExitCode, ThawError, UsageError} from '../errors.js';
import {inert, inertJson} from '../inert.js';
import {checkReadable, loadInventory} from '../inventory/load.js';
import {InventoryFormatError} from '../inventory/format-error.js';
import {filterHelpLines} from '../inventory/filter/help.js';
import {parseFilter} from '../inventory/filter/parse.js';
import type {Filter} from '../inventory/filter/node.js';
import {query} from '../inventory/query.js';
import {parseSort, type SortSpec} from '../inventory/sort.js';
import {csvHeader, csvLine, humanSize, rowToJson} from '../inventory/export.js';
import type {InventoryStore} from '../inventory/store.js';
import type {InventoryFormat} from '../inventory/types.js';
import {connect} from '../glacier/client.js';
import {openJobInventory} from '../inventory/job-source.js';
import type {ConnectionOptions} from '../glacier/client.js';
import {connectionFromArgs, connectionHelp, connectionOptions, integer, parse} from './args.js';

export const inventoryUsage = `Usage: thaw inventory FILE [options]
       thaw inventory --vault-name V --job-id J [options] [connection options]

Read a Glacier vault inventory (JSON, or CSV as Glacier writes it, or CSV
re-saved by another program), filter and sort it, and print it. With
--vault-name and --job-id, read a succeeded inventory job's output straight
from Glacier (nothing is saved). In a terminal, without --output, it opens
the inventory browser (filter, sort, mark, export, start retrievals; ? there
lists the keys).

Options:
  --format json|csv|glacier-csv   the file's format (default: detected from its first bytes)
  --filter EXPR                   only archives matching EXPR (see below)
  --sort FIELD[:desc]             id, description (or path/name), created, modified, size or hash
                                  (modified: decoded from the description; archives without one last)
  --output table|csv|json|jsonl|count
                                  what to print (default: the browser in a terminal, else table)
  --vault-name V                  the vault: with --job-id, read that job's output; with FILE, the
                                  vault the browser starts retrievals in
  --skip-bad                      skip malformed records (counted on stderr) instead of stopping
  --limit N                       print at most N archives
  --job-id J                      an inventory retrieval job of --vault-name that succeeded
  --help                          this help

Filter expressions (the browser shows these on ? at its / prompt):
${filterHelpLines().join('\n')}
  A regex that runs too long (like /(a+)+$/) is stopped with exit 2.

JSON and CSV output carry Glacier's fields (ArchiveId, ArchiveDescription,
CreationDate, Size, SHA256TreeHash) plus Path and LastModified for
descriptions written by mt-aws-glacier, FastGlacier, CloudBerry or QNAP.
Written to a file or a pipe they are the exact values; printed on a terminal,
control characters in them are escaped so they cannot act on it (JSON as
\\u001b, the same value; CSV and the table as \\x1b).

${connectionHelp}

Exit codes: 0 ok, 2 malformed inventory or bad option/filter, 4 job not ready, expired or
not found, 5 service or network failure, 6 file not readable.`;

const outputs = ['table', 'csv', 'json', 'jsonl', 'count'] as const;
type Output = typeof outputs[number];
const formats = ['json', 'csv', 'glacier-csv'] as const;

class Writer {
	private pending: string[] = [];
	private size = 0;
	closed = false;

	constructor(private readonly stream: NodeJS.WriteStream) {
		stream.on('error', (error: NodeJS.ErrnoException) => {
			if (error.code === 'EPIPE') this.closed = true;
		});
	}

	async write(text: string): Promise<void> {
		this.pending.push(text);
		this.size += text.length;
		if (this.size >= 64 * 1024) await this.flush();
	}

	async flush(): Promise<void> {
		if (this.pending.length === 0 || this.closed) return;
		const text = this.pending.join('');
		this.pending = [];
		this.size = 0;
		if (this.stream.write(text)) return;
		// Wait for drain or an error, then drop both listeners: once() per flush
		// would leave one 'error' listener behind each time (MaxListenersExceededWarning).
		await new Promise<void>(resolve => {
			const done = (): void => {
				this.stream.off('drain', done);
				this.stream.off('error', done);
				resolve();
			};
			this.stream.on('drain', done);
			this.stream.on('error', done);
		});
	}
}

function pad2(value: number): string {
	return String(value).padStart(2, '0');
}

function shortDate(ms: number): string {
	const date = new Date(ms);
	return `${date.getUTCFullYear()}-${pad2(date.getUTCMonth() + 1)}-${pad2(date.getUTCDate())} ${pad2(date.getUTCHours())}:${pad2(date.getUTCMinutes())}`;
}

/** The table's ARCHIVE ID column: 12 cells (ids are 138 characters; --filter id:PREFIX takes what it shows). */
const idWidth = 12;

function shortId(id: string): string {
	return id.length > idWidth ? `${id.slice(0, idWidth - 1)}…` : id;
}

function totalsText(count: number, bytes: number): string {
	return `${count.toLocaleString('en-US')} archive${count === 1 ? '' : 's'}, ${humanSize(bytes)} (${bytes.toLocaleString('en-US')} bytes)`;
}

/**
 * Exports keep the exact values when they go to a file or a pipe; on a
 * terminal, control characters in them would act (an OSC retitles the window,
 * CSI 2J clears it), so there JSON escapes them as \uXXXX (the same JSON
 * value) and CSV shows them as inert() does (\x1b).
 */
async function print(store: InventoryStore, rows: Uint32Array, output: Output, writer: Writer, filtered: boolean, terminal: boolean): Promise<void> {
	const json = terminal ? (value: unknown) => inertJson(JSON.stringify(value)) : (value: unknown) => JSON.stringify(value);
	const csv = terminal ? (line: string) => inert(line) : (line: string) => line;
	switch (output) {
		case 'count': {
			await writer.write(`${rows.length}\n`);
			break;
		}

		case 'json': {
			await writer.write('[');
			for (let k = 0; k < rows.length && !writer.closed; k++) await writer.write(`${k === 0 ? '\n' : ',\n'}${json(rowToJson(store.get(rows[k])))}`);
			await writer.write(rows.length === 0 ? ']\n' : '\n]\n');
			break;
		}

		case 'jsonl': {
			for (let k = 0; k < rows.length && !writer.closed; k++) await writer.write(json(rowToJson(store.get(rows[k]))) + '\n');
			break;
		}

		case 'csv': {
			await writer.write(csvHeader + '\r\n');
			for (let k = 0; k < rows.length && !writer.closed; k++) await writer.write(csv(csvLine(store.get(rows[k]))) + '\r\n');
			break;
		}

		case 'table': {
			await writer.write(`${'SIZE'.padStart(10)}  ${'CREATED (UTC)'.padEnd(16)}  ${'ARCHIVE ID'.padEnd(idWidth)}  PATH OR DESCRIPTION\n`);
			let cut = false;
			for (let k = 0; k < rows.length && !writer.closed; k++) {
				const row = store.get(rows[k]);
				cut ||= row.archiveId.length > idWidth;
				await writer.write(`${humanSize(row.size).padStart(10)}  ${shortDate(row.creationDate).padEnd(16)}  ${shortId(inert(row.archiveId)).padEnd(idWidth)}  ${inert(row.path ?? row.description)}\n`);
			}

			// A cut id says so (…) and where the whole ones are.
			if (cut) await writer.write('Archive ids are cut (…): --output json or csv prints them whole.\n');
			const shown = store.totals(rows);
			const all = store.totals();
			await writer.write(filtered ? `${totalsText(shown.count, shown.bytes)} shown, of ${totalsText(all.count, all.bytes)}\n` : `${totalsText(shown.count, shown.bytes)}\n`);
			break;
		}
	}

	await writer.flush();
}

/** What `thaw inventory` was asked for, checked: the cli layer decides from it whether to print or browse. */
export type InventoryRequest = {
	file?: string;
	vaultName?: string;
	jobId?: string;
	format?: InventoryFormat;
	/** The --filter text as given (the browser shows and edits it) and parsed. */
	filterText?: string;
	filter?: Filter;
	sort?: SortSpec;
	/** Undefined when --output was not given: the browser in a terminal, else a table. */
	output?: Output;
	limit?: number;
	skipBad: boolean;
	connection: ConnectionOptions;
};

/** Parses and checks the arguments (a file that cannot be read fails here, exit 6); 'help' for --help. */
export async function readInventoryArgs(args: string[]): Promise<InventoryRequest | 'help'> {
	const {values, positionals} = parse('inventory', args, {
		format: {type: 'string'},
		filter: {type: 'string'},
		sort: {type: 'string'},
		output: {type: 'string'},
		'skip-bad': {type: 'boolean'},
		limit: {type: 'string'},
		'vault-name': {type: 'string'},
		'job-id': {type: 'string'},
		help: {type: 'boolean', short: 'h'},
		...connectionOptions,
	}, true);
	if (values.help) return 'help';

	const jobId = values['job-id'];
	const vaultName = values['vault-name'];
	if (jobId !== undefined) {
		if (vaultName === undefined) throw new UsageError('--job-id needs --vault-name too. Run \'thaw inventory --help\' for usage.');
		if (positionals.length > 0) throw new UsageError('give either an inventory FILE or --job-id, not both. Run \'thaw inventory --help\' for usage.');
	} else if (positionals.length !== 1) {
		throw new UsageError(`thaw inventory takes one inventory file${positionals.length > 1 ? `, not ${positionals.length}` : ' (or --vault-name V --job-id J)'}. Run 'thaw inventory --help' for usage.`);
	}

	const file: string | undefined = positionals[0];
	const format = values.format as InventoryFormat | undefined;
	if (format !== undefined && !formats.includes(format)) throw new UsageError(`--format must be json, csv or glacier-csv, not '${inert(format)}'`);
	const output = values.output as Output | undefined;
	if (output !== undefined && !outputs.includes(output)) throw new UsageError(`--output must be table, csv, json, jsonl or count, not '${inert(output)}'`);
	const filter: Filter | undefined = values.filter === undefined ? undefined : parseFilter(values.filter);
	const sort: SortSpec | undefined = values.sort === undefined ? undefined : parseSort(values.sort);
	const limit = integer('limit', values.limit, 0, Number.MAX_SAFE_INTEGER);

	if (file !== undefined) await checkReadable(file);
	return {file, vaultName, jobId, format, filterText: values.filter, filter, sort, output, limit, skipBad: values['skip-bad'] === true, connection: connectionFromArgs(values)};
}

/** thaw inventory without a browser (the cli layer opens that): every command-line mode works here. */
export async function run(args: string[]): Promise<number> {
	const request = await readInventoryArgs(args);
	if (request === 'help') {
		process.stdout.write(inventoryUsage + '\n');
		return ExitCode.ok;
	}

	return printInventory(request);
}

/** Reads the inventory and prints it as asked (a table when no --output was given). */
export async function printInventory(request: InventoryRequest): Promise<number> {
	const {file, vaultName, jobId, format, filter, sort, limit} = request;
	const output = request.output ?? 'table';
	const connectionOptionsGiven = request.connection;
	const label = file ?? `inventory job ${jobId!.slice(0, 20)}…`;
	let result;
	const connection = file === undefined ? connect({...connectionOptionsGiven, maxAttempts: 4}) : undefined;
	try {
		if (file !== undefined) {
			result = await loadInventory(file, {format, skipBad: request.skipBad});
		} else {
			const job = await openJobInventory(connection!, vaultName!, jobId!);
			result = await loadInventory(job.body, {format: format ?? job.format, skipBad: request.skipBad, totalBytes: job.totalBytes});
		}
	} catch (error) {
		if (error instanceof InventoryFormatError) {
			throw new ThawError(`${label}: ${error.message}${request.skipBad ? '' : ' (--skip-bad skips malformed records)'}`, ExitCode.usage);
		}

		throw error;
	} finally {
		connection?.close();
	}

	const {store} = result;
	if (result.skipped > 0) {
		const first = result.problems[0];
		process.stderr.write(`thaw: skipped ${result.skipped} malformed record${result.skipped === 1 ? '' : 's'} in ${inert(label)}${first ? ` (first: ${inert(first.message)})` : ''}\n`);
	}

	if (result.stoppedEarly) {
		process.stderr.write(`thaw: stopped reading ${inert(label)} at ${inert(result.stoppedEarly.message)}; using the ${store.length} archive${store.length === 1 ? '' : 's'} before it\n`);
	}

	let rows = query(store, {filter, sort});
	if (limit !== undefined && rows.length > limit) rows = rows.subarray(0, limit);
	await print(store, rows, output, new Writer(process.stdout), filter !== undefined && !filter.matchesAll, process.stdout.isTTY === true);
	return ExitCode.ok;
}
