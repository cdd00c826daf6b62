import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import chalk from 'chalk';
import {afterEach, describe, expect, it} from 'vitest';
import {openSettings} from '../../source/config.js';
import {startEmulator} from '../../source/emulator/index.js';
import {connect} from '../../source/glacier/client.js';
import {runApp} from '../../source/ui/launch.js';
import {FakeStdin, FakeStdout} from './fake-terminal.js';

let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
	for (const step of cleanup.reverse()) await step();
	cleanup = [];
});

async function run(env: Record<string, string | undefined>) {
	// Ink colours through chalk, which decided at import that this test process has no colour
	// terminal: give it the level a real terminal would get.
	const level = chalk.level;
	chalk.level = 1;
	cleanup.push(() => {
		chalk.level = level;
	});
	const saved = {NO_COLOR: process.env.NO_COLOR, FORCE_COLOR: process.env.FORCE_COLOR};
	Object.assign(process.env, env);
	for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k];
	cleanup.push(() => {
		for (const [k, v] of Object.entries(saved)) {
			if (v === undefined) delete process.env[k];
			else process.env[k] = v;
		}
	});
	const emulator = await startEmulator();
	cleanup.push(async () => emulator.close());
	emulator.createVault('alpha');
	emulator.createVault('beta');
	const dir = mkdtempSync(join(tmpdir(), 'thaw-nocolour-'));
	cleanup.push(() => {
		rmSync(dir, {recursive: true, force: true});
	});
	const stdin = new FakeStdin();
	const stdout = new FakeStdout();
	const bytes: string[] = [];
	const write = stdout.write.bind(stdout);
	stdout.write = (text: string) => {
		bytes.push(text);
		return write(text);
	};

	const connection = connect({endpointUrl: emulator.url, region: 'us-east-1', demoCredentials: true, maxAttempts: 1});
	// demo: true draws the header's yellow bar when colour is on.
	const exited = runApp({
		services: {connection, settings: openSettings({cwd: join(dir, 'config')}), demo: true, cwd: dir},
		initial: [{screen: 'vaults'}],
		io: {stdin: stdin as unknown as NodeJS.ReadStream, stdout: stdout as unknown as NodeJS.WriteStream},
	});
	const deadline = Date.now() + 10_000;
	while (!stdout.terminal.screen().includes('2 vaults') && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 20));
	// The help too (its scope titles are coloured); q closes it, q again quits.
	stdin.press('?');
	await new Promise(resolve => setTimeout(resolve, 200));
	stdin.press('q');
	await new Promise(resolve => setTimeout(resolve, 100));
	stdin.press('q');
	await exited;
	return {out: bytes.join(''), screen: stdout.terminal.screen()};
}

describe('NO_COLOR, through the terminal writer (80x24)', () => {
	it('no colour code reaches the terminal; the selection and the header stay inverse', async () => {
		const {out} = await run({NO_COLOR: '1', FORCE_COLOR: undefined});
		expect(out).toContain('alpha');
		// eslint-disable-next-line no-control-regex -- looking for SGR colour parameters
		const colours = [...out.matchAll(/\u001B\[([0-9;]*)m/g)].flatMap(m => m[1].split(';').map(Number)).filter(n => (n >= 30 && n <= 49) || (n >= 90 && n <= 107));
		expect(colours).toEqual([]);
		expect(out).toContain('\u001B[7m');
	});

	it('with colour on, the same screens do colour (the check above can fail)', async () => {
		const {out} = await run({NO_COLOR: undefined, FORCE_COLOR: '1'});
		// eslint-disable-next-line no-control-regex -- looking for SGR colour parameters
		expect(out).toMatch(/\u001B\[(?:[0-9;]*;)?(?:3[0-7]|4[0-7]|9[0-7])[;m]/);
	});
});
