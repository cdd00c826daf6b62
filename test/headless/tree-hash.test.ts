/**
 * thaw tree-hash and thaw verify, run as a person would: `node build/cli.js`
 * (build first: npx tsc -p tsconfig.json) on temporary files.
 */
import {spawn} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {loadVectors, MiB, xorshift32Bytes} from '../fixtures/tree-hash/reference.js';

const cli = new URL('../../build/cli.js', import.meta.url).pathname;

async function thaw(args: string[], input?: Uint8Array): Promise<{code: number; stdout: string; stderr: string}> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [cli, ...args], {env: {...process.env, CI: 'true'}, stdio: ['pipe', 'pipe', 'pipe']});
		let stdout = '';
		let stderr = '';
		child.stdout.setEncoding('utf8').on('data', (text: string) => {
			stdout += text;
		});
		child.stderr.setEncoding('utf8').on('data', (text: string) => {
			stderr += text;
		});
		child.on('error', reject);
		child.on('close', code => {
			resolve({code: code ?? -1, stdout, stderr});
		});
		child.stdin.on('error', () => undefined);
		child.stdin.end(input);
	});
}

const vectors = loadVectors();
const vector = vectors.find(v => v.size === 5 * MiB + 123)!;
const small = vectors.find(v => v.size === 1000)!;
const empty = vectors.find(v => v.size === 0)!;
const directory = mkdtempSync(join(tmpdir(), 'thaw-headless-tree-hash-'));
afterAll(() => rmSync(directory, {recursive: true, force: true}));
const bytes = xorshift32Bytes(vector.size);
const file = join(directory, 'archive.bin');
writeFileSync(file, bytes);
const smallFile = join(directory, 'small.bin');
writeFileSync(smallFile, bytes.subarray(0, small.size));
const emptyFile = join(directory, 'empty');
writeFileSync(emptyFile, '');
const hostileName = 'evil\u001B]0;pwned\u0007\u001B[2J\u202Egnp.exe\nnext';
const hostile = join(directory, hostileName);
writeFileSync(hostile, bytes.subarray(0, small.size));
const missing = join(directory, 'missing.bin');

/** Nothing that could drive a terminal: no C0/C1 controls (bar the newlines ending lines, and JSON's tab indentation), no bidi overrides. */
function expectInert(text: string, {json = false} = {}): void {
	const checked = json ? text.replaceAll('\t', '') : text;
	// eslint-disable-next-line no-control-regex
	expect(checked).not.toMatch(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/);
}

describe('thaw tree-hash', () => {
	it('prints "<hash>  <file>" per file, matching botocore', async () => {
		const {code, stdout, stderr} = await thaw(['tree-hash', file, smallFile, emptyFile]);
		expect(stderr).toBe('');
		expect(code).toBe(0);
		expect(stdout).toBe(`${vector.hash}  ${file}\n${small.hash}  ${smallFile}\n${empty.hash}  ${emptyFile}\n`);
	});

	it('reads standard input for -', async () => {
		const {code, stdout} = await thaw(['tree-hash', '-'], bytes);
		expect(code).toBe(0);
		expect(stdout).toBe(`${vector.hash}  -\n`);
	});

	it('prints a JSON array with --json', async () => {
		const {code, stdout} = await thaw(['tree-hash', '--json', file, smallFile]);
		expect(code).toBe(0);
		expect(JSON.parse(stdout)).toEqual([
			{file, treeHash: vector.hash, bytes: vector.size},
			{file: smallFile, treeHash: small.hash, bytes: small.size},
		]);
	});

	it('reports an unreadable file in one line, hashes the others, and exits 6', async () => {
		const {code, stdout, stderr} = await thaw(['tree-hash', missing, smallFile, directory]);
		expect(code).toBe(6);
		expect(stdout).toBe(`${small.hash}  ${smallFile}\n`);
		const lines = stderr.trimEnd().split('\n');
		expect(lines).toHaveLength(2);
		expect(lines[0]).toBe(`thaw: cannot read '${missing}': no such file or directory`);
		expect(lines[1]).toBe(`thaw: cannot read '${directory}': it is a directory`);
		expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
	});

	it('reports a path through a non-directory', async () => {
		const through = join(file, 'inside');
		const {code, stderr} = await thaw(['tree-hash', through]);
		expect(code).toBe(6);
		expect(stderr).toBe(`thaw: cannot read '${through}': a part of the path is not a directory\n`);
	});

	it('prints hostile file names inert, in text and in JSON', async () => {
		const text = await thaw(['tree-hash', hostile, join(directory, 'gone\u001B[31m')]);
		expect(text.code).toBe(6);
		expectInert(text.stdout);
		expectInert(text.stderr);
		expect(text.stdout).toBe(`${small.hash}  ${directory}/evil\\x1b]0;pwned\\x07\\x1b[2J\\u202egnp.exe\\x0anext\n`);
		expect(text.stderr).toContain('gone\\x1b[31m');
		const json = await thaw(['tree-hash', '--json', hostile]);
		expect(json.code).toBe(0);
		expectInert(json.stdout, {json: true});
		expect(JSON.parse(json.stdout)).toEqual([{file: hostile, treeHash: small.hash, bytes: small.size}]);
	});

	it('answers --help, and refuses bad usage with exit 2', async () => {
		const help = await thaw(['tree-hash', '--help']);
		expect(help.code).toBe(0);
		expect(help.stdout).toContain('thaw tree-hash');
		const unknown = await thaw(['tree-hash', '--sha1', file]);
		expect(unknown.code).toBe(2);
		expect(unknown.stderr).toMatch(/^thaw: .*--sha1.*thaw tree-hash --help/);
		const none = await thaw(['tree-hash']);
		expect(none.code).toBe(2);
		expect(none.stderr.trimEnd().split('\n')).toHaveLength(1);
	});
});

describe('thaw verify', () => {
	it('prints "verified  FILE" and exits 0 on a match (any case of hex, with or without --size)', async () => {
		for (const args of [['--tree-hash', vector.hash], ['--tree-hash', vector.hash.toUpperCase(), '--size', String(vector.size)]]) {
			const {code, stdout, stderr} = await thaw(['verify', file, ...args]);
			expect(stderr).toBe('');
			expect(code).toBe(0);
			expect(stdout).toBe(`verified  ${file}\n`);
		}

		const stdin = await thaw(['verify', '-', '--tree-hash', vector.hash, '--size', String(vector.size)], bytes);
		expect(stdin.code).toBe(0);
		expect(stdin.stdout).toBe('verified  -\n');
	});

	it('exits 3 showing expected and actual tree hash when they differ', async () => {
		const wrong = small.hash;
		const {code, stdout, stderr} = await thaw(['verify', file, '--tree-hash', wrong]);
		expect(code).toBe(3);
		expect(stdout).toBe('');
		expect(stderr).toBe(`thaw: tree hash mismatch for '${file}': expected ${wrong}, got ${vector.hash}\n`);
		// One flipped byte is caught.
		const flipped = Buffer.from(bytes);
		flipped[3 * MiB] ^= 0x80;
		const flippedFile = join(directory, 'flipped.bin');
		writeFileSync(flippedFile, flipped);
		expect((await thaw(['verify', flippedFile, '--tree-hash', vector.hash])).code).toBe(3);
	});

	it('exits 3 when the size differs, from a file or from standard input', async () => {
		const {code, stderr} = await thaw(['verify', file, '--tree-hash', vector.hash, '--size', String(vector.size + 1)]);
		expect(code).toBe(3);
		expect(stderr).toBe(`thaw: size mismatch for '${file}': expected ${vector.size + 1} bytes, got ${vector.size}\n`);
		const stdin = await thaw(['verify', '-', '--tree-hash', vector.hash, '--size', '5'], bytes);
		expect(stdin.code).toBe(3);
		expect(stdin.stderr).toContain(`expected 5 bytes, got ${vector.size}`);
	});

	it('exits 2 for a malformed hash, size or usage', async () => {
		const cases: Array<[string[], RegExp]> = [
			[['verify', file, '--tree-hash', 'abc'], /'abc' is not a tree hash: it is 3 characters long, and must be 64 hexadecimal digits/],
			[['verify', file, '--tree-hash', 'g'.repeat(64)], /not hexadecimal digits/],
			[['verify', file, '--tree-hash', vector.hash + '0'], /65 characters long/],
			[['verify', file, '--tree-hash', vector.hash, '--size', '-1'], /(--size takes a whole number|Option '--size)/],
			[['verify', file, '--tree-hash', vector.hash, '--size', '12.5'], /--size takes a whole number of bytes, not '12.5'/],
			[['verify', file], /--tree-hash HASH is required/],
			[['verify', '--tree-hash', vector.hash], /exactly one FILE/],
			[['verify', file, smallFile, '--tree-hash', vector.hash], /exactly one FILE to verify, not 2/],
			[['verify', file, '--tree-hash'], /--tree-hash/],
		];
		for (const [args, message] of cases) {
			const {code, stdout, stderr} = await thaw(args);
			expect(code, args.join(' ')).toBe(2);
			expect(stdout).toBe('');
			expect(stderr).toMatch(message);
			expect(stderr.trimEnd().split('\n')).toHaveLength(1);
		}
	});

	it('exits 6 for a file it cannot read', async () => {
		for (const target of [missing, directory]) {
			const {code, stderr} = await thaw(['verify', target, '--tree-hash', vector.hash]);
			expect(code).toBe(6);
			expect(stderr).toMatch(/^thaw: cannot read '.*': (no such file or directory|it is a directory)\n$/);
		}

		expect((await thaw(['verify', missing, '--tree-hash', vector.hash, '--size', '3'])).code).toBe(6);
	});

	it('keeps hostile names inert', async () => {
		const good = await thaw(['verify', hostile, '--tree-hash', small.hash]);
		expect(good.code).toBe(0);
		expectInert(good.stdout);
		expect(good.stdout).toContain('verified  ');
		const bad = await thaw(['verify', hostile, '--tree-hash', vector.hash]);
		expect(bad.code).toBe(3);
		expectInert(bad.stderr);
		const weird = await thaw(['verify', file, '--tree-hash', '\u001B]0;x\u0007']);
		expect(weird.code).toBe(2);
		expectInert(weird.stderr);
	});

	it('answers --help', async () => {
		const {code, stdout} = await thaw(['verify', '--help']);
		expect(code).toBe(0);
		expect(stdout).toContain('--tree-hash');
	});
});
