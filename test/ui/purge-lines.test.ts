import {describe, expect, it} from 'vitest';
import {hintText, wrapLine} from '../../source/ui/screens/purge/purge-lines.js';
import {purgeReducer, type PurgeUi} from '../../source/ui/screens/purge/use-purge-state.js';
import type {PurgePreview} from '../../source/restore/purge/index.js';
import {textWidth} from '../../source/ui/text.js';

describe('purge screen lines', () => {
	it('wraps a labelled line with continuation lines hanging under its text, within the width', () => {
		const lines = wrapLine('  to delete       4 archives (10.7 KiB): their files were checked just now (size and SHA-256 tree hash match the inventory)', 50);
		expect(lines[0]).toBe('  to delete       4 archives (10.7 KiB): their');
		expect(lines.slice(1).every(line => line.startsWith(' '.repeat(18)))).toBe(true);
		expect(lines.every(line => textWidth(line) <= 50)).toBe(true);
		expect(lines.join(' ').replace(/\s+/g, ' ')).toContain('match the inventory)');
	});

	it('cuts at four lines with …, keeps short lines as they are, and never loses the first word of a long path', () => {
		expect(wrapLine('  kept            none', 80)).toEqual(['  kept            none']);
		const long = wrapLine(`  #3 ${'x'.repeat(200)}: file missing`, 40);
		expect(long.length).toBeLessThanOrEqual(4);
		expect(long[0].startsWith('  #3')).toBe(true);
		const many = wrapLine(`  note            ${'word '.repeat(100)}`, 40);
		expect(many).toHaveLength(4);
		expect(many[3].endsWith('…')).toBe(true);
	});

	it('the state: a wrong count keeps asking (nothing deleted) and clears what was typed; nothing to delete goes straight to the verdict', () => {
		const preview = {toDelete: {archives: 4, bytes: 10}} as PurgePreview;
		let ui: PurgeUi = {phase: 'checking', typed: '', offset: 0};
		ui = purgeReducer(ui, {type: 'previewed', preview});
		expect(ui.phase).toBe('confirm');
		ui = purgeReducer(purgeReducer(ui, {type: 'type', text: '3'}), {type: 'wrongCount', typed: '3'});
		expect(ui).toMatchObject({phase: 'confirm', typed: ''});
		expect(ui.notice?.text).toContain('\'3\' is not 4');
		const none = purgeReducer({phase: 'checking', typed: '', offset: 0}, {type: 'previewed', preview: {toDelete: {archives: 0, bytes: 0}} as PurgePreview});
		expect(none.phase).toBe('done');
		expect(hintText('deleting')).toMatch(/Esc stop/);
	});
});
