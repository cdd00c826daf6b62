/** `thaw inventory FILE` as a table (issue 13 §6): a cut archive id says so, and where the whole ones are. */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {runThaw} from '../run-cli.js';
import {archiveId, jsonInventory, record} from '../inventory/helpers.js';

let dir: string;
let file: string;

beforeAll(() => {
	dir = mkdtempSync(join(tmpdir(), 'thaw-inventory-table-'));
	file = join(dir, 'inventory.json');
	writeFileSync(file, jsonInventory([record(0, 'photos/2014/holiday.tar'), record(1, 'notes.txt'), {...record(2, 'short id'), id: 'abc'}]));
});
afterAll(() => {
	rmSync(dir, {recursive: true, force: true});
});

describe('thaw inventory, the table', () => {
	it('ends a cut archive id in …, says json or csv has them whole, and fits 80 columns', async () => {
		const {code, stdout, stderr} = await runThaw(['inventory', file]);
		expect(code, stderr).toBe(0);
		const lines = stdout.trimEnd().split('\n');
		expect(lines.find(line => line.endsWith('photos/2014/holiday.tar'))).toContain(`  ${archiveId(0).slice(0, 11)}…  `);
		expect(lines.find(line => line.endsWith('short id'))).toMatch(/ {2}abc {11}short id$/);
		expect(lines.at(-2)).toBe('Archive ids are cut (…): --output json or csv prints them whole.');
		expect(lines.at(-1)).toMatch(/^3 archives, /);
		expect(lines.every(line => [...line].length <= 80)).toBe(true);

		const json = await runThaw(['inventory', file, '--output', 'json']);
		expect((JSON.parse(json.stdout) as Array<{ArchiveId: string}>).map(row => row.ArchiveId)).toEqual([archiveId(0), archiveId(1), 'abc']);
	});

	it('says nothing about cut ids when none was cut', async () => {
		const {stdout} = await runThaw(['inventory', file, '--filter', 'id:abc']);
		expect(stdout).not.toContain('cut');
		expect(stdout).toContain('  abc  ');
	});

	it('--help writes no control character (it showed the escapes as raw ESC bytes)', async () => {
		const {stdout} = await runThaw(['inventory', '--help']);
		expect(stdout).toContain('(JSON as\n\\u001b, the same value; CSV and the table as \\x1b)');
		// eslint-disable-next-line no-control-regex -- the help must hold no control character but newlines
		expect(stdout).not.toMatch(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/);
	});
});
