import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {startEmulator, type Emulator} from '../../source/emulator/index.js';
import {connect, describeJob, initiateJob, jobPages, listJobs, listVaults, scrub, toThawError, vaultPages, type Connection} from '../../source/glacier/index.js';
import {ExitCode, ThawError} from '../../source/errors.js';

let emulator: Emulator;
let connection: Connection;
const now = Date.parse('2026-11-21T12:00:00Z');

beforeAll(async () => {
	emulator = await startEmulator({now: () => now});
	for (let i = 0; i < 23; i++) emulator.createVault(`vault-${String(i).padStart(2, '0')}`);
	const archive = emulator.addArchive('vault-00', {size: 1024, description: 'tiny'});
	for (let i = 0; i < 120; i++) {
		await emulator.addJob('vault-00', {type: 'archive-retrieval', archiveId: archive.archiveId, status: i % 3 === 0 ? 'InProgress' : 'Succeeded', description: `job ${i}`});
	}

	connection = connect({endpointUrl: emulator.url, demoCredentials: true, readTimeoutSeconds: 1});
});

afterAll(async () => {
	connection?.close();
	await emulator?.close();
});

describe('glacier wrapper against the emulator', () => {
	it('follows every ListVaults page', async () => {
		const before = emulator.requests.filter(r => r.op === 'ListVaults').length;
		const vaults = await listVaults(connection);
		expect(vaults.map(v => v.VaultName)).toHaveLength(23);
		expect(new Set(vaults.map(v => v.VaultName)).size).toBe(23);
		// Default pages of 10: 10 + 10 + 3.
		expect(emulator.requests.filter(r => r.op === 'ListVaults').length - before).toBe(3);
	});

	it('follows every ListJobs page of 50 and passes the status filter', async () => {
		const jobs = await listJobs(connection, 'vault-00');
		expect(jobs).toHaveLength(120);
		expect(new Set(jobs.map(j => j.JobId)).size).toBe(120);
		const running = await listJobs(connection, 'vault-00', {statuscode: 'InProgress'});
		expect(running).toHaveLength(40);
		expect(running.every(job => job.StatusCode === 'InProgress')).toBe(true);
	});

	it('starts a job and describes it', async () => {
		const jobId = await initiateJob(connection, 'vault-01', {type: 'inventory-retrieval', format: 'CSV', description: 'from test'});
		const job = await describeJob(connection, 'vault-01', jobId);
		expect(job.Action).toBe('InventoryRetrieval');
		expect(job.JobDescription).toBe('from test');
	});

	it('explains a missing job as not found or expired, with exit 4', async () => {
		const error = await describeJob(connection, 'vault-00', 'no-such-job-id').catch((error_: unknown) => error_);
		expect(error).toBeInstanceOf(ThawError);
		expect((error as ThawError).exitCode).toBe(ExitCode.job);
		expect((error as ThawError).message).toMatch(/expired.*new retrieval/);
	});

	it('explains a missing vault with exit 4', async () => {
		const error = await listJobs(connection, 'no-such-vault').catch((error_: unknown) => error_);
		expect((error as ThawError).exitCode).toBe(ExitCode.job);
		expect((error as ThawError).message).toContain("vault 'no-such-vault' was not found");
	});

	it('gives up on a stalled answer after --cli-read-timeout instead of hanging', async () => {
		emulator.faults.add({kind: 'stall', op: 'ListVaults', times: Number.POSITIVE_INFINITY, afterBytes: 0});
		try {
			const started = Date.now();
			const error = await listVaults(connection).catch((error_: unknown) => error_);
			expect(error).toBeInstanceOf(ThawError);
			expect((error as ThawError).exitCode).toBe(ExitCode.service);
			expect(Date.now() - started).toBeLessThan(20_000);
		} finally {
			emulator.faults.clear();
		}
	});

	it('never lets an access key or signature through an error message', () => {
		const error = toThawError(Object.assign(new Error('The request signature we calculated does not match. Credential=AKIAIOSFODNN7EXAMPLE/20141123 Signature=9257c16da6b25a715ce900a5b45b03da0447acf430195dcb540091b12966f2a2 \u001B[2J'), {name: 'InvalidSignatureException', $metadata: {httpStatusCode: 403}}), {what: 'list vaults'});
		expect(error.message).not.toContain('AKIAIOSFODNN7EXAMPLE');
		expect(error.message).not.toContain('9257c16da6b25a715ce900a5b45b03da0447acf430195dcb540091b12966f2a2');
		expect(error.message).not.toContain('\u001B');
		expect(error.exitCode).toBe(ExitCode.service);
	});

	it('reports an HTML 500 as what it is, not as a JSON SyntaxError (issue 8 §13)', async () => {
		emulator.faults.add({kind: 'html-500', op: 'ListVaults', times: Number.POSITIVE_INFINITY});
		try {
			const error = await listVaults(connection).catch((error_: unknown) => error_);
			expect(error).toBeInstanceOf(ThawError);
			expect((error as ThawError).exitCode).toBe(ExitCode.service);
			expect((error as ThawError).message).toBe('Glacier kept failing to list vaults (the service answered HTTP 500 with a non-JSON body (text/html)); try again later');
		} finally {
			emulator.faults.clear();
		}
	});

	it('classifies a refused range of a job as a service failure (exit 5), not a job that is not ready (issue 8 §13)', () => {
		const refused = Object.assign(new Error('The start of the range is larger than size of retrieved data: bytes=3145728-4194303'), {name: 'InvalidParameterValueException', $metadata: {httpStatusCode: 400}});
		const error = toThawError(refused, {what: 'read the inventory', vaultName: 'photos', jobId: 'JOB123'});
		expect(error.exitCode).toBe(ExitCode.service);
		expect(error.message).toMatch(/smaller than DescribeJob says/);
		// Other refused parameters of a job stay exit 4.
		const other = toThawError(Object.assign(new Error('Invalid job id'), {name: 'InvalidParameterValueException', $metadata: {httpStatusCode: 400}}), {what: 'describe job', vaultName: 'photos', jobId: 'JOB123'});
		expect(other.exitCode).toBe(ExitCode.job);
	});

	it('cuts long server text after escaping it, never inside an escape (issue 8 §13)', () => {
		for (let pad = 390; pad <= 400; pad++) {
			const text = scrub(`${'a'.repeat(pad)}\u001B[2J\u202E and more text after it`);
			expect(text.length).toBeLessThanOrEqual(400);
			// Whatever is left of the escapes is whole: every backslash starts \x1b or \u202e.
			for (const match of text.matchAll(/\\/g)) expect(text.slice(match.index)).toMatch(/^\\(?:x1b|u202e)/);
			expect(text.endsWith('…')).toBe(true);
			expect(text).not.toContain('\u001B');
		}

		// A cut never splits a surrogate pair either.
		const emoji = scrub(`${'a'.repeat(398)}\u{1F600}\u{1F600}`);
		expect(emoji.endsWith('…')).toBe(true);
		expect(/[\uD800-\uDBFF]…$/.test(emoji)).toBe(false);
	});
});

describe('endless pagination (issue 8 §9)', () => {
	const count = (op: string) => emulator.requests.filter(r => r.op === op).length;

	async function collect<T>(pages: AsyncIterable<T[]>): Promise<{rows: T[]; error: unknown}> {
		const rows: T[] = [];
		try {
			for await (const page of pages) rows.push(...page);
		} catch (error) {
			return {rows, error};
		}

		return {rows, error: undefined};
	}

	it('stops when ListVaults gives back the Marker it was asked for, keeping the rows so far and saying so', async () => {
		emulator.faults.add({kind: 'repeat-marker', op: 'ListVaults', times: Number.POSITIVE_INFINITY});
		try {
			const before = count('ListVaults');
			const {rows, error} = await collect(vaultPages(connection));
			// Page 1 (vaults 0-9) points at vault 10; page 2 (10-19) points at vault 10 again: stop there.
			expect(count('ListVaults') - before).toBe(2);
			expect(rows.map(v => v.VaultName)).toEqual(Array.from({length: 20}, (_, i) => `vault-${String(i).padStart(2, '0')}`));
			expect(error).toBeInstanceOf(ThawError);
			expect((error as ThawError).exitCode).toBe(ExitCode.service);
			expect((error as ThawError).message).toBe('stopped at 20 vaults (the list may be incomplete): ListVaults gave back a Marker it had already given on page 2, paging in a circle. Try again later');
			await expect(listVaults(connection)).rejects.toThrow(/paging in a circle/);
		} finally {
			emulator.faults.clear();
		}
	});

	it('yields no row twice when the repeated page is the same page again', async () => {
		emulator.faults.add({kind: 'repeat-marker', op: 'ListVaults', times: Number.POSITIVE_INFINITY});
		try {
			const before = count('ListVaults');
			// All 23 fit in one page, whose Marker points back at its own start.
			const {rows, error} = await collect(vaultPages(connection, {limit: 1000}));
			expect(count('ListVaults') - before).toBe(2);
			expect(rows).toHaveLength(23);
			expect(new Set(rows.map(v => v.VaultName)).size).toBe(23);
			expect((error as ThawError).message).toMatch(/^stopped at 23 vaults .*paging in a circle/);
		} finally {
			emulator.faults.clear();
		}
	});

	it('stops when ListJobs gives back the same Marker forever', async () => {
		emulator.faults.add({kind: 'repeat-marker', op: 'ListJobs', times: Number.POSITIVE_INFINITY});
		try {
			const before = count('ListJobs');
			const {rows, error} = await collect(jobPages(connection, 'vault-00'));
			expect(count('ListJobs') - before).toBe(2);
			expect(rows).toHaveLength(100);
			expect(new Set(rows.map(j => j.JobId)).size).toBe(100);
			expect((error as ThawError).exitCode).toBe(ExitCode.service);
			expect((error as ThawError).message).toBe('stopped at 100 jobs (the list may be incomplete): ListJobs gave back a Marker it had already given on page 2, paging in a circle. Try again later');
		} finally {
			emulator.faults.clear();
		}
	});

	it('stops after a page limit far beyond any real list, saying so', async () => {
		const before = count('ListVaults');
		// Pages of one vault, a limit of 5 pages (the real limit is 10,000).
		const {rows, error} = await collect(vaultPages(connection, {limit: 1, maxPages: 5}));
		expect(count('ListVaults') - before).toBe(5);
		expect(rows).toHaveLength(5);
		expect((error as ThawError).exitCode).toBe(ExitCode.service);
		expect((error as ThawError).message).toBe('stopped at 5 vaults (the list may be incomplete): ListVaults still had a next page after 5 pages, far more than any real list has. Try again later');
	});
});
