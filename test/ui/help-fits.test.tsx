import {afterEach, describe, expect, it} from 'vitest';
import {keymap} from '../../source/ui/keymap.js';
import {helpLines} from '../../source/ui/screens/Help.js';
import {screens} from '../../source/ui/screens/registry.js';
import {textWidth} from '../../source/ui/text.js';
import {startHarness, type Harness} from './helpers.js';

// The `?` help of every screen fits 80 columns (issue 13 §3): a new key's help line too long fails here.
let harness: Harness | undefined;
afterEach(async () => {
	await harness?.close();
	harness = undefined;
});

describe('the help at 80 columns', () => {
	for (const [name, entry] of Object.entries(screens)) {
		it(`every help line of the ${name} screen fits, its keys whole`, () => {
			const lines = helpLines(entry.scopes);
			const tooLong = lines.filter(line => textWidth(line.text) > 80).map(line => `${textWidth(line.text)}: ${line.text}`);
			expect(tooLong).toEqual([]);
			for (const scope of ['global', ...entry.scopes]) {
				for (const binding of keymap.filter(b => b.scope === scope)) expect(lines.some(line => line.text.startsWith(`  ${binding.keys} `))).toBe(true);
			}
		});
	}

	it('the inventory\'s help, paged through at 80x24, cuts no line', async () => {
		harness = await startHarness({initial: [{screen: 'vaults'}, {screen: 'help', scopes: screens.inventory.scopes}]});
		const seen = new Set<string>();
		for (let page = 0; page < 6; page++) {
			const frame = await harness.waitFor('Esc or ? closes this help');
			const lines = frame.split('\n');
			expect(lines.length).toBeLessThanOrEqual(24);
			// Below the header line: nothing ends cut with … (the help is drawn through Line, which cuts).
			for (const line of lines.slice(1)) {
				expect([...line].length).toBeLessThanOrEqual(80);
				expect(line, frame).not.toMatch(/…\s*$/);
				seen.add(line.trim());
			}

			await harness.press(' ');
		}

		// Paged to its end: the last scopes' lines were seen too.
		expect([...seen].some(line => line.includes('load again, skipping (and counting) malformed records'))).toBe(true);
		expect([...seen].some(line => line.startsWith('Esc Enter h ←'))).toBe(true);
	});
});
