#!/usr/bin/env node
/**
 * What the TUI writes to the terminal while a download runs, as a person over
 * SSH would pay for it: thaw runs in a real pseudo-terminal (python3's pty
 * module, no native dependency) of COLUMNS x ROWS against a `thaw emulator`
 * whose GetJobOutput is throttled, opens the demo's 10 GiB job, presses Enter
 * to start, and counts the bytes and frames it writes in a steady window;
 * then presses p (paused: nothing should change) and counts again (idle).
 * Last it presses q, y and checks that thaw left the terminal as it found it.
 *
 *   npm run build && node test/bench/tui-output.bench.mjs [--columns 80] [--rows 24] [--seconds 6] [--rate 2000000]
 *
 * --rate B   bytes per second per GetJobOutput request (8 in parallel)
 *
 * A frame is a burst of output: writes less than 15 ms apart count as one
 * (Ink writes a frame in one to three writes; frames come >= 80 ms apart).
 */
import {spawn} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {loadavg, tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {parseArgs} from 'node:util';
import {outputRate, startInPty} from './tui-pty.mjs';

const {values} = parseArgs({options: {
	columns: {type: 'string', default: '80'},
	rows: {type: 'string', default: '24'},
	seconds: {type: 'string', default: '6'},
	rate: {type: 'string', default: '2000000'},
}});
const columns = Number(values.columns);
const rows = Number(values.rows);
const seconds = Number(values.seconds);
const rate = Number(values.rate);
const cli = join(dirname(fileURLToPath(import.meta.url)), '../../build/cli.js');
const work = mkdtempSync(join(tmpdir(), 'thaw-tui-output-'));
const env = {...process.env, AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x', AWS_DEFAULT_REGION: 'us-east-1', THAW_CONFIG_DIR: join(work, 'config'), TERM: 'xterm-256color'};
delete env.CI;
delete env.NO_COLOR;

function startEmulator() {
	const child = spawn(process.execPath, [cli, 'emulator', '--quiet', '--fault', `bandwidth:op=GetJobOutput,bytesPerSecond=${rate},times=Infinity`], {stdio: ['ignore', 'pipe', 'inherit'], env});
	return new Promise((resolve, reject) => {
		let text = '';
		child.stdout.on('data', part => {
			text += part;
			const line = text.split('\n')[0];
			if (text.includes('\n')) resolve({url: line.trim(), child});
		});
		child.on('error', reject);
	});
}

async function firstJob(url, vault) {
	const response = await fetch(`${url}/-/vaults/${vault}/jobs`, {headers: {'x-amz-glacier-version': '2012-06-01', Authorization: 'AWS4-HMAC-SHA256 bench'}});
	return (await response.json()).JobList[0].JobId;
}

const sleep = ms => new Promise(resolve => {
	setTimeout(resolve, ms);
});

const emulator = await startEmulator();
const jobId = await firstJob(emulator.url, 'video-archive-2016');
const thaw = startInPty(process.execPath, [cli, '--endpoint-url', emulator.url, '--vault-name', 'video-archive-2016', '--job-id', jobId], {columns, rows, cwd: work, env});
process.on('exit', () => {
	thaw.kill();
	emulator.child.kill();
});
const {chunks, exited} = thaw;
const waitFor = text => thaw.waitFor(text);
const window = (from, to) => outputRate(chunks, from, to);

await waitFor('Saves to');
const firstOutput = chunks[0].at - thaw.spawned;
thaw.press('\r');
await waitFor('MiB/s');
await sleep(1500); // past the first chunks' start
const steadyFrom = performance.now();
await sleep(seconds * 1000);
const steady = window(steadyFrom, performance.now());
thaw.press('p');
await waitFor('Paused');
await sleep(1000);
const idleFrom = performance.now();
await sleep(Math.min(seconds, 4) * 1000);
const idle = window(idleFrom, performance.now());
thaw.press('q');
await sleep(300);
thaw.press('y');
const code = await Promise.race([exited, sleep(8000).then(() => 'still running')]);
if (code === 'still running') thaw.kill();
emulator.child.kill('SIGINT');
const after = thaw.screen;
rmSync(work, {recursive: true, force: true});

const f = n => n.toFixed(1).padStart(8);
console.log(`TUI terminal output at ${columns}x${rows}, demo 10 GiB job, GetJobOutput throttled to ${rate} B/s per request (load ${loadavg().map(n => n.toFixed(2)).join(' ')}):`);
console.log(`  first output after                ${f(firstOutput)} ms`);
console.log(`  steady download (${seconds} s)          ${f(steady.bytesPerSecond)} B/s  ${f(steady.framesPerSecond)} frames/s  (${steady.bytes} B in ${steady.frames} frames, ${steady.frames ? Math.round(steady.bytes / steady.frames) : 0} B/frame)`);
console.log(`  paused, nothing changes           ${f(idle.bytesPerSecond)} B/s  ${f(idle.framesPerSecond)} frames/s  (${idle.bytes} B)`);
console.log(`  exit code after q, y              ${code}; left the alternate screen: ${after.lastIndexOf('\u001B[?1049l') > after.lastIndexOf('\u001B[?1049h') ? 'yes' : 'no'}; resume command printed: ${after.includes('Resume with:') ? 'yes' : 'no'}`);
console.log(`repeat: npm run build && node test/bench/tui-output.bench.mjs --columns ${columns} --rows ${rows} --seconds ${seconds} --rate ${rate}`);
process.exit(0);
