/**
 * `thaw restore plan|run|status|purge`: the restore commands, each in its own
 * module (restore-plan.ts, restore-run.ts, restore-status.ts, restore-purge.ts), loaded only
 * when it runs.
 */
import process from 'node:process';
import {ExitCode, UsageError} from '../errors.js';
import {inert} from '../inert.js';

type Sub = {name: string; summary: string; load?: () => Promise<{run: (args: string[]) => Promise<number>}>};

const subcommands: Sub[] = [
	{name: 'plan', summary: 'Plan a restore of a vault from its inventory: names, versions, prices per tier (starts no job)', load: async () => import('./restore-plan.js')},
	{name: 'run', summary: 'Run a plan: paced retrievals, downloads verified on disk, resumable, shardable', load: async () => import('./restore-run.js')},
	{name: 'status', summary: 'What a plan has done so far, read from its journal (no Glacier calls)', load: async () => import('./restore-status.js')},
	{name: 'purge', summary: 'Delete from Glacier the archives whose restored file is proven now (asks first)', load: async () => import('./restore-purge.js')},
];

export const help = `Usage: thaw restore <plan|run|status|purge> PLAN [options]

Restore a whole vault (or a filtered part of it) to a folder, unattended:
${subcommands.map(s => `  ${s.name.padEnd(7)} ${s.summary}`).join('\n')}

PLAN is a directory holding all of thaw's state for this restore.
  thaw restore <plan|run|status|purge> --help   options of one of them`;

export async function run(args: string[]): Promise<number> {
	const [first, ...rest] = args;
	if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
		process.stdout.write(help + '\n');
		return first === undefined ? ExitCode.usage : ExitCode.ok;
	}

	const sub = subcommands.find(s => s.name === first);
	if (!sub) throw new UsageError(`unknown restore command '${inert(first)}': use plan, run, status or purge. Run 'thaw restore --help' for usage.`);
	if (!sub.load) throw new UsageError(`thaw restore ${sub.name} is not in this build yet`);
	const module = await sub.load();
	return module.run(rest);
}
