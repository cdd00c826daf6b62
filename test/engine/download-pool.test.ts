/**
 * Many downloads through one pool, as a restore of a whole vault runs them:
 * one connection, one limit on chunks in flight, one slot budget, jobs passed
 * in up front so no DescribeJob is sent. Against the emulator over real HTTP.
 */
import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {createDownloadPool, jobFromFacts, startDownload} from '../../source/engine/download/index.js';
import {connect} from '../../source/glacier/client.js';
import {exists, MiB, world, type World} from './download-helpers.js';

let w: World;
const archives: Array<{archiveId: string; size: number; jobId: string; treeHash: string}> = [];

beforeAll(async () => {
	w = await world(2 * MiB + 77);
	for (let i = 0; i < 50; i++) {
		// Mostly 16 KiB, a few odd sizes and one of several chunks.
		const size = i === 7 ? 3 * MiB + 5 : (i % 10 === 3 ? 1 + i : 16 * 1024);
		const {archiveId} = w.emulator.addArchive(w.vault, {size, description: `small/${i}.txt`, seed: `pool-${i}`});
		 
		const jobId = await w.emulator.addJob(w.vault, {type: 'archive-retrieval', archiveId});
		 
		archives.push({archiveId, size, jobId, treeHash: await w.emulator.archiveTreeHash(w.vault, archiveId)});
	}
});
afterAll(async () => w.close());

describe('a shared download pool', () => {
	it('50 downloads at once through one pool: exact bytes, every verdict verified, the pool limit held, no DescribeJob', async () => {
		const connection = connect({endpointUrl: w.emulator.url, region: 'us-east-1', demoCredentials: true, maxSockets: 6});
		const pool = createDownloadPool({connection, concurrency: 6, maxBytesInFlight: 4 * MiB});
		const before = w.emulator.requests.length;
		try {
			const downloads = archives.map((archive, i) => startDownload({
				pool,
				vaultName: w.vault,
				jobId: archive.jobId,
				job: jobFromFacts({jobId: archive.jobId, archiveId: archive.archiveId, size: archive.size, treeHash: archive.treeHash, archiveTreeHash: archive.treeHash}),
				outfile: join(w.dir, `pool-${i}.bin`),
				chunkSize: MiB,
				retryBaseMs: 2,
				retryCapMs: 20,
			}));
			const results = await Promise.all(downloads.map(async download => download.done));
			for (const [i, result] of results.entries()) {
				const archive = archives[i];
				expect(result.verdict.ok).toBe(true);
				expect(result.verdict.checkedBy).toBe('tree-hash');
				expect(result.verdict.computed).toBe(archive.treeHash);
				 
				const bytes = await readFile(join(w.dir, `pool-${i}.bin`));
				expect(bytes.equals(w.emulator.archiveBytes(w.vault, archive.archiveId, 0, archive.size - 1))).toBe(true);
				 
				expect(await exists(join(w.dir, `pool-${i}.bin.part`))).toBe(false);
			}

			const served = w.emulator.requests.slice(before);
			expect(served.filter(r => r.op === 'DescribeJob')).toHaveLength(0);
			// One GET per small archive, four for the 3 MiB one.
			expect(served.filter(r => r.op === 'GetJobOutput')).toHaveLength(49 + 4);
			expect(pool.peakInFlight).toBeGreaterThan(1);
			expect(pool.peakInFlight).toBeLessThanOrEqual(6);
			expect(pool.inFlight).toBe(0);
		} finally {
			await pool.close();
			connection.close();
		}
	});

	it('a byte budget smaller than two chunks runs them one at a time, and still finishes', async () => {
		const connection = connect({endpointUrl: w.emulator.url, region: 'us-east-1', demoCredentials: true});
		// Each chunk in flight reserves two 256 KiB slots: 600 KiB lets only one run.
		const pool = createDownloadPool({connection, concurrency: 8, maxBytesInFlight: 600 * 1024});
		try {
			const downloads = [0, 1, 2].map(i => startDownload({pool, vaultName: w.vault, jobId: w.jobId, outfile: join(w.dir, `budget-${i}.bin`), chunkSize: MiB}));
			const results = await Promise.all(downloads.map(async download => download.done));
			expect(results.every(result => result.verdict.ok)).toBe(true);
			expect(pool.peakInFlight).toBe(1);
		} finally {
			await pool.close();
			connection.close();
		}
	});
});
