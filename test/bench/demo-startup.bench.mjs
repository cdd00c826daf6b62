#!/usr/bin/env node
/**
 * `thaw --demo` start-up, first run on a machine (empty hash cache): how long
 * the demo emulator takes to start, how long the lists a person opens first
 * take to answer (ListVaults, ListJobs of every demo vault, DescribeJob of
 * the 10 GiB job), and how responsive the event loop stays (the TUI shares
 * it) while the demo archives are hashed in the background.
 *
 *   npx tsc -p tsconfig.json && node test/bench/demo-startup.bench.mjs [--seconds S]
 *
 * --seconds S   how long to watch the warm-up (default 8)
 *
 * Then the TUI itself, in a pseudo-terminal of 80x24 (python3's pty module):
 * time from spawning `thaw --demo` to its first frame (the header drawn) and
 * to the vault list, and the same for `thaw --endpoint-url` against a local
 * `thaw emulator` (median and range of --runs R, default 5).
 *
 * Figures: start-up ms; first-answer latency of each list; event-loop delay
 * p50 / p99 / max (perf_hooks.monitorEventLoopDelay, 10 ms resolution) during
 * start-up and the first lists, and over the watch window; ListJobs latency (median / max) polled every 100 ms in
 * that window; how many demo jobs are still InProgress at the end.
 */
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {Agent, request} from 'node:http';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {monitorEventLoopDelay} from 'node:perf_hooks';
import {parseArgs} from 'node:util';
import {spawn} from 'node:child_process';
import {loadavg} from 'node:os';
import {startEmulator} from '../../build/source/emulator/index.js';
import {startInPty} from './tui-pty.mjs';

const {values} = parseArgs({options: {seconds: {type: 'string', default: '8'}, runs: {type: 'string', default: '5'}}});
const seconds = Number(values.seconds);
const runs = Number(values.runs);
const headers = {'x-amz-glacier-version': '2012-06-01', Authorization: 'AWS4-HMAC-SHA256 bench'};
const agent = new Agent({keepAlive: true, maxSockets: 4});
const ms = n => `${n.toFixed(1)} ms`;

function get(url, path) {
	return new Promise((resolve, reject) => {
		const started = performance.now();
		const req = request(new URL(path, url), {headers, agent}, res => {
			const parts = [];
			res.on('data', part => parts.push(part));
			res.on('end', () => resolve({status: res.statusCode, body: Buffer.concat(parts), ms: performance.now() - started}));
			res.on('error', reject);
		});
		req.on('error', reject);
		req.end();
	});
}

const cacheDir = mkdtempSync(join(tmpdir(), 'thaw-demo-bench-'));
const loop = monitorEventLoopDelay({resolution: 10});
const whole = monitorEventLoopDelay({resolution: 10});
loop.enable();
whole.enable();
const t0 = performance.now();
const e = await startEmulator({demo: true, hashCacheDir: cacheDir});
const startup = performance.now() - t0;

const firsts = [];
const vaults = await get(e.url, '/-/vaults?limit=1000');
firsts.push(['ListVaults', vaults.ms]);
let totalJobs = 0;
let videoJob;
for (const vault of JSON.parse(vaults.body).VaultList) {
	let marker = null;
	let elapsed = 0;
	do {
		const page = await get(e.url, `/-/vaults/${vault.VaultName}/jobs${marker ? `?marker=${marker}` : ''}`);
		elapsed += page.ms;
		const body = JSON.parse(page.body);
		totalJobs += body.JobList.length;
		if (vault.VaultName === 'video-archive-2016') videoJob = body.JobList[0]?.JobId;
		marker = body.Marker;
	} while (marker);

	firsts.push([`ListJobs ${vault.VaultName} (all pages)`, elapsed]);
}

const describe = await get(e.url, `/-/vaults/video-archive-2016/jobs/${videoJob}`);
firsts.push(['DescribeJob video-archive-2016 whole-10g', describe.ms]);
const listed = performance.now() - t0;
const startLoop = {p50: loop.percentile(50), p99: loop.percentile(99), max: loop.max};
loop.reset();

const polls = [];
const until = performance.now() + (seconds * 1000);
while (performance.now() < until) {
	polls.push((await get(e.url, '/-/vaults/backups-mixed/jobs')).ms);
	await new Promise(resolve => setTimeout(resolve, 100));
}

loop.disable();
whole.disable();
let inProgress = 0;
for (const vault of e.summary()) inProgress += vault.jobs.InProgress;
polls.sort((a, b) => a - b);
agent.destroy();
await e.close();

console.log(`demo start-up (empty hash cache), watched ${seconds} s:`);
console.log(`  startEmulator                          ${ms(startup)}`);
for (const [what, took] of firsts) console.log(`  ${what.padEnd(38)} ${ms(took)}`);
console.log(`  all lists answered after               ${ms(listed)} (${totalJobs} jobs)`);
console.log(`  event-loop delay p50 / p99 / max       start + lists: ${ms(startLoop.p50 / 1e6)} / ${ms(startLoop.p99 / 1e6)} / ${ms(startLoop.max / 1e6)}; warm-up window: ${ms(loop.percentile(50) / 1e6)} / ${ms(loop.percentile(99) / 1e6)} / ${ms(loop.max / 1e6)}`);
console.log(`  event-loop delay, whole run              ${ms(whole.percentile(50) / 1e6)} / ${ms(whole.percentile(99) / 1e6)} / ${ms(whole.max / 1e6)} over ${ms(performance.now() - t0)}`);
console.log('  (delay figures include the 10 ms sampling interval: 10 ms means no lag)');
console.log(`  ListJobs backups-mixed while hashing   median ${ms(polls[Math.floor(polls.length / 2)] ?? 0)}, max ${ms(polls.at(-1) ?? 0)} (${polls.length} polls)`);
console.log(`  demo jobs InProgress at the end        ${inProgress}`);

// The TUI's first frame and vault list, in a pty, from process spawn.
const cli = new URL('../../build/cli.js', import.meta.url).pathname;
const tuiEnv = {...process.env, THAW_TRACE_STARTUP: '1', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x', AWS_DEFAULT_REGION: 'us-east-1', THAW_CONFIG_DIR: join(cacheDir, 'config'), TERM: 'xterm-256color'};
delete tuiEnv.CI;
const local = spawn(process.execPath, [cli, 'emulator', '--quiet'], {stdio: ['ignore', 'pipe', 'inherit'], env: tuiEnv});
const localUrl = await new Promise(resolve => {
	let text = '';
	local.stdout.on('data', part => {
		text += part;
		if (text.includes('\n')) resolve(text.split('\n')[0].trim());
	});
});

// As installed: the V8 flags of cli.js's first line (#!/usr/bin/env -S node FLAGS) come too.
const shebangFlags = readFileSync(cli, 'utf8').split('\n')[0].split(/\s+/).filter(word => word.startsWith('--'));

async function tuiStart(args, inkText) {
	const thaw = startInPty(process.execPath, [...shebangFlags, cli, ...args], {columns: 80, rows: 24, cwd: cacheDir, env: tuiEnv});
	const frame = await thaw.waitFor(' thaw ');
	// The start screen (start-frame.ts) is drawn before Ink loads; Ink's own first frame has the connection in its header.
	const ink = await thaw.waitFor(inkText);
	const list = await thaw.waitFor('backups-mixed');
	thaw.press('q');
	await Promise.race([thaw.exited, new Promise(resolve => {
		setTimeout(resolve, 5000);
	})]);
	thaw.kill();
	// thaw's own account (THAW_TRACE_STARTUP): ms since its process started, and CPU ms, at the start screen and Ink's first frame.
	const own = /first frame at (\d+) ms, (\d+) ms CPU/.exec(thaw.screen);
	const started = /start screen at (\d+) ms, (\d+) ms CPU/.exec(thaw.screen);
	return {
		frame: frame - thaw.spawned, ink: ink - thaw.spawned, list: list - thaw.spawned,
		own: own ? Number(own[1]) : Number.NaN, cpu: own ? Number(own[2]) : Number.NaN,
		startOwn: started ? Number(started[1]) : Number.NaN, startCpu: started ? Number(started[2]) : Number.NaN,
	};
}

// The floor under "from spawn": python's pty relay starting a bare node that prints one byte.
async function ptyFloor() {
	const bare = startInPty(process.execPath, ['-e', 'process.stdout.write("ready\\n"); setTimeout(() => {}, 200)'], {columns: 80, rows: 24, cwd: cacheDir, env: tuiEnv});
	const at = await bare.waitFor('ready');
	await bare.exited;
	return at - bare.spawned;
}

const spread = values => {
	const sorted = [...values].sort((a, b) => a - b);
	return `median ${sorted[Math.floor(sorted.length / 2)].toFixed(0)} ms (${sorted[0].toFixed(0)}-${sorted.at(-1).toFixed(0)})`;
};

const floors = [];
for (let i = 0; i < runs; i++) floors.push(await ptyFloor());
console.log(`  floor: the pty relay and a bare node printing a line  ${spread(floors)}`);
for (const [label, args, inkText] of [['thaw --demo', ['--demo'], 'no AWS account'], ['thaw --endpoint-url (local emulator)', ['--endpoint-url', localUrl], '127.0.0.1']]) {
	const results = [];
	for (let i = 0; i < runs; i++) results.push(await tuiStart(args, inkText));
	console.log(`  ${label}:`);
	console.log(`    first frame (start screen), from spawn  ${spread(results.map(r => r.frame))}`);
	console.log(`    start screen, thaw's clock           ${spread(results.map(r => r.startOwn))}; CPU ${spread(results.map(r => r.startCpu))}`);
	console.log(`    Ink's first frame, from spawn        ${spread(results.map(r => r.ink))}`);
	console.log(`    Ink's first frame, thaw's clock      ${spread(results.map(r => r.own))}; CPU ${spread(results.map(r => r.cpu))}`);
	console.log(`    vault list, from spawn               ${spread(results.map(r => r.list))}`);
}

local.kill();
rmSync(cacheDir, {recursive: true, force: true});
console.log(`  (TUI in an 80x24 pty, ${runs} runs each, load ${loadavg().map(n => n.toFixed(2)).join(' ')})`);
console.log(`repeat: npx tsc -p tsconfig.json && node test/bench/demo-startup.bench.mjs --seconds ${seconds} --runs ${runs}`);
process.exit(0);
