import {execFile} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {jsonInventory, record} from '../inventory/helpers.js';

const cli = new URL('../../build/cli.js', import.meta.url).pathname;

/** thaw inventory ARGS, killed after timeoutMs (a frozen run must fail the test, not hang it). */
async function thaw(args: string[], timeoutMs = 20_000): Promise<{code: number | null; stdout: string; stderr: string; ms: number}> {
	const started = performance.now();
	return new Promise(resolve => {
		execFile(process.execPath, [cli, 'inventory', ...args], {env: {...process.env, CI: 'true'}, timeout: timeoutMs, killSignal: 'SIGKILL'}, (error, stdout, stderr) => {
			resolve({code: error ? (error as {code?: number}).code ?? null : 0, stdout, stderr, ms: performance.now() - started});
		});
	});
}

const mt2 = (file: string, mtime: string) => 'mt2 ' + Buffer.from(JSON.stringify({filename: file, mtime})).toString('base64url');
let dir: string;
let file: string;
let hostileFile: string;

beforeAll(() => {
	dir = mkdtempSync(path.join(os.tmpdir(), 'thaw-inventory-query-'));
	file = path.join(dir, 'inventory.json');
	writeFileSync(file, jsonInventory([
		record(0, mt2('b/middle.txt', '20150101T000000Z'), {size: 1}),
		record(1, 'plain, no time', {size: 2}),
		record(2, mt2('a/newest.txt', '20200101T000000Z'), {size: 3}),
		record(3, mt2('c/oldest.txt', '20100101T000000Z'), {size: 4}),
	]));
	// One long run of a's: /(a+)+$/ backtracks 2^n ways on it before failing.
	hostileFile = path.join(dir, 'hostile.json');
	writeFileSync(hostileFile, jsonInventory([
		record(0, 'photos/one.jpg', {size: 1}),
		record(1, 'a'.repeat(5000) + '!', {size: 2}),
		record(2, 'aaa', {size: 3}),
	]));
});

afterAll(() => {
	rmSync(dir, {recursive: true, force: true});
});

describe('thaw inventory --sort modified (headless)', () => {
	it('sorts by the decoded modification time, both ways, archives without one last', async () => {
		const names = (stdout: string) => stdout.trim().split('\n').map(line => (JSON.parse(line) as {Path?: string; ArchiveDescription: string}).Path ?? (JSON.parse(line) as {ArchiveDescription: string}).ArchiveDescription);
		const ascending = await thaw([file, '--sort', 'modified', '--output', 'jsonl']);
		expect(ascending.stderr).toBe('');
		expect(ascending.code).toBe(0);
		expect(names(ascending.stdout)).toEqual(['c/oldest.txt', 'b/middle.txt', 'a/newest.txt', 'plain, no time']);
		const descending = await thaw([file, '--sort', 'modified:desc', '--output', 'jsonl']);
		expect(descending.code).toBe(0);
		expect(names(descending.stdout)).toEqual(['a/newest.txt', 'b/middle.txt', 'c/oldest.txt', 'plain, no time']);
		const filtered = await thaw([file, '--sort', 'modified:desc', '--filter', 'txt', '--output', 'count']);
		expect(filtered.stdout).toBe('3\n');
	});
});

describe('thaw inventory --filter with a catastrophic regex (headless)', () => {
	it('stops it within its budget: exit 2, one line naming the pattern, nothing printed', async () => {
		for (const filter of ['/(a+)+$/', 'size>0 /(a+)+$/c']) {
			const result = await thaw([hostileFile, '--filter', filter, '--output', 'count']);
			expect(result.code, `${filter}: ${result.stderr}`).toBe(2);
			expect(result.ms, filter).toBeLessThan(15_000);
			expect(result.stdout).toBe('');
			expect(result.stderr.trim().split('\n')).toHaveLength(1);
			expect(result.stderr).toContain(filter.split(' ').at(-1)!);
			expect(result.stderr).toMatch(/too slow/);
		}
	}, 60_000);

	it('runs ordinary regexes on the same file', async () => {
		const result = await thaw([hostileFile, '--filter', '/^a+$/ or /one\\.jpg$/', '--output', 'count']);
		expect(result.stderr).toBe('');
		expect(result.stdout).toBe('2\n');
	});
});
