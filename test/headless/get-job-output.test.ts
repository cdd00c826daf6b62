/**
 * `thaw get-job-output` as a person or a script runs it: the built CLI in a
 * child process against an in-process emulator over real HTTP.
 */
import type {ChildProcess} from 'node:child_process';
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {hostname, tmpdir} from 'node:os';
import {join} from 'node:path';
import {PassThrough} from 'node:stream';
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {startEmulator, type Emulator} from '../../source/emulator/index.js';
import {journalPath, lockPath, partPath} from '../../source/engine/download/index.js';
import {EngineStore} from '../../source/engine/download-store.js';
import {readJournal} from '../../source/engine/journal.js';
import {progressLine, startProgress} from '../../source/headless/progress.js';
import {runThaw, type CliRun} from '../run-cli.js';

const MiB = 1024 * 1024;
const size = 6 * MiB + 777;

let emulator: Emulator;
let dir: string;
let archiveId: string;
let jobId: string;
let n = 0;
const out = () => join(dir, `file-${++n}.bin`);

type Run = CliRun;

async function thaw(args: string[], options: {onSpawn?: (child: ChildProcess) => void} = {}): Promise<Run> {
	return runThaw(args, options);
}

const base = (job = jobId) => ['get-job-output', '--endpoint-url', emulator.url, '--account-id', '-', '--vault-name', 'photos', '--job-id', job];
const outputRequests = (job = jobId) => emulator.requests.filter(r => r.op === 'GetJobOutput' && r.path.includes(job)).map(r => r.range);

beforeAll(async () => {
	emulator = await startEmulator();
	emulator.createVault('photos');
	({archiveId} = emulator.addArchive('photos', {size, description: 'photos/2019.tar', seed: 'cli-tests'}));
	jobId = await emulator.addJob('photos', {type: 'archive-retrieval', archiveId});
	dir = await mkdtemp(join(tmpdir(), 'thaw-gjo-'));
});
afterAll(async () => {
	await emulator.close();
	await rm(dir, {recursive: true, force: true});
});
beforeEach(() => {
	emulator.faults.clear();
});

describe('thaw get-job-output', () => {
	it('prints the AWS CLI keys plus its own, and writes the verified output', async () => {
		const file = out();
		const {code, stdout, stderr} = await thaw([...base(), file]);
		expect(code).toBe(0);
		const printed = JSON.parse(stdout) as Record<string, unknown>;
		const hash = await emulator.archiveTreeHash('photos', archiveId);
		// The keys and order `aws glacier get-job-output` prints (checked against aws-cli 1.45 on the emulator).
		expect(Object.keys(printed).slice(0, 5)).toEqual(['checksum', 'status', 'acceptRanges', 'contentType', 'archiveDescription']);
		expect(printed).toMatchObject({checksum: hash, status: 200, acceptRanges: 'bytes', contentType: 'application/octet-stream', archiveDescription: 'photos/2019.tar'});
		expect(printed).toMatchObject({treeHash: hash, verified: true, verification: 'tree-hash', bytes: size, chunks: 7, retries: 0, resumedChunks: 0});
		expect(typeof printed.seconds).toBe('number');
		expect(stdout).toContain('\n    "status": 200');
		expect((await readFile(file)).equals(emulator.archiveBytes('photos', archiveId, 0, size - 1))).toBe(true);
		expect(stderr).toContain('verified');
		expect(stderr).not.toContain('NodeVersionSupportWarning');
	});

	it('--output text prints the CLI\'s values sorted by key, tab-separated', async () => {
		const {code, stdout} = await thaw([...base(), '--output', 'text', '--quiet', out()]);
		expect(code).toBe(0);
		expect(stdout).toBe(`bytes\tphotos/2019.tar\t${await emulator.archiveTreeHash('photos', archiveId)}\tapplication/octet-stream\t200\n`);
	});

	it('--range: 206 with contentRange, and only those bytes', async () => {
		const file = out();
		const {code, stdout} = await thaw([...base(), '--range', `bytes=${2 * MiB}-${4 * MiB - 1}`, '--quiet', file]);
		expect(code).toBe(0);
		expect(JSON.parse(stdout)).toMatchObject({status: 206, contentRange: `bytes ${2 * MiB}-${4 * MiB - 1}/${size}`, verified: true});
		expect((await readFile(file)).equals(emulator.archiveBytes('photos', archiveId, 2 * MiB, 4 * MiB - 1))).toBe(true);
	});

	it('--quiet prints nothing on stderr; faults show as warnings otherwise', async () => {
		emulator.faults.add({kind: 'corrupt', jobId, range: `bytes=0-${MiB - 1}`, times: 1});
		const quiet = await thaw([...base(), '--quiet', out()]);
		expect(quiet.code).toBe(0);
		expect(quiet.stderr).toBe('');
		expect(JSON.parse(quiet.stdout)).toMatchObject({retries: 1, verified: true});
		emulator.faults.add({kind: 'drop', jobId, range: `bytes=0-${MiB - 1}`, times: 1});
		const loud = await thaw([...base(), out()]);
		expect(loud.code).toBe(0);
		expect(loud.stderr).toMatch(/warning: chunk 1 \(bytes 0-1048575\): connection broke/);
	});

	it('usage errors: one line, exit 2', async () => {
		const cases = [
			['get-job-output', '--endpoint-url', emulator.url, '--job-id', jobId, out()],
			[...base()],
			[...base(), '--range', 'bytes=5-', out()],
			[...base(), '--range', `bytes=0-${size}`, out()],
			[...base(), '--chunk-size', '3', out()],
			[...base(), '--concurrency', '0', out()],
			[...base(), '--output', 'yaml', out()],
			[...base(), '--bogus', out()],
		];
		for (const args of cases) {
			const {code, stderr, stdout} = await thaw(args);
			expect(code, args.join(' ')).toBe(2);
			expect(stdout).toBe('');
			expect(stderr.trim().split('\n'), stderr).toHaveLength(1);
			expect(stderr).toMatch(/^thaw: /);
		}
	});

	it('--help', async () => {
		const {code, stdout} = await thaw(['get-job-output', '--help']);
		expect(code).toBe(0);
		for (const option of ['--vault-name', '--job-id', '--range', '--chunk-size', '--concurrency', '--quiet', '--overwrite', '--cli-read-timeout']) expect(stdout).toContain(option);
	});

	it('an expired job: exit 4, one line saying to start a new retrieval', async () => {
		const {code, stderr, stdout} = await thaw([...base('ExpiredOrNeverExisted'), out()]);
		expect(code).toBe(4);
		expect(stdout).toBe('');
		expect(stderr.trim().split('\n')).toHaveLength(1);
		expect(stderr).toMatch(/expired.*new retrieval/i);
		expect(stderr).not.toMatch(/\bat .*\.js:\d+/);
	});

	it('persistent corruption: exit 3, no final file, .part and journal kept', async () => {
		emulator.faults.add({kind: 'corrupt', jobId, range: `bytes=${3 * MiB}-${4 * MiB - 1}`, times: Infinity});
		const file = out();
		const {code, stderr} = await thaw([...base(), '--max-attempts', '3', file]);
		expect(code).toBe(3);
		const lines = stderr.trim().split('\n');
		expect(lines.filter(line => line.includes('warning: chunk 4') && line.includes('tree hash mismatch'))).toHaveLength(2);
		expect(lines.at(-1)).toMatch(/^thaw: verification failed: chunk 4 .* failed 3 times, last: tree hash mismatch/);
		expect(lines.filter(line => !line.includes('warning:') && !/\bETA\b/.test(line))).toHaveLength(1);
		await expect(readFile(file)).rejects.toThrow();
		expect((await readJournal(journalPath(file)))?.chunks.has(3)).toBe(false);
		await readFile(partPath(file));
	});

	it('an existing file: exit 6 unless --overwrite', async () => {
		const file = out();
		await writeFile(file, 'keep me');
		const refused = await thaw([...base(), '--quiet', file]);
		expect(refused.code).toBe(6);
		expect(await readFile(file, 'utf8')).toBe('keep me');
		const replaced = await thaw([...base(), '--quiet', '--overwrite', file]);
		expect(replaced.code).toBe(0);
	});

	it('killed with SIGKILL mid-way, the same command fetches only the missing chunks and verifies the whole', async () => {
		emulator.faults.add({kind: 'bandwidth', jobId, bytesPerSecond: 2 * MiB, times: Infinity});
		const file = out();
		const args = [...base(), '--concurrency', '2', '--chunk-size', '1', file];
		const first = await thaw(args, {
			onSpawn(child) {
				const timer = setInterval(async () => {
					const journal = await readJournal(journalPath(file)).catch(() => null);
					if (journal && journal.chunks.size >= 2) {
						clearInterval(timer);
						child.kill('SIGKILL');
					}
				}, 20);
			},
		});
		expect(first.signal).toBe('SIGKILL');
		const journal = (await readJournal(journalPath(file)))!;
		const kept = [...journal.chunks.keys()];
		expect(kept.length).toBeGreaterThanOrEqual(2);
		expect(kept.length).toBeLessThan(7);
		emulator.faults.clear();
		const before = outputRequests().length;
		const second = await thaw([...args.slice(0, -1), '--quiet', file]);
		expect(second.code, second.stderr).toBe(0);
		const missing = [0, 1, 2, 3, 4, 5, 6].filter(i => !kept.includes(i)).map(i => `bytes=${i * MiB}-${Math.min((i + 1) * MiB, size) - 1}`);
		expect(outputRequests().slice(before).sort()).toEqual(missing.sort());
		expect(JSON.parse(second.stdout)).toMatchObject({verified: true, resumedChunks: kept.length});
		expect((await readFile(file)).equals(emulator.archiveBytes('photos', archiveId, 0, size - 1))).toBe(true);
	}, 60_000);

	it('SIGINT: exit 130, .part and journal kept for the next run', async () => {
		emulator.faults.add({kind: 'bandwidth', jobId, bytesPerSecond: MiB, times: Infinity});
		const file = out();
		const run = await thaw([...base(), '--quiet', file], {
			onSpawn(child) {
				// One SIGINT only: ticks overlap (each awaits a read), and a second SIGINT means "exit now".
				let sent = false;
				const timer = setInterval(async () => {
					if (await readFile(journalPath(file)).then(() => true, () => false) && !sent) {
						sent = true;
						clearInterval(timer);
						child.kill('SIGINT');
					}
				}, 20);
			},
		});
		expect(run.code).toBe(130);
		expect(run.stderr).toContain('run the same command again');
		await readFile(partPath(file));
		await readFile(journalPath(file));
	});
});

describe('one writer per OUTFILE (issue 8 §2)', () => {
	it('a second process on the same OUTFILE exits 6 with one line naming the first; the first still verifies', async () => {
		// The first is slowed (256 KiB/s per response: ~4 s) so the second starts while it runs.
		emulator.faults.add({kind: 'bandwidth', jobId, bytesPerSecond: 256 * 1024, times: Infinity});
		const file = out();
		let firstPid = 0;
		let second: Promise<Run> | undefined;
		const first = await thaw([...base(), '--quiet', file], {
			onSpawn(child) {
				firstPid = child.pid!;
				const timer = setInterval(async () => {
					if (second || !await readFile(lockPath(file)).then(() => true, () => false)) return;
					clearInterval(timer);
					second = thaw([...base(), '--quiet', file]);
				}, 20);
			},
		});
		expect(second).toBeDefined();
		const other = await second!;
		expect(other.code).toBe(6);
		expect(other.stdout).toBe('');
		expect(other.stderr).toMatch(new RegExp(`^thaw: ${file.replaceAll('.', '\\.')} is being downloaded by thaw pid ${firstPid} on host ${hostname().replaceAll('.', '\\.')} since \\d\\d:\\d\\d; wait for it or stop it\n$`));
		expect(first.code, first.stderr).toBe(0);
		expect(JSON.parse(first.stdout)).toMatchObject({verified: true, retries: 0});
		expect((await readFile(file)).equals(emulator.archiveBytes('photos', archiveId, 0, size - 1))).toBe(true);
		// Released at the end: a third run finds only the finished file.
		await expect(readFile(lockPath(file))).rejects.toThrow();
		const third = await thaw([...base(), '--quiet', file]);
		expect(third.code).toBe(6);
		expect(third.stderr).toContain('already exists');
	}, 60_000);

	it('a lock left by a killed run (kill -9) is taken over by the next run, which resumes', async () => {
		emulator.faults.add({kind: 'bandwidth', jobId, bytesPerSecond: MiB, times: Infinity});
		const file = out();
		const killed = await thaw([...base(), '--quiet', '--chunk-size', '1', file], {
			onSpawn(child) {
				const timer = setInterval(async () => {
					const journal = await readJournal(journalPath(file)).catch(() => null);
					if (journal && journal.chunks.size > 0) {
						clearInterval(timer);
						child.kill('SIGKILL');
					}
				}, 20);
			},
		});
		expect(killed.signal).toBe('SIGKILL');
		await readFile(lockPath(file));
		emulator.faults.clear();
		const again = await thaw([...base(), '--quiet', '--chunk-size', '1', file]);
		expect(again.code, again.stderr).toBe(0);
		expect(JSON.parse(again.stdout).resumedChunks).toBeGreaterThan(0);
		await expect(readFile(lockPath(file))).rejects.toThrow();
	}, 60_000);
});

describe('progress on stderr', () => {
	function storeWith(total: number): EngineStore {
		const store = new EngineStore({vaultName: 'v', jobId: 'j', outfile: 'o', notifyMs: 1});
		store.plan({total, chunkSize: MiB}, [0, 1].map(index => ({index, start: index * MiB, end: index * MiB + MiB - 1, state: 'pending' as const, received: 0, attempts: 0})));
		store.phaseTo('downloading');
		return store;
	}

	function capture() {
		const stream = new PassThrough();
		let text = '';
		stream.on('data', (data: Buffer) => {
			text += data.toString();
		});
		return {stream, text: () => text};
	}

	it('the line shows bytes, percent, rate, ETA, chunks and retries', () => {
		const store = storeWith(2 * MiB);
		store.received(0, MiB);
		store.updateChunk(0, {state: 'verified'});
		store.addRetry();
		const line = progressLine(store.getSnapshot());
		expect(line).toContain('1.00 MiB / 2.00 MiB (50%)');
		expect(line).toContain('chunks 1/2 verified');
		expect(line).toContain('retries 1');
		expect(line).toMatch(/ETA /);
	});

	it('live mode redraws one line with \\r; lines mode prints plain lines; warnings get their own line', async () => {
		const store = storeWith(2 * MiB);
		const live = capture();
		const plain = capture();
		const a = startProgress(store, {stream: live.stream, mode: 'live', intervalMs: 10});
		const b = startProgress(store, {stream: plain.stream, mode: 'lines', intervalMs: 10});
		store.received(1, 1000);
		store.log('warn', 'chunk 2: \u001B[31mtrouble');
		await new Promise(resolve => setTimeout(resolve, 60));
		a.stop();
		b.stop();
		expect(live.text()).toContain('\r');
		expect(live.text()).toContain('warning: chunk 2: \\x1b[31mtrouble\n');
		expect(plain.text()).not.toContain('\r');
		expect(plain.text().split('\n').filter(line => line.includes('chunks 0/2')).length).toBeGreaterThanOrEqual(2);
		expect(plain.text().match(/trouble/g)).toHaveLength(1);
	});

	it('off prints nothing', async () => {
		const store = storeWith(MiB);
		const quiet = capture();
		const progress = startProgress(store, {stream: quiet.stream, mode: 'off', intervalMs: 5});
		store.log('warn', 'x');
		await new Promise(resolve => setTimeout(resolve, 30));
		progress.stop();
		expect(quiet.text()).toBe('');
	});
});
