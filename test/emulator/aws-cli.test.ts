import {execFile, execFileSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {promisify} from 'node:util';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Emulator} from '../../source/emulator/index.js';
import {difference, emulator, MiB} from './helpers.js';

const exec = promisify(execFile);

function onPath(command: string): boolean {
	try {
		execFileSync('sh', ['-c', `command -v ${command}`], {stdio: 'ignore'});
		return true;
	} catch {
		return false;
	}
}

const hasAws = onPath('aws') && onPath('python3');

describe.skipIf(!hasAws)('the AWS CLI against the emulator', () => {
	let e: Emulator;
	let jobId: string;
	let archiveId: string;
	let dir: string;
	const size = (3 * MiB) + 1234;
	const env = {...process.env, AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x', AWS_DEFAULT_REGION: 'us-east-1', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_PAGER: ''};

	const aws = async (...args: string[]): Promise<Record<string, unknown>> => {
		const {stdout} = await exec('aws', ['glacier', ...args, '--endpoint-url', e.url, '--output', 'json'], {env});
		return stdout.trim() === '' ? {} : JSON.parse(stdout) as Record<string, unknown>;
	};

	const botocoreTreeHash = async (file: string): Promise<string> => {
		const {stdout} = await exec('python3', ['-c', 'import sys; from botocore.utils import calculate_tree_hash; print(calculate_tree_hash(open(sys.argv[1], "rb")))', file]);
		return stdout.trim();
	};

	beforeAll(async () => {
		e = await emulator();
		e.createVault('cli-vault');
		archiveId = e.addArchive('cli-vault', {size, description: 'thesis-final.tar', seed: 'aws-cli'}).archiveId;
		jobId = await e.addJob('cli-vault', {type: 'archive-retrieval', archiveId, description: 'whole archive'});
		dir = mkdtempSync(join(tmpdir(), 'thaw-emulator-cli-'));
	});
	afterAll(async () => {
		rmSync(dir, {recursive: true, force: true});
		await e.close();
	});

	it('get-job-output of a whole archive: botocore\'s tree hash of the file equals DescribeJob and the printed checksum', async () => {
		const file = join(dir, 'whole.bin');
		const printed = await aws('get-job-output', '--account-id', '-', '--vault-name', 'cli-vault', `--job-id=${jobId}`, file);
		const described = await aws('describe-job', '--account-id', '-', '--vault-name', 'cli-vault', `--job-id=${jobId}`);
		const computed = await botocoreTreeHash(file);
		expect(printed).toMatchObject({status: 200, acceptRanges: 'bytes', contentType: 'application/octet-stream', archiveDescription: 'thesis-final.tar'});
		expect(difference(readFileSync(file), e.archiveBytes('cli-vault', archiveId, 0, size - 1))).toBe('');
		expect(computed).toBe(described.SHA256TreeHash);
		expect(computed).toBe(described.ArchiveSHA256TreeHash);
		expect(printed.checksum).toBe(computed);
	});

	it('an aligned 1 MiB --range gets a checksum, an unaligned one none', async () => {
		const aligned = join(dir, 'aligned.bin');
		const printed = await aws('get-job-output', '--account-id', '-', '--vault-name', 'cli-vault', `--job-id=${jobId}`, '--range', `bytes=${MiB}-${(2 * MiB) - 1}`, aligned);
		expect(printed).toMatchObject({status: 206, contentRange: `bytes ${MiB}-${(2 * MiB) - 1}/${size}`});
		expect(printed.checksum).toBe(await botocoreTreeHash(aligned));
		const unaligned = join(dir, 'unaligned.bin');
		const other = await aws('get-job-output', '--account-id', '-', '--vault-name', 'cli-vault', `--job-id=${jobId}`, '--range', `bytes=1000-${MiB + 999}`, unaligned);
		expect(other).toMatchObject({status: 206, contentRange: `bytes 1000-${MiB + 999}/${size}`});
		expect(other).not.toHaveProperty('checksum');
		expect(readFileSync(unaligned).length).toBe(MiB);
	});

	it('lists vaults and jobs, and reports Glacier errors by name', async () => {
		const vaults = await aws('list-vaults', '--account-id', '-');
		expect((vaults.VaultList as Array<{VaultName: string}>).map(v => v.VaultName)).toEqual(['cli-vault']);
		const jobs = await aws('list-jobs', '--account-id', '-', '--vault-name', 'cli-vault');
		expect((jobs.JobList as Array<{JobId: string}>).map(j => j.JobId)).toEqual([jobId]);
		await expect(aws('describe-job', '--account-id', '-', '--vault-name', 'cli-vault', '--job-id', 'gone')).rejects.toMatchObject({stderr: expect.stringContaining('ResourceNotFoundException') as unknown});
	});

	it('sets and reads the data retrieval policy (set-data-retrieval-policy, get-data-retrieval-policy)', async () => {
		await aws('set-data-retrieval-policy', '--account-id', '-', '--policy', '{"Rules":[{"Strategy":"BytesPerHour","BytesPerHour":10737418240}]}');
		expect(await aws('get-data-retrieval-policy', '--account-id', '-')).toEqual({Policy: {Rules: [{Strategy: 'BytesPerHour', BytesPerHour: 10_737_418_240}]}});
		expect(e.retrievalPolicy()).toEqual({Strategy: 'BytesPerHour', BytesPerHour: 10_737_418_240});
	});
});
