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

/** Wait until `check` holds (polling every 20 ms); on time-out, fail with the screen as it is. */
export async function until(check: () => boolean | Promise<boolean>, what: string, screen: () => string, ms = 15_000): Promise<void> {
	const deadline = Date.now() + ms;
	while (!await check()) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; screen:\n${screen()}`);
		await new Promise(resolve => {
			setTimeout(resolve, 20);
		});
	}
}
