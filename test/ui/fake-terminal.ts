import {EventEmitter} from 'node:events';
import {VirtualTerminal} from './virtual-terminal.js';

/** A terminal for runApp: keys in, bytes out (with when they came), 80x24. */
export class FakeStdin extends EventEmitter {
	isTTY = true;
	private data: string | null = null;
	press(data: string) {
		this.data = data;
		this.emit('readable');
	}

	read = () => {
		const {data} = this;
		this.data = null;
		return data;
	};

	setEncoding() {}
	setRawMode() {}
	resume() {}
	pause() {}
	ref() {}
	unref() {}
}

export class FakeStdout extends EventEmitter {
	isTTY = true;
	columns = 80;
	rows = 24;
	writes: Array<{at: number; bytes: number}> = [];
	terminal = new VirtualTerminal(80, 24);
	write(text: string) {
		this.writes.push({at: performance.now(), bytes: Buffer.byteLength(text)});
		this.terminal.write(text);
		return true;
	}
}
