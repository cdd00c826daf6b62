/**
 * A small terminal model for tests: applies what thaw writes (cursor
 * positions, erases, the alternate screen and autowrap modes, SGR ignored)
 * to a grid of cells, as xterm does, so a test can compare the screen a
 * person would see with the frame that was meant.
 */
import {charWidth} from '../../source/ui/text.js';

export class VirtualTerminal {
	cells: string[][];
	row = 0;
	column = 0;
	autowrap = true;
	alternate = false;
	cursorVisible = true;
	/** The cursor sits past the last column after printing there (xterm's pending wrap). */
	private pendingWrap = false;

	constructor(public columns: number, public rows: number) {
		this.cells = this.blank();
	}

	private blank(): string[][] {
		return Array.from({length: this.rows}, () => Array.from({length: this.columns}, () => ' '));
	}

	write(text: string): void {
		let i = 0;
		while (i < text.length) {
			const ch = text[i];
			if (ch === '\u001B') {
				i = this.escape(text, i);
				continue;
			}

			const code = text.codePointAt(i)!;
			const unit = code > 0xffff ? 2 : 1;
			i += unit;
			if (ch === '\n') {
				this.lineFeed();
				continue;
			}

			if (ch === '\r') {
				this.column = 0;
				this.pendingWrap = false;
				continue;
			}

			this.print(String.fromCodePoint(code), charWidth(code));
		}
	}

	private lineFeed(): void {
		this.pendingWrap = false;
		if (this.row === this.rows - 1) {
			this.cells.shift();
			this.cells.push(Array.from({length: this.columns}, () => ' '));
		} else {
			this.row++;
		}
	}

	private print(ch: string, width: number): void {
		if (width === 0) return;
		if (this.pendingWrap && this.autowrap) {
			this.column = 0;
			this.lineFeed();
		}

		this.pendingWrap = false;
		if (this.column + width > this.columns) {
			if (!this.autowrap) return; // clipped at the margin
			this.column = 0;
			this.lineFeed();
		}

		this.cells[this.row][this.column] = ch;
		if (width === 2) this.cells[this.row][this.column + 1] = '';
		this.column += width;
		if (this.column >= this.columns) {
			this.column = this.columns - 1;
			this.pendingWrap = true;
		}
	}

	private escape(text: string, start: number): number {
		if (text[start + 1] === ']') {
			const end = text.indexOf('\u0007', start);
			return end === -1 ? text.length : end + 1;
		}

		if (text[start + 1] !== '[') return start + 2;
		let i = start + 2;
		while (i < text.length && !/[@-~]/.test(text[i])) i++;
		const params = text.slice(start + 2, i);
		const final = text[i];
		const numbers = params.replace('?', '').split(';').map(n => (n === '' ? undefined : Number(n)));
		this.pendingWrap = final === 'm' ? this.pendingWrap : false;
		switch (final) {
			case 'H': {
				this.row = Math.min(this.rows, numbers[0] ?? 1) - 1;
				this.column = Math.min(this.columns, numbers[1] ?? 1) - 1;
				break;
			}

			case 'A': {
				this.row = Math.max(0, this.row - Math.max(1, numbers[0] ?? 1));
				break;
			}

			case 'E': {
				this.row = Math.min(this.rows - 1, this.row + Math.max(1, numbers[0] ?? 1));
				this.column = 0;
				break;
			}

			case 'G': {
				this.column = Math.max(1, numbers[0] ?? 1) - 1;
				break;
			}

			case 'K': {
				const mode = numbers[0] ?? 0;
				const from = mode === 0 ? this.column : 0;
				const to = mode === 1 ? this.column + 1 : this.columns;
				for (let c = from; c < to; c++) this.cells[this.row][c] = ' ';
				break;
			}

			case 'J': {
				if ((numbers[0] ?? 0) === 2) this.cells = this.blank();
				break;
			}

			case 'h':
			case 'l': {
				const on = final === 'h';
				if (params === '?7') this.autowrap = on;
				if (params === '?25') this.cursorVisible = on;
				if (params === '?1049') {
					this.alternate = on;
					this.cells = this.blank();
				}

				break;
			}

			default: {
				break;
			}
		}

		return i + 1;
	}

	/** The screen as text: rows joined by newlines, trailing blanks cut. */
	screen(): string {
		return this.cells.map(row => row.join('').trimEnd()).join('\n');
	}
}

// eslint-disable-next-line no-control-regex
const escapes = /\u001B\[[0-?]*[ -/]*[@-~]/g;

/** What a frame should look like on a screen of `rows` rows: escapes dropped, trailing blanks cut. */
export function expectedScreen(frame: string, rows: number): string {
	const lines = frame.split('\n').slice(0, rows).map(line => line.replace(escapes, '').trimEnd());
	while (lines.length < rows) lines.push('');
	return lines.join('\n');
}
