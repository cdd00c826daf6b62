import {spawn} from 'node:child_process';
import {afterEach, describe, expect, it} from 'vitest';
import {join} from 'node:path';
import {connect} from '../../source/glacier/client.js';
import {makePlan} from '../../source/restore/plan/make.js';
import {cli, cliEnv, mixedArchives, world, type World} from '../restore/run-helpers.js';

let w: World | undefined;
afterEach(async () => {
	await w?.close();
	w = undefined;
});

// eslint-disable-next-line no-control-regex
const escapes = /\u001B(?:\[[0-9;?]*[ -/]*[@-~]|\][^\u0007]*\u0007|[()][A-Z0-9]|[=>78DEHMc])/g;

/** thaw restore run PLAN at a terminal of 80x24 (script(1) gives it one); `answer` types keys once the output shows a text. */
async function atTerminal(planDir: string, url: string, answers: Array<[RegExp, string]>, timeoutMs = 20_000): Promise<{code: number | null; text: string}> {
	const quote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;
	const command = `stty cols 80 rows 24; exec ${[process.execPath, cli, 'restore', 'run', planDir, '--endpoint-url', url, '--poll-seconds', '0.2'].map(quote).join(' ')}`;
	// Ink draws no frames when CI is set: a person's terminal has no CI.
	const env: Record<string, string | undefined> = {...cliEnv};
	delete env.CI;
	const child = spawn('script', ['-qefc', command, '/dev/null'], {env: {...env, TERM: 'xterm-256color', THAW_CONFIG_DIR: `${planDir}/../config`}, stdio: ['pipe', 'pipe', 'pipe']});
	let raw = '';
	const pending = [...answers];
	const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
	child.stdout.on('data', (data: Buffer) => {
		raw += data.toString();
		const text = raw.replace(escapes, '');
		while (pending.length > 0 && pending[0][0].test(text)) child.stdin.write(pending.shift()![1]);
	});
	return new Promise(resolve => {
		child.on('close', code => {
			clearTimeout(timer);
			resolve({code, text: raw.replace(escapes, '')});
		});
	});
}

/** A plan as thaw restore plan makes it (sizes.bin, prices: what the dashboard reads), from an inventory job of the world's vault. */
async function madePlan(w: World): Promise<string> {
	const jobId = await w.emulator.addJob(w.vault, {type: 'inventory-retrieval', format: 'JSON'});
	const connection = connect({endpointUrl: w.emulator.url, region: 'us-east-1', demoCredentials: true});
	try {
		const planDir = join(w.root, 'made-plan');
		await makePlan({planDir, vaultName: w.vault, inventory: {jobId}, connection, to: w.to});
		return planDir;
	} finally {
		connection.close();
	}
}

/** No archive was paid for twice (the older version of docs/report.txt is not planned: latest only). */
const once = (w: World) => w.archives.every(a => w.emulator.initiations(w.vault, a.archiveId) <= 1) && w.emulator.initiations(w.vault) === 8;

describe('thaw restore run PLAN at a terminal', () => {
	it('shows the dashboard (not progress lines) until every archive is verified; q then leaves with the run\'s exit code', async () => {
		w = await world(mixedArchives, {emulator: {jobDelayMs: 800}});
		const result = await atTerminal(await madePlan(w), w.emulator.url, [[/All 8 archives verified/, 'q']]);
		expect(result.text).toContain('Running in this process');
		expect(result.text).toMatch(/Committed \$0\.\d+/);
		expect(result.text).not.toMatch(/\d+\/8 verified \(/); // the headless progress line
		expect(result.code, result.text.slice(-2000)).toBe(0);
		expect(once(w)).toBe(true);
	});

	it('q while it runs asks; y stops it resumably (exit 130), and a second run finishes without paying twice', async () => {
		w = await world(mixedArchives, {emulator: {jobDelayMs: 3000}});
		const planDir = await madePlan(w);
		const stopped = await atTerminal(planDir, w.emulator.url, [[/○8 initiated/, 'q'], [/Stop this restore and quit\?/, 'y']]);
		expect(stopped.text).toContain('Stop this restore and quit?');
		expect(stopped.code, stopped.text.slice(-2000)).toBe(130);
		const again = await atTerminal(planDir, w.emulator.url, [[/All 8 archives verified/, 'q']]);
		expect(again.code, again.text.slice(-2000)).toBe(0);
		expect(once(w)).toBe(true);
	});
});
