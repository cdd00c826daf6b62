/**
 * thaw restore purge against the emulator over real HTTP, the CLI in its own
 * process: only archives whose file is proven now are deleted; everything
 * else is kept and said why; nothing without --yes (or a typed count).
 */
import {spawn} from 'node:child_process';
import {appendFile, mkdir, rename, rm, symlink, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {cli, testEnv} from '../run-cli.js';
import {daysAgo, indexesIn, purgeRecords, restoredVault, type Restored} from './purge-helpers.js';

let r: Restored | undefined;
afterEach(async () => {
	await r?.close();
	r = undefined;
});

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function idOf(restored: Restored, path: string): string {
	const line = restored.plan.find(l => l[3] === path);
	if (!line) throw new Error(`no plan line for ${path}`);
	return line[0];
}

describe('thaw restore purge', () => {
	it('after a restore in which one file was altered and one removed, deletes exactly the others; the skipped version is untouched; exit 3', async () => {
		r = await restoredVault();
		// The plan kept the newest docs/report.txt and skipped the older version.
		expect(r.plan).toHaveLength(6);
		const skipped = r.archives.find(a => a.description === 'docs/report.txt' && a.size === 600)!;
		expect(r.plan.some(l => l[0] === skipped.archiveId)).toBe(false);
		await appendFile(join(r.to, 'photos/2019/IMG_0002.jpg'), 'x');
		await rm(join(r.to, 'one-byte.bin'));
		const {code, stdout, stderr} = await r.purge(['--yes']);
		expect(code, stderr).toBe(3);
		const kept = new Set([idOf(r, 'photos/2019/IMG_0002.jpg'), idOf(r, 'one-byte.bin'), skipped.archiveId]);
		const expected = r.archives.filter(a => !kept.has(a.archiveId)).map(a => a.archiveId).sort();
		expect([...r.deleteCalls().keys()].sort()).toEqual(expected);
		expect([...r.deleteCalls().values()]).toEqual(expected.map(() => 1));
		expect([...r.live()].sort()).toEqual([...kept].sort());
		expect(stdout).toMatch(/to delete +4 archives/);
		expect(stdout).toMatch(/kept +2 archives .*1 file missing, 1 size differs/);
		expect(stdout).toMatch(/not touched +1 older version the plan skipped/);
		expect(stdout).toContain('photos/2019/IMG_0002.jpg: size differs');
		expect(stdout).toContain('one-byte.bin: file missing');
		expect(stdout).toMatch(/deleted 4 archives .* from vault photos; 2 archives .* kept/);
		// The journal: one intent batch, then the answers.
		const records = await purgeRecords(r);
		expect(records[0]).toMatchObject({t: 'log', v: 1});
		expect(indexesIn(records, 'deleted').sort()).toEqual(indexesIn(records, 'intent').sort());
	});

	it('a file whose content changed but not its size is kept (tree hash), and so is one reached through a symbolic link', async () => {
		r = await restoredVault();
		const photo = join(r.to, 'photos/2019/IMG_0001.jpg');
		await writeFile(photo, Buffer.alloc(16 * 1024, 7));
		// docs/ moved away and linked back: the bytes are right, the path is not the plan's.
		await rename(join(r.to, 'docs'), join(r.root, 'docs-elsewhere'));
		await symlink(join(r.root, 'docs-elsewhere'), join(r.to, 'docs'));
		const {code, stdout, stderr} = await r.purge(['--yes', '--output', 'json']);
		expect(code, stderr).toBe(3);
		const json = JSON.parse(stdout) as Json;
		expect(json.kept.byReason).toEqual({hash: {archives: 1, bytes: 16 * 1024}, symlink: {archives: 1, bytes: 700}});
		expect(json.result.deleted.archives).toBe(4);
		expect(r.deleteCalls().has(idOf(r, 'photos/2019/IMG_0001.jpg'))).toBe(false);
		expect(r.deleteCalls().has(idOf(r, 'docs/report.txt'))).toBe(false);
		expect(json.exitCode).toBe(3);
	});

	it('without --yes and no terminal it deletes nothing and exits 2, after showing the preview', async () => {
		r = await restoredVault();
		const table = await r.purge();
		expect(table.code).toBe(2);
		expect(table.stdout).toMatch(/to delete +6 archives/);
		expect(table.stderr).toContain('nothing deleted: no terminal to confirm in');
		const json = await r.purge(['--output', 'json']);
		expect(json.code).toBe(2);
		expect(JSON.parse(json.stdout)).toMatchObject({confirmed: false, toDelete: {archives: 6}, result: null, exitCode: 2});
		expect(r.deleteCalls().size).toBe(0);
		expect(r.live().size).toBe(7);
	});

	it('at a terminal it asks for the count: another answer deletes nothing (exit 2), the count deletes', async () => {
		r = await restoredVault();
		const restored = r;
		// script(1) gives the purge a terminal; what is typed goes through it.
		const atTerminal = async (typed: string) => new Promise<{code: number | null; output: string}>((resolve, reject) => {
			const quote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;
			const command = [process.execPath, cli, 'restore', 'purge', restored.planDir, '--endpoint-url', restored.emulator.url, '--quiet'].map(quote).join(' ');
			const child = spawn('script', ['-qefc', command, '/dev/null'], {env: {...process.env, ...testEnv, THAW_CONFIG_DIR: restored.configDir}, stdio: ['pipe', 'pipe', 'pipe']});
			let output = '';
			let sent = false;
			child.stdout.on('data', (data: Buffer) => {
				output += data.toString();
				if (!sent && output.includes('to confirm: ')) {
					sent = true;
					child.stdin.write(`${typed}\r`);
				}
			});
			child.on('error', reject);
			child.on('close', code => {
				resolve({code, output});
			});
		});
		const wrong = await atTerminal('5');
		expect(wrong.output).toMatch(/Delete 6 archives \(.*\) from vault photos for good\? Type 6 to confirm: /);
		expect(wrong.output).toContain('nothing deleted: \'5\' is not 6');
		expect(wrong.code).toBe(2);
		expect(r.deleteCalls().size).toBe(0);
		const right = await atTerminal('6');
		expect(right.code, right.output).toBe(0);
		expect(r.deleteCalls().size).toBe(6);
	});

	it('a rerun deletes nothing twice and ends with the same verdict', async () => {
		r = await restoredVault();
		await rm(join(r.to, 'one-byte.bin'));
		const first = await r.purge(['--yes', '--output', 'json']);
		expect(first.code, first.stderr).toBe(3);
		const calls = r.deleteCalls();
		const second = await r.purge(['--yes', '--output', 'json']);
		expect(second.code, second.stderr).toBe(3);
		expect(r.deleteCalls()).toEqual(calls);
		const a = JSON.parse(first.stdout) as Json;
		const b = JSON.parse(second.stdout) as Json;
		expect(b.alreadyDeleted).toEqual(a.toDelete);
		expect(b.toDelete.archives).toBe(0);
		expect(b.kept.byReason).toEqual(a.kept.byReason);
		// With the file back, the third run proves and deletes it: then every planned archive is gone, exit 0.
		await writeFile(join(r.to, 'one-byte.bin'), r.emulator.archiveBytes(r.vault, idOf(r, 'one-byte.bin'), 0, 0));
		const third = await r.purge(['--yes']);
		expect(third.code, third.stderr).toBe(0);
		expect(r.deleteCalls().get(idOf(r, 'one-byte.bin'))).toBe(1);
		expect([...r.live()]).toEqual([r.archives.find(x => x.size === 600)!.archiveId]);
		expect((await r.purge(['--yes'])).code).toBe(0);
	});

	it('the early-deletion charge: archives younger than 90 days, prorated at the storage price (--prices FILE)', async () => {
		const now = Date.now();
		r = await restoredVault([
			{description: 'new/a.bin', size: 2 ** 30 / 1024, created: daysAgo(30, now)},
			{description: 'new/b.bin', size: 1000, created: daysAgo(89, now)},
			{description: 'old/c.bin', size: 1000, created: daysAgo(91, now)},
		]);
		const prices = join(r.root, 'prices.json');
		await writeFile(prices, JSON.stringify({Bulk: {perGB: 0, per1000Requests: 0}, Standard: {perGB: 0, per1000Requests: 0}, Expedited: {perGB: 0, per1000Requests: 0}, transferOutPerGB: 0, storagePerGBMonth: 3, source: 'my bill', date: '2026-11-30'}));
		const {code, stdout, stderr} = await r.purge(['--prices', prices, '--output', 'json']);
		expect(code, stderr).toBe(2);
		const json = JSON.parse(stdout) as Json;
		expect(json.earlyDeletion).toMatchObject({archives: 2, bytes: (2 ** 30 / 1024) + 1000, storage: {perGBMonth: 3, date: '2026-11-30'}});
		// 1/1024 GB for 60 days left = 2 months at $3; b: 1000 bytes for ~1 day.
		const expected = ((1 / 1024) * 3 * 2) + ((1000 / 2 ** 30) * 3 * (1 / 30));
		expect(json.earlyDeletion.usd).toBeCloseTo(expected, 4);
		const table = await r.purge(['--prices', prices]);
		expect(table.stdout).toMatch(/early deletion +2 archives .* younger than 90 days: about \$0\.0059/);
		// The built-in table (us-east-1, $0.0036 per GB-month) when no --prices is given.
		const builtIn = JSON.parse((await r.purge(['--output', 'json'])).stdout) as Json;
		expect(builtIn.earlyDeletion.storage.perGBMonth).toBe(0.0036);
		const noStorage = join(r.root, 'no-storage.json');
		await writeFile(noStorage, JSON.stringify({Bulk: {perGB: 0, per1000Requests: 0}, Standard: {perGB: 0, per1000Requests: 0}, Expedited: {perGB: 0, per1000Requests: 0}, transferOutPerGB: 0}));
		const refused = await r.purge(['--prices', noStorage]);
		expect(refused.code).toBe(2);
		expect(refused.stderr).toMatch(/has no "storagePerGBMonth"/);
		expect(r.deleteCalls().size).toBe(0);
	});

	it('ThrottlingException on DeleteArchive slows the pace and carries on; archives not verified by the restore are kept', async () => {
		r = await restoredVault(undefined, {restore: false});
		// Nothing restored: nothing is proven, nothing deleted.
		const none = await r.purge(['--yes', '--output', 'json']);
		expect(none.code).toBe(3);
		expect((JSON.parse(none.stdout) as Json).kept.byReason).toEqual({'not-verified': {archives: 6, bytes: expect.any(Number) as number}});
		await r.close();
		r = await restoredVault();
		r.emulator.faults.add({kind: 'throttle', op: 'DeleteArchive', times: 5});
		const {code, stdout, stderr} = await r.purge(['--yes', '--output', 'json']);
		expect(code, stderr).toBe(0);
		expect((JSON.parse(stdout) as Json).result.deleted.archives).toBe(6);
		expect(r.emulator.faults.hits.filter(h => h.op === 'DeleteArchive')).toHaveLength(5);
		expect(r.live().size).toBe(1);
	});

	it('DeleteArchive failing for good (500s) keeps the archive and exits 5; a rerun deletes it', async () => {
		r = await restoredVault();
		r.emulator.faults.add({kind: 'unavailable', op: 'DeleteArchive', times: 8});
		const first = await r.purge(['--yes', '--concurrency', '1'], {env: {THAW_PURGE_RETRY_MS: '1'}});
		expect(first.code, first.stderr).toBe(5);
		expect(first.stdout).toMatch(/DeleteArchive kept failing/);
		expect(r.live().size).toBe(2);
		const second = await r.purge(['--yes']);
		expect(second.code, second.stderr).toBe(0);
		expect(r.live().size).toBe(1);
	});

	it('a second purge of the same plan while one runs is refused (exit 6, naming the holder); a damaged plan is exit 6', async () => {
		r = await restoredVault();
		await mkdir(join(r.planDir, 'purge'), {recursive: true});
		await writeFile(join(r.planDir, 'purge', 'lock'), JSON.stringify({pid: process.pid, host: (await import('node:os')).hostname(), startedAt: new Date().toISOString(), what: 'the plan is being purged'}) + '\n');
		const held = await r.purge(['--yes']);
		expect(held.code).toBe(6);
		expect(held.stderr).toMatch(/being purged by thaw pid \d+/);
		await rm(join(r.planDir, 'purge', 'lock'));
		await writeFile(join(r.planDir, 'plan.json'), '{');
		const damaged = await r.purge(['--yes']);
		expect(damaged.code).toBe(6);
		expect(r.deleteCalls().size).toBe(0);
	});
});
