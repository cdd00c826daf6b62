import {afterEach, describe, expect, it} from 'vitest';
import {mt2} from '../../source/emulator/demo.js';
import {fitsIn, flat, keys, startHarness, type Harness} from './helpers.js';

let harness: Harness | undefined;
afterEach(async () => {
	await harness?.close();
	harness = undefined;
});

const hour = 3600 * 1000;
const start = Date.parse('2025-06-01T12:00:00.000Z');
const at = (ms: number) => new Date(ms).toISOString();

/** Emulator and screen on one clock, so that hours pass without sleeping. */
async function vault(clock: {now: number}, options: {refreshing?: boolean} = {}): Promise<{h: Harness; archiveId: string}> {
	let archiveId = '';
	const h = await startHarness({
		emulator: {now: () => clock.now, jobDelayMs: options.refreshing ? 3_600_000 : undefined},
		now: () => clock.now,
		refreshMs: options.refreshing ? 50 : undefined,
		initial: [{screen: 'vaults'}, {screen: 'jobs', vaultName: 'photos'}],
		async setup(emulator) {
			emulator.createVault('photos');
			archiveId = emulator.addArchive('photos', {size: 2 * 1024 * 1024, description: mt2('pics/holiday.jpg', '20200101T000000Z')}).archiveId;
			await emulator.addJob('photos', {type: 'archive-retrieval', archiveId, description: 'nearly gone', createdAt: at(start - (27 * hour)), completedAt: at(start - (23 * hour))});
			await emulator.addJob('photos', {type: 'archive-retrieval', archiveId, description: 'fresh one', createdAt: at(start - (5 * hour)), completedAt: at(start - hour)});
			await emulator.addJob('photos', {type: 'inventory-retrieval', format: 'JSON', description: 'weekly inventory', createdAt: at(start - (6 * hour)), completedAt: at(start - (2 * hour))});
			// A job in progress keeps the list reloading quietly (refreshMs).
			if (options.refreshing) await emulator.addJob('photos', {type: 'archive-retrieval', archiveId, status: 'InProgress', description: 'still thawing', createdAt: at(start - hour)});
		},
	});
	return {h, archiveId};
}

describe('the jobs list tells what it no longer shows (issue 13 §6)', () => {
	it('a job started while the type filter hides its kind: the filter is cleared and the notice says so (80x24)', async () => {
		const clock = {now: start};
		const {h, archiveId} = await vault(clock);
		harness = h;
		await h.waitFor('3 jobs in photos', 15_000);
		await h.press('t', 't');
		await h.waitFor('1 of 3 jobs in photos (type inventory)', 15_000);
		await h.press('a');
		await h.waitFor('New archive retrieval', 15_000);
		await h.press(archiveId, keys.enter); // Pasted.
		await h.waitFor('Start this retrieval?', 15_000);
		await h.press('y');
		const frame = await h.waitFor(f => /The new archive job \S+… was hidden by the filter \(type inventory\): cleared, so all show/.test(flat(f)), 15_000);
		expect(frame).toContain('4 jobs in photos');
		expect(frame).not.toContain('of 4 jobs');
		// The new job (the emulator completes it at once) is the first row, the newest.
		expect(frame.split('\n')[2]).toMatch(/^archive\s+succeeded\s+Standard\s+2\.00 MiB 06-01 12:00/);
		expect(fitsIn(frame, 80, 24).ok).toBe(true);
	});

	it('retrievals started from the inventory browser show in a jobs list filtered to inventories (while it reloads quietly)', async () => {
		const clock = {now: start};
		const {h} = await vault(clock, {refreshing: true});
		harness = h;
		await h.waitFor('4 jobs in photos', 15_000);
		await h.press('t', 't');
		await h.waitFor('1 of 4 jobs in photos (type inventory)', 15_000);
		await h.press(keys.enter);
		await h.waitFor('1 archive, ', 15_000);
		await h.press(' ', 'a');
		await h.waitFor('1 of 1 archive already has a job (in progress or ready): skipped.', 15_000);
		// The jobs list below reloads a few times meanwhile (a callback made at opening must not compare with those rows).
		const reloads = h.emulator.requests.filter(r => r.op === 'ListJobs').length;
		await h.waitFor(() => h.emulator.requests.filter(r => r.op === 'ListJobs').length > reloads + 2, 15_000);
		await h.press(keys.tab, keys.tab, keys.right, keys.enter);
		await h.waitFor('Start 1 billed archive retrieval?', 15_000);
		await h.press('y');
		await h.waitFor('Started 1 of 1 archive', 15_000);
		await h.press(keys.escape, keys.escape, keys.escape);
		const frame = await h.waitFor(f => flat(f).includes('was hidden by the filter (type inventory): cleared, so all show'), 15_000);
		expect(frame).toContain('5 jobs in photos');
	});

	it('a job that expires and leaves Glacier\'s list is named in a one-line notice, not dropped without a word', async () => {
		const clock = {now: start};
		const {h} = await vault(clock);
		harness = h;
		let frame = await h.waitFor('3 jobs in photos', 15_000);
		expect(frame).toContain('nearly gone');
		// Two hours on, its output has expired: Glacier no longer lists it.
		clock.now = start + (2 * hour);
		await h.press('r');
		frame = await h.waitFor(f => flat(f).includes('Expired, gone from Glacier\'s list: archive job \'nearly gone\' (job output stays 24 hours after the job completes).'), 15_000);
		expect(frame).toContain('2 jobs in photos');
		expect(frame).not.toMatch(/archive\s+succeeded.*nearly gone/);
		expect(fitsIn(frame, 80, 24).ok).toBe(true);
		// Once said, it is not said again on the next load.
		await h.press('j');
		await h.press('r');
		await h.waitFor(f => f.includes('2 jobs in photos') && !f.includes('nearly gone'), 15_000);
	});
});
