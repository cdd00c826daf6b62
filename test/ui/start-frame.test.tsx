import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {openSettings} from '../../source/config.js';
import {startEmulator} from '../../source/emulator/index.js';
import {connect} from '../../source/glacier/client.js';
import {runApp} from '../../source/ui/launch.js';
import {drawStartFrame} from '../../source/ui/start-frame.js';
import {FakeStdin, FakeStdout, until} from './fake-terminal.js';

class RawStdin extends FakeStdin {
	raw = false;
	override setRawMode(on?: boolean) {
		this.raw = on === true;
	}
}

let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
	for (const step of cleanup.reverse()) await step();
	cleanup = [];
});


describe('the start screen drawn before the TUI loads (80x24)', () => {
	it('is the header bar and what is happening, on the alternate screen, with keys neither echoed nor lost', () => {
		const stdout = new FakeStdout();
		const stdin = new RawStdin();
		const start = drawStartFrame({demo: false, out: stdout as unknown as NodeJS.WriteStream, input: stdin as unknown as NodeJS.ReadStream});
		cleanup.push(() => {
			start.leave();
		});
		const rows = stdout.terminal.screen().split('\n');
		expect(stdout.terminal.alternate).toBe(true);
		// The bar is as wide as the terminal: "starting…" ends one cell before the margin.
		expect(rows[0]).toMatch(/^ thaw +starting…$/);
		expect(rows[0].indexOf('starting…') + 'starting…'.length).toBe(79);
		expect(rows[2]).toBe(' Loading…');
		expect(stdin.raw).toBe(true);
		expect(start.at).toBeGreaterThan(0);
	});

	it('says the demo is starting under --demo', () => {
		const stdout = new FakeStdout();
		const start = drawStartFrame({demo: true, out: stdout as unknown as NodeJS.WriteStream, input: new RawStdin() as unknown as NodeJS.ReadStream});
		cleanup.push(() => {
			start.leave();
		});
		expect(stdout.terminal.screen().split('\n')[2]).toBe(' Starting the demo emulator…');
	});

	it('gives the shell its screen and the terminal its mode back when loading fails', () => {
		const stdout = new FakeStdout();
		const stdin = new RawStdin();
		const start = drawStartFrame({demo: false, out: stdout as unknown as NodeJS.WriteStream, input: stdin as unknown as NodeJS.ReadStream});
		start.leave();
		expect(stdout.terminal.alternate).toBe(false);
		expect(stdout.terminal.autowrap).toBe(true);
		expect(stdin.raw).toBe(false);
		const writes = stdout.writes.length;
		start.leave();
		expect(stdout.writes).toHaveLength(writes);
	});

	it('is taken over by the first frame: nothing of it is left, and the TUI gives the screen back on q', async () => {
		const emulator = await startEmulator();
		cleanup.push(async () => emulator.close());
		emulator.createVault('photos-2014');
		const dir = mkdtempSync(join(tmpdir(), 'thaw-start-'));
		cleanup.push(() => {
			rmSync(dir, {recursive: true, force: true});
		});
		const stdout = new FakeStdout();
		const stdin = new RawStdin();
		const start = drawStartFrame({demo: false, out: stdout as unknown as NodeJS.WriteStream, input: stdin as unknown as NodeJS.ReadStream});
		const after: string[] = [];
		const write = stdout.write.bind(stdout);
		stdout.write = (text: string) => {
			after.push(text);
			return write(text);
		};

		const screen = () => stdout.terminal.screen();
		const exited = runApp({
			services: {connection: connect({endpointUrl: emulator.url, region: 'us-east-1', demoCredentials: true}), settings: openSettings({cwd: join(dir, 'config')}), demo: false, cwd: dir},
			initial: [{screen: 'vaults'}],
			start,
			io: {stdin: stdin as unknown as NodeJS.ReadStream, stdout: stdout as unknown as NodeJS.WriteStream},
		});
		await until(() => screen().includes('photos-2014'), 'the vault list', screen);
		const rows = screen().split('\n');
		expect(rows[0]).toMatch(/^ thaw {2}127\.0\.0\.1:\d+ · us-east-1/);
		expect(screen()).not.toMatch(/Loading…|starting…/);
		// The screen was neither entered again nor cleared and drawn from nothing: the frame was diffed against the start screen.
		expect(after.join('')).not.toContain('\u001B[2J');
		expect(after.join('')).not.toContain('\u001B[?1049h');
		// Leaving is the TUI's now: the start screen's leave() does nothing more.
		const before = stdout.writes.length;
		start.leave();
		expect(stdout.writes).toHaveLength(before);
		stdin.press('q');
		expect(await exited).toBe(0);
		expect(stdout.terminal.alternate).toBe(false);
	});
});
