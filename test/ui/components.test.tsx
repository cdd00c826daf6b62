import {describe, expect, it} from 'vitest';
import type {ChunkState, ChunkView, DownloadStore} from '../../source/engine/download-state.js';
import {cellChunks, cellState, gridLayout, gridRows} from '../../source/ui/components/ChunkGrid.js';
import {render} from 'ink-testing-library';
import {layoutColumns, Table} from '../../source/ui/components/Table.js';
import {defaultFileName, checkFileName} from '../../source/ui/download-name.js';
import {throttledSubscribe} from '../../source/ui/hooks/use-download-store.js';
import {windowStart} from '../../source/ui/hooks/use-list-state.js';
import {keymap} from '../../source/ui/keymap.js';
import {helpLines} from '../../source/ui/screens/Help.js';
import {chunkStyle} from '../../source/ui/theme.js';
import {fit, textWidth, truncate} from '../../source/ui/text.js';
import {delay} from './helpers.js';

function chunks(states: ChunkState[]): ChunkView[] {
	return states.map((state, index) => ({index, start: index, end: index, state, received: 0, attempts: 1}));
}

describe('chunk grid', () => {
	it('gives each chunk a cell while they fit, else a cell covers several and shows the least finished', () => {
		expect(gridLayout(75, 80, 10)).toEqual({perCell: 1, cells: 75, columns: 80, rows: 1});
		const big = gridLayout(5000, 80, 10);
		expect(big.perCell).toBe(7);
		expect(big.rows).toBeLessThanOrEqual(10);
		expect(cellChunks(big, 1, 5000)).toEqual([7, 13]);
		const list = chunks(['verified', 'verified', 'retrying', 'verified', 'downloading', 'failed']);
		expect(cellState(list, 0, 1)).toBe('verified');
		expect(cellState(list, 0, 3)).toBe('retrying');
		expect(cellState(list, 3, 5)).toBe('failed');
	});

	it('draws every state with its own glyph, so it reads without colour', () => {
		const glyphs = new Set(Object.values(chunkStyle).map(s => s.glyph));
		expect(glyphs.size).toBe(6);
		const states: ChunkState[] = ['pending', 'downloading', 'verifying', 'verified', 'retrying', 'failed'];
		const rows = gridRows(chunks(states), gridLayout(6, 80, 5), undefined, false);
		expect(rows).toEqual([states.map(s => chunkStyle[s].glyph).join('')]);
		// With colour, each run of equal cells gets one colour code, not one per cell.
		const coloured = gridRows(chunks(Array.from({length: 50}, () => 'verified' as const)), gridLayout(50, 80, 5), undefined, true)[0];
		// eslint-disable-next-line no-control-regex -- counts the colour codes
		expect(coloured.match(/\u001B\[32m/g)).toHaveLength(1);
	});
});

describe('layout helpers', () => {
	it('windows a list around the cursor', () => {
		expect(windowStart(0, 0, 10, 5)).toBe(0);
		expect(windowStart(25, 0, 10, 100)).toBe(16);
		expect(windowStart(3, 16, 10, 100)).toBe(3);
		expect(windowStart(99, 0, 10, 100)).toBe(90);
	});

	it('drops low-priority columns before squeezing the flexible one', () => {
		const columns = [{title: 'a', width: 30, priority: 1, text: () => ''}, {title: 'b', width: 30, priority: 0, text: () => ''}, {title: 'c', minWidth: 20, text: () => ''}];
		expect(layoutColumns(columns, 100)).toEqual({shown: [0, 1, 2], flex: 38});
		expect(layoutColumns(columns, 70)).toEqual({shown: [0, 2], flex: 39});
	});

	it('keeps the flexible column as wide as its longest cell on a wide terminal, and gives it all the room on a narrow one', () => {
		type Row = {name: string; count: number};
		const columns = [{title: 'Vault', minWidth: 12, text: (row: Row) => row.name}, {title: 'Archives', width: 9, align: 'right' as const, text: (row: Row) => String(row.count)}];
		const rows: Row[] = [{name: 'photos-2014', count: 2400}, {name: 'video-archive-2016', count: 2}];
		const wide = render(<Table columns={columns} rows={rows} width={200} height={5} cursor={0} offset={0} sortColumn={0}/>);
		const [heading, first] = wide.lastFrame()!.split('\n');
		// The counts sit next to the names ('video-archive-2016' is 18 cells), not 180 cells away.
		expect(heading.indexOf('Archives')).toBeLessThan(30);
		expect(first.trimEnd()).toMatch(/^photos-2014 +2400$/);
		expect(first.trimEnd().length).toBeLessThan(30);
		const narrow = render(<Table columns={columns} rows={rows} width={24} height={5} cursor={0} offset={0}/>);
		// Narrow: all the room there is (24 - 9 - 1 = 14 cells), cut with "…".
		expect(narrow.lastFrame()!.split('\n')[2]).toBe('video-archive…         2');
	});

	it('fits text by terminal cells, wide characters included', () => {
		expect(textWidth('日本')).toBe(4);
		expect(truncate('abcdef', 4)).toBe('abc…');
		expect(fit('日本語', 5)).toBe('日本…');
		expect(fit('x', 3, 'right')).toBe('  x');
	});
});

describe('download file names', () => {
	const job = {JobId: 'J'.repeat(40), Action: 'ArchiveRetrieval', ArchiveId: 'A'.repeat(138)};
	it('uses the last segment of a decoded description and never leaves the folder', () => {
		const mt2 = `mt2 ${Buffer.from(JSON.stringify({filename: '../../etc/passwd', mtime: '20150101T000000Z'})).toString('base64url')}`;
		expect(defaultFileName(job, 'v', mt2)).toBe('passwd');
		expect(defaultFileName(job, 'v', 'C:\\Users\\anna\\report.pdf')).toBe('report.pdf');
		expect(defaultFileName(job, 'v', 'evil\u001B]0;x\u0007.txt')).toBe('evil_]0;x_.txt');
		expect(defaultFileName(job, 'v', '')).toBe('A'.repeat(138));
		expect(defaultFileName(job, 'v', '..')).toBe('A'.repeat(138));
		expect(defaultFileName({JobId: 'J', Action: 'InventoryRetrieval', CompletionDate: '2025-06-01T10:00:00Z', InventoryRetrievalParameters: {Format: 'CSV'}}, 'photos', undefined)).toBe('photos-inventory-2025-06-01.csv');
	});

	it('refuses names that would leave the folder', () => {
		expect(checkFileName('a/b')).toMatch(/cannot contain/);
		expect(checkFileName('..')).toMatch(/cannot be/);
		expect(checkFileName('ok.bin')).toBeUndefined();
	});
});

describe('keys and help', () => {
	it('draws the help screen from the key map itself', () => {
		const text = helpLines(['list', 'jobs']).map(l => l.text).join('\n');
		for (const binding of keymap.filter(b => b.scope === 'global' || b.scope === 'list' || b.scope === 'jobs')) expect(text).toContain(binding.help);
		expect(text).not.toContain('pause / resume');
	});
});

describe('download store throttling', () => {
	it('turns a burst of changes into at most one notification per interval, the last one included', async () => {
		let listener = () => {};
		const store = {getSnapshot: () => ({}) as never, subscribe(l: () => void) {
			listener = l;
			return () => {};
		}} satisfies DownloadStore;
		let calls = 0;
		const unsubscribe = throttledSubscribe(store, 50)(() => {
			calls++;
		});
		for (let i = 0; i < 1000; i++) listener();
		await delay(80);
		expect(calls).toBe(1);
		listener();
		await delay(80);
		expect(calls).toBe(2);
		unsubscribe();
	});
});
