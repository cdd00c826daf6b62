import type {Key} from 'ink';
import {describe, expect, it} from 'vitest';
import {commandFor, keymap, parseKey} from '../../source/ui/keymap.js';
import {helpLines} from '../../source/ui/screens/Help.js';

const none: Key = {upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false, return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false, super: false, hyper: false, capsLock: false, numLock: false} as Key;
const press = (input: string, key: Partial<Key> = {}): [string, Key] => [input, {...none, ...key}];

describe('the key map', () => {
	it('reads every key it shows: the matchers are parsed from the keys strings', () => {
		for (const binding of keymap) for (const token of binding.keys.split(' ')) expect(() => parseKey(token)).not.toThrow();
		expect(() => parseKey('Ctrl+Q')).toThrow(/cannot read the key 'Ctrl\+Q'/);
	});

	it('matches what it says', () => {
		expect(commandFor(['list'], ...press('j'))).toBe('down');
		expect(commandFor(['list'], ...press('', {downArrow: true}))).toBe('down');
		expect(commandFor(['list'], ...press('d', {ctrl: true}))).toBe('pageDown');
		expect(commandFor(['list'], ...press('d'))).toBeUndefined();
		expect(commandFor(['list'], ...press('G', {shift: true}))).toBe('bottom');
		expect(commandFor(['setup'], ...press('\t', {tab: true}))).toBe('nextField');
		expect(commandFor(['setup'], ...press('\t', {tab: true, shift: true}))).toBe('prevField');
		expect(commandFor(['confirm'], ...press('y'))).toBe('yes');
		expect(commandFor(['confirm'], ...press('', {escape: true}))).toBe('no');
		expect(commandFor(['confirm'], ...press('', {return: true}))).toBeUndefined();
		expect(commandFor(['inventory'], ...press(' '))).toBe('mark');
	});

	it('lists in the help every key the dialogs take: Esc, Tab, y/n', () => {
		const text = helpLines(['setup', 'text', 'confirm']).map(l => l.text).join('\n');
		expect(text).toMatch(/Tab ↓\s+next field/);
		expect(text).toMatch(/y Y\s+yes/);
		expect(text).toMatch(/n N Esc\s+no/);
		expect(text).toMatch(/Esc\s+cancel/);
	});
});
