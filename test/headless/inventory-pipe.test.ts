import {spawn} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, expect, it} from 'vitest';
import {jsonInventory, record} from '../inventory/helpers.js';

const cli = new URL('../../build/cli.js', import.meta.url).pathname;
let dir: string;
let file: string;

beforeAll(() => {
	dir = mkdtempSync(path.join(os.tmpdir(), 'thaw-inventory-pipe-'));
	file = path.join(dir, 'inventory.json');
	// Long descriptions so the CSV is many 64 KiB flushes: each one fills the pipe and waits for 'drain'.
	writeFileSync(file, jsonInventory(Array.from({length: 6000}, (_, n) => record(n, `backup/${'x'.repeat(400)}/${n}.tar`))));
});

afterAll(() => {
	rmSync(dir, {recursive: true, force: true});
});

it('a slow reader on the pipe gets every row and no listener-leak warning (one listener pair per drain wait, removed after)', async () => {
	const child = spawn(process.execPath, [cli, 'inventory', file, '--output', 'csv'], {env: {...process.env, CI: 'true'}});
	let stderr = '';
	child.stderr.setEncoding('utf8').on('data', (text: string) => {
		stderr += text;
	});
	let lines = 0;
	// Read slowly: pause after every piece so thaw's writes back up and it waits for 'drain' many times.
	child.stdout.on('data', (piece: Buffer) => {
		for (const byte of piece) if (byte === 10) lines++;
		child.stdout.pause();
		setTimeout(() => child.stdout.resume(), 2);
	});
	const code = await new Promise<number | null>(resolve => child.on('close', resolve));
	expect(stderr).not.toMatch(/MaxListenersExceeded/);
	expect(code).toBe(0);
	expect(lines).toBe(6001); // header + rows
});
