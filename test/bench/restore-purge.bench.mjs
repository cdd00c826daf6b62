#!/usr/bin/env node
/**
 * thaw restore purge: a plan of N restored archives (default 5,000 of
 * 16 KiB, files written from the emulator's bytes, the shard journal saying
 * verified), purged through the core API in this process against the
 * emulator over loopback. Prints the two phases: the preview (every file
 * hashed again) and the deletions (paced DeleteArchive calls, journaled),
 * and the peak RSS.
 *
 *   npm run build && node test/bench/restore-purge.bench.mjs [--archives 5000] [--size 16384] [--concurrency 8]
 */
import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {parseArgs} from 'node:util';
import {startEmulator} from '../../build/source/emulator/index.js';
import {connect} from '../../build/source/glacier/client.js';
import {RestoreJournal} from '../../build/source/restore/journal.js';
import {openPurge} from '../../build/source/restore/purge/index.js';

const {values} = parseArgs({options: {archives: {type: 'string', default: '5000'}, size: {type: 'string', default: '16384'}, concurrency: {type: 'string', default: '8'}}});
const count = Number(values.archives);
const size = Number(values.size);

const emulator = await startEmulator({hashCacheDir: false});
const vault = 'bench';
emulator.createVault(vault);
const root = await mkdtemp(join(tmpdir(), 'thaw-purge-bench-'));
const planDir = join(root, 'plan');
const to = join(root, 'restored');
await mkdir(join(planDir, 'shards', '0-of-1'), {recursive: true});
const lines = [];
for (let i = 0; i < count; i++) {
	const {archiveId} = emulator.addArchive(vault, {size, seed: `purge-bench-${i}`});
	const path = `d${i % 30}/file-${i}.bin`;
	lines.push(JSON.stringify([archiveId, size, await emulator.archiveTreeHash(vault, archiveId), path, null, '2020-01-01T00:00:00Z']));
	await mkdir(dirname(join(to, path)), {recursive: true});
	await writeFile(join(to, path), emulator.archiveBytes(vault, archiveId, 0, size - 1));
}

await writeFile(join(planDir, 'archives.jsonl'), lines.join('\n') + '\n');
await writeFile(join(planDir, 'plan.json'), JSON.stringify({format: 'thaw-restore-plan', version: 1, createdAt: new Date().toISOString(), vaultName: vault, vaultARN: `arn:aws:glacier:us-east-1:${emulator.accountId}:vaults/${vault}`, region: 'us-east-1', accountId: null, tier: 'Bulk', to, versions: 'latest', filter: null, inventory: {source: 'file', inventoryDate: null}, totals: {archives: count, bytes: count * size, skippedVersions: 0}}));
const journal = await RestoreJournal.open(join(planDir, 'shards', '0-of-1'), count);
for (let i = 0; i < count; i++) void journal.append({t: 'verified', i, bytes: size, at: Date.now()});
await journal.close();

const connection = connect({endpointUrl: emulator.url, region: 'us-east-1', demoCredentials: true, maxSockets: Number(values.concurrency)});
let peak = 0;
const sampler = setInterval(() => {
	peak = Math.max(peak, process.memoryUsage().rss);
}, 20);
const purge = await openPurge({planDir, delete: {concurrency: Number(values.concurrency)}});
let started = performance.now();
const preview = await purge.preview();
const previewSeconds = (performance.now() - started) / 1000;
started = performance.now();
const result = await purge.run(connection);
const deleteSeconds = (performance.now() - started) / 1000;
await purge.close();
clearInterval(sampler);
connection.close();
const calls = emulator.requests.filter(r => r.op === 'DeleteArchive').length;
console.log(`archives ${count} x ${size} B: preview (hash every file) ${previewSeconds.toFixed(2)} s = ${Math.round(count / previewSeconds)} files/s; delete ${deleteSeconds.toFixed(2)} s = ${Math.round(result.deleted.archives / deleteSeconds)} archives/s (${calls} DeleteArchive calls, concurrency ${values.concurrency}); exit ${result.exitCode}; to delete ${preview.toDelete.archives}; peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB`);
console.log(`repeat: npm run build && node test/bench/restore-purge.bench.mjs --archives ${count} --size ${size} --concurrency ${values.concurrency}`);
await emulator.close();
await rm(root, {recursive: true, force: true});
