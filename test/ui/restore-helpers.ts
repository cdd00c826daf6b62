/**
 * Shared set-up for the restore screens' tests: an emulator vault with names
 * that exercise the planner (versions, a case clash, a hostile and an
 * undecodable name) and a succeeded inventory job, opened in the browser.
 */
import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import type {Emulator, EmulatorOptions} from '../../source/emulator/index.js';
import {makePlan} from '../../source/restore/plan/make.js';
import type {Route} from '../../source/ui/routes.js';
import {keys, startHarness, type Harness} from './helpers.js';

export const vault = 'photos';

export const archives = [
	{description: 'photos/a.jpg', size: 1000, creationDate: '2020-01-01T00:00:00Z'},
	{description: 'photos/a.jpg', size: 1200, creationDate: '2021-01-01T00:00:00Z'},
	{description: 'Docs/Readme.txt', size: 50},
	{description: 'docs/readme.txt', size: 60},
	{description: 'evil \u001B]0;pwned\u0007 name', size: 70},
	{description: 'big.bin', size: 3 * 1024 * 1024 + 5},
];

export type RestoreHarness = Harness & {ids: string[]; jobId: string};

export async function restoreHarness(options: {size?: {columns: number; rows: number}; emulator?: EmulatorOptions; initial?: Route[]; setup?: (emulator: Emulator, ids: string[]) => void | Promise<void>} = {}): Promise<RestoreHarness> {
	const ids: string[] = [];
	let jobId = '';
	const h = await startHarness({
		size: options.size,
		emulator: {jobDelayMs: 400, hashCacheDir: false, ...options.emulator},
		initial: options.initial ?? [{screen: 'vaults'}, {screen: 'jobs', vaultName: vault}],
		services: {restore: {pollMs: 150, retryBaseMs: 5, retryCapMs: 20, deferMs: 200}},
		async setup(emulator) {
			emulator.createVault(vault);
			for (const [index, archive] of archives.entries()) ids.push(emulator.addArchive(vault, {...archive, seed: `ui-restore-${index}`}).archiveId);
			jobId = await emulator.addJob(vault, {type: 'inventory-retrieval', format: 'JSON', description: 'weekly inventory'});
			await options.setup?.(emulator, ids);
		},
	});
	return Object.assign(h, {ids, jobId});
}

/** From the jobs screen: the inventory, every archive marked, R: the preview. */
export async function openPreview(h: Harness): Promise<string> {
	await h.waitFor('weekly inventory', 15_000);
	await h.press(keys.enter);
	await h.waitFor(/6 archives, /, 15_000);
	await h.press('*', 'R');
	return h.waitFor('Cost', 10_000);
}

/** The restored file's bytes equal the archive's. */
export async function sameBytes(emulator: Emulator, archiveId: string, size: number, path: string): Promise<boolean> {
	const bytes = await readFile(path);
	return bytes.equals(emulator.archiveBytes(vault, archiveId, 0, size - 1));
}

export function under(dir: string, ...parts: string[]): string {
	return join(dir, ...parts);
}

/** A plan of the whole vault in the TUI's plans folder (as thaw restore plan makes it), restoring into `to`. */
export async function planInFolder(h: RestoreHarness, name: string, to: string): Promise<string> {
	const planDir = join(h.dir, 'config', 'restores', name);
	await makePlan({planDir, vaultName: vault, inventory: {jobId: h.jobId}, connection: h.connection, to});
	return planDir;
}
