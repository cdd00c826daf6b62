/**
 * Run thaw in a real pseudo-terminal for the TUI benches: python3's pty
 * module (no native npm dependency) forks the terminal, sets its size and
 * relays bytes both ways; every chunk of output is kept with its arrival time.
 */
import {spawn} from 'node:child_process';

const relay = `
import fcntl, os, pty, select, signal, struct, sys, termios
rows, columns = int(sys.argv[1]), int(sys.argv[2])
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[3], sys.argv[3:])
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', rows, columns, 0, 0))
out = sys.stdout.buffer
while True:
    r, _, _ = select.select([fd, 0], [], [])
    if fd in r:
        try:
            data = os.read(fd, 65536)
        except OSError:
            break
        if not data:
            break
        out.write(data)
        out.flush()
    if 0 in r:
        data = os.read(0, 1024)
        if not data:
            # Whoever drives the relay is gone (it ended, or failed before it could quit thaw):
            # hang up on thaw as a closed terminal would, instead of waiting for it forever.
            os.kill(pid, signal.SIGHUP)
            break
        os.write(fd, data)
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status))
`;

/** thaw's CLI in a pty of columns x rows. `screen` holds the last ~20 KB of output (latin1). */
export function startInPty(command, args, {columns = 80, rows = 24, cwd, env} = {}) {
	const spawned = performance.now();
	const child = spawn('python3', ['-c', relay, String(rows), String(columns), command, ...args], {cwd, env, stdio: ['pipe', 'pipe', 'inherit']});
	const session = {
		spawned,
		chunks: [],
		screen: '',
		child,
		exited: new Promise(resolve => {
			child.on('exit', code => resolve(code));
		}),
		press(keys) {
			child.stdin.write(keys);
		},
		/** Resolves with the time (performance.now()) the text first appeared. */
		async waitFor(text, ms = 15_000) {
			const until = performance.now() + ms;
			while (!session.screen.includes(text)) {
				if (performance.now() > until) {
					console.error(JSON.stringify(session.screen.slice(-2000)));
					throw new Error(`no '${text}' on the screen after ${ms} ms`);
				}

				await new Promise(resolve => {
					setTimeout(resolve, 5);
				});
			}

			const found = session.chunks.find(chunk => chunk.text.includes(text));
			return found ? found.at : performance.now();
		},
		kill() {
			child.kill();
		},
	};
	child.stdout.on('data', data => {
		const text = data.toString('latin1');
		session.chunks.push({at: performance.now(), bytes: data.length, text});
		session.screen = (session.screen + text).slice(-20_000);
	});
	return session;
}

/** Bytes and frames (bursts of output less than 15 ms apart) per second between two times. */
export function outputRate(chunks, from, to) {
	let bytes = 0;
	let frames = 0;
	let last = Number.NEGATIVE_INFINITY;
	for (const chunk of chunks) {
		if (chunk.at < from || chunk.at >= to) continue;
		bytes += chunk.bytes;
		if (chunk.at - last > 15) frames++;
		last = chunk.at;
	}

	const span = (to - from) / 1000;
	return {bytesPerSecond: bytes / span, framesPerSecond: frames / span, bytes, frames};
}
