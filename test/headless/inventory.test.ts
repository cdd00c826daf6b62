import {execFile} from 'node:child_process';
import {chmodSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {promisify} from 'node:util';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {archiveId, glacierCsv, jsonInventory, record, treeHash} from '../inventory/helpers.js';

const exec = promisify(execFile);
const cli = new URL('../../build/cli.js', import.meta.url).pathname;

async function thaw(...args: string[]): Promise<{code: number; stdout: string; stderr: string}> {
	try {
		const {stdout, stderr} = await exec(process.execPath, [cli, 'inventory', ...args], {env: {...process.env, CI: 'true'}, maxBuffer: 64 << 20});
		return {code: 0, stdout, stderr};
	} catch (error) {
		const failure = error as {code: number; stdout: string; stderr: string};
		return {code: failure.code, stdout: failure.stdout, stderr: failure.stderr};
	}
}

const hostile = 'evil \u001B]0;pwned\u0007 \u001B[2J done \u009B31m';
const mt2 = 'mt2 ' + Buffer.from(JSON.stringify({filename: 'Fotos/Ähre 日本.jpg', mtime: '20140131T120000Z'})).toString('base64url');
const records = [
	record(0, 'Holiday photos', {size: 3 * 2 ** 30}),
	record(1, mt2, {size: 1536, date: '2015-06-01T00:00:00Z'}),
	record(2, hostile, {size: 0}),
	record(3, 'say "cheese", please\\', {size: 10}),
];
let dir: string;
let jsonFile: string;
let csvFile: string;

beforeAll(() => {
	dir = mkdtempSync(path.join(os.tmpdir(), 'thaw-inventory-test-'));
	jsonFile = path.join(dir, 'inventory.json');
	csvFile = path.join(dir, 'inventory.csv');
	writeFileSync(jsonFile, jsonInventory(records));
	writeFileSync(csvFile, glacierCsv(records));
});

afterAll(() => {
	rmSync(dir, {recursive: true, force: true});
});

describe('thaw inventory', () => {
	it('prints help', async () => {
		const {code, stdout} = await thaw('--help');
		expect(code).toBe(0);
		expect(stdout).toMatch(/--filter EXPR/);
		expect(stdout).toMatch(/size>1GiB/);
	});

	it('prints an inert table with totals', async () => {
		for (const file of [jsonFile, csvFile]) {
			const {code, stdout, stderr} = await thaw(file);
			expect(code, stderr).toBe(0);
			// eslint-disable-next-line no-control-regex -- the output must hold no control character
			expect(stdout).not.toMatch(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/);
			expect(stdout).toContain('evil \\x1b]0;pwned\\x07 \\x1b[2J done \\x9b31m');
			expect(stdout).toContain('Fotos/Ähre 日本.jpg');
			expect(stdout).toContain('3.00 GiB');
			expect(stdout).toContain('1.50 KiB');
			expect(stdout).toContain(`${archiveId(0).slice(0, 11)}…`);
			expect(stdout.trim().split('\n').at(-1)).toBe(`4 archives, 3.00 GiB (${(3 * 2 ** 30 + 1546).toLocaleString('en-US')} bytes)`);
		}
	});

	it('keeps exact values in json, jsonl and csv', async () => {
		const json = await thaw(csvFile, '--output', 'json');
		expect(json.code).toBe(0);
		const parsed = JSON.parse(json.stdout) as Array<Record<string, unknown>>;
		expect(parsed.map(r => r.ArchiveDescription)).toEqual(records.map(r => r.description));
		expect(parsed[1]).toEqual({ArchiveId: archiveId(1), ArchiveDescription: mt2, CreationDate: '2015-06-01T00:00:00Z', Size: 1536, SHA256TreeHash: treeHash(1), Path: 'Fotos/Ähre 日本.jpg', LastModified: '2014-01-31T12:00:00Z'});
		expect(parsed[0]).toEqual({ArchiveId: archiveId(0), ArchiveDescription: 'Holiday photos', CreationDate: '2014-01-31T12:00:00Z', Size: 3 * 2 ** 30, SHA256TreeHash: treeHash(0)});
		const jsonl = await thaw(jsonFile, '--output', 'jsonl');
		expect(jsonl.stdout.trim().split('\n').map(line => JSON.parse(line) as unknown)).toEqual(parsed);
		const csv = await thaw(jsonFile, '--output', 'csv');
		expect(csv.stdout.split('\r\n')[0]).toBe('ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash,Path,LastModified');
		expect(csv.stdout).toContain(hostile); // Exact bytes: csv is data, not terminal text
		expect(csv.stdout).toContain(`${archiveId(3)},"say ""cheese"", please\\",2014-01-31T12:00:00Z,10,${treeHash(3)},,\r\n`);
		// Round trip: the generic CSV reader reads thaw's CSV back.
		const again = path.join(dir, 'again.csv');
		writeFileSync(again, csv.stdout);
		expect(JSON.parse((await thaw(again, '--output', 'json')).stdout)).toEqual(parsed);
		expect((await thaw(jsonFile, '--output', 'json', '--filter', 'nothing')).stdout).toBe('[]\n');
	});

	it('filters, sorts, limits and counts', async () => {
		expect((await thaw(jsonFile, '--output', 'count')).stdout).toBe('4\n');
		expect((await thaw(jsonFile, '--output', 'count', '--filter', 'size>1KiB')).stdout).toBe('2\n');
		expect((await thaw(jsonFile, '--output', 'count', '--filter', 'ähre or holiday')).stdout).toBe('2\n');
		const sorted = await thaw(jsonFile, '--output', 'jsonl', '--sort', 'size:desc', '--limit', '2');
		expect(sorted.stdout.trim().split('\n').map(line => (JSON.parse(line) as {Size: number}).Size)).toEqual([3 * 2 ** 30, 1536]);
		const table = await thaw(jsonFile, '--filter', 'size<1KB');
		expect(table.stdout.trim().split('\n').at(-1)).toMatch(/^2 archives, 10 B \(10 bytes\) shown, of 4 archives/);
	});

	it('rejects bad usage and filters with exit 2', async () => {
		for (const args of [[jsonFile, '--filter', 'size>12XB'], [jsonFile, '--output', 'xml'], [jsonFile, '--format', 'yaml'], [jsonFile, '--sort', 'colour'], [jsonFile, '--limit', '-1'], [jsonFile, '--bogus'], [], [jsonFile, jsonFile]]) {
			const {code, stderr} = await thaw(...args);
			expect(code, args.join(' ')).toBe(2);
			expect(stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
			expect(stderr).not.toMatch(/\n\s+at /);
		}

		expect((await thaw(jsonFile, '--filter', 'size>12XB')).stderr).toBe('thaw: filter: size>12XB: unknown unit XB (use B, KB, MB, GB, TB, KiB, MiB, GiB, TiB)\n');
	});

	it('stops at a malformed record with its line (exit 2), or skips it', async () => {
		const bad = path.join(dir, 'bad.csv');
		writeFileSync(bad, glacierCsv(records).replace(',1536,', ',15x36,'));
		const failed = await thaw(bad);
		expect(failed.code).toBe(2);
		expect(failed.stderr).toMatch(/^thaw: .*bad\.csv: line 3: Size "15x36" is not a whole number of bytes \(--skip-bad skips malformed records\)\n$/);
		const skipped = await thaw(bad, '--skip-bad', '--output', 'count');
		expect(skipped.code).toBe(0);
		expect(skipped.stdout).toBe('3\n');
		expect(skipped.stderr).toMatch(/skipped 1 malformed record in .*line 3/);
		const truncated = path.join(dir, 'truncated.json');
		writeFileSync(truncated, jsonInventory(records).slice(0, -40));
		expect((await thaw(truncated)).code).toBe(2);
		const partial = await thaw(truncated, '--skip-bad', '--output', 'count');
		expect(partial.stdout).toBe('3\n');
		expect(partial.stderr).toMatch(/stopped reading .* unexpected end of input/);
	});

	it('exits 6 for a file it cannot read', async () => {
		const missing = await thaw(path.join(dir, 'missing.json'));
		expect(missing.code).toBe(6);
		expect(missing.stderr).toMatch(/cannot read .*missing\.json: no such file/);
		expect((await thaw(dir)).code).toBe(6);
		if (process.getuid?.() !== 0) {
			const locked = path.join(dir, 'locked.json');
			writeFileSync(locked, '{}');
			chmodSync(locked, 0);
			expect((await thaw(locked)).code).toBe(6);
		}
	});

	it('says so when a file is not an inventory', async () => {
		const other = path.join(dir, 'other.txt');
		writeFileSync(other, 'hello\nworld\n');
		const {code, stderr} = await thaw(other);
		expect(code).toBe(2);
		expect(stderr).toMatch(/not a Glacier inventory/);
	});
});
