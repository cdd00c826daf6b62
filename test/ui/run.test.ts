import {spawnSync} from 'node:child_process';
import {describe, expect, it} from 'vitest';

const cli = new URL('../../build/cli.js', import.meta.url).pathname;

describe('thaw without a terminal', () => {
	for (const args of [[], ['--demo'], ['--vault-name', 'v']]) {
		it(`exits 2 at once with one line (${args.join(' ') || 'no options'})`, () => {
			const result = spawnSync(process.execPath, [cli, ...args], {encoding: 'utf8', timeout: 20_000, input: ''});
			expect(result.status).toBe(2);
			expect(result.stdout).toBe('');
			const lines = result.stderr.trim().split('\n');
			expect(lines).toHaveLength(1);
			expect(lines[0]).toMatch(/needs a terminal/);
			expect(lines[0]).toMatch(/get-job-output.*inventory.*tree-hash/);
			// No escape codes, no stack trace.
			// eslint-disable-next-line no-control-regex -- no escape codes may be printed
			expect(result.stderr).not.toMatch(/\u001B|at .*\.js:\d+/);
		});
	}

	it('prints its help without a terminal', () => {
		const result = spawnSync(process.execPath, [cli, '--demo', '--help'], {encoding: 'utf8', timeout: 20_000});
		expect(result.status).toBe(0);
		expect(result.stdout).toContain('--vault-name V');
	});

	it('refuses unknown options with a usage line', () => {
		const result = spawnSync(process.execPath, [cli, '--bogus'], {encoding: 'utf8', timeout: 20_000});
		expect(result.status).toBe(2);
		expect(result.stderr.trim().split('\n')).toHaveLength(1);
	});
});
