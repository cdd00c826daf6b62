/**
 * `thaw restore run PLAN` in a terminal: the same run as the headless
 * command (its arguments checked by headless/restore-run.ts readRunArgs, via
 * cli/restore.ts), drawn by the restore dashboard instead of progress lines.
 * q asks before stopping it; the exit code is the run's, as headless. When
 * another process already runs this shard, the dashboard watches that one
 * instead (read-only), and the exit code says a second runner was refused.
 */
import process from 'node:process';
import {join} from 'node:path';
import {openSettings} from '../config.js';
import {lockHolder} from '../engine/lock.js';
import {ExitCode} from '../errors.js';
import type {Connection} from '../glacier/client.js';
import {startRestore, type RunnerOptions} from '../restore/runner/runner.js';
import {shardName} from '../restore/shard.js';
import {runApp} from './launch.js';
import {adoptRun} from './restore-runs.js';

export type RestoreRunRequest = {planDir: string; vaultName: string; connection: Connection; runner: RunnerOptions};

export async function runRestoreDashboard(request: RestoreRunRequest): Promise<number> {
	const settings = openSettings();
	const {planDir, connection, runner} = request;
	const initial = [{screen: 'restore' as const, planDir, vaultName: request.vaultName}];
	const held = await lockHolder(join(planDir, 'shards', shardName(runner.shard), 'lock'));
	if (held) {
		await runApp({services: {connection, settings, demo: false}, initial});
		process.stderr.write(`thaw: ${held.message}\n`);
		return ExitCode.local;
	}

	const run = startRestore(runner);
	adoptRun(planDir, run);
	return runApp({
		services: {connection, settings, demo: false},
		initial,
		async exitCode() {
			run.cancel();
			// The runner's own waits are unref'd timers: without this the process could drain and end before the run has stopped.
			const keepAlive = setInterval(() => undefined, 1000);
			try {
				return (await run.done).exitCode;
			} catch (error) {
				process.stderr.write(`thaw: ${error instanceof Error ? error.message : String(error)}\n`);
				return (error as {exitCode?: number}).exitCode ?? ExitCode.unexpected;
			} finally {
				clearInterval(keepAlive);
			}
		},
	});
}
