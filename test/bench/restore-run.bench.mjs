#!/usr/bin/env node
/**
 * thaw restore run: 1,500 archives of 16 KiB, every job already Succeeded
 * (tagged as the runner tags them, so it adopts them: the figure is the
 * download side, "archives per second once ready"), over loopback against
 * the emulator in this process, thaw as its own process (build/cli.js).
 *
 *   npm run build && node test/bench/restore-run.bench.mjs [--archives 1500] [--size 16384] [--concurrency 16]
 *
 * Prints the runner's own measure (first download start to last verified)
 * and the wall time of the whole command (node start, adoption walk, compaction).
 */
import {spawn} from 'node:child_process';
import {createHash} from 'node:crypto';
import {mkdtemp, mkdir, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {parseArgs} from 'node:util';
import {startEmulator} from '../../build/source/emulator/index.js';

const {values} = parseArgs({options: {archives: {type: 'string', default: '1500'}, size: {type: 'string', default: '16384'}, concurrency: {type: 'string', default: '16'}}});
const count = Number(values.archives);
const size = Number(values.size);
const cli = new URL('../../build/cli.js', import.meta.url).pathname;

const emulator = await startEmulator({hashCacheDir: false});
const vault = 'bench';
emulator.createVault(vault);
const root = await mkdtemp(join(tmpdir(), 'thaw-restore-bench-'));
const planDir = join(root, 'plan');
const to = join(root, 'restored');
await mkdir(planDir);
const plan = JSON.stringify({format: 'thaw-restore-plan', version: 1, createdAt: new Date().toISOString(), vaultName: vault, vaultARN: `arn:aws:glacier:us-east-1:${emulator.accountId}:vaults/${vault}`, region: 'us-east-1', accountId: null, tier: 'Bulk', to, versions: 'latest', filter: null, inventory: {source: 'file', inventoryDate: null}, totals: {archives: count, bytes: count * size}});
await writeFile(join(planDir, 'plan.json'), plan);
const planId = createHash('sha256').update(plan).digest('hex').slice(0, 16);
const lines = [];
for (let i = 0; i < count; i++) {
	const {archiveId} = emulator.addArchive(vault, {size, seed: `bench-${i}`});
	const hash = await emulator.archiveTreeHash(vault, archiveId);
	lines.push(JSON.stringify([archiveId, size, hash, `d${i % 30}/file-${i}.bin`, null, '2020-01-01T00:00:00Z']));
	await emulator.addJob(vault, {type: 'archive-retrieval', archiveId, description: `thaw-restore ${planId} ${i}`});
}

await writeFile(join(planDir, 'archives.jsonl'), lines.join('\n') + '\n');
const env = {...process.env, CI: 'true', AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench', AWS_REGION: 'us-east-1', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null'};
const started = performance.now();
const child = spawn(process.execPath, [...(process.env.BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROF] : []), cli, 'restore', 'run', planDir, '--endpoint-url', emulator.url, '--poll-seconds', '1', '--concurrency', values.concurrency], {env, stdio: ['ignore', 'inherit', 'pipe']});
let stderr = '';
child.stderr.on('data', data => {
	stderr += data.toString();
});
const code = await new Promise(resolve => child.on('exit', resolve));
const wall = (performance.now() - started) / 1000;
const summary = stderr.split('\n').filter(line => line.startsWith('thaw: ') && line.includes('verified under')).at(-1) ?? stderr.slice(-500);
const match = /(\d+) downloaded in ([\d.]+) s/.exec(summary);
const gets = emulator.requests.filter(r => r.op === 'GetJobOutput').length;
const initiations = emulator.initiations(vault);
// Spot-check the bytes of a few files.
let wrong = 0;
for (const i of [0, Math.floor(count / 2), count - 1]) {
	const file = await readFile(join(to, `d${i % 30}/file-${i}.bin`)).catch(() => Buffer.alloc(0));
	const archiveId = JSON.parse(lines[i])[0];
	if (Buffer.compare(file, emulator.archiveBytes(vault, archiveId, 0, size - 1)) !== 0) wrong++;
}

console.log(`exit ${code}; ${summary.replace(/^thaw: /, '')}`);
if (match) console.log(`restore run, ${count} x ${size} B archives, ready: ${(Number(match[1]) / Number(match[2])).toFixed(0)} archives/s once ready (${match[2]} s); whole command ${wall.toFixed(1)} s; ${gets} GetJobOutput, ${initiations} InitiateJob, ${wrong} wrong files of 3 checked`);
await emulator.close();
await rm(root, {recursive: true, force: true});
process.exitCode = code === 0 && wrong === 0 ? 0 : 1;
