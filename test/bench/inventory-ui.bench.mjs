#!/usr/bin/env node
/**
 * Inventory browser benchmark: with N archives (default 1 M) in a row store,
 * the time to draw one frame of the windowed table (80x24 and 200x50), the
 * background work the browser does right after loading (search index and
 * its joined text, then decoded modified times, in steps: the longest step
 * is how long a key press may wait), to re-filter as a person types (fresh
 * mask vs the incremental one the browser uses, + narrowing the sorted
 * order) and to change the sort (every column).
 *
 *   npx tsc -p tsconfig.json && node test/bench/inventory-ui.bench.mjs [--rows 1000000]
 */
import process from 'node:process';
import {createElement} from 'react';
import {render} from 'ink-testing-library';

const {loadInventory, parseFilter, applyFilter, applyMask, sortedOrder} = await import('../../build/source/inventory/index.js');
const {InventoryTable} = await import('../../build/source/ui/components/InventoryTable.js');
const {inventoryColumns} = await import('../../build/source/ui/inventory/columns.js');
const {searchStepRows, modifiedStepRows} = await import('../../build/source/ui/hooks/use-inventory-load.js');
const {cpus, loadavg} = await import('node:os');

const at = process.argv.indexOf('--rows');
const rows = at === -1 ? 1_000_000 : Number(process.argv[at + 1]);

function * glacierCsv() {
	const id = i => (String(i).padStart(12, '0') + 'abcdefghijklmnopqrstuvwxyz_-ABCDEFGHIJ').repeat(4).slice(0, 138);
	yield Buffer.from('ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash\n');
	let x = 7;
	for (let start = 0; start < rows; start += 10_000) {
		let text = '';
		for (let i = start; i < Math.min(rows, start + 10_000); i++) {
			x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0;
			const description = i % 4 === 0
				? 'mt2 ' + Buffer.from(JSON.stringify({filename: `Photos/${2010 + (i % 9)}/IMG_${i}.JPG`, mtime: '20140102T030405Z'})).toString('base64url')
				: `backup/${i % 97}/file-${i}.bin`;
			const date = new Date(Date.UTC(2012, 0, 1) + (i * 97_000)).toISOString().replace('.000', '');
			text += `${id(i)},${description},${date},${x % 50_000_000},${(x.toString(16).padStart(8, '0')).repeat(8)}\n`;
		}

		yield Buffer.from(text);
	}
}

const ms = (start) => performance.now() - start;
const fmt = value => `${value.toFixed(1)} ms`;
let started = performance.now();
const {store} = await loadInventory(glacierCsv(), {format: 'glacier-csv'});
console.log(`inventory-ui bench: ${store.length.toLocaleString('en-US')} archives loaded in ${fmt(ms(started))} (generated Glacier CSV, 1 in 4 mt2-encoded)`);

// Frames: the table at two sizes, scrolled to 20 places.
const order = sortedOrder(store);
for (const [columns, lines] of [[80, 24], [200, 50]]) {
	const props = offset => ({store, view: order, columns: inventoryColumns(columns), width: columns, height: lines - 5, cursor: offset, offset, empty: ''});
	const instance = render(createElement(InventoryTable, props(0)));
	const times = [];
	for (let k = 1; k <= 20; k++) {
		const t = performance.now();
		instance.rerender(createElement(InventoryTable, props(Math.floor((k / 20) * (store.length - 50)))));
		instance.lastFrame();
		times.push(ms(t));
	}

	instance.unmount();
	times.sort((a, b) => a - b);
	console.log(`frame ${columns}x${lines}: median ${fmt(times[10])}, worst ${fmt(times[19])} (rerender with a new window; Ink's own throttling not included)`);
}

// Background work right after loading, as the browser does it: how long each step holds the event loop.
async function steps(label, work) {
	const gaps = [];
	let last = performance.now();
	let running = true;
	const tick = () => {
		const now = performance.now();
		gaps.push(now - last);
		last = now;
		if (running) setImmediate(tick);
	};

	setImmediate(tick);
	const t = performance.now();
	await work();
	const total = ms(t);
	running = false;
	await new Promise(resolve => setImmediate(resolve));
	gaps.sort((a, b) => a - b);
	console.log(`${label}: ${fmt(total)} in ${gaps.length} steps, step median ${fmt(gaps[Math.floor(gaps.length / 2)])}, 95th percentile ${fmt(gaps[Math.floor(gaps.length * 0.95)])}, longest ${fmt(gaps.at(-1))} (the longest a key waits)`);
}

await steps(`background search index + joined text (${searchStepRows.toLocaleString('en-US')} rows a step)`, () => store.index.prepareSearchInSteps(searchStepRows));
await steps(`background modified times (${modifiedStepRows.toLocaleString('en-US')} rows a step)`, () => store.index.buildModifiedInSteps(modifiedStepRows));

// Re-filtering per keystroke: typing a word, a size and a date, each prefix in turn.
const sorted = sortedOrder(store, {field: 'size'});
for (const typed of ['img_12', 'size>10MiB', 'created<2014-06', 'photos -2013']) {
	const times = [];
	const incremental = [];
	let shown = 0;
	let previous;
	for (let n = 1; n <= typed.length; n++) {
		let filter;
		try {
			filter = parseFilter(typed.slice(0, n));
		} catch {
			continue; // A prefix that does not parse keeps the previous table: no work.
		}

		let t = performance.now();
		const view = applyMask(sorted, filter.matchesAll ? undefined : filter.evaluate(store));
		const totals = store.totals(view);
		times.push(ms(t));
		shown = totals.count;
		t = performance.now();
		previous = applyFilter(store, filter, previous);
		const narrowed = applyMask(sorted, previous.mask);
		const same = store.totals(narrowed);
		incremental.push(ms(t));
		if (same.count !== totals.count || same.bytes !== totals.bytes) throw new Error(`incremental filter '${filter.text}' differs from a fresh one`);
	}

	times.sort((a, b) => a - b);
	incremental.sort((a, b) => a - b);
	const median = list => fmt(list[Math.floor(list.length / 2)]);
	console.log(`filter '${typed}' typed key by key: ${times.length} re-filters, fresh median ${median(times)}, worst ${fmt(times.at(-1))}; incremental (as the browser) median ${median(incremental)}, worst ${fmt(incremental.at(-1))}; ${shown.toLocaleString('en-US')} shown (with totals)`);
}

for (const key of ['size', 'created', 'description', 'modified', 'id', 'hash']) {
	for (const descending of [false, true]) {
		started = performance.now();
		sortedOrder(store, {field: key, descending});
		console.log(`sort by ${key}${descending ? ' (reversed)' : ''}: ${fmt(ms(started))}`);
	}
}

console.log(`(index and modified times built in the background beforehand, as in the browser; cold, the modified column costs about 1 µs a row once)`);
console.log(`load average ${loadavg().map(l => l.toFixed(2)).join(' ')} on ${cpus().length} cores`);

console.log(`repeat: npx tsc -p tsconfig.json && node test/bench/inventory-ui.bench.mjs --rows ${rows}`);
