import {request} from 'node:http';
import {GlacierClient} from '@aws-sdk/client-glacier';
import {startEmulator, type Emulator, type EmulatorOptions} from '../../source/emulator/index.js';

export const MiB = 1024 * 1024;

export type Clock = {now: () => number; advance(ms: number): void; set(ms: number): void};

export function clock(start = Date.parse('2026-01-15T12:00:00.000Z')): Clock {
	let t = start;
	return {
		now: () => t,
		advance(ms) {
			t += ms;
		},
		set(ms) {
			t = ms;
		},
	};
}

export async function emulator(options: EmulatorOptions = {}): Promise<Emulator> {
	return startEmulator({hashCacheDir: false, ...options});
}

export function client(url: string, maxAttempts = 1): GlacierClient {
	return new GlacierClient({endpoint: url, region: 'us-east-1', credentials: {accessKeyId: 'test', secretAccessKey: 'test'}, maxAttempts});
}

/** The whole body of a GetJobOutput answer. */
export async function bodyBytes(body: unknown): Promise<Buffer> {
	const parts: Buffer[] = [];
	for await (const part of body as AsyncIterable<Uint8Array>) parts.push(Buffer.from(part));
	return Buffer.concat(parts);
}

export type RawResponse = {status: number; headers: Record<string, string | string[] | undefined>; body: Buffer; error?: Error};

/** A plain HTTP request (no SDK), for what the SDK would never send. */
export async function raw(url: string, path: string, options: {method?: string; headers?: Record<string, string>; body?: string} = {}): Promise<RawResponse> {
	return new Promise((resolve, reject) => {
		const req = request(new URL(path, url), {method: options.method ?? 'GET', headers: options.headers, agent: false}, res => {
			const parts: Buffer[] = [];
			res.on('data', (part: Buffer) => parts.push(part));
			const done = (error?: Error): void => {
				resolve({status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts), ...(error ? {error} : {})});
			};

			res.on('end', () => {
				done();
			});
			res.on('error', error => {
				done(error);
			});
			res.on('aborted', () => {
				done(new Error('aborted'));
			});
		});
		req.on('error', reject);
		req.end(options.body);
	});
}

/** Headers the SDK would send, minus the signature details: enough for the emulator. */
export const glacierHeaders = {'x-amz-glacier-version': '2012-06-01', 'Authorization': 'AWS4-HMAC-SHA256 Credential=test/20260115/us-east-1/glacier/aws4_request, SignedHeaders=host, Signature=0'};

/** Byte equality without vitest's slow element-by-element diff: '' when equal, else where they differ. */
export function difference(actual: Uint8Array, expected: Uint8Array): string {
	if (Buffer.compare(actual, expected) === 0) return '';
	const length = Math.min(actual.length, expected.length);
	let i = 0;
	while (i < length && actual[i] === expected[i]) i++;
	return `lengths ${actual.length} and ${expected.length}, first difference at byte ${i}`;
}
