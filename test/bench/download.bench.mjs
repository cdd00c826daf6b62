#!/usr/bin/env node
/**
 * Download benchmark: a job output served by the emulator (in this process,
 * over real HTTP on 127.0.0.1), fetched alternately by thaw's verified
 * parallel download and by `aws glacier get-job-output` (when `aws` is on
 * PATH), timing each and measuring the child's peak RSS. Also measures how
 * long the event loop of an in-process download is blocked (SHA-256 runs on
 * the main thread: does a UI there keep drawing?).
 *
 *   npx tsc -p tsconfig.json && node test/bench/download.bench.mjs [--size MIB] [--rounds N] [--big] [--concurrency N] [--stream-mibps N]
 *
 * --stream-mibps N caps each HTTP response at N MiB/s (the emulator's bandwidth fault), as a
 * WAN link caps one TCP stream; without it, both clients are CPU-bound on localhost.
 * --big adds a 10 GiB thaw-only run for the peak-RSS claim (needs ~10 GiB free in the temp dir).
 */
import {execFileSync, spawn} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, rmSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {monitorEventLoopDelay} from 'node:perf_hooks';
import {parseArgs} from 'node:util';

const build = new URL('../../build/', import.meta.url);
const cli = new URL('cli.js', build).pathname;
const {startEmulator} = await import(new URL('source/emulator/index.js', build).href);
const {connect} = await import(new URL('source/glacier/client.js', build).href);
const {startDownload} = await import(new URL('source/engine/download.js', build).href);

const {values} = parseArgs({options: {size: {type: 'string'}, rounds: {type: 'string'}, big: {type: 'boolean'}, concurrency: {type: 'string'}, 'stream-mibps': {type: 'string'}}});
const streamCap = values['stream-mibps'] === undefined ? undefined : Number(values['stream-mibps']) * 1024 * 1024;
const MiB = 1024 * 1024;
const size = Number(values.size ?? 1024) * MiB;
const rounds = Number(values.rounds ?? 3);
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

/** Run a command; wall seconds and peak RSS (MB) of the child. */
function measure(command, args) {
	return new Promise((resolve, reject) => {
		const started = performance.now();
		const argv = hasTime ? ['/usr/bin/time', ['-f', 'PEAK_RSS_KB=%M', command, ...args]] : [command, args];
		const child = spawn(argv[0], argv[1], {env, stdio: ['ignore', 'pipe', 'pipe']});
		let stdout = '';
		let stderr = '';
		let vmHwm = 0;
		const poll = hasTime ? undefined : setInterval(() => {
			try {
				const match = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
				if (match) vmHwm = Math.max(vmHwm, Number(match[1]));
			} catch {}
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
			if (code !== 0) reject(new Error(`${command} exited ${code}: ${stderr.slice(-500)}`));
			else resolve({seconds, rssMB: kb / 1024, stdout});
		});
	});
}

function median(list) {
	const sorted = [...list].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)];
}

async function withJob(bytes, work) {
	const emulator = await startEmulator({});
	try {
		emulator.createVault('bench');
		const {archiveId} = emulator.addArchive('bench', {size: bytes, description: 'bench archive', seed: 'bench'});
		const t = performance.now();
		const jobId = await emulator.addJob('bench', {type: 'archive-retrieval', archiveId});
		if (streamCap) emulator.faults.add({kind: 'bandwidth', op: 'GetJobOutput', bytesPerSecond: streamCap, times: Number.POSITIVE_INFINITY});
		console.log(`emulator: ${(bytes / MiB).toFixed(0)} MiB archive ready in ${((performance.now() - t) / 1000).toFixed(1)} s (leaf hashes, cached on disk after the first run)`);
		return await work(emulator, jobId);
	} finally {
		await emulator.close();
	}
}

function thawArgs(url, jobId, file) {
	return [cli, 'get-job-output', '--endpoint-url', url, '--account-id', '-', '--vault-name', 'bench', '--job-id', jobId, '--concurrency', concurrency, '--quiet', '--overwrite', file];
}

function awsArgs(url, jobId, file) {
	return ['glacier', 'get-job-output', '--endpoint-url', url, '--account-id', '-', '--vault-name', 'bench', '--job-id', jobId, file];
}

/** In-process download with the event loop watched: how long does hashing block it? */
async function eventLoop(url, jobId) {
	const file = join(dir, 'in-process.bin');
	const connection = connect({endpointUrl: url, demoCredentials: true, maxSockets: Number(concurrency)});
	const histogram = monitorEventLoopDelay({resolution: 5});
	let longest = 0;
	let last = performance.now();
	const ticker = setInterval(() => {
		const now = performance.now();
		longest = Math.max(longest, now - last - 10);
		last = now;
	}, 10);
	histogram.enable();
	const started = performance.now();
	const download = startDownload({connection, vaultName: 'bench', jobId, outfile: file, overwrite: true, resume: 'never', concurrency: Number(concurrency)});
	const result = await download.done;
	const seconds = (performance.now() - started) / 1000;
	histogram.disable();
	clearInterval(ticker);
	connection.close();
	rmSync(file, {force: true});
	return {seconds, ok: result.verdict.ok, p50: histogram.percentile(50) / 1e6, p99: histogram.percentile(99) / 1e6, max: histogram.max / 1e6, longestTickGap: longest};
}

console.log(`download bench: ${size / MiB} MiB job output${streamCap ? `, each response capped at ${streamCap / MiB} MiB/s` : ''}, ${rounds} alternating rounds, concurrency ${concurrency}, node ${process.version}, ${hasAws ? execFileSync('aws', ['--version'], {encoding: 'utf8'}).trim() : 'aws CLI not on PATH (thaw only)'}`);
await withJob(size, async (emulator, jobId) => {
	const thaw = [];
	const aws = [];
	for (let round = 1; round <= rounds; round++) {
		const thawFile = join(dir, 'thaw.bin');
		// eslint-disable-next-line no-await-in-loop
		const t = await measure(process.execPath, thawArgs(emulator.url, jobId, thawFile));
		const printed = JSON.parse(t.stdout);
		if (!printed.verified || statSync(thawFile).size !== size) throw new Error('thaw did not verify the download');
		rmSync(thawFile, {force: true});
		thaw.push(t);
		console.log(`round ${round}: thaw ${t.seconds.toFixed(2)} s (${(size / MiB / t.seconds).toFixed(0)} MiB/s, verified, peak RSS ${t.rssMB.toFixed(0)} MB)`);
		if (hasAws) {
			const awsFile = join(dir, 'aws.bin');
			// eslint-disable-next-line no-await-in-loop
			const a = await measure('aws', awsArgs(emulator.url, jobId, awsFile));
			if (statSync(awsFile).size !== size) throw new Error('aws wrote a file of the wrong size');
			rmSync(awsFile, {force: true});
			aws.push(a);
			console.log(`round ${round}: aws  ${a.seconds.toFixed(2)} s (${(size / MiB / a.seconds).toFixed(0)} MiB/s, unverified, peak RSS ${a.rssMB.toFixed(0)} MB)`);
		}
	}

	const thawMedian = median(thaw.map(r => r.seconds));
	console.log(`\nthaw (verified): median ${thawMedian.toFixed(2)} s, peak RSS max ${Math.max(...thaw.map(r => r.rssMB)).toFixed(0)} MB (target < 150 MB)`);
	if (hasAws) {
		const awsMedian = median(aws.map(r => r.seconds));
		console.log(`aws (unverified): median ${awsMedian.toFixed(2)} s, peak RSS max ${Math.max(...aws.map(r => r.rssMB)).toFixed(0)} MB`);
		console.log(`thaw / aws time: ${(thawMedian / awsMedian * 100).toFixed(0)}% (target <= 50%)`);
	}

	const loop = await eventLoop(emulator.url, jobId);
	console.log(`\nin-process engine (emulator in the same process, so an upper bound): ${loop.seconds.toFixed(2)} s, verified ${loop.ok}; event-loop delay p50 ${loop.p50.toFixed(1)} ms, p99 ${loop.p99.toFixed(1)} ms, max ${loop.max.toFixed(1)} ms; longest gap of a 10 ms timer ${loop.longestTickGap.toFixed(1)} ms`);
	console.log('(a TUI frame every 66-100 ms stays on time when p99 and max stay well below that)');
	console.log('\nrepeat one run:');
	console.log(`  node build/cli.js emulator ... then: node build/cli.js ${thawArgs('URL', 'JOB', 'OUT').slice(1).join(' ')}`);
	console.log(`  aws ${awsArgs('URL', 'JOB', 'OUT').join(' ')}`);
});

if (values.big) {
	const bigSize = 10 * 1024 * MiB;
	console.log(`\n--big: ${bigSize / MiB} MiB, thaw only`);
	await withJob(bigSize, async (emulator, jobId) => {
		const file = join(dir, 'big.bin');
		const t = await measure(process.execPath, thawArgs(emulator.url, jobId, file));
		if (!JSON.parse(t.stdout).verified) throw new Error('thaw did not verify the big download');
		rmSync(file, {force: true});
		console.log(`thaw 10 GiB: ${t.seconds.toFixed(1)} s (${(bigSize / MiB / t.seconds).toFixed(0)} MiB/s, verified), peak RSS ${t.rssMB.toFixed(0)} MB (target < 150 MB)`);
	});
}

rmSync(dir, {recursive: true, force: true});
console.log(`\ncommand: npx tsc -p tsconfig.json && node test/bench/download.bench.mjs --size ${size / MiB} --rounds ${rounds} --concurrency ${concurrency}${streamCap ? ` --stream-mibps ${streamCap / MiB}` : ''}${values.big ? ' --big' : ''}`);
