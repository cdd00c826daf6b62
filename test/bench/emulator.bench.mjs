#!/usr/bin/env node
/**
 * The emulator's own speed: how fast it generates content, hashes archives,
 * and serves GetJobOutput over HTTP, and how responsive it stays while it
 * hashes a big archive in the background.
 *
 *   npx tsc -p tsconfig.json && node test/bench/emulator.bench.mjs [--size MIB] [--streams N]
 *
 * --size MIB    archive size for the hashing and serving figures (default 512)
 * --streams N   parallel ranged GETs for the parallel serving figure (default 4)
 *
 * Figures: content generation MB/s (AES-128-CTR keystream), leaf hashing MB/s
 * (generation + SHA-256, no disk cache), one whole-output GET MB/s, N parallel
 * 8 MiB-range GETs MB/s (raw node:http client, body discarded: this measures
 * the server, not a client), and ListVaults latency (median / max) while a
 * --size archive is being hashed.
 */
import {request} from 'node:http';
import {parseArgs} from 'node:util';
import {ContentReader, contentKey} from '../../build/source/emulator/content.js';
import {LeafHashes} from '../../build/source/emulator/hashes.js';
import {startEmulator} from '../../build/source/emulator/index.js';

const MiB = 1024 * 1024;
const {values} = parseArgs({options: {size: {type: 'string', default: '512'}, streams: {type: 'string', default: '4'}}});
const size = Number(values.size) * MiB;
const streams = Number(values.streams);
const headers = {'x-amz-glacier-version': '2012-06-01', Authorization: 'AWS4-HMAC-SHA256 bench'};
const rate = (bytes, ms) => `${(bytes / 1e6 / (ms / 1000)).toFixed(0)} MB/s`;

function get(url, path, extra = {}) {
	return new Promise((resolve, reject) => {
		const started = performance.now();
		const req = request(new URL(path, url), {headers: {...headers, ...extra}}, res => {
			let bytes = 0;
			res.on('data', part => {
				bytes += part.length;
			});
			res.on('end', () => resolve({status: res.statusCode, bytes, ms: performance.now() - started}));
			res.on('error', reject);
		});
		req.on('error', reject);
		req.end();
	});
}

// 1. Content generation.
{
	const reader = new ContentReader(contentKey('bench'), 0);
	const started = performance.now();
	for (let done = 0; done < size; done += 256 * 1024) reader.read(256 * 1024);
	console.log(`content generation      ${rate(size, performance.now() - started)}  (${values.size} MiB in 256 KiB pieces)`);
}

// 2. Leaf hashing (generation + SHA-256), no disk cache.
{
	const hashes = new LeafHashes(false);
	const started = performance.now();
	await hashes.leaves('bench-hash', contentKey('bench-hash'), size);
	console.log(`leaf hashing            ${rate(size, performance.now() - started)}  (${values.size} MiB, on the hashing worker thread, 32 MiB slices)`);
}

// 3 and 4. Serving.
const e = await startEmulator({hashCacheDir: false});
e.createVault('bench');
const {archiveId} = e.addArchive('bench', {size, seed: 'bench-serve'});
const jobId = await e.addJob('bench', {type: 'archive-retrieval', archiveId});
const path = `/-/vaults/bench/jobs/${jobId}/output`;
{
	const result = await get(e.url, path);
	if (result.bytes !== size) throw new Error(`got ${result.bytes} bytes, expected ${size}`);
	console.log(`one whole GET           ${rate(size, result.ms)}  (${values.size} MiB, 200)`);
}

{
	const chunk = 8 * MiB;
	const ranges = [];
	for (let start = 0; start < size; start += chunk) ranges.push([start, Math.min(size, start + chunk) - 1]);
	const started = performance.now();
	let next = 0;
	await Promise.all(Array.from({length: streams}, async () => {
		while (next < ranges.length) {
			const [a, b] = ranges[next++];
			const result = await get(e.url, path, {Range: `bytes=${a}-${b}`});
			if (result.bytes !== b - a + 1) throw new Error('short range');
		}
	}));
	console.log(`${streams} parallel range GETs  ${rate(size, performance.now() - started)}  (${ranges.length} x 8 MiB, 206 with tree hash)`);
}

// 5. Responsiveness while hashing.
{
	const big = e.addArchive('bench', {size, seed: 'bench-responsive'});
	const hashing = e.archiveTreeHash('bench', big.archiveId);
	let finished = false;
	hashing.then(() => {
		finished = true;
	});
	const latencies = [];
	const started = performance.now();
	while (!finished) {
		const result = await get(e.url, '/-/vaults');
		latencies.push(result.ms);
	}

	latencies.sort((a, b) => a - b);
	const median = latencies[Math.floor(latencies.length / 2)];
	console.log(`ListVaults while hashing median ${median.toFixed(1)} ms, max ${latencies.at(-1).toFixed(1)} ms over ${latencies.length} requests (hashing ${values.size} MiB took ${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

await e.close();
console.log(`\nrepeat: npx tsc -p tsconfig.json && node test/bench/emulator.bench.mjs --size ${values.size} --streams ${streams}`);
