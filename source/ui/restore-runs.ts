/**
 * The restore runs of this process, by PLAN directory: a dashboard opened
 * again (from the Restores list, after leaving it with Esc) finds the run it
 * started, and the app's exit stops every one resumably (services.track).
 * A plan run by another process is never started here: its shard lock says
 * who runs it, and the runner itself refuses a second one.
 */
import {dirname, join, resolve} from 'node:path';
import {startRestore, type Run} from '../restore/runner/runner.js';
import type {AppServices} from './context.js';

const runs = new Map<string, Run>();

/** This process's run of a plan (running or finished), if it started one. */
export function runOf(planDir: string): Run | undefined {
	return runs.get(resolve(planDir));
}

/** A run started elsewhere in this process (thaw restore run PLAN in a terminal) is shown like one started here. */
export function adoptRun(planDir: string, run: Run): void {
	runs.set(resolve(planDir), run);
}

/** Start running shard 0 of 1 of a plan in this process (the runner adopts jobs an earlier run started: nothing is paid twice). */
export function startRun(services: AppServices, planDir: string, options: {retryFailed?: boolean} = {}): Run {
	const dir = resolve(planDir);
	const run = startRestore({
		connection: services.connection,
		planDir: dir,
		shard: {k: 0, n: 1},
		concurrency: services.restore?.concurrency ?? services.settings.get().concurrency ?? 8,
		pollMs: services.restore?.pollMs ?? (services.demo ? 5000 : undefined),
		...(services.restore?.retryBaseMs === undefined ? {} : {retryBaseMs: services.restore.retryBaseMs}),
		...(services.restore?.retryCapMs === undefined ? {} : {retryCapMs: services.restore.retryCapMs}),
		...(services.restore?.deferMs === undefined ? {} : {deferMs: services.restore.deferMs}),
		...(services.restore?.bandwidth === undefined ? {} : {bandwidth: services.restore.bandwidth}),
		retryFailed: options.retryFailed === true,
	});
	runs.set(dir, run);
	const untrack = services.track(run);
	run.done.finally(untrack).catch(() => undefined);
	return run;
}

/** Where the TUI keeps the plans it makes: services.plansFolder, else `restores` beside the settings file. */
export function plansFolder(services: AppServices): string {
	return services.plansFolder ?? join(dirname(services.settings.path), 'restores');
}

/** The folders the Restores list looks in: the plans folder, and `.thaw/` of the current folder (the default destination). */
export function planFolders(services: AppServices): string[] {
	return [plansFolder(services), join(services.cwd, '.thaw')];
}
