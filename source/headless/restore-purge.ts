/**
 * `thaw restore purge PLAN`: delete from Glacier the archives of a restore
 * plan whose file is proven byte-exact on disk now, after showing what would
 * be deleted, kept and charged. A person at a terminal confirms by typing the
 * count; a script passes --yes; with neither nothing is deleted (exit 2).
 */
import process from 'node:process';
import {createInterface} from 'node:readline';
import {ExitCode, UsageError, type ExitCodeValue} from '../errors.js';
import {inert, inertJson} from '../inert.js';
import {connect} from '../glacier/client.js';
import {readPrices} from '../restore/prices.js';
import {
	confirmationMatches, confirmQuestion, keptLines, openPurge, previewLines, progressText, resultLines,
	type PurgePreview, type PurgeResult, type PurgeSession,
} from '../restore/purge/index.js';
import {connectionFromArgs, connectionHelp, connectionOptions, integer, parse} from './args.js';
import {ledgerPath} from './ledger-path.js';

export const purgeUsage = `Usage: thaw restore purge PLAN [--yes] [--output table|json] [options]

Delete from Glacier the archives of the restore plan in PLAN that are proven
restored: for each archive the restore verified, its file is checked again
now (at its path under the plan's folder, not through a symbolic link, the
archive's size, and the inventory's SHA-256 tree hash). Only those are
deleted (DeleteArchive). Missing, changed or unverified files keep their
archives, listed with why; archives the plan skipped (older versions,
filtered out) are never touched.

Before deleting it shows the count and bytes to delete, what is kept and why,
and the early-deletion charge of archives younger than 90 days. At a terminal
it asks you to type the count; otherwise it needs --yes, and without it
deletes nothing (exit 2: a dry run). Deletions are journaled in
PLAN/purge/: run it again at any time (after a kill, a lost network): nothing
is deleted twice and it ends with the same verdict.

Options:
  --yes                 delete without asking (required when no one is at a terminal)
  --output table|json   the preview and verdict as text (default) or one JSON object
  --prices FILE         a price file with "storagePerGBMonth" (the vault's storage price per
                        GB-month) for the early-deletion charge (default: the plan's, else
                        the built-in estimate for its region)
  --concurrency N       DeleteArchive calls at once (default 8; throttling slows them down)
  --quiet               no progress lines
  --help                this help

${connectionHelp}

Exit codes: 0 every archive of the plan proven and deleted, 2 usage or not confirmed
(nothing deleted), 3 some archives could not be proven (kept; nothing unproven is ever
deleted), 4 the vault was not found, 5 Glacier kept failing (run again), 6 local file
problem (the plan, its journal, or another purge of it running), 130 interrupted.`;

const options = {
	...connectionOptions,
	yes: {type: 'boolean'},
	output: {type: 'string'},
	prices: {type: 'string'},
	concurrency: {type: 'string'},
	quiet: {type: 'boolean'},
	help: {type: 'boolean', short: 'h'},
} as const;

function startProgress(session: PurgeSession, quiet: boolean): {stop(): void} {
	const stream = process.stderr;
	const live = stream.isTTY === true;
	let drawn = false;
	let logged = 0;
	const draw = () => {
		const snapshot = session.store.getSnapshot();
		const clear = () => {
			if (drawn) stream.write('\r\u001B[K');
			drawn = false;
		};

		for (const entry of snapshot.log.slice(logged)) {
			clear();
			stream.write(`thaw: ${entry.level === 'info' ? '' : 'warning: '}${entry.message}\n`);
		}

		logged = snapshot.log.length;
		if (quiet || (snapshot.phase !== 'checking' && snapshot.phase !== 'deleting')) return;
		const line = progressText(snapshot);
		if (live) {
			stream.write(`\r${line.slice(0, Math.max(20, (stream.columns ?? 100) - 1))}\u001B[K`);
			drawn = true;
		} else {
			stream.write(`${line}\n`);
		}
	};

	const timer = setInterval(draw, Number(process.env.THAW_PROGRESS_MS) || (live ? 250 : 30_000));
	timer.unref();
	return {
		stop() {
			clearInterval(timer);
			const snapshot = session.store.getSnapshot();
			for (const entry of snapshot.log.slice(logged)) stream.write(`${drawn ? '\r\u001B[K' : ''}thaw: ${entry.level === 'info' ? '' : 'warning: '}${entry.message}\n`);
			logged = snapshot.log.length;
			if (drawn) stream.write('\r\u001B[K');
			drawn = false;
		},
	};
}

/** One line typed at the terminal (stderr shows the question: stdout may be a file). Null on Ctrl-C or end of input. */
async function ask(question: string): Promise<string | null> {
	const rl = createInterface({input: process.stdin, output: process.stderr, terminal: true});
	try {
		return await new Promise<string | null>(resolve => {
			rl.once('SIGINT', () => {
				process.stderr.write('\n');
				resolve(null);
			});
			rl.once('close', () => {
				resolve(null);
			});
			rl.question(`\n${question}: `, resolve);
		});
	} finally {
		rl.close();
	}
}

function json(preview: PurgePreview, result: PurgeResult | null, confirmed: boolean, exitCode: ExitCodeValue): string {
	const value = {
		...preview,
		confirmed,
		result: result && {
			deleted: result.deleted, gone: result.gone, changed: result.changed, failed: result.failed,
			totalDeleted: result.totalDeleted, kept: result.kept, cancelled: result.cancelled,
		},
		exitCode,
	};
	const text = JSON.stringify(value, null, 2);
	return `${process.stdout.isTTY ? inertJson(text) : text}\n`;
}

export async function run(args: string[]): Promise<number> {
	const {values, positionals} = parse('restore purge', args, options, true);
	if (values.help) {
		process.stdout.write(purgeUsage + '\n');
		return ExitCode.ok;
	}

	if (positionals.length !== 1) throw new UsageError(`thaw restore purge takes one PLAN folder${positionals.length > 1 ? `, not ${positionals.length}` : ''}. Run 'thaw restore purge --help' for usage.`);
	const output = values.output ?? 'table';
	if (output !== 'table' && output !== 'json') throw new UsageError(`--output must be table or json, not '${inert(output)}'`);
	const concurrency = integer('concurrency', values.concurrency, 1, 64) ?? 8;
	const prices = values.prices === undefined ? undefined : await readPrices(values.prices);
	if (prices && prices.storagePerGBMonth === undefined) throw new UsageError(`--prices ${inert(values.prices!)} has no "storagePerGBMonth": the early-deletion charge needs the vault's storage price per GB-month (e.g. "storagePerGBMonth": 0.0036)`);
	const connectionValues = connectionFromArgs(values);
	const quiet = values.quiet === true;
	const terminal = process.stdin.isTTY === true && process.stderr.isTTY === true;
	const print = (lines: string[]) => {
		if (output === 'table' && lines.length > 0) process.stdout.write(lines.join('\n') + '\n');
	};

	// THAW_PURGE_RETRY_MS: the first retry wait after a 5xx or network failure (tests make it small; default 250 ms, doubling to 20 s).
	const retryMs = Number(process.env.THAW_PURGE_RETRY_MS) || undefined;
	const session = await openPurge({planDir: positionals[0], prices, ledgerFile: ledgerPath(), delete: {concurrency, retryBaseMs: retryMs, retryCapMs: retryMs && retryMs * 8}});
	let interrupts = 0;
	const onSignal = () => {
		interrupts++;
		if (interrupts > 1) process.exit(ExitCode.interrupted);
		if (!quiet) process.stderr.write('\nthaw: stopping: calls in flight finish; run the same command again to continue (nothing is deleted twice)\n');
		session.cancel();
	};

	process.on('SIGINT', onSignal);
	process.on('SIGTERM', onSignal);
	const progress = startProgress(session, quiet);
	try {
		const preview = await session.preview();
		progress.stop();
		print([...previewLines(preview), ...(preview.kept.list.length > 0 ? ['', ...keptLines(preview)] : [])]);
		if (preview.toDelete.archives === 0) {
			const exitCode = preview.kept.archives > 0 ? ExitCode.verification : ExitCode.ok;
			if (output === 'json') process.stdout.write(json(preview, null, false, exitCode));
			process.stderr.write(`thaw: nothing to delete${preview.kept.archives > 0 ? `: ${preview.kept.archives.toLocaleString('en-US')} archive(s) could not be proven restored and are kept` : preview.alreadyDeleted.archives > 0 ? ': every archive of the plan was deleted by an earlier purge' : ''}\n`);
			return exitCode;
		}

		let confirmed = values.yes === true;
		if (!confirmed && terminal) {
			const typed = await ask(confirmQuestion(preview));
			if (typed === null) {
				process.stderr.write('thaw: stopped: nothing was deleted\n');
				return ExitCode.interrupted;
			}

			confirmed = confirmationMatches(typed, preview);
			if (!confirmed) {
				process.stderr.write(`thaw: nothing deleted: '${inert(typed.trim())}' is not ${preview.toDelete.archives}; run again and type the count to delete\n`);
				return ExitCode.usage;
			}
		}

		if (!confirmed) {
			if (output === 'json') process.stdout.write(json(preview, null, false, ExitCode.usage));
			process.stderr.write(`thaw: nothing deleted: no terminal to confirm in; to delete the ${preview.toDelete.archives.toLocaleString('en-US')} proven archive(s), run again with --yes\n`);
			return ExitCode.usage;
		}

		const connection = connect({...connectionValues, region: connectionValues.region ?? (preview.vaultARN?.split(':')[3] || session.header.region), maxSockets: concurrency});
		const again = startProgress(session, quiet);
		let result: PurgeResult;
		try {
			result = await session.run(connection);
		} finally {
			again.stop();
			connection.close();
		}

		if (output === 'json') process.stdout.write(json(preview, result, true, result.exitCode));
		else print(resultLines(result).map(line => line.replace(/^thaw: /, '')));
		return result.exitCode;
	} finally {
		progress.stop();
		process.off('SIGINT', onSignal);
		process.off('SIGTERM', onSignal);
		await session.close();
	}
}
