/**
 * `thaw delete-vault --vault-name V [--wait] [--poll-seconds S]`: DeleteVault,
 * as `aws glacier delete-vault`, with the explanation Glacier does not give.
 * Glacier deletes a vault only when it had no archives as of its last
 * inventory and nothing was written since; it takes that inventory about
 * once a day. So right after its archives are deleted a vault still "holds"
 * them. thaw's record of its own deletions (written by `thaw restore purge`)
 * tells that lag from archives still there. It never deletes archives.
 */
import process from 'node:process';
import {setTimeout as sleep} from 'node:timers/promises';
import {deleteVault, describeVault, type Vault} from '../glacier/api.js';
import {connect} from '../glacier/client.js';
import {errorName, errorText, toThawError} from '../glacier/errors.js';
import {ExitCode, ThawError, UsageError} from '../errors.js';
import {formatBytes, formatClock} from '../format.js';
import {inert} from '../inert.js';
import {readVaultDeletions, type VaultDeletions} from '../restore/purge/ledger.js';
import {connectionFromArgs, connectionHelp, connectionOptions, parse} from './args.js';
import {ledgerPath} from './ledger-path.js';

export const help = `Usage: thaw delete-vault --vault-name V [--wait [--poll-seconds S]] [options]

Delete the vault V, as 'aws glacier delete-vault' does, and say why when
Glacier refuses. Glacier deletes a vault only when it had no archives as of
its last inventory and nothing was written to it since; it takes a vault's
inventory about once a day. So for about a day after its archives are deleted,
a vault still shows them and cannot be deleted. thaw never deletes archives
here: 'thaw restore purge PLAN' deletes those a restore proved on disk.

Options:
  --vault-name V        the vault to delete
  --wait                when the archives are gone but Glacier's inventory has not caught up,
                        wait here (polling DescribeVault) until an inventory after the last
                        deletion shows the vault empty, then delete it
  --poll-seconds S      with --wait, look this often (default 600)
  --help                this help

${connectionHelp}

Exit codes: 0 deleted, 2 usage, 4 refused (archives in it, or Glacier's inventory not caught
up yet; the message says which) or no such vault, 5 Glacier kept failing, 130 interrupted.`;

const options = {
	...connectionOptions,
	'vault-name': {type: 'string'},
	wait: {type: 'boolean'},
	'poll-seconds': {type: 'string'},
	help: {type: 'boolean', short: 'h'},
} as const;

function after(date: string | null | undefined, marker: string | null | undefined): boolean {
	if (!date || !marker) return false;
	return Date.parse(date) > Date.parse(marker);
}

function archives(count: number): string {
	return `${count.toLocaleString('en-US')} archive${count === 1 ? '' : 's'}`;
}

/** What thaw's purges left in the vault, from its record: "2 kept by the purge of /p (not proven), 1 older version outside its plan". */
function remainingText(deletions: VaultDeletions): string | undefined {
	const parts: string[] = [];
	for (const [plan, entry] of Object.entries(deletions.plans)) {
		if (entry.kept > 0) parts.push(`${archives(entry.kept)} kept by the purge of ${inert(plan)} (not proven restored)`);
		if (entry.skippedVersions > 0) parts.push(`${entry.skippedVersions.toLocaleString('en-US')} older version(s) that plan skipped`);
	}

	return parts.length > 0 ? parts.join(', ') : undefined;
}

function deletedByThaw(deletions: VaultDeletions): number {
	return Object.values(deletions.plans).reduce((sum, entry) => sum + entry.deleted, 0);
}

function inventoryText(vault: Vault): string {
	return vault.LastInventoryDate ? `its last inventory (${inert(vault.LastInventoryDate)})` : 'its last inventory (none yet)';
}

export async function run(args: string[]): Promise<number> {
	const {values, positionals} = parse('delete-vault', args, options, true);
	if (values.help) {
		process.stdout.write(help + '\n');
		return ExitCode.ok;
	}

	if (positionals.length > 0) throw new UsageError(`thaw delete-vault takes no arguments, only options (not '${inert(positionals[0])}'). Run 'thaw delete-vault --help' for usage.`);
	const vaultName = values['vault-name'];
	if (!vaultName) throw new UsageError('thaw delete-vault needs --vault-name V. Run \'thaw delete-vault --help\' for usage.');
	const pollText = values['poll-seconds'];
	const pollSeconds = pollText === undefined ? 600 : Number(pollText);
	if (pollText !== undefined && (!/^\d+(\.\d+)?$/.test(pollText.trim()) || !(pollSeconds > 0))) throw new UsageError(`--poll-seconds takes a number of seconds above 0, not '${inert(pollText)}'`);
	const wait = values.wait === true;
	const connection = connect(connectionFromArgs(values));
	const ledger = ledgerPath();
	const started = Date.now();
	const live = process.stderr.isTTY === true;
	const stop = new AbortController();
	const onSignal = () => {
		stop.abort();
	};

	process.once('SIGINT', onSignal);
	process.once('SIGTERM', onSignal);
	/** The inventory date Glacier refused a DeleteVault at: the next try waits for a later one. */
	let refusedAt: string | null | undefined;
	let lastSaid = '';
	let lastSaidAt = 0;
	const say = (line: string) => {
		// A live line in a terminal; otherwise a line when something changed, and every 30 minutes.
		if (live) {
			process.stderr.write(`\r${line.slice(0, Math.max(20, (process.stderr.columns ?? 100) - 1))}\u001B[K`);
		} else if (line.replace(/^waiting \S+/, '') !== lastSaid || Date.now() - lastSaidAt > 30 * 60 * 1000) {
			process.stderr.write(`thaw: ${line}\n`);
			lastSaid = line.replace(/^waiting \S+/, '');
			lastSaidAt = Date.now();
		}
	};

	const waited = () => formatClock((Date.now() - started) / 1000);
	try {
		for (let first = true; ; first = false) {
			if (!first) {
				await sleep(pollSeconds * 1000, undefined, {signal: stop.signal}).catch(() => undefined);
				if (stop.signal.aborted) {
					if (live) process.stderr.write('\n');
					process.stderr.write(`thaw: stopped waiting after ${waited()}: vault '${inert(vaultName)}' was not deleted\n`);
					return ExitCode.interrupted;
				}
			}

			const vault = await describeVault(connection, vaultName);
			const count = vault.NumberOfArchives ?? 0;
			const deletions = ledger && vault.VaultARN ? await readVaultDeletions(ledger, vault.VaultARN) : undefined;
			// thaw deleted archives in it, and the inventory Glacier shows is not yet one taken after the last of those deletions.
			const lagging = deletions !== undefined && !after(vault.LastInventoryDate, deletions.inventoryAfter ?? deletions.lastDeletionAt);
			const waitLine = `waiting ${waited()} for Glacier's next inventory of '${inert(vaultName)}' (${inventoryText(vault)}: ${archives(count)}); looking every ${pollSeconds} s, Ctrl-C to stop`;
			if (count > 0) {
				if (lagging) {
					if (wait) {
						say(waitLine);
						continue;
					}

					const remaining = remainingText(deletions);
					process.stderr.write(`thaw: vault '${inert(vaultName)}' still shows ${archives(count)} (${formatBytes(vault.SizeInBytes ?? 0)}) as of ${inventoryText(vault)}, but that inventory is older than thaw's deletions (${archives(deletedByThaw(deletions))} deleted by 'thaw restore purge', the last at ${inert(deletions.lastDeletionAt)}). Glacier takes a vault's inventory about once a day and deletes a vault only once an inventory after the last deletion shows it empty${remaining ? `; note that ${remaining} remain in it` : ''}. Run this again in about a day, or with --wait to wait here\n`);
					return ExitCode.job;
				}

				if (live && !first) process.stderr.write('\n');
				const remaining = deletions ? remainingText(deletions) : undefined;
				const why = deletions
					? `an inventory taken after thaw's last deletion there still shows them${remaining ? ` (${remaining})` : ''}, so they are not all deleted`
					: `if they were deleted after ${inert(vault.LastInventoryDate ?? 'it')}, Glacier has not taken an inventory since (about once a day): run this again later`;
				process.stderr.write(`thaw: vault '${inert(vaultName)}' holds ${archives(count)} (${formatBytes(vault.SizeInBytes ?? 0)}) as of ${inventoryText(vault)}: Glacier deletes only a vault with no archives. 'thaw restore purge PLAN' deletes the archives a restore has proven on disk; ${why}. Nothing was deleted\n`);
				return ExitCode.job;
			}

			if (refusedAt !== undefined && !after(vault.LastInventoryDate, refusedAt)) {
				say(waitLine);
				continue;
			}

			try {
				await deleteVault(connection, vaultName);
			} catch (error) {
				if (errorName(error) !== 'InvalidParameterValueException' || !/not empty|recently written/i.test(errorText(error))) throw toThawError(error, {connection, what: 'delete the vault', vaultName});
				refusedAt = vault.LastInventoryDate ?? null;
				if (wait) {
					say(waitLine);
					continue;
				}

				process.stderr.write(`thaw: Glacier refused to delete vault '${inert(vaultName)}' ("${errorText(error)}"): it shows no archives as of ${inventoryText(vault)}, but it was written to since (archives deleted or added after it). Glacier takes a vault's inventory about once a day and deletes the vault once one taken after the last write shows it empty. Run this again in about a day, or with --wait to wait here\n`);
				return ExitCode.job;
			}

			if (live && !first) process.stderr.write('\n');
			process.stdout.write(`deleted vault '${inert(vaultName)}'${first ? '' : ` after waiting ${waited()} for its inventory`}\n`);
			return ExitCode.ok;
		}
	} catch (error) {
		if (live) process.stderr.write('\n');
		throw error instanceof ThawError ? error : toThawError(error, {connection, what: 'delete the vault', vaultName});
	} finally {
		process.off('SIGINT', onSignal);
		process.off('SIGTERM', onSignal);
		connection.close();
	}
}
