import {existsSync, readdirSync} from 'node:fs';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {fitsIn, keys, type Harness} from './helpers.js';
import {openPreview, restoreHarness, sameBytes, vault, archives} from './restore-helpers.js';

let harness: Harness | undefined;
afterEach(async () => {
	await harness?.close();
	harness = undefined;
});

describe('the restore preview (R in the inventory browser)', () => {
	it('at 80x24: counts, names, destination, tier, cost per tier with the prices\' date, time; asks naming the money; only y starts; the dashboard runs it to all verified', async () => {
		const h = await restoreHarness();
		harness = h;
		let frame = await openPreview(h);
		expect(frame).toContain('Restore 5 archives');
		expect(frame).toMatch(/of 'photos': from 6 marked/);
		expect(frame).toMatch(/Names +\d+ renamed · 1 older version skipped · \d+ undecodable/);
		expect(frame).toMatch(/Tier +\[Bulk\] +Standard +Expedited/);
		expect(frame).toMatch(/Bulk \*/);
		expect(frame).toMatch(/Expedited +\$/);
		expect(frame).toMatch(/an estimate of 2026-12-01/);
		expect(frame).toMatch(/Time +about /);
		expect(frame).toContain(`To        ${h.dir}`);
		expect(frame).not.toContain('\u001B]');
		expect(fitsIn(frame, 80, 24).ok).toBe(true);

		// The tier cycles with t; the cost table marks it.
		await h.press('t');
		frame = await h.waitFor('[Standard]');
		expect(frame).toMatch(/Standard \*/);
		await h.press('t', 't');
		await h.waitFor('[Bulk]');

		// l lists what the planner decided; untrusted names inert.
		await h.press('l');
		frame = await h.waitFor('older version skipped');
		expect(frame).toMatch(/renamed \(case-insensitive clash\)|no usable name/);
		await h.press('l');
		await h.waitFor('Cost');

		// d edits the destination.
		const to = join(h.dir, 'restored');
		await h.press('d', '\u0015', to, keys.enter);
		frame = await h.waitFor(`To        ${to}   (d edits`);

		// Enter asks, naming the money; Enter again and n do not start anything.
		await h.press(keys.enter);
		frame = await h.waitFor('y/n');
		expect(frame).toMatch(/Start 5 retrievals, about \$0\.\d+ at Bulk prices of 2026-12-01\? y\/n/);
		expect(fitsIn(frame, 80, 24).ok).toBe(true);
		await h.press(keys.enter);
		await h.press('n');
		await h.waitFor(f => !f.includes('y/n'));
		expect(h.emulator.initiations(vault)).toBe(0);
		expect(existsSync(join(h.dir, 'config', 'restores'))).toBe(false);

		await h.press(keys.enter);
		await h.waitFor('y/n');
		await h.press('y');
		frame = await h.waitFor('Running in this process', 10_000);
		expect(fitsIn(frame, 80, 24).ok).toBe(true);
		frame = await h.waitFor('All 5 archives verified', 30_000);
		expect(fitsIn(frame, 80, 24).ok).toBe(true);
		expect(frame).toMatch(/Committed \$0\.\d+ of about \$0\.\d+ at Bulk prices of 2026-12-01 · 5 retrievals/);
		// Each archive initiated once; the right bytes under the planned names; only restored files in the destination.
		expect(h.emulator.initiations(vault)).toBe(5);
		expect(readdirSync(to).sort()).toEqual(['Docs', 'big.bin', 'docs', 'evil _]0;pwned_ name', 'photos']);
		expect(await sameBytes(h.emulator, h.ids[1], archives[1].size, join(to, 'photos', 'a.jpg'))).toBe(true);
		expect(await sameBytes(h.emulator, h.ids[5], archives[5].size, join(to, 'big.bin'))).toBe(true);
		const plans = readdirSync(join(h.dir, 'config', 'restores'));
		expect(plans).toHaveLength(1);
		expect(plans[0]).toMatch(/^photos-\d{8}-\d{6}$/);
	});

	it('at 200x50: the same preview and question, wider', async () => {
		const h = await restoreHarness({size: {columns: 200, rows: 50}});
		harness = h;
		const frame = await openPreview(h);
		expect(frame).toMatch(/Prices +us-east-1, an estimate of 2026-12-01 · 5 requests/);
		expect(fitsIn(frame, 200, 50).ok).toBe(true);
		await h.press(keys.enter);
		const asked = await h.waitFor('y/n');
		expect(asked).toMatch(/Start 5 retrievals, about \$0\.\d+ at Bulk prices of 2026-12-01\? y\/n/);
		expect(fitsIn(asked, 200, 50).ok).toBe(true);
		await h.press(keys.escape);
		await h.waitFor(f => !f.includes('y/n'));
		await h.press(keys.escape);
		await h.waitFor('6 archives, ');
		expect(h.emulator.initiations(vault)).toBe(0);
	});
});
