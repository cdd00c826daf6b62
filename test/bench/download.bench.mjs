#!/usr/bin/env node
/**
 * Download benchmark. The emulator runs in its own process (this script,
 * started again with --serve) so its CPU is not counted against thaw; a job
 * output is then fetched alternately by thaw's verified parallel download
 * (`node build/cli.js get-job-output`) and by `aws glacier get-job-output`
 * (when `aws` is on PATH), timing each and taking its peak RSS.
 *
 *   npx tsc -p tsconfig.json && node test/bench/download.bench.mjs [options]
 *
 *   --size MIB          job output size (default 1024)
 *   --rounds N          alternating thaw/aws rounds, uncapped (default 3)
 *   --stream-mibps N    per-stream cap for the capped rounds (default 40): the
 *                       emulator's bandwidth fault on every GetJobOutput
 *                       response, a stand-in for a real Glacier link, where one
 *                       TCP stream is limited; 0 skips the capped rounds
 *   --capped-rounds N   alternating rounds with the cap (default 2)
 *   --concurrency N     thaw's chunks in flight (default 8)
 *   --big               also a 10 GiB thaw-only run for peak RSS (~10 GiB free in the temp dir)
 *   --no-loop           skip the in-process event-loop measurements
 *   --small N           also N archives of 16 KiB through one download pool
 *                       (in process, the emulator in its own; default 1000, 0 skips):
 *                       archives/s and CPU per archive, what a restore sees
 *   --small-only        only the small-archives rounds
 *
 * Uncapped on localhost both clients are CPU-bound, so on a shared machine the
 * figures move with the load average, printed with each round.
 */
import {execFileSync, spawn} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, rmSync, statSync} from 'node:fs';
import {cpus, tmpdir} from 'node:os';
import {join} from 'node:path';
import {createInterface} from 'node:readline';
import {monitorEventLoopDelay} from 'node:perf_hooks';
import {fileURLToPath} from 'node:url';
import {parseArgs} from 'node:util';

const build = new URL('../../build/', import.meta.url);
const cli = new URL('cli.js', build).pathname;
// Run thaw exactly as the installed `thaw` command runs: with the node flags of its shebang line.
const shebangFlags = (readFileSync(cli, 'utf8').split('\n', 1)[0].match(/^#!\S*env\s+(?:-S\s+)?node\s*(.*)$/)?.[1] ?? '').split(/\s+/).filter(Boolean);
const self = fileURLToPath(import.meta.url);
const MiB = 1024 * 1024;
const {values} = parseArgs({options: {
	size: {type: 'string'}, rounds: {type: 'string'}, big: {type: 'boolean'}, concurrency: {type: 'string'},
	'stream-mibps': {type: 'string'}, 'capped-rounds': {type: 'string'}, 'no-loop': {type: 'boolean'}, serve: {type: 'boolean'},
	small: {type: 'string'}, 'small-only': {type: 'boolean'},
}});
const SMALL = 16 * 1024;
const {startEmulator} = await import(new URL('source/emulator/index.js', build).href);

if (values.serve) {
	// Child mode: an emulator with one archive job; prints {url, jobId}; stdin lines 'cap N' / 'uncap' set the per-response bandwidth.
	const emulator = await startEmulator({});
	emulator.createVault('bench');
	const bytes = Number(values.size ?? 1024) * MiB;
	const {archiveId} = emulator.addArchive('bench', {size: bytes, description: 'bench archive', seed: 'bench'});
	const jobId = await emulator.addJob('bench', {type: 'archive-retrieval', archiveId});
	const small = [];
	for (let i = 0; i < Number(values.small ?? 0); i++) {
		const {archiveId: id} = emulator.addArchive('bench', {size: SMALL, description: `small/${i}`, seed: `small-${i}`});
		 
		small.push({jobId: await emulator.addJob('bench', {type: 'archive-retrieval', archiveId: id}), treeHash: await emulator.archiveTreeHash('bench', id)});
	}

	console.log(JSON.stringify({url: emulator.url, jobId, small}));
	for await (const line of createInterface({input: process.stdin})) {
		const [command, value] = line.trim().split(' ');
		emulator.faults.clear();
		if (command === 'cap') emulator.faults.add({kind: 'bandwidth', op: 'GetJobOutput', bytesPerSecond: Number(value), times: Number.POSITIVE_INFINITY});
		console.log('ok');
	}

	await emulator.close();
	process.exit(0);
}

const {connect} = await import(new URL('source/glacier/client.js', build).href);
const {createDownloadPool, jobFromFacts, startDownload} = await import(new URL('source/engine/download/index.js', build).href);
const smallCount = Number(values.small ?? 1000);
const size = Number(values.size ?? 1024) * MiB;
const rounds = Number(values.rounds ?? 3);
const cappedRounds = Number(values['capped-rounds'] ?? 2);
const capMiBps = Number(values['stream-mibps'] ?? 40);
const concurrency = values.concurrency ?? '8';
const dir = mkdtempSync(join(tmpdir(), 'thaw-bench-download-'));
const env = {...process.env, AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench', AWS_DEFAULT_REGION: 'us-east-1', AWS_REGION: 'us-east-1', AWS_PAGER: '', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true'};
const hasAws = (() => {
	try {
		execFileSync('aws', ['--version'], {stdio: 'ignore'});
		return true;
	} catch {
		return false;
	}
})();
const hasTime = existsSync('/usr/bin/time');
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

/** Run a command; wall seconds, CPU seconds and peak RSS (MB) of the child. */
function measure(command, args) {
	return new Promise((resolve, reject) => {
		const started = performance.now();
		const argv = hasTime ? ['/usr/bin/time', ['-f', 'PEAK_RSS_KB=%M CPU=%U+%S', command, ...args]] : [command, args];
		const child = spawn(argv[0], argv[1], {env, stdio: ['ignore', 'pipe', 'pipe']});
		let stdout = '';
		let stderr = '';
		let vmHwm = 0;
		const poll = hasTime ? undefined : setInterval(() => {
			try {
				const match = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
				if (match) vmHwm = Math.max(vmHwm, Number(match[1]));
			} catch {
				// The child has exited: its last reading stands.
			}
		}, 20);
		child.stdout.on('data', data => {
			stdout += data;
		});
		child.stderr.on('data', data => {
			stderr += data;
		});
		child.on('error', reject);
		child.on('close', code => {
			if (poll) clearInterval(poll);
			const seconds = (performance.now() - started) / 1000;
			const kb = hasTime ? Number(/PEAK_RSS_KB=(\d+)/.exec(stderr)?.[1] ?? 0) : vmHwm;
			const cpu = /CPU=([\d.]+)\+([\d.]+)/.exec(stderr);
			if (code !== 0) reject(new Error(`${command} exited ${code}: ${stderr.slice(-500)}`));
			else resolve({seconds, rssMB: kb / 1024, cpu: cpu ? Number(cpu[1]) + Number(cpu[2]) : Number.NaN, stdout});
		});
	});
}

function median(list) {
	const sorted = [...list].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)];
}

/** The emulator in a child process, with one archive job of `bytes`. */
async function serve(bytes, small = 0) {
	const t = performance.now();
	const child = spawn(process.execPath, [self, '--serve', '--size', String(bytes / MiB), '--small', String(small)], {stdio: ['pipe', 'pipe', 'inherit']});
	const lines = createInterface({input: child.stdout})[Symbol.asyncIterator]();
	const next = async () => (await lines.next()).value;
	const {url, jobId, small: smallJobs} = JSON.parse(await next());
	console.log(`emulator (own process, pid ${child.pid}): ${bytes / MiB} MiB archive job${small ? ` and ${small} jobs of ${SMALL / 1024} KiB` : ''} ready in ${((performance.now() - t) / 1000).toFixed(1)} s (leaf hashes cached on disk after the first run)`);
	return {
		url,
		jobId,
		smallJobs,
		async cap(bytesPerSecond) {
			child.stdin.write(bytesPerSecond ? `cap ${bytesPerSecond}\n` : 'uncap\n');
			await next();
		},
		async close() {
			child.stdin.end();
			await new Promise(resolve => child.on('exit', resolve));
		},
	};
}

function thawArgs(url, jobId, file) {
	return [...shebangFlags, cli, 'get-job-output', '--endpoint-url', url, '--account-id', '-', '--vault-name', 'bench', '--job-id', jobId, '--concurrency', concurrency, '--quiet', '--overwrite', file];
}

function awsArgs(url, jobId, file) {
	return ['glacier', 'get-job-output', '--endpoint-url', url, '--account-id', '-', '--vault-name', 'bench', '--job-id', jobId, file];
}

const rate = (bytes, seconds) => `${(bytes / MiB / seconds).toFixed(0)} MiB/s`;

/** Alternating thaw / aws rounds against the served job; prints each and the medians. */
async function compare(server, bytes, count, label) {
	const thaw = [];
	const aws = [];
	for (let round = 1; round <= count; round++) {
		const thawFile = join(dir, 'thaw.bin');
		const before = load();
		const t = await measure(process.execPath, thawArgs(server.url, server.jobId, thawFile));
		if (!JSON.parse(t.stdout).verified || statSync(thawFile).size !== bytes) throw new Error('thaw did not verify the download');
		rmSync(thawFile, {force: true});
		thaw.push(t);
		console.log(`${label} round ${round}: thaw ${t.seconds.toFixed(2)} s (${rate(bytes, t.seconds)}, verified, CPU ${t.cpu.toFixed(2)} s, peak RSS ${t.rssMB.toFixed(0)} MB) load ${before}`);
		if (hasAws) {
			const awsFile = join(dir, 'aws.bin');
			const awsBefore = load();
			const a = await measure('aws', awsArgs(server.url, server.jobId, awsFile));
			if (statSync(awsFile).size !== bytes) throw new Error('aws wrote a file of the wrong size');
			rmSync(awsFile, {force: true});
			aws.push(a);
			console.log(`${label} round ${round}: aws  ${a.seconds.toFixed(2)} s (${rate(bytes, a.seconds)}, unverified, CPU ${a.cpu.toFixed(2)} s, peak RSS ${a.rssMB.toFixed(0)} MB) load ${awsBefore}`);
		}
	}

	const thawMedian = median(thaw.map(r => r.seconds));
	console.log(`${label}: thaw (verified) median ${thawMedian.toFixed(2)} s, CPU median ${median(thaw.map(r => r.cpu)).toFixed(2)} s, peak RSS max ${Math.max(...thaw.map(r => r.rssMB)).toFixed(0)} MB (target < 150 MB)`);
	if (hasAws) {
		const awsMedian = median(aws.map(r => r.seconds));
		console.log(`${label}: aws (unverified) median ${awsMedian.toFixed(2)} s, CPU median ${median(aws.map(r => r.cpu)).toFixed(2)} s, peak RSS max ${Math.max(...aws.map(r => r.rssMB)).toFixed(0)} MB`);
		console.log(`${label}: thaw / aws time ${(thawMedian / awsMedian * 100).toFixed(0)}% (target <= 50%): ${thawMedian <= awsMedian / 2 ? 'met' : 'NOT met'}`);
	}
}

/** An in-process download with the event loop watched (what a TUI on the same loop would feel). */
async function eventLoop(url, jobId, hashThreads) {
	const file = join(dir, 'in-process.bin');
	const connection = connect({endpointUrl: url, demoCredentials: true, maxSockets: Number(concurrency)});
	const histogram = monitorEventLoopDelay({resolution: 1});
	histogram.enable();
	const before = load();
	const started = performance.now();
	const download = startDownload({connection, vaultName: 'bench', jobId, outfile: file, overwrite: true, resume: 'never', concurrency: Number(concurrency), hashThreads});
	const result = await download.done;
	const seconds = (performance.now() - started) / 1000;
	histogram.disable();
	connection.close();
	rmSync(file, {force: true});
	return `${seconds.toFixed(2)} s, verified ${result.verdict.ok}; event-loop delay p50 ${(histogram.percentile(50) / 1e6).toFixed(1)} ms, p99 ${(histogram.percentile(99) / 1e6).toFixed(1)} ms, max ${(histogram.max / 1e6).toFixed(1)} ms; load ${before}`;
}

/** Many 16 KiB archives through one pool (one connection, 16 chunks in flight), jobs known up front: a restore's small files. */
async function smallFiles(server, round) {
	const connection = connect({endpointUrl: server.url, demoCredentials: true, maxSockets: 16});
	const pool = createDownloadPool({connection, concurrency: 16});
	const before = load();
	const cpu = process.cpuUsage();
	const started = performance.now();
	let verified = 0;
	await Promise.all(server.smallJobs.map(async ({jobId, treeHash}, i) => {
		const job = jobFromFacts({jobId, size: SMALL, treeHash, archiveTreeHash: treeHash});
		const result = await startDownload({pool, vaultName: 'bench', jobId, job, outfile: join(dir, `small-${round}-${i}.bin`)}).done;
		if (result.verdict.ok && result.verdict.checkedBy === 'tree-hash') verified++;
	}));
	const seconds = (performance.now() - started) / 1000;
	const used = process.cpuUsage(cpu);
	await pool.close();
	connection.close();
	if (verified !== server.smallJobs.length) throw new Error(`only ${verified} of ${server.smallJobs.length} small archives verified`);
	for (let i = 0; i < server.smallJobs.length; i++) rmSync(join(dir, `small-${round}-${i}.bin`), {force: true});
	const count = server.smallJobs.length;
	console.log(`small round ${round}: ${count} x ${SMALL / 1024} KiB in ${seconds.toFixed(2)} s = ${(count / seconds).toFixed(0)} archives/s (target >= 150), all verified, CPU ${((used.user + used.system) / 1000 / count).toFixed(2)} ms per archive; load ${before}`);
}

console.log(`download bench: ${size / MiB} MiB job output, concurrency ${concurrency}, node ${process.version}, ${cpus().length} cores, ${hasAws ? execFileSync('aws', ['--version'], {encoding: 'utf8'}).trim() : 'aws CLI not on PATH (thaw only)'}`);
if (values['small-only']) {
	const server = await serve(MiB, smallCount || 1000);
	try {
		for (let round = 1; round <= rounds; round++) await smallFiles(server, round);  
	} finally {
		await server.close();
	}

	rmSync(dir, {recursive: true, force: true});
	process.exit(0);
}

const server = await serve(size, smallCount);
try {
	if (smallCount > 0) {
		for (let round = 1; round <= 2; round++) await smallFiles(server, round);  
		console.log('');
	}

	await compare(server, size, rounds, 'uncapped');
	if (capMiBps > 0 && cappedRounds > 0) {
		console.log(`\ncapped: every GetJobOutput response limited to ${capMiBps} MiB/s by the emulator's bandwidth fault (one stream of a real link); thaw opens ${concurrency} streams, aws one`);
		await server.cap(capMiBps * MiB);
		await compare(server, size, cappedRounds, `capped ${capMiBps} MiB/s`);
		await server.cap(0);
	}

	if (!values['no-loop']) {
		console.log('\nin-process engine, event loop watched (a TUI frame every 66-100 ms stays on time when p99 and max stay well below that):');
		for (const hashThreads of [0, 1]) {
			console.log(`  emulator in its own process, hashThreads ${hashThreads}: ${await eventLoop(server.url, server.jobId, hashThreads)}`);
		}
	}
} finally {
	await server.close();
}

if (!values['no-loop']) {
	// `thaw --demo`: the emulator shares the event loop with the UI and the engine.
	const emulator = await startEmulator({});
	try {
		emulator.createVault('bench');
		const {archiveId} = emulator.addArchive('bench', {size, description: 'bench archive', seed: 'bench'});
		const jobId = await emulator.addJob('bench', {type: 'archive-retrieval', archiveId});
		for (const hashThreads of [0, 1]) {
			console.log(`  emulator in this process (thaw --demo), hashThreads ${hashThreads}: ${await eventLoop(emulator.url, jobId, hashThreads)}`);
		}
	} finally {
		await emulator.close();
	}
}

if (values.big) {
	const bigSize = 10 * 1024 * MiB;
	console.log(`\n--big: ${bigSize / MiB} MiB, thaw only`);
	const big = await serve(bigSize);
	try {
		const file = join(dir, 'big.bin');
		const before = load();
		const t = await measure(process.execPath, thawArgs(big.url, big.jobId, file));
		if (!JSON.parse(t.stdout).verified) throw new Error('thaw did not verify the big download');
		rmSync(file, {force: true});
		console.log(`thaw 10 GiB: ${t.seconds.toFixed(1)} s (${rate(bigSize, t.seconds)}, verified, CPU ${t.cpu.toFixed(1)} s), peak RSS ${t.rssMB.toFixed(0)} MB (target < 150 MB) load ${before}`);
	} finally {
		await big.close();
	}
}

rmSync(dir, {recursive: true, force: true});
console.log('\nrepeat:');
console.log(`  npx tsc -p tsconfig.json && node test/bench/download.bench.mjs --size ${size / MiB} --rounds ${rounds} --capped-rounds ${cappedRounds} --stream-mibps ${capMiBps} --concurrency ${concurrency} --small ${smallCount}${values.big ? ' --big' : ''}${values['no-loop'] ? ' --no-loop' : ''}`);
console.log(`  one run by hand: node test/bench/download.bench.mjs --serve --size ${size / MiB}   (prints {url, jobId}; type 'cap ${capMiBps * MiB}' to cap), then`);
console.log(`    build/cli.js ${thawArgs('URL', 'JOB', 'OUT').slice(shebangFlags.length + 1).join(' ')}   (node ${shebangFlags.join(' ')} build/cli.js ...)`);
console.log(`    aws ${awsArgs('URL', 'JOB', 'OUT').join(' ')}   (with AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_DEFAULT_REGION set to anything)`);
