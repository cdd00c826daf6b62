/**
 * The command table: one line per command. Each entry loads its module only
 * when that command runs, so `thaw --help` and `thaw --version` never load
 * the SDK, Ink or React. A command that only prints points at its headless/
 * module; one that can also open the terminal UI points at a source/cli/
 * entry that chooses the mode (see inventory.ts).
 */
export type CommandModule = {run: (args: string[]) => Promise<number>};

export type Command = {
	name: string;
	summary: string;
	load: () => Promise<CommandModule>;
};

export const commands: Command[] = [
	{name: 'get-job-output', summary: 'Download a job\'s output in parallel, verified chunk by chunk (AWS CLI arguments)', load: async () => import('../headless/get-job-output.js')},
	{name: 'list-jobs', summary: 'List a vault\'s jobs with whole ids: JSON as the AWS CLI, a table, or text', load: async () => import('../headless/list-jobs.js')},
	{name: 'inventory', summary: 'Read a vault inventory (JSON or Glacier CSV): filter, sort, print or browse', load: async () => import('./inventory.js')},
	{name: 'tree-hash', summary: 'Print the SHA-256 tree hash of files', load: async () => import('../headless/tree-hash.js')},
	{name: 'verify', summary: 'Check a file against an expected tree hash (exit 0 or 3)', load: async () => import('../headless/verify.js')},
	{name: 'restore', summary: 'Restore a whole vault: plan (with prices), run (paced, resumable, sharded), status, purge', load: async () => import('./restore.js')},
	{name: 'delete-vault', summary: 'Delete an empty vault, saying why Glacier refuses (its inventory lags a day); --wait waits for it', load: async () => import('../headless/delete-vault.js')},
	{name: 'emulator', summary: 'Run the local Glacier-compatible server with demo data and fault injection', load: async () => import('../headless/emulator.js')},
	{name: 'config', summary: 'Show where settings are kept and what they hold', load: async () => import('../headless/config.js')},
];

/** `thaw` with no command (or only options): the terminal UI. */
export const noCommand: Command = {name: '', summary: 'Open the terminal UI', load: async () => import('./tui.js')};
