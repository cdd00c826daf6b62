/**
 * Issue 8 §11: no credential ever reaches thaw's output, --debug included.
 * The emulator's 'bad-signature' fault answers as AWS does to a bad
 * signature: 403 InvalidSignatureException quoting the canonical request,
 * x-amz-security-token and all (and the Authorization header, as proxies
 * echo it). The built CLI runs against it with known credentials.
 */
import {createHash} from 'node:crypto';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {startEmulator, type Emulator} from '../../source/emulator/index.js';
import {describeFailure, ThawError} from '../../source/errors.js';
import {redact} from '../../source/redact.js';
import {runThaw} from '../run-cli.js';


// A made-up STS-style session token (base64, several hundred characters) and secret key.
const sessionToken = `IQoJb3JpZ2luX2VjEPT//////////wEaCXVzLWVhc3QtMSJH+${Array.from({length: 12}, (_, i) => createHash('sha256').update(`token ${i}`).digest('base64').replace(/=+$/, '')).join('')}`;
const secretKey = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYthawSECRET1';
const accessKey = 'ASIAQTHAWTESTKEY0001';

let emulator: Emulator;
let dir: string;
let jobId: string;

type Run = {code: number | null; stdout: string; stderr: string};

async function thaw(args: string[], env: Record<string, string>): Promise<Run> {
	return runThaw(args, {env: {PATH: process.env.PATH ?? '', HOME: dir, CI: 'true', AWS_REGION: 'us-east-1', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', ...env}});
}

function expectNoSecrets(text: string): void {
	expect(text).not.toContain(sessionToken);
	expect(text).not.toContain(secretKey);
	// Not even a piece of the token: any 24 characters of it.
	for (let at = 0; at + 24 <= sessionToken.length; at += 24) expect(text).not.toContain(sessionToken.slice(at, at + 24));
	expect(text).not.toMatch(/Signature=[0-9a-f]{16}/i);
	expect(text).not.toContain(accessKey);
}

beforeAll(async () => {
	emulator = await startEmulator();
	emulator.createVault('photos');
	const {archiveId} = emulator.addArchive('photos', {size: 4096, description: 'a.bin'});
	jobId = await emulator.addJob('photos', {type: 'archive-retrieval', archiveId});
	dir = await mkdtemp(join(tmpdir(), 'thaw-secrets-'));
});

afterAll(async () => {
	await emulator?.close();
	if (dir) await rm(dir, {recursive: true, force: true});
});

beforeEach(() => {
	emulator.faults.clear();
});

const download = () => ['get-job-output', '--endpoint-url', emulator.url, '--vault-name', 'photos', '--job-id', jobId, '--debug', join(dir, 'out.bin')];

describe('--debug never prints credentials', () => {
	it('the emulator\'s bad-signature answer really quotes the token and the signature (so the tests below mean something)', async () => {
		emulator.faults.add({kind: 'bad-signature', op: 'DescribeJob', times: 1});
		const response = await fetch(`${emulator.url}/-/vaults/photos/jobs/${jobId}`, {headers: {'x-amz-glacier-version': '2012-06-01', 'x-amz-date': '20261201T000000Z', 'x-amz-security-token': sessionToken, authorization: `AWS4-HMAC-SHA256 Credential=${accessKey}/20261201/us-east-1/glacier/aws4_request, SignedHeaders=host;x-amz-date;x-amz-glacier-version;x-amz-security-token, Signature=${'ab'.repeat(32)}`}});
		expect(response.status).toBe(403);
		const body = await response.json() as {code: string; message: string};
		expect(body.code).toBe('InvalidSignatureException');
		expect(body.message).toContain(`x-amz-security-token:${sessionToken}`);
		expect(body.message).toContain(`Signature=${'ab'.repeat(32)}`);
	});

	it('credentials from the environment: neither the secret key, the session token nor the signature reach stdout or stderr', async () => {
		emulator.faults.add({kind: 'bad-signature', op: 'DescribeJob', times: Number.POSITIVE_INFINITY});
		const run = await thaw(download(), {AWS_ACCESS_KEY_ID: accessKey, AWS_SECRET_ACCESS_KEY: secretKey, AWS_SESSION_TOKEN: sessionToken});
		expect(emulator.faults.hits.some(hit => hit.rule.kind === 'bad-signature')).toBe(true);
		expect(run.code, run.stderr).toBe(5);
		expectNoSecrets(run.stdout + run.stderr);
		expect(run.stderr).toMatch(/^thaw: access denied while trying to describe job: The request signature we calculated does not match/);
		// --debug did print the stack, with the quoted canonical request in it, redacted.
		expect(run.stderr).toContain('x-amz-security-token:[redacted]');
		expect(run.stderr).toMatch(/\n\s+at /);
	});

	it('credentials from a profile file (values thaw never sees): the token is still recognised by its shape', async () => {
		const credentials = join(dir, 'credentials');
		await writeFile(credentials, `[work]\naws_access_key_id = ${accessKey}\naws_secret_access_key = ${secretKey}\naws_session_token = ${sessionToken}\n`);
		emulator.faults.add({kind: 'bad-signature', op: 'DescribeJob', times: Number.POSITIVE_INFINITY});
		const run = await thaw([...download(), '--profile', 'work'], {AWS_SHARED_CREDENTIALS_FILE: credentials});
		expect(emulator.faults.hits.some(hit => hit.rule.kind === 'bad-signature')).toBe(true);
		expect(run.code, run.stderr).toBe(5);
		expectNoSecrets(run.stdout + run.stderr);
		expect(run.stderr).toContain('x-amz-security-token:[redacted]');
	});
});

describe('redact', () => {
	it('removes tokens, keys, Authorization values and signatures in every spelling thaw has met', () => {
		const text = [
			`x-amz-security-token:${sessionToken}`,
			`X-Amz-Security-Token=${encodeURIComponent(sessionToken)}&X-Amz-Signature=${'0f'.repeat(32)}`,
			`Authorization: AWS4-HMAC-SHA256 Credential=${accessKey}/20261201/us-east-1/glacier/aws4_request, SignedHeaders=host, Signature=${'1e'.repeat(32)}`,
			`{"secretAccessKey":"${secretKey}","sessionToken":"${sessionToken}"}`,
			`aws_secret_access_key = ${secretKey}`,
			`a bare token: ${sessionToken}`,
		].join('\n');
		const clean = redact(text);
		expectNoSecrets(clean);
		expect(clean).not.toContain(encodeURIComponent(sessionToken).slice(0, 40));
	});

	it('leaves ordinary text alone: archive ids, tree hashes, paths', () => {
		const archiveId = 'NkbByEejwEggmBz2fTHgJrg0XBoDfjP4q6iu87-TjhqG6eGoOY9Z8i1_AUyUsuhPAdTqLHy8pTl5nfCFJmDl2yEZONi5L26Omw12vcs01MNGntHEQL8MBfGlqrEXAMPLEARCHIVEID';
		const text = `archive ${archiveId} hash ${'ab'.repeat(32)} at /home/someone/Photos/2019/holiday.tar`;
		expect(redact(text)).toBe(text);
	});

	it('describeFailure redacts the message and, with --debug, every cause\'s stack', () => {
		const cause = new Error(`The Canonical String for this request should have been\n'GET\n/-/vaults\nx-amz-security-token:${sessionToken}\n'`);
		const failure = describeFailure(new ThawError(`access denied: Signature=${'cd'.repeat(32)}`, 5, {cause}), true);
		expect(failure.exitCode).toBe(5);
		expect(failure.text).toContain('x-amz-security-token:[redacted]');
		expectNoSecrets(failure.text);
	});
});
