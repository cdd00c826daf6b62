/** Shared set-up for the download tests: an in-process emulator, a vault with a few small archives, temp files. */
import {mkdtemp, readFile, rm, stat} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {connect, type Connection} from '../../source/glacier/client.js';
import {startEmulator, type Emulator, type EmulatorOptions} from '../../source/emulator/index.js';
import {startDownload, type DownloadOptions, type DownloadResult} from '../../source/engine/download/index.js';
import {ThawError} from '../../source/errors.js';

export const MiB = 1024 * 1024;

export type World = {
	emulator: Emulator;
	connection: Connection;
	dir: string;
	/** Added to the real time: tests move the emulator's clock forward to expire jobs. */
	clock: {offset: number};
	vault: string;
	archiveId: string;
	size: number;
	jobId: string;
	/** The connection options every download of this world uses (--ca-bundle when the emulator serves https). */
	connectOptions: {endpointUrl: string; region: string; demoCredentials: true; caBundle?: string};
	close(): Promise<void>;
};

/** The test certificate (self-signed for 127.0.0.1, 100 years) for an emulator that serves https. */
export const tlsFixture = {
	cert: new URL('../fixtures/tls/emulator.crt', import.meta.url).pathname,
	key: new URL('../fixtures/tls/emulator.key', import.meta.url).pathname,
};

/** The emulator's options for https (the SDK's node:https handler, as with real Glacier), or none for plain http (thaw's direct handler). */
export async function transportOptions(transport: 'http' | 'https'): Promise<EmulatorOptions> {
	return transport === 'https' ? {tls: {cert: await readFile(tlsFixture.cert), key: await readFile(tlsFixture.key)}} : {};
}

/** An emulator with vault 'photos' holding one archive of `size` bytes and a Succeeded whole-archive job for it. */
export async function world(size = 4 * MiB + 12_345, options: EmulatorOptions = {}): Promise<World> {
	const clock = {offset: 0};
	const emulator = await startEmulator({now: () => Date.now() + clock.offset, ...options});
	emulator.createVault('photos');
	const {archiveId} = emulator.addArchive('photos', {size, description: 'photos/2019.tar', seed: 'download-tests'});
	const jobId = await emulator.addJob('photos', {type: 'archive-retrieval', archiveId});
	const connectOptions = {endpointUrl: emulator.url, region: 'us-east-1', demoCredentials: true as const, ...(options.tls ? {caBundle: tlsFixture.cert} : {})};
	const connection = connect({...connectOptions, maxSockets: 8});
	const dir = await mkdtemp(join(tmpdir(), 'thaw-download-'));
	return {
		emulator, connection, dir, clock, vault: 'photos', archiveId, size, jobId, connectOptions,
		async close() {
			connection.close();
			await emulator.close();
			await rm(dir, {recursive: true, force: true});
		},
	};
}

/** One download on its own connection (as the CLI makes one per run). */
export async function fetch(w: World, outfile: string, options: Partial<DownloadOptions> = {}): Promise<DownloadResult> {
	const connection = connect({...w.connectOptions, maxSockets: options.concurrency ?? 8});
	try {
		const download = startDownload({connection, vaultName: w.vault, jobId: w.jobId, outfile, retryBaseMs: 2, retryCapMs: 20, readTimeoutMs: 2000, ...options});
		return await download.done;
	} finally {
		connection.close();
	}
}

/** The ThawError a download failed with. */
export async function failure(promise: Promise<unknown>): Promise<ThawError> {
	try {
		await promise;
	} catch (error) {
		if (error instanceof ThawError) return error;
		throw error;
	}

	throw new Error('expected the download to fail');
}

export async function exists(path: string): Promise<boolean> {
	return stat(path).then(() => true, () => false);
}

export async function sameBytes(w: World, file: string, start = 0, end = w.size - 1): Promise<boolean> {
	const got = await readFile(file);
	return got.equals(w.emulator.archiveBytes(w.vault, w.archiveId, start, end));
}

/** GetJobOutput requests the emulator served for this job, by Range header. */
export function outputRequests(w: World, jobId = w.jobId): Array<string | undefined> {
	return w.emulator.requests.filter(r => r.op === 'GetJobOutput' && r.path.includes(jobId)).map(r => r.range);
}

export function rangeOf(index: number, size: number, chunk = MiB): string {
	return `bytes=${index * chunk}-${Math.min((index + 1) * chunk, size) - 1}`;
}
