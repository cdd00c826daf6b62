/**
 * `thaw get-job-output` stopped by Ctrl-C or a lost terminal (SIGHUP) while
 * chunks are in flight keeps their whole 1 MiB leaves (issue 13 §4): the
 * built CLI in a child process, an in-process emulator over real HTTP whose
 * `stall` fault holds each body after a set number of bytes.
 */
import type {ChildProcess} from 'node:child_process';
import {mkdtemp, open, readFile, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {startEmulator, type Emulator} from '../../source/emulator/index.js';
import {journalPath, partPath, startDownload} from '../../source/engine/download/index.js';
import {connect} from '../../source/glacier/client.js';
import {readJournal} from '../../source/engine/journal.js';
import {runThaw} from '../run-cli.js';

const MiB = 1024 * 1024;
const size = 8 * MiB;

let emulator: Emulator;
let dir: string;
let archiveId: string;
let jobId: string;
let n = 0;
const children = new Set<ChildProcess>();

beforeAll(async () => {
	emulator = await startEmulator();
	emulator.createVault('photos');
	({archiveId} = emulator.addArchive('photos', {size, description: 'photos/2020.tar', seed: 'inflight-cli'}));
	jobId = await emulator.addJob('photos', {type: 'archive-retrieval', archiveId});
	dir = await mkdtemp(join(tmpdir(), 'thaw-inflight-'));
});
afterEach(() => {
	emulator.faults.clear();
	for (const child of children) child.kill('SIGKILL');
	children.clear();
});
afterAll(async () => {
	await emulator.close();
	await rm(dir, {recursive: true, force: true});
});

const args = (file: string) => ['get-job-output', '--endpoint-url', emulator.url, '--account-id', '-', '--vault-name', 'photos', '--job-id', jobId, '--chunk-size', '4', '--quiet', file];

/** Whether the .part holds the archive's true bytes over [start, start + length). */
async function holds(file: string, start: number, length: number): Promise<boolean> {
	const handle = await open(partPath(file), 'r').catch(() => undefined);
	if (!handle) return false;
	try {
		const buffer = Buffer.alloc(length);
		const {bytesRead} = await handle.read(buffer, 0, length, start);
		return bytesRead === length && buffer.equals(emulator.archiveBytes('photos', archiveId, start, start + length - 1));
	} finally {
		await handle.close();
	}
}

describe('stopping thaw get-job-output mid-chunk', () => {
	it.each(['SIGINT', 'SIGHUP'] as const)('%s: exit 130 with the whole leaves in flight journaled; the next run fetches only the rest', async signal => {
		const file = join(dir, `out-${++n}.bin`);
		// Chunk 0 is held after 2.5 MiB, chunk 1 after 1.5 MiB: 2 and 1 whole leaves.
		emulator.faults.add({kind: 'stall', jobId, range: `bytes=0-${(4 * MiB) - 1}`, afterBytes: 2.5 * MiB});
		emulator.faults.add({kind: 'stall', jobId, range: `bytes=${4 * MiB}-${size - 1}`, afterBytes: 1.5 * MiB});
		const run = await runThaw(args(file), {
			onSpawn(child) {
				children.add(child);
				let sent = false;
				const timer = setInterval(async () => {
					// Ticks overlap (each awaits reads): only one signal, as a second Ctrl-C means "stop at once".
					if (sent || !await holds(file, 0, 2 * MiB) || !await holds(file, 4 * MiB, MiB) || sent) return;
					sent = true;
					clearInterval(timer);
					child.kill(signal);
				}, 20);
				child.on('exit', () => {
					clearInterval(timer);
				});
			},
		});
		expect(run.code, run.stderr).toBe(130);
		const journal = await readJournal(journalPath(file));
		expect([...journal!.leaves.values()].map(entry => [entry.index, entry.leaves.length / 64]).sort(), run.stderr).toEqual([[0, 2], [1, 1]]);

		// The next run (in process here: the CLI's own resume is tested in get-job-output.test.ts).
		const before = emulator.requests.length;
		const connection = connect({endpointUrl: emulator.url, region: 'us-east-1', demoCredentials: true});
		try {
			const result = await startDownload({connection, vaultName: 'photos', jobId, outfile: file}).done;
			expect(result.verdict.ok).toBe(true);
			expect(result.verdict.checkedBy).toBe('tree-hash');
		} finally {
			connection.close();
		}

		expect((await readFile(file)).equals(emulator.archiveBytes('photos', archiveId, 0, size - 1))).toBe(true);
		const requests = emulator.requests.slice(before).filter(r => r.op === 'GetJobOutput');
		expect(requests.map(r => r.range).sort()).toEqual([`bytes=${2 * MiB}-${(4 * MiB) - 1}`, `bytes=${5 * MiB}-${size - 1}`]);
		// 3 MiB of the 4 MiB in flight were kept: 5 MiB fetched again, not 8.
		expect(requests.reduce((sum, r) => sum + r.bytes, 0)).toBe(5 * MiB);
	}, 30_000);
});
