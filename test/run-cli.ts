/**
 * Run the built CLI as a user would (its own process, CI=true, no terminal)
 * and collect what it printed. Credentials default to the emulator's
 * placeholders, with no AWS config files, so no test reads the machine's.
 */
import {spawn, type ChildProcess} from 'node:child_process';

export const cli = new URL('../build/cli.js', import.meta.url).pathname;

export type CliRun = {code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string};

export const testEnv = {CI: 'true', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null'};

export type CliOptions = {
	/** The whole environment (default: this process's plus testEnv). */
	env?: Record<string, string | undefined>;
	/** Called once the child exists, e.g. to signal it mid-way. */
	onSpawn?: (child: ChildProcess) => void;
};

export async function runThaw(args: string[], options: CliOptions = {}): Promise<CliRun> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [cli, ...args], {env: options.env ?? {...process.env, ...testEnv}, stdio: ['ignore', 'pipe', 'pipe']});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (data: Buffer) => {
			stdout += data.toString();
		});
		child.stderr.on('data', (data: Buffer) => {
			stderr += data.toString();
		});
		child.on('error', reject);
		child.on('close', (code, signal) => {
			resolve({code, signal, stdout, stderr});
		});
		options.onSpawn?.(child);
	});
}
