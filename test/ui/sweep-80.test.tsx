import {afterEach, describe, expect, it} from 'vitest';
import {fitHints} from '../../source/ui/components/StatusBar.js';
import {fitsIn, flat, keys, startHarness, type Harness} from './helpers.js';
import {openPreview, restoreHarness} from './restore-helpers.js';

// Seen cut in tmux at 80x24 (issue 13 §3 sweep): the header's title, the jobs hints, the restores line.
let harness: Harness | undefined;
afterEach(async () => {
	await harness?.close();
	harness = undefined;
});

describe('at 80x24, nothing you need is cut', () => {
	it('the jobs screen: the header shows where you are, the hints keep ? help', async () => {
		harness = await startHarness({
			initial: [{screen: 'vaults'}, {screen: 'jobs', vaultName: 'backups-of-2016'}],
			setup(emulator) {
				emulator.createVault('backups-of-2016');
			},
		});
		const frame = await harness.waitFor('0 jobs in backups-of-2016');
		const lines = frame.split('\n');
		expect(lines[0]).toMatch(/ Vault backups-of-2016 › Jobs\s*$/);
		expect(lines[0]).toMatch(/^ thaw {2}127\.0\.0\.1/);
		expect(lines.at(-1)).toMatch(/^Enter open {2}Esc back .* {2}… {2}\? help\s*$/);
		expect(fitsIn(frame, 80, 24).ok).toBe(true);
	});

	it('the restores screen with no plans says whole where it looked', async () => {
		harness = await startHarness({initial: [{screen: 'vaults'}, {screen: 'restores'}]});
		const frame = await harness.waitFor('No restore plans in');
		expect(flat(frame)).toMatch(/No restore plans in \/\S+ or \/\S+: R in an inventory plans one/);
		expect(frame.split('\n').slice(1).join('\n')).not.toMatch(/…\s*$/m);
		expect(fitsIn(frame, 80, 24).ok).toBe(true);
	});

	it('while a billed retrieval asks, the status line says y or n, not Enter', async () => {
		harness = await startHarness({
			initial: [{screen: 'vaults'}, {screen: 'new-job', vaultName: 'photos', kind: 'inventory', onStarted: () => undefined}],
			setup(emulator) {
				emulator.createVault('photos');
			},
		});
		await harness.waitFor('Enter review and start');
		await harness.press(keys.enter);
		const frame = await harness.waitFor('Start this retrieval?');
		expect(frame.split('\n').at(-1)).toMatch(/^y starts \(billed\) {2}n\/Esc goes back to the form/);
	});

	it('hints too wide drop whole hints, never ? help or q quit', () => {
		expect(fitHints('a one  b two  c three  ? help  q quit', 80)).toBe('a one  b two  c three  ? help  q quit');
		expect(fitHints('a one  b two  c three  ? help  q quit', 31)).toBe('a one  b two  …  ? help  q quit');
		expect(fitHints('a one  b two', 8)).toBe('a one  …');
	});
});

describe('the restore preview at 80x24', () => {
	it('shows the plan\'s folder and the time line whole, and its question, within the screen', async () => {
		const h = await restoreHarness();
		harness = h;
		const frame = await openPreview(h);
		expect(flat(frame)).toMatch(/Plan kept in \/\S+\/restores\/photos-\S+ Tier/);
		const time = frame.split('\n').findIndex(line => line.startsWith('Time '));
		expect(frame.split('\n')[time]).not.toMatch(/…\s*$/);
		expect(frame.split('\n')[time + 1]).not.toMatch(/…\s*$/);
		await h.press(keys.enter);
		const asking = await h.waitFor('y/n');
		expect(fitsIn(asking, 80, 24).ok, asking).toBe(true);
		expect(asking).toContain('y start');
	});
});
