/**
 * What thaw deleted, per vault, kept beside thaw's settings (deletions.json):
 * Glacier's DescribeVault counts archives as of the vault's last inventory,
 * taken about once a day, so right after a purge it still shows them all.
 * `thaw delete-vault` reads this to tell "the archives are still there" from
 * "they are gone and Glacier's inventory has not caught up", and knows which
 * inventory is the first one after the last deletion.
 *
 * `inventoryAfter` is the LastInventoryDate a DescribeVault answered AFTER
 * the last deletion: any inventory dated later was taken after every
 * deletion recorded here (Glacier's own clock on both sides; never the local
 * one). Written atomically; read-modify-write, a lost update only makes
 * delete-vault explain less.
 */
import {mkdir, readFile} from 'node:fs/promises';
import {dirname} from 'node:path';
import {writeFileAtomic} from '../atomic.js';

export const ledgerFileName = 'deletions.json';

export type VaultDeletions = {
	vaultName: string;
	/** Local time of the last DeleteArchive answered 204 (ISO). */
	lastDeletionAt: string;
	/** LastInventoryDate seen after the last deletion (ISO), or null when none could be read (then the local time is compared). */
	inventoryAfter: string | null;
	/** Per PLAN folder: archives deleted by its purges, and archives of it still kept. */
	plans: Record<string, {deleted: number; bytes: number; kept: number; skippedVersions: number}>;
};

type Ledger = {format: 'thaw-deletions'; version: 1; vaults: Record<string, VaultDeletions>};

async function readAll(file: string): Promise<Ledger> {
	try {
		const value = JSON.parse(await readFile(file, 'utf8')) as Ledger;
		if (value?.format === 'thaw-deletions' && value.vaults && typeof value.vaults === 'object') return value;
	} catch {
		// Missing or unreadable: start again (it only explains; Glacier decides).
	}

	return {format: 'thaw-deletions', version: 1, vaults: {}};
}

/** What thaw recorded for a vault (by its ARN), if anything. */
export async function readVaultDeletions(file: string, vaultARN: string): Promise<VaultDeletions | undefined> {
	const ledger = await readAll(file);
	return Object.hasOwn(ledger.vaults, vaultARN) ? ledger.vaults[vaultARN] : undefined;
}

function later(a: string | null, b: string | null): string | null {
	if (a === null) return b;
	if (b === null) return a;
	return Date.parse(a) >= Date.parse(b) ? a : b;
}

/** Record a plan's deletions in a vault. */
export async function recordDeletions(file: string, vaultARN: string, entry: {vaultName: string; lastDeletionAt: string; inventoryAfter: string | null; plan: string; deleted: number; bytes: number; kept: number; skippedVersions: number}): Promise<void> {
	const ledger = await readAll(file);
	const old = Object.hasOwn(ledger.vaults, vaultARN) ? ledger.vaults[vaultARN] : undefined;
	ledger.vaults[vaultARN] = {
		vaultName: entry.vaultName,
		lastDeletionAt: old && Date.parse(old.lastDeletionAt) > Date.parse(entry.lastDeletionAt) ? old.lastDeletionAt : entry.lastDeletionAt,
		// The new one was seen after every deletion so far (the old one only after the older ones); unknown stays unknown.
		inventoryAfter: entry.inventoryAfter === null ? null : later(old?.inventoryAfter ?? null, entry.inventoryAfter),
		plans: {...old?.plans, [entry.plan]: {deleted: entry.deleted, bytes: entry.bytes, kept: entry.kept, skippedVersions: entry.skippedVersions}},
	};
	await mkdir(dirname(file), {recursive: true});
	await writeFileAtomic(file, JSON.stringify(ledger, null, '\t') + '\n');
}
