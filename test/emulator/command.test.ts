import {spawn} from 'node:child_process';
import {once} from 'node:events';
import {GetDataRetrievalPolicyCommand, GetJobOutputCommand, ListJobsCommand} from '@aws-sdk/client-glacier';
import {describe, expect, it} from 'vitest';
import {client, raw} from './helpers.js';

const cli = new URL('../../build/cli.js', import.meta.url).pathname;

/** Start `thaw emulator ...`; resolves once the URL (the first stdout line) is printed. */
async function start(...args: string[]) {
	const child = spawn(process.execPath, [cli, 'emulator', ...args], {stdio: ['ignore', 'pipe', 'pipe'], env: {...process.env, CI: 'true'}});
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', (part: Buffer) => {
		stdout += part.toString();
	});
	child.stderr.on('data', (part: Buffer) => {
		stderr += part.toString();
	});
	const url = await new Promise<string>((resolve, reject) => {
		const check = () => {
			const line = stdout.split('\n')[0];
			if (stdout.includes('\n')) resolve(line);
		};

		child.stdout.on('data', check);
		child.on('exit', code => {
			reject(new Error(`exited ${code}: ${stderr}`));
		});
	});
	return {child, url, output: () => ({stdout, stderr})};
}

describe('thaw emulator', () => {
	it('prints the URL first, a demo summary and examples, logs requests, and exits 0 on SIGTERM', async () => {
		const {child, url, output} = await start('--port', '0');
		expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
		await new Promise(resolve => setTimeout(resolve, 200));
		expect(output().stdout).toContain('backups-mixed');
		expect(output().stdout).toMatch(/restore-demo +\d{4} archives/);
		expect(output().stdout).toContain('Retrievals complete after: Expedited 0.4 s, Standard 30 s, Bulk 1 min');
		expect(output().stdout).toMatch(/thaw restore plan \S+ --vault-name restore-demo --inventory-job-id [\w-]+ /);
		expect(output().stdout).toContain(`--endpoint-url ${url}`);
		const list = await client(url).send(new ListJobsCommand({accountId: '-', vaultName: 'backups-mixed'}));
		expect(list.JobList!.length).toBeGreaterThan(5);
		await new Promise(resolve => setTimeout(resolve, 100));
		expect(output().stderr).toMatch(/GET \/-\/vaults\/backups-mixed\/jobs -> 200/);
		const exited = once(child, 'exit');
		child.kill('SIGTERM');
		const [code] = await exited;
		expect(code).toBe(0);
	});

	it('arms --fault rules, takes more over HTTP, and runs empty with --no-demo --quiet', async () => {
		const {child, url, output} = await start('--no-demo', '--quiet', '--fault', 'throttle:op=ListVaults,times=2');
		try {
			expect(output().stdout).not.toContain('backups-mixed');
			const headers = {'x-amz-glacier-version': '2012-06-01', 'Authorization': 'AWS4-HMAC-SHA256 test'};
			expect((await raw(url, '/-/vaults', {headers})).status).toBe(400);
			expect((await raw(url, '/-/vaults', {headers})).status).toBe(400);
			const ok = await raw(url, '/-/vaults', {headers});
			expect(JSON.parse(ok.body.toString())).toEqual({Marker: null, VaultList: []});
			expect((await raw(url, '/_emulator/faults', {method: 'POST', body: '{"kind":"unavailable","op":"ListVaults"}'})).status).toBe(201);
			expect((await raw(url, '/-/vaults', {headers})).status).toBe(500);
			const state = JSON.parse((await raw(url, '/_emulator/faults')).body.toString()) as {hits: unknown[]};
			expect(state.hits).toHaveLength(3);
			await expect(client(url).send(new GetJobOutputCommand({accountId: '-', vaultName: 'none', jobId: 'x'}))).rejects.toMatchObject({name: 'ResourceNotFoundException'});
			expect(output().stderr).toBe('');
		} finally {
			child.kill('SIGINT');
			const [code] = await once(child, 'exit');
			expect(code).toBe(0);
		}
	});

	it('takes the restore options: --time-scale, --tier-delay, --initiate-rate, --retrieval-policy, --expedited-capacity', async () => {
		const {child, url, output} = await start('--no-demo', '--quiet', '--time-scale', '3600', '--tier-delay', 'Bulk=60', '--initiate-rate', '1/2', '--retrieval-policy', 'BytesPerHour=1000', '--expedited-capacity', '1');
		try {
			expect(output().stdout).toContain('Retrievals complete after: Expedited 3 min, Standard 4 h, Bulk 1 min of emulated time; the clock runs 3600 times faster');
			expect((await client(url).send(new GetDataRetrievalPolicyCommand({accountId: '-'}))).Policy).toEqual({Rules: [{Strategy: 'BytesPerHour', BytesPerHour: 1000}]});
		} finally {
			child.kill('SIGINT');
			const [code] = await once(child, 'exit');
			expect(code).toBe(0);
		}
	});

	it('rejects bad arguments with one line and exit 2', async () => {
		for (const args of [['--fault', 'explode'], ['--port', 'abc'], ['--bogus'], ['--job-delay', 'soon'], ['--time-scale', '0'], ['--tier-delay', 'Slow=3'], ['--initiate-rate', 'fast'], ['--retrieval-policy', 'Some'], ['--expedited-capacity', '-1'], ['--demo', '--no-demo']]) {
			const child = spawn(process.execPath, [cli, 'emulator', ...args], {stdio: ['ignore', 'pipe', 'pipe']});
			let stderr = '';
			child.stderr.on('data', (part: Buffer) => {
				stderr += part.toString();
			});
			const [code] = await once(child, 'exit');
			expect(code, args.join(' ')).toBe(2);
			expect(stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
			expect(stderr).toMatch(/^thaw: /);
		}
	});
});
