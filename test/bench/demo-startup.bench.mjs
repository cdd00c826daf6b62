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
 * Figures: start-up ms; first-answer latency of each list; event-loop delay
 * p50 / p99 / max (perf_hooks.monitorEventLoopDelay, 10 ms resolution) during
 * start-up and the first lists, and over the watch window; ListJobs latency (median / max) polled every 100 ms in
 * that window; how many demo jobs are still InProgress at the end.
 */
import {mkdtempSync, rmSync} from 'node:fs';
import {Agent, request} from 'node:http';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {monitorEventLoopDelay} from 'node:perf_hooks';
import {parseArgs} from 'node:util';
import {startEmulator} from '../../build/source/emulator/index.js';

const {values} = parseArgs({options: {seconds: {type: 'string', default: '8'}}});
const seconds = Number(values.seconds);
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
rmSync(cacheDir, {recursive: true, force: true});

console.log(`demo start-up (empty hash cache), watched ${seconds} s:`);
console.log(`  startEmulator                          ${ms(startup)}`);
for (const [what, took] of firsts) console.log(`  ${what.padEnd(38)} ${ms(took)}`);
console.log(`  all lists answered after               ${ms(listed)} (${totalJobs} jobs)`);
console.log(`  event-loop delay p50 / p99 / max       start + lists: ${ms(startLoop.p50 / 1e6)} / ${ms(startLoop.p99 / 1e6)} / ${ms(startLoop.max / 1e6)}; warm-up window: ${ms(loop.percentile(50) / 1e6)} / ${ms(loop.percentile(99) / 1e6)} / ${ms(loop.max / 1e6)}`);
console.log(`  event-loop delay, whole run              ${ms(whole.percentile(50) / 1e6)} / ${ms(whole.percentile(99) / 1e6)} / ${ms(whole.max / 1e6)} over ${ms(performance.now() - t0)}`);
console.log('  (delay figures include the 10 ms sampling interval: 10 ms means no lag)');
console.log(`  ListJobs backups-mixed while hashing   median ${ms(polls[Math.floor(polls.length / 2)] ?? 0)}, max ${ms(polls.at(-1) ?? 0)} (${polls.length} polls)`);
console.log(`  demo jobs InProgress at the end        ${inProgress}`);
console.log(`repeat: npx tsc -p tsconfig.json && node test/bench/demo-startup.bench.mjs --seconds ${seconds}`);
process.exit(0);
