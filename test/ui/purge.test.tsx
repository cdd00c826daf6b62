/**
 * The purge screen at 80x24 against the emulator over real HTTP: the same
 * preview the headless command prints, a typed count (a wrong one deletes
 * nothing), the deletions, the verdict.
 */
import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {RestoreJournal} from '../../source/restore/journal.js';
import {fitsIn, flat, keys, startHarness, type Harness} from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
	await h?.close();
	h = undefined;
});

const sizes = [1000, 2000, 3000, 4000, 5000];

/** A plan of five archives restored under dir/restored (the files written, the shard journal saying verified). */
async function restoredPlan(harness: {emulator: Harness['emulator']}, dir: string): Promise<{planDir: string; to: string; ids: string[]}> {
	const {emulator} = harness;
	const vault = 'photos';
	emulator.createVault(vault);
	const planDir = join(dir, 'plan');
	const to = join(dir, 'restored');
	const lines: string[] = [];
	const ids: string[] = [];
	for (const [i, size] of sizes.entries()) {
		const {archiveId} = emulator.addArchive(vault, {size, seed: `ui-purge-${i}`, description: `file-${i}.bin`});
		ids.push(archiveId);
		const path = `album/file-${i}.bin`;
		lines.push(JSON.stringify([archiveId, size, await emulator.archiveTreeHash(vault, archiveId), path, null, '2020-01-01T00:00:00Z']));
		await mkdir(dirname(join(to, path)), {recursive: true});
		await writeFile(join(to, path), emulator.archiveBytes(vault, archiveId, 0, size - 1));
	}

	await mkdir(join(planDir, 'shards', '0-of-1'), {recursive: true});
	await writeFile(join(planDir, 'archives.jsonl'), lines.join('\n') + '\n');
	await writeFile(join(planDir, 'plan.json'), JSON.stringify({format: 'thaw-restore-plan', version: 1, createdAt: new Date().toISOString(), vaultName: vault, vaultARN: `arn:aws:glacier:us-east-1:${emulator.accountId}:vaults/${vault}`, region: 'us-east-1', accountId: null, tier: 'Bulk', to, versions: 'latest', filter: null, inventory: {source: 'file', inventoryDate: null}, totals: {archives: sizes.length, bytes: 15_000, skippedVersions: 0}}));
	const journal = await RestoreJournal.open(join(planDir, 'shards', '0-of-1'), sizes.length);
	for (const [i, size] of sizes.entries()) await journal.append({t: 'verified', i, bytes: size, at: Date.now()});
	await journal.close();
	return {planDir, to, ids};
}

function deleteCalls(harness: Harness): number {
	return harness.emulator.requests.filter(request => request.op === 'DeleteArchive').length;
}

describe('the purge screen', () => {
	it('shows the preview, refuses a wrong count, deletes on the typed count, shows the verdict; fits 80x24', async () => {
		const dir = await mkdtemp(join(tmpdir(), 'thaw-ui-purge-'));
		const planDir = join(dir, 'plan');
		try {
			// Pushed over the vaults as the restore dashboard pushes it.
			h = await startHarness({
				emulator: {hashCacheDir: false},
				initial: [{screen: 'vaults'}, {screen: 'purge', planDir}],
				setup: async emulator => {
					const {to} = await restoredPlan({emulator}, dir);
					await rm(join(to, 'album/file-3.bin'));
				},
			});
			let frame = await h.waitFor('Type 4 and Enter');
			if (process.env.SHOW_FRAMES) console.log(frame);
			expect(flat(frame)).toMatch(/to delete 4 archives \(10\.7 KiB\)/);
			expect(flat(frame)).toMatch(/kept 1 archive \(3\.91 KiB\): 1 file missing/);
			expect(frame).toContain('#3 album/file-3.bin: file missing');
			expect(fitsIn(frame, 80, 24).ok).toBe(true);
			await h.press('3', keys.enter);
			frame = await h.waitFor('is not 4');
			expect(deleteCalls(h)).toBe(0);
			// In one chunk, as a paste or a slow link delivers it: the count and Enter before React renders again.
			await h.press(`4${keys.enter}`);
			frame = await h.waitFor(/deleted 4 archives/);
			if (process.env.SHOW_FRAMES) console.log(frame);
			expect(flat(frame)).toMatch(/deleted 4 archives \(10\.7 KiB\) from vault photos; 1 archive \(3\.91 KiB\) kept/);
			expect(fitsIn(frame, 80, 24).ok).toBe(true);
			expect(deleteCalls(h)).toBe(4);
			await h.press(keys.escape);
			await h.waitFor(frame => !frame.includes('Purge'));
		} finally {
			await rm(dir, {recursive: true, force: true});
		}
	});

	it('nothing proven: no question, the verdict says what is kept and why; a damaged plan is one error line', async () => {
		const dir = await mkdtemp(join(tmpdir(), 'thaw-ui-purge-'));
		try {
			h = await startHarness({
				emulator: {hashCacheDir: false},
				initial: [{screen: 'vaults'}, {screen: 'purge', planDir: join(dir, 'plan')}],
				setup: async emulator => {
					const {to} = await restoredPlan({emulator}, dir);
					await rm(to, {recursive: true});
				},
			});
			const frame = await h.waitFor('Nothing to delete');
			expect(flat(frame)).toMatch(/kept 5 archives \(14\.6 KiB\): 5 file missing/);
			expect(frame).not.toContain('Type');
			expect(deleteCalls(h)).toBe(0);
			await h.close();
			h = await startHarness({emulator: {hashCacheDir: false}, initial: [{screen: 'vaults'}, {screen: 'purge', planDir: join(dir, 'nothing')}]});
			expect(flat(await h.waitFor('holds no restore plan'))).toMatch(/holds no restore plan \(no plan\.json\)/);
		} finally {
			await rm(dir, {recursive: true, force: true});
		}
	});
});
