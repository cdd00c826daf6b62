import {execFile} from 'node:child_process';
import {promisify} from 'node:util';
import {describe, expect, it} from 'vitest';

const exec = promisify(execFile);
const cli = new URL('../build/cli.js', import.meta.url).pathname;

async function thaw(...args: string[]): Promise<{code: number; stdout: string; stderr: string}> {
	try {
		const {stdout, stderr} = await exec(process.execPath, [cli, ...args], {env: {...process.env, CI: 'true'}});
		return {code: 0, stdout, stderr};
	} catch (error) {
		const failure = error as {code: number; stdout: string; stderr: string};
		return {code: failure.code, stdout: failure.stdout, stderr: failure.stderr};
	}
}

describe('thaw cli', () => {
	it('lists every command in --help', async () => {
		const {code, stdout} = await thaw('--help');
		expect(code).toBe(0);
		for (const name of ['get-job-output', 'inventory', 'tree-hash', 'verify', 'emulator', 'config']) expect(stdout).toContain(name);
	});

	it('prints the package version', async () => {
		const {code, stdout} = await thaw('--version');
		expect(code).toBe(0);
		expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
	});

	it('rejects an unknown command with one line and exit 2', async () => {
		const {code, stderr} = await thaw('defrost');
		expect(code).toBe(2);
		expect(stderr.trim().split('\n')).toHaveLength(1);
		expect(stderr).toContain('--help');
	});

	it('keeps escape sequences in a bad command name inert', async () => {
		const {stderr} = await thaw('\u001B]0;pwned\u0007');
		expect(stderr).not.toContain('\u001B');
		expect(stderr).toContain('\\x1b');
	});
});

describe('argument parsing', () => {
	it('takes ids that start with a dash as the value of a string option (Glacier job ids can)', async () => {
		const {parse} = await import('../source/args.js');
		const {values} = parse('inventory', ['--vault-name', 'v', '--job-id', '-hAWnk7tc', '--output', 'count'], {'vault-name': {type: 'string'}, 'job-id': {type: 'string'}, output: {type: 'string'}});
		expect(values['job-id']).toBe('-hAWnk7tc');
		expect(() => parse('x', ['--output', '--job-id'], {output: {type: 'string'}, 'job-id': {type: 'string'}})).toThrow(/Run 'thaw x --help'/);
	});
});
