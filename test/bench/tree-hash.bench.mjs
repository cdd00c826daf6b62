#!/usr/bin/env node
/**
 * Tree-hash throughput: `thaw tree-hash FILE` and in-process hashing compared
 * with the machine's single-core SHA-256 rate (`openssl speed`). Target: at
 * least 90% of openssl's rate.
 *
 *   npx tsc -p tsconfig.json && node test/bench/tree-hash.bench.mjs [--size MIB] [--runs N] [--seconds S] [--buffers]
 *
 * --size MIB   size of the temporary file (default 1024 = 1 GiB)
 * --runs N     best of N for each timing (default 3)
 * --seconds S  duration of each openssl speed run (default 3)
 * --buffers    also time treeHashFile with 1 to 32 MiB read buffers
 *
 * Two figures per line. Wall clock: bytes per elapsed second, compared with
 * `openssl speed -elapsed`. CPU: bytes per CPU second of the whole process
 * (every thread, user+system, so reading the file counts too), compared with
 * plain `openssl speed`, which divides by its CPU time. On a machine shared
 * with other work the wall-clock figures drop and the CPU figures barely move;
 * openssl is run before and after and its better figure kept.
 *
 * The file is written to os.tmpdir() and deleted at the end; it stays in the
 * page cache, so this measures hashing, not the disk.
 */
import {execFileSync, spawnSync} from 'node:child_process';
import {createHash, randomBytes} from 'node:crypto';
import {closeSync, existsSync, mkdtempSync, openSync, rmSync, writeSync} from 'node:fs';
import {availableParallelism, loadavg, tmpdir} from 'node:os';
import {join} from 'node:path';
import {parseArgs} from 'node:util';
import {fileURLToPath} from 'node:url';
import {TreeHasher, treeHashFile} from '../../build/source/engine/tree-hash.js';

const MiB = 1024 * 1024;
const {values} = parseArgs({options: {
	size: {type: 'string', default: '1024'},
	runs: {type: 'string', default: '3'},
	seconds: {type: 'string', default: '3'},
	buffers: {type: 'boolean', default: false},
}});
const sizeMiB = Number(values.size);
const runs = Number(values.runs);
const seconds = Number(values.seconds);
const size = sizeMiB * MiB;
const cli = fileURLToPath(new URL('../../build/cli.js', import.meta.url));
const fmt = n => (Number.isFinite(n) ? n.toFixed(0) : '-').padStart(7);
const pct = (n, of) => (Number.isFinite(n) && Number.isFinite(of) ? `${(100 * n / of).toFixed(1)}%` : '-').padStart(7);

/** Best of `runs` in-process runs: wall-clock and CPU (all threads) rates in MB/s. */
async function measure(label, bytes, action) {
	let wall = Number.POSITIVE_INFINITY;
	let cpu = Number.POSITIVE_INFINITY;
	let result;
	for (let i = 0; i < runs; i++) {
		const cpuBefore = process.cpuUsage();
		const started = process.hrtime.bigint();
		result = await action();
		wall = Math.min(wall, Number(process.hrtime.bigint() - started) / 1e9);
		const used = process.cpuUsage(cpuBefore);
		cpu = Math.min(cpu, (used.user + used.system) / 1e6);
	}

	return {label, wall: bytes / wall / 1e6, cpu: bytes / cpu / 1e6, result};
}

function openssl(elapsed) {
	const command = ['openssl', 'speed', ...(elapsed ? ['-elapsed'] : []), '-evp', 'sha256', '-bytes', '16384', '-seconds', String(seconds)];
	try {
		const output = execFileSync(command[0], command.slice(1), {encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']});
		// Last line: "sha256   1368798.75k" (1000s of bytes per second).
		const match = /^sha256\s+([\d.]+)k\s*$/m.exec(output);
		if (!match) throw new Error(`cannot parse openssl output:\n${output}`);
		return {command: command.join(' '), rate: Number(match[1]) * 1000 / 1e6};
	} catch (error) {
		console.log(`openssl speed failed (${error.message.split('\n')[0]}); no reference rate`);
		return {command: command.join(' '), rate: Number.NaN};
	}
}

const directory = mkdtempSync(join(tmpdir(), 'thaw-bench-tree-hash-'));
const file = join(directory, `data-${sizeMiB}MiB.bin`);
process.on('SIGINT', () => {
	rmSync(directory, {recursive: true, force: true});
	process.exit(130);
});

try {
	console.log(`tree-hash bench: ${sizeMiB} MiB file, best of ${runs}, node ${process.version}, ${availableParallelism()} cores`);
	const block = randomBytes(16 * MiB);
	const fd = openSync(file, 'w');
	for (let written = 0, n = 0; written < size; n++) {
		const piece = block.subarray(0, Math.min(block.length, size - written));
		piece.writeUInt32LE(n, (n * 4099) % Math.max(1, piece.length - 4)); // no two blocks alike
		writeSync(fd, piece);
		written += piece.length;
	}

	closeSync(fd);

	const loadBefore = loadavg()[0];
	const before = {cpu: openssl(false), wall: openssl(true)};
	const rows = [];

	const memory = randomBytes(Math.min(size, 256 * MiB));
	rows.push(await measure(`node createHash('sha256'), ${memory.length / MiB} MiB in memory`, memory.length, () => createHash('sha256').update(memory).digest()));
	rows.push(await measure(`TreeHasher, ${memory.length / MiB} MiB in memory`, memory.length, () => new TreeHasher().update(memory).hex()));
	rows.push(await measure('treeHashFile(FILE, {threads: 1})', size, () => treeHashFile(file, {threads: 1})));
	const inProcess = await measure(`treeHashFile(FILE) (default: ${Math.min(availableParallelism(), 4)} threads here)`, size, () => treeHashFile(file));
	rows.push(inProcess);
	if (values.buffers) {
		for (const threads of [1, 0]) {
			for (const bufferMiB of [1, 2, 4, 8, 16, 32]) {
				rows.push(await measure(`treeHashFile(FILE, {threads: ${threads || 'default'}, bufferSize: ${bufferMiB} MiB})`, size, () => treeHashFile(file, {bufferSize: bufferMiB * MiB, threads: threads || undefined})));
			}
		}
	}

	// The command itself, as a separate process: startup included.
	const timeBinary = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
	let wall = Number.POSITIVE_INFINITY;
	let cpu = Number.POSITIVE_INFINITY;
	let peakKiB;
	for (let i = 0; i < runs; i++) {
		const started = process.hrtime.bigint();
		const child = timeBinary
			? spawnSync(timeBinary, ['-f', '%M %U %S', process.execPath, cli, 'tree-hash', file], {encoding: 'utf8'})
			: spawnSync(process.execPath, [cli, 'tree-hash', file], {encoding: 'utf8'});
		wall = Math.min(wall, Number(process.hrtime.bigint() - started) / 1e9);
		if (child.status !== 0) throw new Error(`thaw tree-hash failed: ${child.stderr}`);
		const printed = child.stdout.split(' ')[0];
		if (printed !== inProcess.result.hash) throw new Error(`the CLI printed ${printed} but the in-process hash is ${inProcess.result.hash}`);
		if (timeBinary) {
			const [rss, user, system] = child.stderr.trim().split('\n').at(-1).split(' ').map(Number);
			peakKiB = Math.max(peakKiB ?? 0, rss);
			cpu = Math.min(cpu, user + system);
		}
	}

	const cliRow = {label: 'node build/cli.js tree-hash FILE (whole process)', wall: size / wall / 1e6, cpu: size / cpu / 1e6};
	rows.push(cliRow);

	const after = {cpu: openssl(false), wall: openssl(true)};
	const loadAfter = loadavg()[0];
	const reference = {cpu: Math.max(before.cpu.rate, after.cpu.rate), wall: Math.max(before.wall.rate, after.wall.rate)};

	console.log('');
	console.log(`${'MB/s (1 MB = 10^6 bytes)'.padEnd(66)}   wall  vs ssl      CPU  vs ssl`);
	console.log(`${'openssl speed -evp sha256, 16 KiB blocks, one core'.padEnd(66)}${fmt(reference.wall)}   100%  ${fmt(reference.cpu)}   100%`);
	for (const row of rows) console.log(`${row.label.padEnd(66)}${fmt(row.wall)}${pct(row.wall, reference.wall)}  ${fmt(row.cpu)}${pct(row.cpu, reference.cpu)}`);
	console.log('');
	console.log(`openssl before/after: wall ${before.wall.rate.toFixed(0)}/${after.wall.rate.toFixed(0)}, CPU ${before.cpu.rate.toFixed(0)}/${after.cpu.rate.toFixed(0)} MB/s; load average before/after ${loadBefore.toFixed(2)}/${loadAfter.toFixed(2)} on ${availableParallelism()} cores`);
	if (peakKiB) console.log(`peak RSS of thaw tree-hash: ${(peakKiB / 1024).toFixed(0)} MiB`);
	const share = cliRow.wall / reference.wall;
	console.log(`target: thaw tree-hash (wall clock, whole process) >= 120% of single-core openssl: ${(100 * share).toFixed(1)}% -> ${share >= 1.2 ? 'MET' : 'NOT MET'}${loadBefore > availableParallelism() / 2 ? ' (machine was busy: rerun when idle)' : ''}`);
	// What the cores allow: the process's CPU (hashing, the page-cache copy of every read, start-up) spread perfectly over every core.
	const bound = cliRow.cpu * availableParallelism() / reference.cpu;
	console.log(`limit: the process hashed ${cliRow.cpu.toFixed(0)} MB per CPU second (all threads); spread over ${availableParallelism()} cores with nothing else running that is at most ${(100 * bound).toFixed(0)}% of single-core openssl (its CPU rate, ${reference.cpu.toFixed(0)} MB/s)`);
	console.log('');
	console.log('repeat with:');
	console.log(`  ${before.cpu.command}`);
	console.log(`  ${before.wall.command}`);
	console.log(`  npx tsc -p tsconfig.json && node test/bench/tree-hash.bench.mjs --size ${sizeMiB} --runs ${runs} --seconds ${seconds}${values.buffers ? ' --buffers' : ''}`);
	console.log(`  the CLI alone: /usr/bin/time -f '%e s %U user %S sys %M KiB' node build/cli.js tree-hash FILE   (FILE: ${sizeMiB} MiB of random bytes)`);
} finally {
	rmSync(directory, {recursive: true, force: true});
}
