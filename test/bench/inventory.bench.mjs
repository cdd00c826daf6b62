#!/usr/bin/env node
/**
 * Inventory benchmark: load time and peak memory for 1 M archives (JSON and
 * Glacier CSV) against JSON.parse and csv-parse baselines, filter latency and
 * sort time. Every measurement runs in its own child process so that peak RSS
 * (process.resourceUsage().maxRSS) belongs to that measurement alone.
 *
 *   npm run build && node test/bench/inventory.bench.mjs [--rows 1000000] [--keep] [--skip-load] [--generate-only] [--load-only]
 *   --load-only: generate and load only the JSON file (no CSV, filters or sorts): the 10 M case is
 *   node test/bench/inventory.bench.mjs --rows 10000000 --load-only   (~3.6 GB in os.tmpdir(), deleted afterwards)
 *   The JSON.parse baseline is skipped when the file has more characters than V8's string limit.
 */
import {execFileSync} from 'node:child_process';
import {createReadStream, createWriteStream, existsSync, readFileSync, renameSync, rmSync, statSync} from 'node:fs';
import {once} from 'node:events';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import {fileURLToPath} from 'node:url';

const self = fileURLToPath(import.meta.url);
const build = new URL('../../build/source/inventory/index.js', import.meta.url).href;

function argument(name, fallback) {
	const at = process.argv.indexOf(name);
	return at === -1 ? fallback : process.argv[at + 1];
}

// ---------- child: one measurement ----------
if (process.argv[2] === '--child') {
	const [, , , task, file, ...rest] = process.argv;
	const started = performance.now();
	const out = {task};
	if (task === 'json-parse') {
		const value = JSON.parse(readFileSync(file, 'utf8'));
		out.rows = value.ArchiveList.length;
	} else if (task === 'csv-parse') {
		const {parse} = await import('csv-parse');
		let rows = -1;
		const parser = createReadStream(file).pipe(parse());
		for await (const record of parser) if (record) rows++;
		out.rows = rows;
	} else if (task === 'load') {
		const {loadInventory} = await import(build);
		const {store} = await loadInventory(file);
		out.rows = store.length;
		out.store = Math.round(store.memoryBytes / 1e6);
	} else if (task === 'filter' || task === 'sort') {
		const {loadInventory, parseFilter, parseSort} = await import(build);
		const {store} = await loadInventory(file);
		out.loadMs = Math.round(performance.now() - started);
		out.rows = store.length;
		const indexStarted = performance.now();
		store.index.build();
		out.indexMs = Math.round(performance.now() - indexStarted);
		out.results = [];
		for (const expression of rest) {
			const times = [];
			let matched = 0;
			for (let k = 0; k < 5; k++) {
				const t = performance.now();
				matched = task === 'filter' ? store.view(parseFilter(expression)).length : store.view(null, parseSort(expression)).length;
				times.push(performance.now() - t);
			}

			const first = times[0];
			times.sort((a, b) => a - b);
			out.results.push({expression, matched, medianMs: Number(times[2].toFixed(1)), firstMs: Number(first.toFixed(1))});
		}
	}

	out.ms = Math.round(performance.now() - started);
	out.maxRssMB = Math.round(process.resourceUsage().maxRSS / 1024);
	process.stdout.write(JSON.stringify(out) + '\n');
	process.exit(0);
}

// ---------- parent: generate, run children, print ----------
const rows = Number(argument('--rows', '1000000'));
const keep = process.argv.includes('--keep');
const dir = path.join(os.tmpdir(), `thaw-inventory-bench-${rows}`);
const loadOnly = process.argv.includes('--load-only');
const files = loadOnly ? {json: `${dir}.json`} : {json: `${dir}.json`, glacierCsv: `${dir}.glacier.csv`, csv: `${dir}.rfc.csv`};

let seed = 42;
function random() { // Mulberry32: the same files every run
	seed = (seed + 0x6D2B79F5) | 0;
	let t = seed;
	t = Math.imul(t ^ (t >>> 15), t | 1);
	t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
	return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
}

const idAlphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const words = ['photos', 'IMG', 'backup', 'Documents', 'tax', 'invoice', 'Projects', 'thesis', 'video', 'family', 'holiday', 'Ähre', '日本', 'music', 'scan', 'report', 'final', 'draft', 'raw', 'archive'];
const pick = list => list[Math.floor(random() * list.length)];
const pad = (n, w) => String(n).padStart(w, '0');

function record(i) {
	let id = '';
	for (let k = 0; k < 138; k++) id += idAlphabet[Math.floor(random() * 64)];
	let hash = '';
	for (let k = 0; k < 64; k++) hash += '0123456789abcdef'[Math.floor(random() * 16)];
	const year = 2012 + Math.floor(random() * 12);
	const date = `${year}-${pad(1 + Math.floor(random() * 12), 2)}-${pad(1 + Math.floor(random() * 28), 2)}T${pad(Math.floor(random() * 24), 2)}:${pad(Math.floor(random() * 60), 2)}:${pad(Math.floor(random() * 60), 2)}Z`;
	const size = Math.floor(Math.exp(random() * Math.log(20e9)));
	const file = `${pick(words)}/${year}/${pick(words)}_${pad(i % 10000, 4)}.${pick(['jpg', 'JPG', 'tar.gz', 'pdf', 'mov'])}`;
	const mtime = `${year}${pad(1 + (i % 12), 2)}${pad(1 + (i % 28), 2)}T120000Z`;
	const kind = random();
	let description;
	if (kind < 0.3) description = 'mt2 ' + Buffer.from(JSON.stringify({filename: file, mtime})).toString('base64url');
	else if (kind < 0.5) description = `<m><v>4</v><p>${Buffer.from(file).toString('base64')}</p><lm>${mtime}</lm></m>`;
	else if (kind < 0.8) description = file;
	else if (kind < 0.9) description = `"${pick(words)}", ${pick(words)} backup, ${year}-01-01T00:00:00Z,${i}`;
	else description = i % 2 === 0 ? '' : `${pick(words)} \\ ${pick(words)}`;
	return {id, description, date, size, hash};
}

function glacierCsvField(text) {
	return /[",]/.test(text) ? `"${text.replaceAll('"', '\\"')}"` : text;
}

function rfcCsvField(text) {
	return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

async function generate() {
	if (Object.values(files).every(file => existsSync(file))) return;
	const sink = {write: () => true, end() {}};
	const json = createWriteStream(files.json + '.partial');
	const glacier = loadOnly ? sink : createWriteStream(files.glacierCsv + '.partial');
	const rfc = loadOnly ? sink : createWriteStream(files.csv + '.partial');
	const header = 'ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash\n';
	json.write('{"VaultARN":"arn:aws:glacier:us-east-1:012345678901:vaults/bench","InventoryDate":"2024-01-01T00:00:00Z","ArchiveList":[');
	glacier.write(header);
	rfc.write(header);
	const batch = 10_000;
	for (let start = 0; start < rows; start += batch) {
		const j = [];
		const g = [];
		const r = [];
		for (let i = start; i < Math.min(rows, start + batch); i++) {
			const a = record(i);
			j.push(JSON.stringify({ArchiveId: a.id, ArchiveDescription: a.description, CreationDate: a.date, Size: a.size, SHA256TreeHash: a.hash}));
			g.push(`${a.id},${glacierCsvField(a.description)},${a.date},${a.size},${a.hash}\n`);
			r.push(`${a.id},${rfcCsvField(a.description)},${a.date},${a.size},${a.hash}\n`);
		}

		if (!json.write((start === 0 ? '' : ',') + j.join(','))) await once(json, 'drain');
		if (!glacier.write(g.join(''))) await once(glacier, 'drain');
		if (!rfc.write(r.join(''))) await once(rfc, 'drain');
	}

	json.end(']}');
	glacier.end();
	rfc.end();
	await Promise.all([json, glacier, rfc].filter(stream => stream !== sink).map(stream => once(stream, 'finish')));
	for (const file of Object.values(files)) renameSync(file + '.partial', file);
}

function child(task, file, ...rest) {
	const output = execFileSync(process.execPath, [self, '--child', task, file, ...rest], {encoding: 'utf8', maxBuffer: 1 << 20});
	return JSON.parse(output.trim().split('\n').at(-1));
}

const t0 = performance.now();
await generate();
if (process.argv.includes('--generate-only')) {
	console.log(Object.values(files).join('\n'));
	process.exit(0);
}

const mb = file => (statSync(file).size / 1e6).toFixed(0);
console.log(`inventory bench: ${rows.toLocaleString('en')} archives; JSON ${mb(files.json)} MB${loadOnly ? '' : `, Glacier CSV ${mb(files.glacierCsv)} MB, RFC CSV ${mb(files.csv)} MB`} (generated in ${((performance.now() - t0) / 1000).toFixed(1)} s, ${dir}.*)`);
console.log(`node ${process.version}, ${os.cpus().length} cpus (${os.cpus()[0]?.model ?? '?'})`);
console.log('');
const lines = [['measurement', 'rows', 'time ms', 'peak RSS MB']];
const measure = (label, task, file) => {
	const result = child(task, file);
	lines.push([label, String(result.rows), String(result.ms), String(result.maxRssMB)]);
	return result;
};

// V8's longest string (buffer.constants.MAX_STRING_LENGTH, 2^29 - 24 characters on 64-bit): readFileSync(file, 'utf8') cannot make a longer one.
const {constants} = await import('node:buffer');
const jsonParseFits = statSync(files.json).size <= constants.MAX_STRING_LENGTH;
if (!process.argv.includes('--skip-load')) {
	const load = measure('thaw load JSON', 'load', files.json);
	if (loadOnly) console.log(`store: ${load.store} MB of columns for ${load.rows.toLocaleString('en')} rows`);
	if (jsonParseFits) measure('JSON.parse(readFileSync) baseline', 'json-parse', files.json);
	else lines.push([`JSON.parse baseline skipped: ${mb(files.json)} MB is past V8's string limit (${constants.MAX_STRING_LENGTH.toLocaleString('en')} characters)`, '-', '-', '-']);
	if (!loadOnly) {
		measure('thaw load Glacier CSV', 'load', files.glacierCsv);
		measure('csv-parse (defaults, RFC CSV) baseline', 'csv-parse', files.csv);
	}

	const width = lines[0].map((_, k) => Math.max(...lines.map(line => line[k].length)));
	for (const line of lines) console.log(line.map((cell, k) => k === 0 ? cell.padEnd(width[k]) : cell.padStart(width[k])).join('  '));
}

if (loadOnly) {
	console.log('');
	console.log(`repeat: npm run build && node test/bench/inventory.bench.mjs --rows ${rows} --load-only${keep ? ' --keep' : ''}`);
	if (!keep) for (const file of Object.values(files)) rmSync(file, {force: true});
	process.exit(0);
}

console.log('');
const filters = child('filter', files.glacierCsv, 'holiday', 'jpg', 'size>1GiB', '/img_\\d{3}5\\.jpg/', 'photos size>100MB -jpg or created<2013', 'desc:backup', 'id:AB', 'hash:abc', 'photos', 'path:photos', 'path:2014', '/Ähre/c', '/^photos\\/20(1[0-5])/');
console.log(`search index (lower-cased paths/descriptions, built on the first text filter or name sort): ${filters.indexMs} ms`);
console.log('(desc: builds its own lower-cased raw description column on first use: that is in its first run)');
console.log(`filter over ${filters.rows.toLocaleString('en')} rows (median of 5, first run in brackets; peak RSS of that process ${filters.maxRssMB} MB):`);
for (const r of filters.results) console.log(`  ${r.expression.padEnd(40)} ${String(r.medianMs).padStart(7)} ms  (${r.firstMs} ms)  ${r.matched.toLocaleString('en')} rows`);
const sorts = child('sort', files.glacierCsv, 'size', 'created:desc', 'name', 'name:desc', 'id', 'hash');
console.log(`sort over ${sorts.rows.toLocaleString('en')} rows (median of 5; peak RSS of that process ${sorts.maxRssMB} MB):`);
for (const r of sorts.results) console.log(`  ${r.expression.padEnd(40)} ${String(r.medianMs).padStart(7)} ms`);
console.log('');
console.log(`repeat: npm run build && node test/bench/inventory.bench.mjs --rows ${rows}${keep ? ' --keep' : ''}`);
if (!keep) for (const file of Object.values(files)) rmSync(file, {force: true});
