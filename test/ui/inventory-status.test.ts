import {describe, expect, it} from 'vitest';
import {choiceLine, exportBase, exportTitle, infoLine, inventoryEmptyText, inventoryTitle, statusLine, totalsLine, withExtension, type StatusView} from '../../source/ui/screens/inventory/inventory-status.js';
import {inventoryReducer, type InventoryUi} from '../../source/ui/screens/inventory/use-inventory-state.js';

const job = {source: {kind: 'job' as const, vaultName: 'photos', jobId: 'abcdefghijklmnopqrstuvwxyz'}};
const file = {source: {kind: 'file' as const, path: '/tmp/my vault.csv'}};
const quiet: StatusView = {filterPending: false, applied: '', filterText: '', malformed: false, cursor: 0, shown: 0};

describe('the inventory status lines', () => {
	it('title, source and export names', () => {
		expect(inventoryTitle(job)).toBe('Vault photos › Inventory abcdefgh…');
		expect(inventoryTitle(file)).toBe('Inventory my vault.csv');
		expect(exportBase(file)).toBe('my_vault');
		expect(exportBase({...file, vaultName: 'v 1'})).toBe('v_1');
		expect(withExtension('/x/a.CSV', 'json')).toBe('/x/a.json');
		expect(withExtension('/x/a.txt', 'json')).toBe('/x/a.txt');
	});

	it('totals: all, shown when filtered, marked', () => {
		expect(totalsLine({count: 1, bytes: 0}, undefined, {count: 0, bytes: 0})).toMatch(/^1 archive, .* · marked 0, /);
		expect(totalsLine({count: 2000, bytes: 0}, {count: 3, bytes: 0}, {count: 1, bytes: 0})).toMatch(/^2,000 archives, .* · shown 3, .* · marked 1, /);
	});

	it('the info line: error, progress, filter, skipped records, else the format and source', () => {
		const v = {from: 'x.csv', progress: {bytes: 512, totalBytes: 1024, rows: 1}, loading: true, filterText: ''};
		expect(infoLine(v)).toEqual({text: 'Reading x.csv: 512 B of 1.00 KiB (50%), 1 archive…', tone: 'normal'});
		expect(infoLine({...v, error: 'gone'})).toEqual({text: 'Could not read x.csv: gone', tone: 'error'});
		expect(infoLine({...v, loading: false, filterText: 'a\u001B'}).text).toBe('Filter: a\\x1b   (/ edits, Esc clears)');
		// At 80 columns the filter hint is whole; a long source is what is cut (seen in tmux at 80x24).
		const job = infoLine({...v, loading: false, from: "inventory job mQI1nSKvW2xY… of 'photos-2014-backups-from-the-old-nas'"}).text;
		expect(job.slice(0, 80)).toMatch(/^\/ filters, e\.g\. size>1GiB created<2015 -tmp · from inventory job/);
	});

	it('the status line: busy first, then filter problems, notices, what to do after an error, the row', () => {
		expect(statusLine({...quiet, busy: 'indexing…', filterPending: true, applied: 'tmp'})).toEqual({text: 'indexing… (the filter \'tmp\' applies when it is done)', tone: 'warn'});
		expect(statusLine({...quiet, parseError: 'bad', filterText: 'size>', applied: 'size'})).toEqual({text: 'bad (showing \'size\')', tone: 'error'});
		expect(statusLine({...quiet, problem: {message: 'slow', showing: 'a'}, filterText: 'a(b'}).tone).toBe('error');
		expect(statusLine({...quiet, notice: {text: 'hi', tone: 'warn'}})).toEqual({text: 'hi', tone: 'warn'});
		expect(statusLine({...quiet, error: 'x', malformed: true}).text).toMatch(/^b loads again/);
		const row = {index: 0, archiveId: 'a', description: 'raw', creationDate: 0, creationDateText: '', size: 1, treeHash: '', path: 'p/q', tool: 'mt-aws-glacier'};
		expect(statusLine({...quiet, row, cursor: 1, shown: 3}).text).toBe('2/3 · mt-aws-glacier path: p/q   (raw: raw)');
		expect(inventoryEmptyText({loading: false, filtered: true})).toBe('No archive matches the filter.');
	});

	it('the export dialog lines', () => {
		expect(exportTitle('marked', 2, 9)).toMatch(/^Export 2 marked archives:/);
		expect(exportTitle('shown', 2, 1)).toMatch(/^Export 1 archive shown:/);
		expect(choiceLine('Format:', ['csv', 'json'], 'json', true, 80).trimEnd()).toBe('Format:  csv  [json]   ←/→ changes');
	});
});

describe('the inventory state by named actions', () => {
	const start: InventoryUi = {sort: {descending: false}, mode: 'table', markVersion: 0};
	it('sorts by the next column, then reverses', () => {
		let s = inventoryReducer(start, {type: 'sortNext', keys: [undefined, 'size', 'created']});
		expect(s.sort).toEqual({key: 'size', descending: false});
		s = inventoryReducer(s, {type: 'sortReverse'});
		expect(inventoryReducer(s, {type: 'sortNext', keys: [undefined, 'size', 'created']}).sort).toEqual({key: 'created', descending: false});
	});

	it('the export dialog: fields cycle, the format changes the file ending, an existing file asks, done closes with a notice', () => {
		let s = inventoryReducer(start, {type: 'openExport', dialog: {which: 'shown', format: 'csv', file: '/d/a.csv', focus: 2}});
		expect(s.mode).toBe('export');
		s = inventoryReducer(s, {type: 'nextField'});
		expect(s.dialog?.focus).toBe(0);
		expect(inventoryReducer(s, {type: 'prevField'}).dialog?.focus).toBe(2);
		expect(inventoryReducer(s, {type: 'toggleRows', canMark: false}).dialog?.which).toBe('shown');
		expect(inventoryReducer(s, {type: 'toggleRows', canMark: true}).dialog?.which).toBe('marked');
		s = inventoryReducer(s, {type: 'toggleFormat'});
		expect(s.dialog).toMatchObject({format: 'json', file: '/d/a.json'});
		s = inventoryReducer(inventoryReducer(s, {type: 'exportStarted'}), {type: 'exportExists', file: '/d/a.json'});
		expect(s.dialog).toMatchObject({busy: false, exists: '/d/a.json'});
		expect(inventoryReducer(s, {type: 'keepFile'}).dialog?.exists).toBeUndefined();
		s = inventoryReducer(s, {type: 'exported', notice: {text: 'ok', tone: 'normal'}});
		expect(s).toMatchObject({mode: 'table', dialog: undefined, notice: {text: 'ok'}});
		expect(inventoryReducer(start, {type: 'clearNotice'})).toBe(start);
	});
});
