import {execFile} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {promisify} from 'node:util';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {openSettings, parseSetting} from '../../source/config.js';

const exec = promisify(execFile);
const cli = new URL('../../build/cli.js', import.meta.url).pathname;

let dir: string;
beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), 'thaw-config-'));
});
afterEach(() => {
	rmSync(dir, {recursive: true, force: true});
});

async function thaw(...args: string[]): Promise<{code: number; stdout: string; stderr: string}> {
	try {
		const {stdout, stderr} = await exec(process.execPath, [cli, 'config', ...args], {env: {...process.env, THAW_CONFIG_DIR: dir}});
		return {code: 0, stdout, stderr};
	} catch (error) {
		const e = error as {code: number; stdout: string; stderr: string};
		return {code: e.code, stdout: e.stdout, stderr: e.stderr};
	}
}

describe('settings store', () => {
	it('keeps settings in the given folder and drops unknown or mistyped keys', () => {
		const settings = openSettings({cwd: dir});
		expect(settings.path.startsWith(dir)).toBe(true);
		settings.set('region', 'eu-west-1');
		settings.set('concurrency', 4);
		expect(openSettings({cwd: dir}).get()).toEqual({region: 'eu-west-1', concurrency: 4});
		const raw = JSON.parse(readFileSync(settings.path, 'utf8')) as Record<string, unknown>;
		writeFileSync(settings.path, JSON.stringify({...raw, secretAccessKey: 'x', concurrency: 'many'}));
		expect(openSettings({cwd: dir}).get()).toEqual({region: 'eu-west-1'});
		settings.unset('region');
		expect(openSettings({cwd: dir}).get()).toEqual({});
	});

	it('validates values', () => {
		expect(parseSetting('chunkSizeMiB', '8')).toEqual({key: 'chunkSizeMiB', value: 8});
		expect(() => parseSetting('chunkSizeMiB', '3')).toThrow(/power of two/);
		expect(() => parseSetting('concurrency', '0')).toThrow(/1 to 64/);
		expect(() => parseSetting('password', 'x')).toThrow(/unknown setting 'password'/);
	});
});

describe('thaw config', () => {
	it('prints where the file is and what it holds, and sets and unsets', async () => {
		let result = await thaw();
		expect(result.code).toBe(0);
		expect(result.stdout).toContain(`Settings file: ${dir}`);
		expect(result.stdout).toContain('nothing set');
		result = await thaw('set', 'downloadFolder', '/tmp/out');
		expect(result.code).toBe(0);
		result = await thaw('set', 'chunkSizeMiB', '16');
		expect(result.code).toBe(0);
		result = await thaw();
		expect(result.stdout).toMatch(/downloadFolder\s+\/tmp\/out/);
		expect(result.stdout).toMatch(/chunkSizeMiB\s+16/);
		result = await thaw('unset', 'downloadFolder');
		expect(result.code).toBe(0);
		result = await thaw('--json');
		expect(JSON.parse(result.stdout)).toEqual({path: join(dir, 'config.json'), settings: {chunkSizeMiB: 16}});
	});

	it('refuses unknown keys and bad values with one line and exit 2', async () => {
		for (const args of [['set', 'secret', 'x'], ['set', 'concurrency', 'lots'], ['unset', 'nope'], ['frobnicate']]) {
			const result = await thaw(...args);
			expect(result.code).toBe(2);
			expect(result.stderr.trim().split('\n')).toHaveLength(1);
			expect(result.stderr).toMatch(/^thaw: /);
		}
	});
});
