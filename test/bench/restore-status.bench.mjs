#!/usr/bin/env node
/**
 * Restore status benchmark: `thaw restore status PLAN --output json` on a
 * plan of 1 M archives whose shard has a compacted state.bin (every archive
 * somewhere along its life) plus a journal tail of 50,000 records, and the
 * read of that state.bin alone. The plan is made here (small rows, fast) unless
 * --plan DIR names one (e.g. the restore-plan bench's, kept with --keep).
 *
 *   npm run build && node test/bench/restore-status.bench.mjs [--rows 1000000] [--plan DIR]
 */
import {execFileSync} from 'node:child_process';
import {mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';

const argument = (name, fallback) => process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback;
const rows = Number(argument('--rows', '1000000'));
const build = name => new URL(`../../build/source/restore/${name}`, import.meta.url).href;
const cli = new URL('../../build/cli.js', import.meta.url).pathname;
const {readShardState} = await import(build('journal.js'));
const {emptyState, encodeSnapshot, encodeLine} = await import(build('state.js'));

let planDir = argument('--plan', undefined);
const made = planDir === undefined;
if (made) {
	planDir = path.join(os.tmpdir(), `thaw-restore-status-bench-${rows}`);
	rmSync(planDir, {recursive: true, force: true});
	mkdirSync(planDir, {recursive: true});
	// A minimal plan: plan.json + sizes.bin + archives.jsonl + offsets.bin, as restore plan writes them.
	const sizes = new Float64Array(rows);
	const offsets = new Float64Array(rows + 1);
	const lines = [];
	let offset = 0;
	for (let i = 0; i < rows; i++) {
		sizes[i] = 1000 + (i % 5000) * 1000;
		const line = `["${'A'.repeat(130)}${String(i).padStart(8, '0')}",${sizes[i]},"${'0'.repeat(64)}","files/${i}.bin",null,"2020-01-01T00:00:00Z"]\n`;
		offsets[i] = offset;
		offset += line.length;
		lines.push(line);
	}

	offsets[rows] = offset;
	writeFileSync(path.join(planDir, 'archives.jsonl'), lines.join(''));
	writeFileSync(path.join(planDir, 'sizes.bin'), Buffer.from(sizes.buffer));
	writeFileSync(path.join(planDir, 'offsets.bin'), Buffer.from(offsets.buffer));
	const prices = {source: 'bench', date: '2026-12-01', region: 'us-east-1', Bulk: {perGB: 0.0025, per1000Requests: 0.025}, Standard: {perGB: 0.01, per1000Requests: 0.05}, Expedited: {perGB: 0.03, per1000Requests: 10}, transferOutPerGB: 0.09};
	writeFileSync(path.join(planDir, 'plan.json'), JSON.stringify({format: 'thaw-restore-plan', version: 1, createdAt: new Date().toISOString(), vaultName: 'bench', vaultARN: null, region: 'us-east-1', accountId: null, tier: 'Bulk', to: '/tmp/out', versions: 'latest', filter: null, inventory: {source: 'file', path: '/dev/null', inventoryDate: null}, totals: {archives: rows, bytes: sizes.reduce((a, b) => a + b, 0), skippedVersions: 0, renamed: 0, undecodable: 0, youngerThan90Days: 0}, prices, estimate: {}, policy: {strategy: 'unknown', note: ''}, decisions: {file: 'decisions.jsonl'}}));
}

const total = JSON.parse(readFileSync(path.join(planDir, 'plan.json'), 'utf8')).totals.archives;
const shard = path.join(planDir, 'shards', 'bench-0-of-1');
rmSync(shard, {recursive: true, force: true});
mkdirSync(shard, {recursive: true});
// Every archive somewhere: 60% verified, the rest spread over the other states; 20,000 ready with jobs; 5,000 failures.
const state = emptyState(total);
const now = Date.now();
for (let i = 0; i < total; i++) {
	state.states[i] = i % 10 < 6 ? 5 : (i % 8);
	state.initiations[i] = state.states[i] >= 2 ? 1 : 0;
}

for (let i = 0; i < 20_000; i++) {
	const k = (i * 37) % total;
	state.states[k] = 3;
	state.jobIds.set(k, `job-${'x'.repeat(120)}-${i}`);
	state.completedAt.set(k, now - (i * 1000));
}

for (let i = 0; i < 5000; i++) state.failures.set((i * 101) % total, `reason ${i}: tree hash mismatch`);
writeFileSync(path.join(shard, 'state.bin'), encodeSnapshot(state, 1));
const tail = [encodeLine({t: 'log', gen: 1, planArchives: total, at: now})];
for (let i = 0; i < 50_000; i++) tail.push(encodeLine({t: 'verified', i: (i * 7) % total, bytes: 1, at: now + i}));
writeFileSync(path.join(shard, 'journal.log'), tail.join(''));

let started = performance.now();
const read = await readShardState(shard, total);
const readMs = performance.now() - started;
started = performance.now();
const output = execFileSync(process.execPath, [cli, 'restore', 'status', planDir, '--output', 'json'], {encoding: 'utf8', maxBuffer: 64 << 20});
const statusMs = performance.now() - started;
const status = JSON.parse(output);
started = performance.now();
execFileSync(process.execPath, [cli, '--version'], {encoding: 'utf8'});
const startupMs = performance.now() - started;
console.log(`restore status bench: ${total.toLocaleString('en')} archives (${made ? 'generated plan' : planDir}), state.bin + ${tail.length - 1} journal records`);
console.log(`node ${process.version}, ${os.cpus().length} cpus, load average ${os.loadavg().map(l => l.toFixed(1)).join(' ')}`);
console.log(`readShardState (state.bin + tail, in process)   ${readMs.toFixed(0).padStart(6)} ms  (replayed ${read.replayed})`);
console.log(`thaw restore status --output json (whole CLI)   ${statusMs.toFixed(0).padStart(6)} ms  (node + thaw start alone: ${startupMs.toFixed(0)} ms)`);
console.log(`verified ${status.verified.toLocaleString('en')}, failed ${status.failed.toLocaleString('en')}, failures listed ${status.failures.length} of ${status.failuresTotal}`);
console.log('target: < 1000 ms for the whole command');
rmSync(shard, {recursive: true, force: true});
if (made) rmSync(planDir, {recursive: true, force: true});
console.log(`repeat: npm run build && node test/bench/restore-status.bench.mjs --rows ${rows}${made ? '' : ` --plan ${planDir}`}`);
