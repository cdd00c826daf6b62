/**
 * `thaw restore run` stopped by a signal while it waits on Glacier (jobs not
 * ready): the runner's main-loop wait is woken by cancel(), and it holds the
 * process while it waits, so the run ends with its summary and exit 130. An
 * unref'd timer that cancel() did not wake let Node end the process first
 * (exit 13, "unsettled top-level await", and no summary). The built CLI
 * against an in-process emulator; the job delay is the emulator's.
 */
import {afterEach, describe, expect, it} from 'vitest';
import {journalRecords, runCli, until, world, type CliRun, type World} from './run-helpers.js';

let w: World | undefined;
let run: CliRun | undefined;

afterEach(async () => {
	run?.child.kill('SIGKILL');
	run = undefined;
	await w?.close();
	w = undefined;
});

describe('thaw restore run stopped while waiting for jobs', () => {
	it.each(['SIGINT', 'SIGHUP'] as const)('%s: exit 130 with the summary, not an exit before it', async signal => {
		w = await world([{size: 100, path: 'a.txt'}, {size: 200, path: 'b.txt'}], {emulator: {jobDelayMs: 60 * 60 * 1000}});
		const current = w;
		run = runCli(current, []);
		await until(async () => (await journalRecords(current)).filter(record => record.t === 'initiated').length === 2, 15_000, 'both initiations');
		run.child.kill(signal);
		const {code, stderr} = await run.done;
		expect(code, stderr).toBe(130);
		expect(stderr).toContain('run the same command again');
		expect(stderr).toMatch(/thaw: .*0 of 2/);
	}, 30_000);
});
