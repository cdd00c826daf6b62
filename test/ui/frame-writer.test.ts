import {describe, expect, it} from 'vitest';
import {enterSequence, FrameWriter, leaveSequence, visibleWidth, withoutColour} from '../../source/ui/frame-writer.js';
import {expectedScreen, VirtualTerminal} from './virtual-terminal.js';

function setup(columns = 20, rows = 6, minIntervalMs = 0) {
	const terminal = new VirtualTerminal(columns, rows);
	const writes: string[] = [];
	let now = 0;
	const size = {columns, rows};
	const writer = new FrameWriter({
		write(text) {
			writes.push(text);
			terminal.write(text);
		},
		columns: () => size.columns,
		rows: () => size.rows,
		minIntervalMs,
		now: () => now,
	});
	writer.enter();
	return {terminal, writes, writer, size, tick(ms: number) {
		now += ms;
	}};
}

function show(t: ReturnType<typeof setup>, frame: string) {
	t.writer.frame(frame);
	expect(t.terminal.screen()).toBe(expectedScreen(frame, t.terminal.rows));
}

describe('frame writer (line-diffed frames on the alternate screen)', () => {
	it('enters the alternate screen with autowrap off and the cursor hidden, and gives it all back on leave', () => {
		const t = setup();
		expect(t.writes[0]).toBe(enterSequence);
		expect(t.terminal.alternate).toBe(true);
		expect(t.terminal.autowrap).toBe(false);
		expect(t.terminal.cursorVisible).toBe(false);
		show(t, 'hello');
		t.writer.leave();
		expect(t.writes.at(-1)).toBe(leaveSequence);
		expect(t.terminal.alternate).toBe(false);
		expect(t.terminal.autowrap).toBe(true);
		expect(t.terminal.cursorVisible).toBe(true);
		// Frames after leaving are not drawn.
		t.writer.frame('late');
		expect(t.writes.at(-1)).toBe(leaveSequence);
	});

	it('leaves no stale line when a frame shrinks, grows back, or a line gets narrower', () => {
		const t = setup();
		show(t, 'header\nline one\nline two\nline three\nstatus');
		show(t, 'header\nshort');
		show(t, 'header\n\n\n\n\nbottom row');
		show(t, 'header\nline one is wider\nx\n\u001B[31mred\u001B[39m\nstatus');
		show(t, 'header\nline one\n\u001B[7minverse\u001B[27m\nred\n');
		show(t, '');
		show(t, 'back');
	});

	it('keeps wide characters and full-width lines whole, and clips what is too wide instead of wrapping', () => {
		const t = setup(10, 4);
		show(t, '日本語のフ\nabc');
		show(t, 'abcdefghij\n😀😀x\n日本');
		show(t, 'a\n😀\nab');
		// Exactly as wide as the terminal: the last column survives (no erase after it).
		show(t, '0123456789\n-');
		expect(t.terminal.screen().split('\n')[0]).toBe('0123456789');
		// Wider than the terminal (a width disagreement): xterm without autowrap overwrites the last
		// column; the next row stays as it was.
		t.writer.frame('0123456789AB\n-');
		expect(t.terminal.screen().split('\n').slice(0, 2)).toEqual(['012345678B', '-']);
	});

	it('rewrites only the rows that changed, each at an absolute position', () => {
		const t = setup(40, 8);
		const lines = ['thaw  header', 'Downloading f.bin', '1.0 MiB / 9 MiB', 'Chunks 1/9', 'grid', '', 'log', 'status'];
		show(t, lines.join('\n'));
		const before = t.writes.length;
		lines[2] = '2.0 MiB / 9 MiB';
		show(t, lines.join('\n'));
		expect(t.writes.length).toBe(before + 1);
		expect(t.writes.at(-1)).toBe('\u001B[3H2.0 MiB / 9 MiB\u001B[0m\u001B[K');
		// Nothing changed: nothing written.
		show(t, lines.join('\n'));
		expect(t.writes.length).toBe(before + 1);
	});

	it('survives random frames: after each one the screen is exactly the frame', () => {
		const t = setup(16, 7);
		let seed = 7;
		const random = (n: number) => {
			seed = ((seed * 1_103_515_245) + 12_345) % 2_147_483_648;
			return seed % n;
		};

		const pieces = ['a', 'bc', ' ', '日', '😀', '…', '·', '\u001B[1mB\u001B[22m', '\u001B[90mgrey\u001B[39m', 'x'.repeat(16)];
		for (let frame = 0; frame < 400; frame++) {
			const lines = Array.from({length: random(9)}, () => {
				let line = '';
				while (random(3) > 0) {
					const next = line + pieces[random(pieces.length)];
					// Never wider than the terminal, as Ink lays it out.
					if (visibleWidth(next) > 16) break;
					line = next;
				}

				return line;
			});
			show(t, lines.join('\n'));
		}
	});

	it('draws everything again on a cleared screen after a resize', () => {
		const t = setup(20, 5);
		show(t, 'one\ntwo\nthree');
		t.size.columns = 12;
		t.size.rows = 3;
		const resized = new VirtualTerminal(12, 3);
		resized.write('garbage left by the terminal\nmore');
		t.writer.invalidate();
		t.writer.frame('one\ntwo\nthree\nfour');
		resized.write(t.writes.at(-1)!);
		expect(resized.screen()).toBe(expectedScreen('one\ntwo\nthree', 3));
	});

	it('writes at most one frame per interval, and always the last one', async () => {
		const t = setup(20, 4, 50);
		t.writer.frame('a');
		const first = t.writes.length;
		t.writer.frame('b');
		t.writer.frame('c');
		expect(t.writes.length).toBe(first);
		t.tick(50);
		await new Promise(resolve => {
			setTimeout(resolve, 80);
		});
		expect(t.writes.length).toBe(first + 1);
		expect(t.terminal.screen()).toBe(expectedScreen('c', 4));
		// leave() draws a pending frame before giving the screen back.
		t.writer.frame('d');
		t.writer.leave();
		expect(t.writes.at(-2)).toContain('d');
	});
});

describe('withoutColour (NO_COLOR)', () => {
	it('drops colour codes, keeps bold, inverse and underline', () => {
		expect(withoutColour('\u001B[31mred\u001B[39m')).toBe('red');
		expect(withoutColour('\u001B[1;33mwarn\u001B[22;39m')).toBe('\u001B[1mwarn\u001B[22m');
		expect(withoutColour('\u001B[7m\u001B[43m\u001B[30m bar \u001B[39m\u001B[49m\u001B[27m')).toBe('\u001B[7m bar \u001B[27m');
		expect(withoutColour('\u001B[38;5;208mx\u001B[48;2;1;2;3my\u001B[4mz\u001B[0m')).toBe('xy\u001B[4mz\u001B[0m');
		expect(withoutColour('\u001B[90mgrey\u001B[39m \u001B[m')).toBe('grey \u001B[0m');
	});

	it('is applied to every frame when colour is off', () => {
		const writes: string[] = [];
		const writer = new FrameWriter({write: text => writes.push(text), columns: () => 20, rows: () => 3, colour: false});
		writer.enter();
		writer.frame('\u001B[33mheader\u001B[39m\n\u001B[7msel\u001B[27m');
		const out = writes.join('');
		// eslint-disable-next-line no-control-regex -- looking for colour codes
		expect(out).not.toMatch(/\u001B\[(3|4|9)\d/);
		expect(out).toContain('\u001B[7msel\u001B[27m');
	});
});
