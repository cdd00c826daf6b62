/**
 * Shared set-up for the restore-run tests: an in-process emulator holding a
 * vault, a PLAN directory written by hand as RESTORE-CONTRACT.md describes
 * it (plan.json + archives.jsonl), runs in-process or as build/cli.js, and
 * the checks every test makes (bytes under the right names, InitiateJob
 * calls per archive).
 */
import {spawn, type ChildProcess} from 'node:child_process';
import {mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {startEmulator, type Emulator, type EmulatorOptions} from '../../source/emulator/index.js';
import {connect} from '../../source/glacier/client.js';
import {startRestore, type RunnerOptions, type RunResult} from '../../source/restore/runner/runner.js';
import {parseTag, planIdOf} from '../../source/restore/runner/tag.js';
import {parseLog} from '../../source/restore/state.js';

export const MiB = 1024 * 1024;
export const cli = new URL('../../build/cli.js', import.meta.url).pathname;

export type ArchiveInput = {size: number; path: string; description?: string; mtimeMs?: number | null};

export type PlanArchive = ArchiveInput & {archiveId: string; treeHash: string; index: number};

export type World = {
	emulator: Emulator;
	vault: string;
	root: string;
	planDir: string;
	to: string;
	archives: PlanArchive[];
	planId: string;
	close(): Promise<void>;
};

/** Names as restore-plan writes them: decoded mt2 / FastGlacier paths, plain names, non-ASCII, versions with a date suffix. */
export const mixedArchives: ArchiveInput[] = [
	{size: 1, path: 'one-byte.bin', description: 'one-byte.bin'},
	{size: 0, path: 'empty.txt', description: 'empty.txt'},
	{size: 16 * 1024, path: 'photos/2019/IMG_0001.jpg', description: 'mt2 eyJmaWxlbmFtZSI6InBob3Rvcy8yMDE5L0lNR18wMDAxLmpwZyIsIm10aW1lIjoiMjAxOTA3MDFUMTIwMDAwWiJ9', mtimeMs: Date.parse('2019-07-01T12:00:00Z')},
	{size: 3 * MiB + 17, path: 'backups/fast glacier/db.sql', description: '<m><v>4</v><p>YmFja3Vwcy9mYXN0IGdsYWNpZXIvZGIuc3Fs</p><lm>20200102T030405Z</lm></m>', mtimeMs: Date.parse('2020-01-02T03:04:05Z')},
	{size: 5000, path: 'Düsseldorf/Ærø €/日本語.txt', description: 'Düsseldorf/Ærø €/日本語.txt'},
	{size: 700, path: 'docs/report.txt', description: 'docs/report.txt', mtimeMs: Date.parse('2021-05-05T00:00:00Z')},
	{size: 600, path: 'docs/report (2020-03-01 10.00.00).txt', description: 'docs/report.txt', mtimeMs: Date.parse('2020-03-01T10:00:00Z')},
	{size: 333, path: '_undecodable/aGVsbG8gd29ybGQ', description: '\u001B]0;pwned\u0007'},
	{size: 40, path: 'hostile/__/etc/passwd', description: '../../etc/passwd'},
];

export async function world(inputs: ArchiveInput[], options: {emulator?: EmulatorOptions; tier?: 'Bulk' | 'Standard' | 'Expedited'; fallbackTier?: 'Standard'; mutatePlan?: (plan: Record<string, unknown>) => void} = {}): Promise<World> {
	const emulator = await startEmulator({hashCacheDir: false, ...options.emulator});
	const vault = 'family-photos';
	emulator.createVault(vault);
	const root = await mkdtemp(join(tmpdir(), 'thaw-restore-run-'));
	const planDir = join(root, 'plan');
	const to = join(root, 'restored');
	await mkdir(planDir, {recursive: true});
	const archives: PlanArchive[] = [];
	for (const [index, input] of inputs.entries()) {
		const {archiveId} = emulator.addArchive(vault, {size: input.size, description: input.description ?? input.path, seed: `restore-${index}`});
		archives.push({...input, archiveId, treeHash: await emulator.archiveTreeHash(vault, archiveId), index});
	}

	const plan: Record<string, unknown> = {
		format: 'thaw-restore-plan', version: 1, createdAt: new Date().toISOString(), vaultName: vault,
		vaultARN: `arn:aws:glacier:us-east-1:${emulator.accountId}:vaults/${vault}`, region: 'us-east-1', accountId: null,
		tier: options.tier ?? 'Bulk', to, versions: 'all', filter: null,
		inventory: {source: 'file', path: '/dev/null', inventoryDate: null},
		totals: {archives: archives.length, bytes: archives.reduce((sum, a) => sum + a.size, 0), skippedVersions: 0, renamed: 0, undecodable: 1, youngerThan90Days: 0},
		policy: {strategy: 'unknown', note: 'tests'},
		...(options.fallbackTier ? {fallbackTier: options.fallbackTier} : {}),
	};
	options.mutatePlan?.(plan);
	const planJson = JSON.stringify(plan, null, '\t');
	await writeFile(join(planDir, 'plan.json'), planJson);
	await writeFile(join(planDir, 'archives.jsonl'), archives.map(a => JSON.stringify([a.archiveId, a.size, a.treeHash, a.path, a.mtimeMs ?? null, '2019-01-01T00:00:00Z'])).join('\n') + '\n');
	return {
		emulator, vault, root, planDir, to, archives, planId: planIdOf(Buffer.from(planJson)),
		async close() {
			await emulator.close();
			await rm(root, {recursive: true, force: true});
		},
	};
}

/** Run the restore in this process (fast; the crash tests use runCli). */
export async function runHere(w: World, options: Partial<RunnerOptions> = {}): Promise<RunResult> {
	const connection = connect({endpointUrl: w.emulator.url, region: 'us-east-1', demoCredentials: true, maxSockets: options.concurrency ?? 16});
	try {
		const run = startRestore({connection, planDir: w.planDir, shard: {k: 0, n: 1}, pollMs: 50, retryBaseMs: 2, retryCapMs: 20, readTimeoutMs: 5000, ...options});
		return await run.done;
	} finally {
		connection.close();
	}
}

export const cliEnv = {...process.env, CI: 'true', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null'};

export type CliRun = {child: ChildProcess; done: Promise<{code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string}>};

export function runCli(w: World, args: string[], env: Record<string, string> = {}): CliRun {
	const child = spawn(process.execPath, [cli, 'restore', 'run', w.planDir, '--endpoint-url', w.emulator.url, '--poll-seconds', '0.05', ...args], {env: {...cliEnv, ...env}});
	let stdout = '';
	let stderr = '';
	child.stdout!.on('data', (data: Buffer) => {
		stdout += data.toString();
	});
	child.stderr!.on('data', (data: Buffer) => {
		stderr += data.toString();
	});
	const done = new Promise<{code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string}>(resolve => {
		child.on('exit', (code, signal) => {
			resolve({code, signal, stdout, stderr});
		});
	});
	return {child, done};
}

/** The shard's journal records so far (as the runner wrote them; torn lines skipped). */
export async function journalRecords(w: World, shard = '0-of-1'): Promise<Array<Record<string, unknown>>> {
	const bytes = await readFile(join(w.planDir, 'shards', shard, 'journal.log')).catch(() => Buffer.alloc(0));
	return parseLog(bytes, w.archives.length).records as unknown as Array<Record<string, unknown>>;
}

/** Poll until `test` holds (real time), failing after `ms`. */
export async function until(test: () => Promise<boolean> | boolean, ms = 15_000, what = 'the condition'): Promise<void> {
	const deadline = Date.now() + ms;
	while (!await test()) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise(resolve => setTimeout(resolve, 5));
	}
}

/** InitiateJob calls that made a job, per plan index (the emulator counts them, expired jobs too). */
export function initiationsByIndex(w: World): number[] {
	return w.archives.map(archive => w.emulator.initiations(w.vault, archive.archiveId));
}

/** Every InitiateJob the emulator saw carried this plan's tag: jobs listed now, by plan index. */
export function taggedJobs(w: World): number[] {
	const counts = w.archives.map(() => 0);
	for (const job of w.emulator.jobs(w.vault)) {
		const tag = parseTag(job.description);
		if (tag && tag.planId === w.planId) counts[tag.index]++;
	}

	return counts;
}

/** Every archive's file is under its planned path with exactly the archive's bytes: '' when so, else what is wrong. */
export async function wrongFiles(w: World, which: PlanArchive[] = w.archives): Promise<string[]> {
	const wrong: string[] = [];
	for (const archive of which) {
		const file = join(w.to, archive.path);
		const got = await readFile(file).catch(() => undefined);
		if (!got) {
			wrong.push(`${archive.path}: missing`);
			continue;
		}

		const expected = archive.size === 0 ? Buffer.alloc(0) : w.emulator.archiveBytes(w.vault, archive.archiveId, 0, archive.size - 1);
		if (Buffer.compare(got, expected) !== 0) wrong.push(`${archive.path}: wrong bytes (${got.length} of ${archive.size})`);
	}

	return wrong;
}

/** Run the emulated clock fast: `step` emulated ms every `everyMs` real ms, until stopped (jobs complete, 24-h windows pass). */
export function fastClock(w: World, step = 10 * 60 * 1000, everyMs = 50): () => void {
	const timer = setInterval(() => {
		w.emulator.advance(step);
	}, everyMs);
	return () => {
		clearInterval(timer);
	};
}
