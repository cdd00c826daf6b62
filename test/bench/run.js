#!/usr/bin/env node
/**
 * Run the benchmarks one after another, each in its own `node --expose-gc`
 * process, streaming their output.
 *
 *   node test/bench/run.js                      every test/bench/*.bench.mjs
 *   node test/bench/run.js tree-hash inventory  only these (NAME.bench.mjs)
 *   node test/bench/run.js tree-hash -- --size 256   pass options to each bench
 *
 * Build first (npx tsc -p tsconfig.json): benches import from build/. Exits
 * non-zero only when a bench script crashes (or a named bench does not exist).
 */
import {spawn} from 'node:child_process';
import {existsSync, readdirSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const split = argv.indexOf('--');
const names = split === -1 ? argv : argv.slice(0, split);
const passed = split === -1 ? [] : argv.slice(split + 1);
const all = readdirSync(here).filter(name => name.endsWith('.bench.mjs')).sort();
const chosen = names.length === 0 ? all : names.map(name => name.endsWith('.bench.mjs') ? name : `${name}.bench.mjs`);

const missing = chosen.filter(name => !existsSync(join(here, name)));
if (missing.length > 0) {
	console.error(`no such bench: ${missing.join(', ')} (have: ${all.map(name => name.replace(/\.bench\.mjs$/, '')).join(', ') || 'none'})`);
	process.exit(2);
}

if (!existsSync(join(here, '../../build/cli.js'))) console.error('warning: build/cli.js is missing; run npx tsc -p tsconfig.json first');

function runOne(name) {
	return new Promise(resolve => {
		const started = Date.now();
		console.log(`\n=== ${name}: node --expose-gc test/bench/${name}${passed.length > 0 ? ' ' + passed.join(' ') : ''}`);
		const child = spawn(process.execPath, ['--expose-gc', join(here, name), ...passed], {stdio: 'inherit'});
		child.on('error', error => {
			console.error(`=== ${name}: could not start: ${error.message}`);
			resolve(false);
		});
		child.on('exit', (code, signal) => {
			const seconds = ((Date.now() - started) / 1000).toFixed(1);
			if (code === 0) console.log(`=== ${name}: done in ${seconds} s`);
			else console.error(`=== ${name}: CRASHED (${signal ? `signal ${signal}` : `exit code ${code}`}) after ${seconds} s`);
			resolve(code === 0);
		});
	});
}

let crashed = 0;
for (const name of chosen) if (!(await runOne(name))) crashed++;
if (chosen.length > 1) console.log(`\n${chosen.length - crashed} of ${chosen.length} benches ran${crashed > 0 ? `; ${crashed} crashed` : ''}`);
process.exitCode = crashed > 0 ? 1 : 0;
