#!/usr/bin/env node
/**
 * thaw restore run: 1,500 archives of 16 KiB, every job already Succeeded
 * (tagged as the runner tags them, so it adopts them: the figure is the
 * download side, "archives per second once ready"), over loopback against
 * the emulator in this process, thaw as its own process (build/cli.js).
 *
 *   npm run build && node --expose-gc test/bench/restore-run.bench.mjs [--archives 1500] [--size 16384] [--concurrency 16] [--rounds 3] [--syscalls]
 *
 * Prints, per round, the runner's own measure (first download start to last
 * verified), the wall time of the whole command (node start, adoption walk,
 * compaction), thaw's CPU per archive (user + system, from /usr/bin/time when
 * present: on a shared machine CPU is steadier than wall) and the load.
 * --syscalls runs one more round under `strace -f -c` and prints the
 * per-archive overhead breakdown: file calls by kind (open, write, fsync,
 * rename, unlink, stat, close) per archive, and HTTP requests per archive.
 * --against OTHER/build/cli.js runs another build after each round, for a before/after under the
 * same load. BENCH_PROF=DIR writes a CPU profile of thaw's process to DIR.
 */
import {spawn, spawnSync} from 'node:child_process';
import {createHash} from 'node:crypto';
import {existsSync} from 'node:fs';
import {mkdtemp, mkdir, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {parseArgs} from 'node:util';
import {startEmulator} from '../../build/source/emulator/index.js';

const {values} = parseArgs({options: {
	archives: {type: 'string', default: '1500'}, size: {type: 'string', default: '16384'}, concurrency: {type: 'string', default: '16'},
	rounds: {type: 'string', default: '3'}, syscalls: {type: 'boolean', default: false},
	// Another build's cli.js to compare with, round by round (alternating: the same load for both).
	against: {type: 'string'},
}});
const count = Number(values.archives);
const size = Number(values.size);
const ownCli = new URL('../../build/cli.js', import.meta.url).pathname;
const hasTime = existsSync('/usr/bin/time');
const hasStrace = spawnSync('strace', ['-V']).status === 0;
const load = async () => (await readFile('/proc/loadavg', 'utf8')).split(' ').slice(0, 3).join(' ');

const emulator = await startEmulator({hashCacheDir: false});

const env = {...process.env, CI: 'true', AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench', AWS_REGION: 'us-east-1', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null'};

/** One restore of every archive into a fresh PLAN and folder (the jobs are made anew: a plan is its own tag). */
let made = 0;
async function round(label, {strace = false, cli = ownCli} = {}) {
	// A vault per round: the adoption walk of every round lists the same number of jobs.
	const vault = `bench-${++made}`;
	emulator.createVault(vault);
	const archives = [];
	for (let i = 0; i < count; i++) {
		const {archiveId} = emulator.addArchive(vault, {size, seed: `bench-${i}`});
		archives.push({archiveId, hash: await emulator.archiveTreeHash(vault, archiveId)});
	}

	const root = await mkdtemp(join(tmpdir(), 'thaw-restore-bench-'));
	const planDir = join(root, 'plan');
	const to = join(root, 'restored');
	await mkdir(planDir);
	const plan = JSON.stringify({format: 'thaw-restore-plan', version: 1, createdAt: new Date().toISOString(), vaultName: vault, vaultARN: `arn:aws:glacier:us-east-1:${emulator.accountId}:vaults/${vault}`, region: 'us-east-1', accountId: null, tier: 'Bulk', to, versions: 'latest', filter: null, inventory: {source: 'file', inventoryDate: null}, totals: {archives: count, bytes: count * size}});
	await writeFile(join(planDir, 'plan.json'), plan);
	const planId = createHash('sha256').update(plan).digest('hex').slice(0, 16);
	const lines = [];
	for (const [i, {archiveId, hash}] of archives.entries()) {
		lines.push(JSON.stringify([archiveId, size, hash, `d${i % 30}/file-${i}.bin`, null, '2020-01-01T00:00:00Z']));
		await emulator.addJob(vault, {type: 'archive-retrieval', archiveId, description: `thaw-restore ${planId} ${i}`});
	}

	await writeFile(join(planDir, 'archives.jsonl'), lines.join('\n') + '\n');
	const stats = join(root, 'strace.txt');
	const thaw = [...(process.env.BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROF] : []), cli, 'restore', 'run', planDir, '--endpoint-url', emulator.url, '--poll-seconds', '1', '--concurrency', values.concurrency];
	const [command, args] = strace
		? ['strace', ['-f', '-c', '-o', stats, process.execPath, ...thaw]]
		: hasTime ? ['/usr/bin/time', ['-f', 'CPU=%U+%S', process.execPath, ...thaw]] : [process.execPath, thaw];
	const requestsBefore = emulator.requests.length;
	const loadBefore = await load();
	const started = performance.now();
	const ownCpu = process.cpuUsage();
	const child = spawn(command, args, {env, stdio: ['ignore', 'inherit', 'pipe']});
	let stderr = '';
	child.stderr.on('data', data => {
		stderr += data.toString();
	});
	const code = await new Promise(resolve => child.on('exit', resolve));
	const wall = (performance.now() - started) / 1000;
	const emulatorCpu = process.cpuUsage(ownCpu);
	const summary = stderr.split('\n').filter(line => line.startsWith('thaw: ') && line.includes('verified under')).at(-1) ?? stderr.slice(-500);
	const match = /(\d+) downloaded in ([\d.]+) s/.exec(summary);
	const requests = emulator.requests.slice(requestsBefore);
	const gets = requests.filter(r => r.op === 'GetJobOutput').length;
	const cpu = /CPU=([\d.]+)\+([\d.]+)/.exec(stderr);
	let wrong = 0;
	for (const i of [0, Math.floor(count / 2), count - 1]) {
		const file = await readFile(join(to, `d${i % 30}/file-${i}.bin`)).catch(() => Buffer.alloc(0));
		if (Buffer.compare(file, emulator.archiveBytes(vault, archives[i].archiveId, 0, size - 1)) !== 0) wrong++;
	}

	if (code !== 0 || wrong > 0) console.log(`exit ${code}; ${summary.replace(/^thaw: /, '')}`);
	const rate = match ? Number(match[1]) / Number(match[2]) : Number.NaN;
	const cpuMs = cpu ? ((Number(cpu[1]) + Number(cpu[2])) * 1000) / count : Number.NaN;
	console.log(`${label}: ${count} x ${size} B archives: ${rate.toFixed(0)} archives/s once ready (${match?.[2] ?? '?'} s; target >= 150); whole command ${wall.toFixed(1)} s${cpu ? `, thaw CPU ${cpuMs.toFixed(2)} ms per archive (user ${(Number(cpu[1]) * 1000 / count).toFixed(2)} + system ${(Number(cpu[2]) * 1000 / count).toFixed(2)})` : ''}, the emulator's ${((emulatorCpu.user + emulatorCpu.system) / 1000 / count).toFixed(2)} ms; ${gets} GetJobOutput, ${requests.length - gets} other requests, ${wrong} wrong files of 3 checked; load ${loadBefore}`);
	if (strace) {
		const text = await readFile(stats, 'utf8').catch(() => '');
		const calls = new Map();
		for (const line of text.split('\n')) {
			const fields = line.trim().split(/\s+/);
			if (fields.length >= 5 && /^\d/.test(fields[0])) calls.set(fields.at(-1), Number(fields[3]));
		}

		const per = names => (names.reduce((sum, name) => sum + (calls.get(name) ?? 0), 0) / count).toFixed(2);
		console.log(`${label}: per archive: ${(gets / count).toFixed(2)} GetJobOutput; open ${per(['openat', 'open'])}, write ${per(['write', 'pwrite64', 'writev', 'pwritev'])}, fsync ${per(['fsync', 'fdatasync'])}, rename ${per(['rename', 'renameat', 'renameat2'])}, unlink ${per(['unlink', 'unlinkat'])}, stat ${per(['statx', 'newfstatat', 'fstat', 'lstat', 'stat'])}, close ${per(['close'])}, read ${per(['read', 'pread64'])}, utime ${per(['utimensat'])}, mkdir ${per(['mkdir'])}, futex ${per(['futex'])}`);
	}

	await rm(root, {recursive: true, force: true});
	return code === 0 && wrong === 0;
}

let ok = true;
const rounds = Math.max(1, Number(values.rounds));
for (let k = 1; k <= rounds; k++) {
	ok = await round(`round ${k}`) && ok;
	if (values.against) ok = await round(`round ${k}, --against`, {cli: values.against}) && ok;
}

if (values.syscalls) {
	if (hasStrace) ok = await round('strace round (slower: every call is traced)', {strace: true}) && ok;
	else console.log('--syscalls: strace is not on PATH');
}

console.log(`repeat: npm run build && node --expose-gc test/bench/restore-run.bench.mjs --archives ${count} --size ${size} --concurrency ${values.concurrency} --rounds ${rounds}${values.syscalls ? ' --syscalls' : ''}${values.against ? ` --against ${values.against}` : ''}`);
await emulator.close();
process.exitCode = ok ? 0 : 1;
