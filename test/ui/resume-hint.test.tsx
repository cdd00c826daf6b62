import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {openSettings} from '../../source/config.js';
import {startEmulator} from '../../source/emulator/index.js';
import {connect} from '../../source/glacier/client.js';
import {runApp} from '../../source/ui/launch.js';
import {resumeHint, shellWord} from '../../source/ui/resume-hint.js';
import {connectionFlags} from '../../source/ui/run.js';
import {runThaw} from '../run-cli.js';
import {FakeStdin, FakeStdout, until} from './fake-terminal.js';

let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
	for (const step of cleanup.reverse()) await step();
	cleanup = [];
});

const MiB = 1024 * 1024;


describe('the resume command printed on exit (issue 13 §4)', () => {
	it('quotes what the shell would split or expand, and keeps control characters out', () => {
		expect(shellWord('plain-name_1.bin')).toBe('plain-name_1.bin');
		expect(shellWord('my file.tar')).toBe('\'my file.tar\'');
		expect(shellWord('it\'s $HOME')).toBe('\'it\'\\\'\'s $HOME\'');
		// eslint-disable-next-line no-control-regex -- no control character may reach the shell line
		expect(shellWord('evil\u001B]0;x\u0007.bin')).not.toMatch(/[\u0000-\u001F]/);
		const hint = resumeHint({vaultName: 'v', jobId: '-abc', outfile: '/d/my file.bin', bytesDone: MiB, total: 4 * MiB}, ['--endpoint-url', 'http://127.0.0.1:9'], false);
		expect(hint).toContain('with 25% (1.00 MiB of 4.00 MiB) done');
		expect(hint).toContain('thaw get-job-output --vault-name v --job-id -abc --endpoint-url http://127.0.0.1:9 \'/d/my file.bin\'');
		expect(resumeHint({vaultName: 'v', jobId: 'j', outfile: '/d/x'}, [], true)).toContain('thaw --demo --vault-name v --job-id j');
		expect(connectionFlags({endpointUrl: 'http://e', region: 'eu-west-1', profile: 'p', accountId: '-'})).toEqual(['--endpoint-url', 'http://e', '--region', 'eu-west-1', '--profile', 'p']);
	});

	it('after q while a download of a custom-named file runs, prints a command that resumes it to a verified file', async () => {
		const emulator = await startEmulator({faults: [{kind: 'bandwidth', op: 'GetJobOutput', bytesPerSecond: 512 * 1024, times: 4}]});
		cleanup.push(async () => emulator.close());
		emulator.createVault('photos');
		const {archiveId} = emulator.addArchive('photos', {size: 4 * MiB, description: 'default-name.bin'});
		const jobId = await emulator.addJob('photos', {type: 'archive-retrieval', archiveId});
		const dir = mkdtempSync(join(tmpdir(), 'thaw-resume-hint-'));
		cleanup.push(() => {
			rmSync(dir, {recursive: true, force: true});
		});
		const settings = openSettings({cwd: join(dir, 'config')});
		settings.set('chunkSizeMiB', 1);
		settings.set('concurrency', 2);
		const stdin = new FakeStdin();
		const stdout = new FakeStdout();
		let stderr = '';
		const screen = () => stdout.terminal.screen();
		const connection = connect({endpointUrl: emulator.url, region: 'us-east-1', demoCredentials: true, maxAttempts: 1});
		const exited = runApp({
			services: {connection, settings, demo: false, cwd: dir},
			initial: [{screen: 'vaults'}, {screen: 'jobs', vaultName: 'photos'}, {screen: 'download-setup', vaultName: 'photos', jobId}],
			io: {stdin: stdin as unknown as NodeJS.ReadStream, stdout: stdout as unknown as NodeJS.WriteStream, stderr: {write(text: string) {
				stderr += text;
				return true;
			}} as unknown as NodeJS.WriteStream},
			resumeFlags: ['--endpoint-url', emulator.url],
		});
		await until(() => screen().includes('Saves to'), 'the setup', screen);
		// A name of one's own: 16 backspaces clear "default-name.bin".
		stdin.press('\u007F'.repeat(16));
		await until(() => !screen().includes('default-name.bin'), 'the name cleared', screen);
		stdin.press('mine.bin');
		await until(() => screen().includes('Saves to') && screen().includes('mine.bin'), 'the new name', screen);
		stdin.press('\r');
		await until(() => /MiB\/s|KiB\/s/.test(screen()), 'the download to start', screen);
		stdin.press('q');
		await until(() => screen().includes('Quit while this download runs?'), 'the question', screen);
		stdin.press('y');
		expect(await exited).toBe(0);
		expect(stderr).toContain(`${join(dir, 'mine.bin')} stopped`);
		const command = /\n {2}thaw (get-job-output .*)\n/.exec(stderr)?.[1];
		expect(command, stderr).toBeDefined();
		// Run it as printed (no word here needs quotes): it picks up the .part and verifies.
		const run = await runThaw(command!.split(' '));
		expect(run.code, run.stderr).toBe(0);
		expect(readFileSync(join(dir, 'mine.bin')).equals(emulator.archiveBytes('photos', archiveId, 0, (4 * MiB) - 1))).toBe(true);
	}, 30_000);
});
