import {afterEach, describe, expect, it} from 'vitest';
import {fitsIn, flat, keys, startHarness, type Harness} from './helpers.js';

let harness: Harness | undefined;
afterEach(async () => {
	await harness?.close();
	harness = undefined;
});

const hour = 3600 * 1000;
const start = Date.parse('2025-06-01T12:00:00.000Z');

async function vaultWithJobs(clock: {now: number}) {
	const at = (ms: number) => new Date(ms).toISOString();
	return startHarness({
		emulator: {now: () => clock.now},
		now: () => clock.now,
		initial: [{screen: 'vaults'}, {screen: 'jobs', vaultName: 'photos'}],
		async setup(emulator) {
			emulator.createVault('photos');
			const {archiveId} = emulator.addArchive('photos', {size: 2 * 1024 * 1024, description: 'holiday.jpg'});
			await emulator.addJob('photos', {type: 'archive-retrieval', archiveId, description: 'fresh one', createdAt: at(start - (5 * hour)), completedAt: at(start - hour)});
			await emulator.addJob('photos', {type: 'archive-retrieval', archiveId, description: 'nearly gone', createdAt: at(start - (27 * hour)), completedAt: at(start - (23 * hour))});
			await emulator.addJob('photos', {type: 'archive-retrieval', archiveId, tier: 'Bulk', status: 'InProgress', description: 'still thawing', createdAt: at(start - hour)});
			await emulator.addJob('photos', {type: 'archive-retrieval', archiveId, tier: 'Expedited', status: 'Failed', description: 'did not work', createdAt: at(start - (2 * hour)), completedAt: at(start - hour)});
			await emulator.addJob('photos', {type: 'inventory-retrieval', format: 'CSV', description: 'weekly inventory', createdAt: at(start - (6 * hour)), completedAt: at(start - (2 * hour))});
		},
	});
}

function line(frame: string, text: string): string {
	return frame.split('\n').find(l => l.includes(text)) ?? '';
}

describe('jobs screen', () => {
	it('lists every job with status, tier, size and the time left before the 24-hour expiry', async () => {
		const clock = {now: start};
		harness = await vaultWithJobs(clock);
		const frame = await harness.waitFor('5 jobs in photos');
		expect(line(frame, 'fresh one')).toMatch(/archive\s+succeeded\s+Standard\s+2\.00 MiB .*23h00m/);
		expect(line(frame, 'nearly gone')).toMatch(/succeeded.*1h00m/);
		expect(line(frame, 'still thawing')).toMatch(/archive\s+in progress\s+Bulk/);
		expect(line(frame, 'did not work')).toMatch(/failed\s+Expedited/);
		expect(line(frame, 'weekly inventory')).toMatch(/inventory\s+succeeded/);
		expect(frame).toContain('refreshing while jobs run');
		const fit = fitsIn(frame, 80, 24);
		expect(fit.ok, JSON.stringify(fit)).toBe(true);
	});

	it('warns under 2 hours left, and explains an expired job when opened', async () => {
		const clock = {now: start};
		harness = await vaultWithJobs(clock);
		await harness.waitFor('5 jobs in photos');
		// Sorted by created, newest first: move to the job that is nearly gone.
		await harness.press('/', ...'nearly', keys.enter);
		let frame = await harness.waitFor('1 of 5 jobs');
		expect(frame).toContain('less than 2 hours!');
		// Two hours later the output is gone: the row says so and Enter explains what to do.
		clock.now = start + (2 * hour);
		await harness.press('j', keys.enter);
		frame = await harness.waitFor('Expired');
		expect(line(frame, 'nearly gone')).toContain('EXPIRED');
		expect(flat(frame)).toContain('Expired 1h00m ago: Glacier keeps job output 24 hours after the job completes. A new retrieval is needed (a).');
		// Still on the jobs screen: nothing to download.
		expect(frame).toContain('photos › Jobs');
	});

	it('filters by status and type, and explains a failed job', async () => {
		const clock = {now: start};
		harness = await vaultWithJobs(clock);
		await harness.waitFor('5 jobs in photos');
		await harness.press('f');
		let frame = await harness.waitFor('(status in progress)');
		expect(frame).toContain('1 of 5 jobs');
		expect(frame).toContain('still thawing');
		expect(frame).not.toContain('fresh one');
		await harness.press('f', 'f');
		frame = await harness.waitFor('(status failed)');
		await harness.press(keys.enter);
		frame = await harness.waitFor('Failed:');
		expect(flat(frame)).toContain('. Start a new retrieval (a).');
		await harness.press('f', 't', 't');
		frame = await harness.waitFor('(type inventory)');
		expect(frame).toContain('1 of 5 jobs');
		expect(frame).toMatch(/inventory\s+succeeded/);
	});

	it('refreshes in-progress jobs on its own until they finish', async () => {
		const clock = {now: start};
		harness = await startHarness({
			emulator: {now: () => clock.now, jobDelayMs: 60_000},
			now: () => clock.now,
			refreshMs: 50,
			initial: [{screen: 'vaults'}, {screen: 'jobs', vaultName: 'v'}],
			async setup(emulator) {
				emulator.createVault('v');
				const {archiveId} = emulator.addArchive('v', {size: 1024});
				await emulator.addJob('v', {type: 'archive-retrieval', archiveId, status: 'InProgress', description: 'soon', createdAt: new Date(start).toISOString(), completedAt: new Date(start + 60_000).toISOString()});
			},
		});
		await harness.waitFor(/in progress.*soon/);
		const before = harness.emulator.requests.filter(r => r.op === 'ListJobs').length;
		clock.now = start + 120_000;
		const frame = await harness.waitFor(/succeeded.*soon/);
		expect(harness.emulator.requests.filter(r => r.op === 'ListJobs').length).toBeGreaterThan(before);
		expect(frame).not.toContain('refreshing while jobs run');
	});

	it('starts an inventory retrieval only after a confirmation that says it is billed', async () => {
		const clock = {now: start};
		harness = await vaultWithJobs(clock);
		await harness.waitFor('5 jobs in photos');
		await harness.press('i');
		let frame = await harness.waitFor('New inventory retrieval');
		expect(frame).toContain('Retrievals are billed by AWS');
		await harness.press(keys.right, keys.enter);
		frame = await harness.waitFor('Start this retrieval? It is billed by AWS.');
		expect(frame).toContain('as CSV, Standard tier');
		const fit = fitsIn(frame, 80, 24);
		expect(fit.ok, JSON.stringify(fit)).toBe(true);
		// Enter and stray keys do not confirm; only y does.
		await harness.press(keys.enter, 'x');
		expect(harness.emulator.requests.filter(r => r.op === 'InitiateJob')).toHaveLength(0);
		await harness.press('y');
		frame = await harness.waitFor('6 jobs in photos');
		expect(frame).toContain('Started inventory retrieval');
		expect(harness.emulator.requests.filter(r => r.op === 'InitiateJob')).toHaveLength(1);
	});

	it('checks an archive retrieval range is megabyte aligned before asking', async () => {
		const clock = {now: start};
		harness = await vaultWithJobs(clock);
		await harness.waitFor('5 jobs in photos');
		await harness.press('a');
		await harness.waitFor('New archive retrieval');
		await harness.press(...'x'.repeat(40), keys.tab, keys.tab, ...'5-100', keys.enter);
		const frame = await harness.waitFor('not a multiple of 1 MiB');
		expect(frame).not.toContain('Start this retrieval?');
		await harness.press(keys.escape);
		await harness.waitFor('5 jobs in photos');
	});
});
