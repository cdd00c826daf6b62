import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {jsonInventory, record} from '../inventory/helpers.js';
import {keys, startHarness, type Harness} from './helpers.js';

let harness: Harness | undefined;
let folder: string | undefined;
afterEach(async () => {
	await harness?.close();
	harness = undefined;
	if (folder) rmSync(folder, {recursive: true, force: true});
});

describe('inventory browser: a catastrophic regex', () => {
	it('is stopped within its budget and named in the status line; the table stays and the next keys are handled', async () => {
		folder = mkdtempSync(join(tmpdir(), 'thaw-inv-regex-'));
		const file = join(folder, 'inventory.json');
		// /(a+)+$/ needs about 2^26 steps for each start in this run of a's: tens of seconds where it is not stopped.
		writeFileSync(file, jsonInventory([record(0, 'photos/one.jpg'), record(1, 'a'.repeat(26) + '!'), record(2, 'notes.txt')]));
		harness = await startHarness({size: {columns: 160, rows: 20}, initial: [{screen: 'inventory', spec: {source: {kind: 'file', path: file}}}]});
		await harness.waitFor('3 archives');
		await harness.press('/', ...'/(a+)+$/');
		const frame = await harness.waitFor('too slow', 8000);
		expect(frame).toContain('/(a+)+$/ is too slow');
		expect(frame).toContain('photos/one.jpg'); // The rows shown before stay
		expect(frame).toContain('notes.txt');
		// Typing on is handled at once (the verdict is remembered), and so is clearing the filter.
		const started = Date.now();
		await harness.press(' ', 'n', 'o');
		await harness.waitFor('Filter / /(a+)+$/ no', 3000);
		await harness.press(...Array.from({length: 11}, () => keys.backspace), 'o', 'n', 'e');
		const after = await harness.waitFor(f => f.includes('photos/one.jpg') && !f.includes('notes.txt') && !f.includes('too slow'), 3000);
		expect(after).toContain('shown 1');
		expect(Date.now() - started).toBeLessThan(6000);
	}, 40_000);
});
