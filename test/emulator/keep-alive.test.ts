import {DescribeJobCommand, GetJobOutputCommand, GlacierClient} from '@aws-sdk/client-glacier';
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import {Agent} from 'node:http';
import {connect, type Socket} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import type {Emulator, FaultRule} from '../../source/emulator/index.js';
import {startDownload} from '../../source/engine/download/index.js';
import {connect as connectGlacier} from '../../source/glacier/client.js';
import {bodyBytes, emulator, glacierHeaders, MiB} from './helpers.js';

/** A promise that rejects after `ms` with a message naming what hung. */
async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<never>((_resolve, reject) => {
		timer = setTimeout(() => {
			reject(new Error(`${what}: no answer within ${ms} ms`));
		}, ms);
	});
	try {
		return await Promise.race([promise, timeout]);
	} finally {
		clearTimeout(timer);
	}
}

type Parsed = {status: number; headers: Record<string, string>; body: Buffer};

/** Read `count` HTTP/1.1 responses (Content-Length framed) from one socket. */
async function readResponses(socket: Socket, count: number): Promise<Parsed[]> {
	return new Promise((resolve, reject) => {
		let buffer = Buffer.alloc(0);
		const out: Parsed[] = [];
		const parse = (): void => {
			for (;;) {
				const end = buffer.indexOf('\r\n\r\n');
				if (end === -1) return;
				const lines = buffer.subarray(0, end).toString('latin1').split('\r\n');
				const headers: Record<string, string> = {};
				for (const line of lines.slice(1)) headers[line.slice(0, line.indexOf(':')).toLowerCase()] = line.slice(line.indexOf(':') + 1).trim();
				const length = Number(headers['content-length'] ?? 0);
				if (buffer.length < end + 4 + length) return;
				out.push({status: Number(lines[0].split(' ')[1]), headers, body: buffer.subarray(end + 4, end + 4 + length)});
				buffer = buffer.subarray(end + 4 + length);
				if (out.length === count) {
					socket.off('data', onData);
					resolve(out);
					return;
				}
			}
		};

		const onData = (data: Buffer): void => {
			buffer = Buffer.concat([buffer, data]);
			parse();
		};

		socket.on('data', onData);
		socket.on('error', reject);
		socket.on('close', () => {
			reject(new Error(`connection closed after ${out.length} of ${count} responses`));
		});
	});
}

describe('keep-alive connections after faults', () => {
	let e: Emulator;
	let jobId: string;
	const size = (2 * MiB) + 300;
	const host = () => new URL(e.url).host;
	const outputPath = () => `/-/vaults/v/jobs/${jobId}/output`;
	const describePath = () => `/-/vaults/v/jobs/${jobId}`;
	const head = (path: string, extra = ''): string => `GET ${path} HTTP/1.1\r\nHost: ${host()}\r\nx-amz-glacier-version: ${glacierHeaders['x-amz-glacier-version']}\r\nAuthorization: ${glacierHeaders.Authorization}\r\n${extra}\r\n`;

	beforeAll(async () => {
		e = await emulator();
		e.createVault('v');
		const {archiveId} = e.addArchive('v', {size, description: 'kept alive'});
		jobId = await e.addJob('v', {type: 'archive-retrieval', archiveId});
	});
	afterEach(() => {
		e.faults.clear();
	});
	afterAll(async () => e.close());

	// Faults after which the connection stays open (drop closes it by design).
	const faults: Array<FaultRule | undefined> = [
		undefined,
		{kind: 'bandwidth', bytesPerSecond: 2 * MiB},
		{kind: 'stall', afterBytes: 10_000, stallMs: 100},
		{kind: 'corrupt'},
		{kind: 'short', afterBytes: 5000},
		{kind: 'ignore-range'},
		{kind: 'wrong-hash'},
		{kind: 'throttle'},
		{kind: 'bandwidth', op: 'DescribeJob', bytesPerSecond: 20_000},
	];

	for (const fault of faults) {
		it(`answers a request pipelined behind a response with ${fault ? JSON.stringify(fault) : 'no fault'}`, async () => {
			if (fault) e.faults.add(fault);
			const socket = connect({host: '127.0.0.1', port: Number(new URL(e.url).port)});
			try {
				await new Promise<void>((resolve, reject) => {
					socket.once('connect', resolve);
					socket.once('error', reject);
				});
				const responses = readResponses(socket, 3);
				// Three requests at once on one connection: the second and third arrive while the first is still being sent.
				socket.write(head(outputPath(), `Range: bytes=0-${(256 * 1024) - 1}\r\n`) + head(describePath()) + head(describePath()));
				const [output, first, second] = await within(5000, 'pipelined requests', responses);
				expect([206, 200, 400]).toContain(output.status);
				for (const answer of [first, second]) {
					expect(answer.status).toBe(200);
					expect(JSON.parse(answer.body.toString('utf8'))).toMatchObject({JobId: jobId, StatusCode: 'Succeeded'});
				}
			} finally {
				socket.destroy();
			}
		});
	}

	it('the SDK on one keep-alive socket: GetJobOutput under bandwidth, then DescribeJob, several times', async () => {
		const agent = new Agent({keepAlive: true, maxSockets: 1});
		const glacier = new GlacierClient({endpoint: e.url, region: 'us-east-1', credentials: {accessKeyId: 'test', secretAccessKey: 'test'}, maxAttempts: 1, requestHandler: {httpAgent: agent}});
		try {
			e.faults.add({kind: 'bandwidth', bytesPerSecond: 4 * MiB, times: Number.POSITIVE_INFINITY});
			for (let round = 0; round < 4; round++) {
				const out = await within(5000, `round ${round}: GetJobOutput`, glacier.send(new GetJobOutputCommand({accountId: '-', vaultName: 'v', jobId, range: `bytes=0-${(512 * 1024) - 1}`})));
				expect((await bodyBytes(out.body)).length).toBe(512 * 1024);
				const job = await within(3000, `round ${round}: DescribeJob`, glacier.send(new DescribeJobCommand({accountId: '-', vaultName: 'v', jobId})));
				expect(job.StatusCode).toBe('Succeeded');
			}
		} finally {
			glacier.destroy();
			agent.destroy();
		}
	});

	it('a parallel download under the bandwidth fault keeps reusing its sockets and never stalls', async () => {
		// 8 chunks of 1 MiB over 2 sockets: every request after the first two goes out on a reused socket.
		const {archiveId} = e.addArchive('v', {size: 8 * MiB, description: 'paced'});
		const job = await e.addJob('v', {type: 'archive-retrieval', archiveId});
		e.faults.add({kind: 'bandwidth', bytesPerSecond: 8 * MiB, times: Number.POSITIVE_INFINITY});
		const dir = await mkdtemp(join(tmpdir(), 'thaw-keep-alive-'));
		const connection = connectGlacier({endpointUrl: e.url, region: 'us-east-1', demoCredentials: true, maxSockets: 2, maxAttempts: 1});
		try {
			const outfile = join(dir, 'out.bin');
			const download = startDownload({connection, vaultName: 'v', jobId: job, outfile, chunkSize: MiB, concurrency: 2, maxAttempts: 1, readTimeoutMs: 3000});
			const result = await download.done;
			expect(result.verdict.ok).toBe(true);
			expect(result.snapshot.retries).toBe(0);
			expect((await readFile(outfile)).equals(e.archiveBytes('v', archiveId, 0, (8 * MiB) - 1))).toBe(true);
		} finally {
			connection.close();
			await rm(dir, {recursive: true, force: true});
		}
	});
});
