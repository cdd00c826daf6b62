#!/usr/bin/env node
/**
 * Bytes fetched again after a pause (issue 13 §4). One download of a job
 * output against the in-process emulator, each response capped by its
 * bandwidth fault so the chunks are mid-way when the download is paused;
 * then resume, and count the body bytes the emulator sent after the pause
 * (its request records), against what was already on disk.
 *
 *   npm run build && node test/bench/pause-resume.bench.mjs [options]
 *
 *   --size MIB         job output size (default 1024)
 *   --chunk-mib N      chunk size (default 64: a 10 GiB job's, 8 in flight = 512 MiB)
 *   --concurrency N    chunks in flight (default 8)
 *   --stream-mibps N   per-response cap (default 32)
 *   --pause-at MIB     pause once this much has arrived (default 256)
 *   --against DIR      also run with another build (DIR/build/source/...), alternating: the old code's figure
 *   --rounds N         rounds per build (default 1)
 *
 * Printed per run: in flight at the pause, kept (whole leaves), fetched again
 * from the chunks that were in flight, and whether the file verified.
 * BENCH_DIR puts the files elsewhere (e.g. /dev/shm) than the temp folder.
 */
import {mkdtempSync, rmSync} from 'node:fs';
import {loadavg, tmpdir} from 'node:os';
import {join, resolve} from 'node:path';
import {parseArgs} from 'node:util';

const MiB = 1024 * 1024;
const {values} = parseArgs({options: {
	size: {type: 'string'}, 'chunk-mib': {type: 'string'}, concurrency: {type: 'string'}, 'stream-mibps': {type: 'string'},
	'pause-at': {type: 'string'}, against: {type: 'string'}, rounds: {type: 'string'},
}});
const size = Number(values.size ?? 1024) * MiB;
const chunkSize = Number(values['chunk-mib'] ?? 64) * MiB;
const concurrency = Number(values.concurrency ?? 8);
const rate = Number(values['stream-mibps'] ?? 32) * MiB;
const pauseAt = Number(values['pause-at'] ?? 256) * MiB;
const rounds = Number(values.rounds ?? 1);
const here = new URL('../../build/', import.meta.url);
const builds = [{name: 'this', root: here}];
if (values.against) builds.push({name: 'against', root: new URL(`file://${resolve(values.against, 'build')}/`)});

const {startEmulator} = await import(new URL('source/emulator/index.js', here).href);
const {connect} = await import(new URL('source/glacier/client.js', here).href);
const emulator = await startEmulator({hashCacheDir: false});
emulator.createVault('bench');
const {archiveId} = emulator.addArchive('bench', {size, description: 'bench', seed: 'pause-resume'});
const jobId = await emulator.addJob('bench', {type: 'archive-retrieval', archiveId});
const dir = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'thaw-pause-bench-'));
const fmt = bytes => `${(bytes / MiB).toFixed(1)} MiB`;

async function until(test) {
	while (!test()) await new Promise(resolve => setTimeout(resolve, 5));
}

async function once(build, round) {
	const {startDownload} = await import(new URL('source/engine/download/index.js', build.root).href);
	const outfile = join(dir, `${build.name}-${round}.bin`);
	const connection = connect({endpointUrl: emulator.url, region: 'us-east-1', demoCredentials: true, maxSockets: concurrency});
	emulator.faults.clear();
	emulator.faults.add({kind: 'bandwidth', jobId, bytesPerSecond: rate, times: Number.POSITIVE_INFINITY});
	try {
		const download = startDownload({connection, vaultName: 'bench', jobId, outfile, chunkSize, concurrency, readTimeoutMs: 60_000});
		await until(() => download.store.getSnapshot().bytesDone >= pauseAt);
		const atPause = download.store.getSnapshot().chunks;
		const inFlight = atPause.filter(chunk => chunk.state === 'downloading');
		download.pause();
		await until(() => download.store.getSnapshot().chunks.every(chunk => chunk.state !== 'downloading' && chunk.state !== 'verifying'));
		const stopped = new Set(inFlight.map(chunk => chunk.index));
		const kept = download.store.getSnapshot().chunks.filter(chunk => stopped.has(chunk.index)).reduce((sum, chunk) => sum + chunk.received, 0);
		const received = inFlight.reduce((sum, chunk) => sum + chunk.received, 0);
		const before = emulator.requests.length;
		emulator.faults.clear();
		download.resume();
		const result = await download.done;
		// Bytes sent after the pause for the chunks that were in flight at it (a request's range starts inside one of them).
		const again = emulator.requests.slice(before).filter(r => r.op === 'GetJobOutput' && r.range && stopped.has(Math.floor(Number(/bytes=(\d+)/.exec(r.range)[1]) / chunkSize))).reduce((sum, r) => sum + r.bytes, 0);
		const whole = inFlight.reduce((sum, chunk) => sum + (chunk.end - chunk.start + 1), 0);
		console.log(`${build.name} round ${round + 1}: ${inFlight.length} chunks in flight at the pause, ${fmt(received)} of them received; kept ${fmt(kept)}; fetched again from those chunks ${fmt(again)} (of ${fmt(whole)}); lost ${fmt(received - (whole - again))}; verified ${result.verdict.ok} (load ${loadavg()[0].toFixed(1)})`);
	} finally {
		connection.close();
		rmSync(outfile, {force: true});
	}
}

try {
	console.log(`pause-resume: ${fmt(size)} in ${fmt(chunkSize)} chunks, ${concurrency} in flight at ${fmt(rate)}/s each, paused at ${fmt(pauseAt)}`);
	for (let round = 0; round < rounds; round++) {
		for (const build of builds) await once(build, round);
	}

	console.log(`repeat: npm run build && node test/bench/pause-resume.bench.mjs --size ${size / MiB} --chunk-mib ${chunkSize / MiB} --concurrency ${concurrency} --stream-mibps ${rate / MiB} --pause-at ${pauseAt / MiB}${values.against ? ` --against ${values.against}` : ''}`);
} finally {
	await emulator.close();
	rmSync(dir, {recursive: true, force: true});
}
