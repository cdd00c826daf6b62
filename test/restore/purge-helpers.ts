/**
 * Set-up for the purge and delete-vault tests: an in-process emulator with a
 * vault, its inventory written as Glacier writes one, a real plan made by
 * `thaw restore plan` (so skipped versions are the planner's own decisions),
 * the restore run to the end in this process, and the CLI run as a user
 * runs it (build/cli.js, its own process) with its own settings folder.
 */
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {startEmulator, type Emulator, type EmulatorOptions} from '../../source/emulator/index.js';
import {connect} from '../../source/glacier/client.js';
import {startRestore} from '../../source/restore/runner/runner.js';
import {runThaw, testEnv, type CliOptions, type CliRun} from '../run-cli.js';

export type VaultArchive = {description: string; size: number; created: string};

export type Restored = {
	emulator: Emulator;
	vault: string;
	root: string;
	planDir: string;
	to: string;
	configDir: string;
	/** Every archive of the vault, in upload order, with its id. */
	archives: Array<VaultArchive & {archiveId: string; treeHash: string}>;
	/** Plan lines: [archiveId, size, hash, relativePath, mtime, created]. */
	plan: Array<[string, number, string, string, number | null, string]>;
	thaw(args: string[], options?: CliOptions): Promise<CliRun>;
	purge(args?: string[], options?: CliOptions): Promise<CliRun>;
	/** DeleteArchive requests the emulator answered, per archive id. */
	deleteCalls(): Map<string, number>;
	/** Archive ids the vault still holds (live, not as of the inventory). */
	live(): Set<string>;
	close(): Promise<void>;
};

const day = 24 * 60 * 60 * 1000;

/** An ISO date `days` ago (Glacier's form: no milliseconds). */
export function daysAgo(days: number, now = Date.now()): string {
	return new Date(Math.floor((now - (days * day)) / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Photos and documents; 'docs/report.txt' has an older version the plan skips (--versions latest). */
export const defaultArchives: VaultArchive[] = [
	{description: 'photos/2019/IMG_0001.jpg', size: 16 * 1024, created: '2019-07-01T12:00:00Z'},
	{description: 'photos/2019/IMG_0002.jpg', size: 20_000, created: '2019-07-01T12:00:01Z'},
	{description: 'docs/report.txt', size: 700, created: '2021-05-05T00:00:00Z'},
	{description: 'docs/report.txt', size: 600, created: '2020-03-01T10:00:00Z'},
	{description: 'Düsseldorf/日本語.txt', size: 5000, created: '2020-01-01T00:00:00Z'},
	{description: 'one-byte.bin', size: 1, created: '2018-01-01T00:00:00Z'},
	{description: 'big/disk.img', size: (2 * 1024 * 1024) + 17, created: '2022-02-02T00:00:00Z'},
];

export async function restoredVault(inputs: VaultArchive[] = defaultArchives, options: {emulator?: EmulatorOptions; restore?: boolean} = {}): Promise<Restored> {
	const emulator = await startEmulator({hashCacheDir: false, ...options.emulator});
	const vault = 'photos';
	emulator.createVault(vault);
	const root = await mkdtemp(join(tmpdir(), 'thaw-purge-'));
	const planDir = join(root, 'plan');
	const to = join(root, 'restored');
	const configDir = join(root, 'config');
	const archives = [];
	for (const [k, input] of inputs.entries()) {
		const {archiveId} = emulator.addArchive(vault, {size: input.size, description: input.description, seed: `purge-${k}`, creationDate: input.created});
		archives.push({...input, archiveId, treeHash: await emulator.archiveTreeHash(vault, archiveId)});
	}

	const inventory = join(root, 'inventory.json');
	await writeFile(inventory, JSON.stringify({
		VaultARN: `arn:aws:glacier:us-east-1:${emulator.accountId}:vaults/${vault}`,
		InventoryDate: new Date().toISOString(),
		ArchiveList: archives.map(a => ({ArchiveId: a.archiveId, ArchiveDescription: a.description, CreationDate: a.created, Size: a.size, SHA256TreeHash: a.treeHash})),
	}));
	const env = {...process.env, ...testEnv, THAW_CONFIG_DIR: configDir};
	// options.env adds to (and overrides) the test environment.
	const thaw = async (args: string[], cliOptions: CliOptions = {}) => runThaw(args, {...cliOptions, env: {...env, ...cliOptions.env}});
	const planned = await thaw(['restore', 'plan', planDir, '--vault-name', vault, '--inventory', inventory, '--to', to, '--endpoint-url', emulator.url]);
	if (planned.code !== 0) throw new Error(`restore plan failed (${planned.code}): ${planned.stderr}`);
	const plan = (await readFile(join(planDir, 'archives.jsonl'), 'utf8')).split('\n').filter(Boolean).map(line => JSON.parse(line) as [string, number, string, string, number | null, string]);
	if (options.restore ?? true) {
		const connection = connect({endpointUrl: emulator.url, region: 'us-east-1', demoCredentials: true});
		try {
			const result = await startRestore({connection, planDir, shard: {k: 0, n: 1}, pollMs: 20, retryBaseMs: 2, retryCapMs: 20, initiateRate: 200}).done;
			if (result.exitCode !== 0) throw new Error(`restore run ended with ${result.exitCode}`);
		} finally {
			connection.close();
		}
	}

	return {
		emulator, vault, root, planDir, to, configDir, archives, plan, thaw,
		async purge(args = [], cliOptions = {}) {
			return thaw(['restore', 'purge', planDir, '--endpoint-url', emulator.url, ...args], cliOptions);
		},
		deleteCalls() {
			const calls = new Map<string, number>();
			for (const request of emulator.requests) {
				if (request.op !== 'DeleteArchive') continue;
				const id = decodeURIComponent(request.path.split('/').at(-1)!);
				calls.set(id, (calls.get(id) ?? 0) + 1);
			}

			return calls;
		},
		live() {
			const ids = new Set<string>();
			for (const archive of archives) {
				try {
					emulator.archiveBytes(vault, archive.archiveId, 0, 0);
					ids.add(archive.archiveId);
				} catch {
					// Deleted.
				}
			}

			return ids;
		},
		async close() {
			await emulator.close();
			await rm(root, {recursive: true, force: true});
		},
	};
}

/** The purge journal's records (torn lines skipped). */
export async function purgeRecords(r: Restored): Promise<Array<Record<string, unknown>>> {
	const bytes = await readFile(join(r.planDir, 'purge', 'journal.log')).catch(() => Buffer.alloc(0));
	return bytes.toString('utf8').split('\n').filter(line => line.length > 9).flatMap(line => {
		try {
			return [JSON.parse(line.slice(9)) as Record<string, unknown>];
		} catch {
			return [];
		}
	});
}

/** Plan indexes in purge records of this type. */
export function indexesIn(records: Array<Record<string, unknown>>, t: string): number[] {
	return records.filter(r => r.t === t).flatMap(r => r.is as number[]);
}
