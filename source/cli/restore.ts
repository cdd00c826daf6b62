/**
 * `thaw restore ...`: `run` in a terminal (without --quiet) draws the restore
 * dashboard; everything else, and `run` in a pipe, under systemd or with
 * --quiet, is the headless command with its progress lines. Both read the
 * same checked arguments (headless/restore-run.ts readRunArgs).
 */
import {isTerminal} from './terminal.js';

export async function run(args: string[]): Promise<number> {
	const [first, ...rest] = args;
	const lines = rest.some(arg => arg === '--quiet' || arg === '--help' || arg === '-h');
	if (first !== 'run' || lines || !isTerminal()) {
		const headless = await import('../headless/restore.js');
		return headless.run(args);
	}

	const {readRunArgs, run: runHeadless} = await import('../headless/restore-run.js');
	const request = await readRunArgs(rest);
	if (request === 'help') return runHeadless(rest);
	// Only now load Ink: scripts never pay for it.
	const {runRestoreDashboard} = await import('../ui/restore-run.js');
	return runRestoreDashboard({planDir: request.planDir, vaultName: request.header.vaultName, connection: request.connection, runner: request.runner});
}
