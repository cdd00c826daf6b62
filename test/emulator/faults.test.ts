import {DescribeJobCommand, GetJobOutputCommand, InitiateJobCommand, ListJobsCommand} from '@aws-sdk/client-glacier';
import {request} from 'node:http';
import {connect} from 'node:net';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {parseFaultSpec, type Emulator} from '../../source/emulator/index.js';
import {treeHash} from '../../source/engine/tree-hash.js';
import {bodyBytes, client, difference, emulator, glacierHeaders, MiB, raw} from './helpers.js';

describe('fault injection, observed over HTTP', () => {
	let e: Emulator;
	let glacier: ReturnType<typeof client>;
	let archiveId: string;
	let jobId: string;
	let other: string;
	let content: Buffer;
	let hash: string;
	const size = (2 * MiB) + 300;
	const outputPath = (id: string) => `/-/vaults/v/jobs/${id}/output`;

	beforeAll(async () => {
		e = await emulator();
		glacier = client(e.url);
		e.createVault('v');
		archiveId = e.addArchive('v', {size, description: 'faulty'}).archiveId;
		jobId = await e.addJob('v', {type: 'archive-retrieval', archiveId});
		other = await e.addJob('v', {type: 'archive-retrieval', archiveId});
		content = e.archiveBytes('v', archiveId, 0, size - 1);
		hash = await e.archiveTreeHash('v', archiveId);
	});
	afterEach(() => {
		e.faults.clear();
	});
	afterAll(async () => e.close());

	const get = async (id = jobId, range?: string, attempts = 1) => {
		const out = await client(e.url, attempts).send(new GetJobOutputCommand({accountId: '-', vaultName: 'v', jobId: id, range}));
		return {out, bytes: await bodyBytes(out.body)};
	};

	it('corrupt: some bytes differ while the header carries the true tree hash', async () => {
		e.faults.add({kind: 'corrupt'});
		const {out, bytes} = await get();
		expect(bytes.length).toBe(size);
		expect(difference(bytes, content)).not.toBe('');
		expect(out.checksum).toBe(hash);
		expect(treeHash(bytes)).not.toBe(hash);
		const again = await get(); // times defaults to 1
		expect(difference(again.bytes, content)).toBe('');
		expect(e.faults.hits).toHaveLength(1);
		expect(e.faults.hits[0]).toMatchObject({op: 'GetJobOutput', jobId, rule: {kind: 'corrupt'}});
	});

	it('drop: the SDK body stream errors after afterBytes', async () => {
		e.faults.add({kind: 'drop', afterBytes: 100_000});
		const out = await glacier.send(new GetJobOutputCommand({accountId: '-', vaultName: 'v', jobId}));
		let received = 0;
		await expect((async () => {
			for await (const part of out.body as AsyncIterable<Uint8Array>) received += part.length;
		})()).rejects.toThrow();
		expect(received).toBeLessThanOrEqual(100_000);
		expect(received).toBeLessThan(size);
	});

	it('short: a clean response with fewer bytes than Content-Range claims', async () => {
		e.faults.add({kind: 'short', afterBytes: 5000});
		const response = await raw(e.url, outputPath(jobId), {headers: {...glacierHeaders, Range: `bytes=0-${MiB - 1}`}});
		expect(response.error).toBeUndefined();
		expect(response.status).toBe(206);
		expect(response.headers['content-range']).toBe(`bytes 0-${MiB - 1}/${size}`);
		expect(response.headers['content-length']).toBe('5000');
		expect(response.body.length).toBe(5000);
		expect(response.headers['x-amz-sha256-tree-hash']).toBe(treeHash(content.subarray(0, MiB)));
		e.faults.add({kind: 'short'});
		const {bytes} = await get(); // default: half the body, and the SDK does not notice
		expect(bytes.length).toBe(Math.floor(size / 2));
	});

	it('throttle, unavailable and timeout: Glacier error responses the SDK names', async () => {
		e.faults.add({kind: 'throttle'});
		await expect(get()).rejects.toMatchObject({name: 'ThrottlingException', $metadata: {httpStatusCode: 400}});
		e.faults.add({kind: 'unavailable'});
		await expect(get()).rejects.toMatchObject({name: 'ServiceUnavailableException', $metadata: {httpStatusCode: 500}});
		e.faults.add({kind: 'timeout'});
		await expect(get()).rejects.toMatchObject({name: 'RequestTimeoutException', $metadata: {httpStatusCode: 408}});
		// Two throttles, then the SDK's third attempt gets through.
		e.faults.add({kind: 'throttle', op: 'ListJobs', times: 2});
		const before = e.requests.length;
		const list = await client(e.url, 3).send(new ListJobsCommand({accountId: '-', vaultName: 'v'}));
		expect(list.JobList).toHaveLength(2);
		expect(e.requests.slice(before).map(r => r.status)).toEqual([400, 400, 200]);
		e.faults.add({kind: 'throttle', op: 'DescribeJob', times: Number.POSITIVE_INFINITY});
		for (let i = 0; i < 3; i++) {
			await expect(glacier.send(new DescribeJobCommand({accountId: '-', vaultName: 'v', jobId}))).rejects.toMatchObject({name: 'ThrottlingException'});
		}
	});

	it('stall: afterBytes arrive, then nothing until stallMs has passed', async () => {
		e.faults.add({kind: 'stall', afterBytes: 65_536, stallMs: 400});
		const started = Date.now();
		const {bytes} = await get();
		expect(Date.now() - started).toBeGreaterThanOrEqual(380);
		expect(difference(bytes, content)).toBe('');

		e.faults.add({kind: 'stall', afterBytes: 65_536}); // until the client gives up
		const received = await new Promise<number>((resolve, reject) => {
			const req = request(new URL(outputPath(jobId), e.url), {headers: glacierHeaders, agent: false}, res => {
				let count = 0;
				let timer: NodeJS.Timeout | undefined;
				res.on('data', (part: Buffer) => {
					count += part.length;
					if (timer) clearTimeout(timer);
					timer = setTimeout(() => {
						req.destroy();
						resolve(count);
					}, 300);
				});
			});
			req.on('error', error => {
				if (!req.destroyed) reject(error);
			});
			req.end();
		});
		expect(received).toBe(65_536);
	});

	it('ignore-range: 200 with the whole output', async () => {
		e.faults.add({kind: 'ignore-range'});
		const {out, bytes} = await get(jobId, `bytes=0-${MiB - 1}`);
		expect(out.status).toBe(200);
		expect(out.contentRange).toBeUndefined();
		expect(bytes.length).toBe(size);
		expect(out.checksum).toBe(hash);
	});

	it('wrong-hash: a wrong x-amz-sha256-tree-hash with the right body', async () => {
		e.faults.add({kind: 'wrong-hash'});
		const {out, bytes} = await get();
		expect(difference(bytes, content)).toBe('');
		expect(out.checksum).toMatch(/^[\da-f]{64}$/);
		expect(out.checksum).not.toBe(hash);
	});

	it('bandwidth: the body rate is capped (roughly)', async () => {
		e.faults.add({kind: 'bandwidth', bytesPerSecond: 4 * MiB});
		const started = Date.now();
		const {bytes} = await get(jobId, `bytes=0-${(2 * MiB) - 1}`);
		const elapsed = Date.now() - started;
		expect(bytes.length).toBe(2 * MiB);
		expect(elapsed).toBeGreaterThanOrEqual(450); // 2 MiB at 4 MiB/s is 500 ms
		expect(elapsed).toBeLessThan(5000);
	});

	it('bad-header: a response header with a control byte, which the SDK cannot parse', async () => {
		e.faults.add({kind: 'bad-header'});
		await expect(get(jobId, `bytes=0-${MiB - 1}`)).rejects.toMatchObject({message: expect.stringMatching(/Parse Error: Invalid header value char/) as unknown});
		expect(e.faults.hits.at(-1)).toMatchObject({op: 'GetJobOutput', rule: {kind: 'bad-header'}});
		const head = await new Promise<string>((resolve, reject) => {
			const socket = connect(Number(new URL(e.url).port), '127.0.0.1', () => {
				e.faults.add({kind: 'bad-header'});
				socket.end(`GET ${outputPath(jobId)} HTTP/1.1\r\nHost: x\r\nAuthorization: x\r\nx-amz-glacier-version: 2012-06-01\r\n\r\n`);
			});
			let text = '';
			socket.on('data', (part: Buffer) => {
				text += part.toString('latin1');
			});
			socket.on('end', () => {
				resolve(text);
			});
			socket.on('error', reject);
		});
		expect(head).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
		expect(head).toContain('x-amz-archive-description: bad\u0001header\r\n');
		expect((await get()).bytes.length).toBe(size); // times defaults to 1
	});

	it('trickle: afterBytes at full speed, then a few bytes a second in small pieces, never idle for long', async () => {
		e.faults.add({kind: 'trickle', afterBytes: 1000, bytesPerSecond: 20});
		const arrivals: Array<{at: number; count: number}> = [];
		await new Promise<void>((resolve, reject) => {
			const req = request(new URL(outputPath(jobId), e.url), {headers: {...glacierHeaders, Range: 'bytes=0-1999'}, agent: false}, res => {
				let count = 0;
				res.on('data', (part: Buffer) => {
					count += part.length;
					arrivals.push({at: Date.now(), count});
				});
				setTimeout(() => {
					req.destroy();
					resolve();
				}, 700);
			});
			req.on('error', error => {
				if (!req.destroyed) reject(error);
			});
			req.end();
		});
		const fast = arrivals.findIndex(a => a.count >= 1000);
		expect(arrivals[fast].count).toBeLessThanOrEqual(1002); // the first trickle piece goes out at once
		const slow = arrivals.slice(fast);
		// 20 B/s: 2 bytes every 100 ms, so about 12 more bytes in the 600 ms left.
		expect(slow.at(-1)!.count - 1000).toBeGreaterThanOrEqual(6);
		expect(slow.at(-1)!.count - 1000).toBeLessThanOrEqual(16);
		for (let i = 1; i < slow.length; i++) expect(slow[i].at - slow[i - 1].at).toBeLessThan(300);
	});

	it('size-lie: DescribeJob and ListJobs claim more bytes than GetJobOutput has', async () => {
		e.faults.add({kind: 'size-lie', extraBytes: 3 * MiB}); // op defaults to DescribeJob
		const lie = await glacier.send(new DescribeJobCommand({accountId: '-', vaultName: 'v', jobId}));
		expect(lie).toMatchObject({ArchiveSizeInBytes: size + (3 * MiB), RetrievalByteRange: `0-${size + (3 * MiB) - 1}`, SHA256TreeHash: hash});
		expect((await glacier.send(new DescribeJobCommand({accountId: '-', vaultName: 'v', jobId}))).ArchiveSizeInBytes).toBe(size);
		e.faults.add({kind: 'size-lie', op: 'ListJobs'});
		const list = await glacier.send(new ListJobsCommand({accountId: '-', vaultName: 'v'}));
		expect(list.JobList!.map(job => job.ArchiveSizeInBytes)).toEqual([size + MiB, size + MiB]);
		// The bytes past the real end are refused as Glacier refuses them.
		await expect(get(jobId, `bytes=${4 * MiB}-${(5 * MiB) - 1}`)).rejects.toMatchObject({name: 'InvalidParameterValueException', $metadata: {httpStatusCode: 400}});
	});

	it('late-answer: InitiateJob makes the job at once and answers later; ListJobs lists it meanwhile', async () => {
		e.faults.add({kind: 'late-answer', stallMs: 400}); // op defaults to InitiateJob
		const before = (await glacier.send(new ListJobsCommand({accountId: '-', vaultName: 'v'}))).JobList!.length;
		const started = Date.now();
		const answer = glacier.send(new InitiateJobCommand({accountId: '-', vaultName: 'v', jobParameters: {Type: 'archive-retrieval', ArchiveId: archiveId, Description: 'late'}}));
		let listed: string | undefined;
		while (!listed) {
			const jobs = (await glacier.send(new ListJobsCommand({accountId: '-', vaultName: 'v'}))).JobList!;
			listed = jobs.find(job => job.JobDescription === 'late')?.JobId;
		}

		expect(Date.now() - started).toBeLessThan(400);
		const {jobId: answered} = await answer;
		expect(Date.now() - started).toBeGreaterThanOrEqual(390);
		expect(answered).toBe(listed);
		expect((await glacier.send(new ListJobsCommand({accountId: '-', vaultName: 'v'}))).JobList!.length).toBe(before + 1);
	});

	it('matches rules by job and by exact Range header', async () => {
		e.faults.add({kind: 'throttle', jobId: other});
		e.faults.add({kind: 'throttle', range: `bytes=${MiB}-${(2 * MiB) - 1}`});
		expect((await get(jobId)).bytes.length).toBe(size);
		expect((await get(jobId, `bytes=0-${MiB - 1}`)).bytes.length).toBe(MiB);
		await expect(get(jobId, `bytes=${MiB}-${(2 * MiB) - 1}`)).rejects.toMatchObject({name: 'ThrottlingException'});
		await expect(get(other)).rejects.toMatchObject({name: 'ThrottlingException'});
		expect((await get(other)).bytes.length).toBe(size);
	});

	it('takes rules over HTTP: POST, GET (rules and hits), DELETE', async () => {
		const post = await raw(e.url, '/_emulator/faults', {method: 'POST', body: JSON.stringify({kind: 'unavailable', times: 'Infinity'})});
		expect(post.status).toBe(201);
		await expect(get()).rejects.toMatchObject({name: 'ServiceUnavailableException'});
		const state = JSON.parse((await raw(e.url, '/_emulator/faults')).body.toString()) as {rules: Array<Record<string, unknown>>; hits: Array<Record<string, unknown>>};
		expect(state.rules).toEqual([{kind: 'unavailable', times: 'Infinity', left: 'Infinity'}]);
		expect(state.hits.at(-1)).toMatchObject({op: 'GetJobOutput', jobId, rule: {kind: 'unavailable'}});
		expect((await raw(e.url, '/_emulator/faults', {method: 'DELETE'})).status).toBe(200);
		expect((await get()).bytes.length).toBe(size);
		const bad = await raw(e.url, '/_emulator/faults', {method: 'POST', body: '{"kind":"explode"}'});
		expect(bad.status).toBe(400);
		expect(JSON.parse(bad.body.toString()).message).toContain('unknown fault kind');
	});

	it('parses --fault specs', () => {
		expect(parseFaultSpec('drop:times=3,afterBytes=100000')).toEqual({kind: 'drop', times: 3, afterBytes: 100_000});
		expect(parseFaultSpec('throttle:op=ListJobs,times=Infinity')).toEqual({kind: 'throttle', op: 'ListJobs', times: Number.POSITIVE_INFINITY});
		expect(parseFaultSpec('corrupt')).toEqual({kind: 'corrupt'});
		expect(() => parseFaultSpec('drop:afterBytes=-1')).toThrow(/non-negative/);
		expect(() => parseFaultSpec('drop:colour=red')).toThrow(/unknown fault rule field/);
		expect(() => parseFaultSpec('throttle:op=Upload')).toThrow(/unknown op/);
		expect(parseFaultSpec('size-lie:extraBytes=5')).toEqual({kind: 'size-lie', extraBytes: 5});
		expect(parseFaultSpec('late-answer:stallMs=50')).toEqual({kind: 'late-answer', stallMs: 50});
		expect(parseFaultSpec('trickle:bytesPerSecond=1,afterBytes=10')).toEqual({kind: 'trickle', bytesPerSecond: 1, afterBytes: 10});
		expect(() => parseFaultSpec('trickle:bytesPerSecond=0')).toThrow(/trickle needs bytesPerSecond > 0/);
	});
});
