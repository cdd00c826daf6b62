/**
 * What the chunks say once a download has ended in failure: a chunk that was
 * waiting for its retry is waiting again, not "retrying" (the download screen
 * showed R and "1 retrying" under a failed verdict).
 */
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {startDownload} from '../../source/engine/download/index.js';
import {connect} from '../../source/glacier/client.js';
import {MiB, rangeOf, world, type World} from './download-helpers.js';

let w: World;
beforeAll(async () => {
	w = await world(4 * MiB);
});
afterAll(async () => w.close());

describe('a download that fails while another chunk waits for its retry', () => {
	it('leaves no chunk "retrying": the waiting one is back to waiting, the failed one failed', async () => {
		// Two at a time: chunk 2 fails once and waits 10 s for its retry; chunk 1 is verified, then
		// chunk 3 is refused for good (a bad signature ends the download) while chunk 2 still waits.
		w.emulator.faults.add({kind: 'unavailable', range: rangeOf(1, w.size), times: 1});
		w.emulator.faults.add({kind: 'bad-signature', range: rangeOf(2, w.size), times: 1});
		const connection = connect({...w.connectOptions, maxSockets: 4});
		try {
			const download = startDownload({connection, vaultName: w.vault, jobId: w.jobId, outfile: join(w.dir, 'stop.bin'), concurrency: 2, retryBaseMs: 10_000, retryCapMs: 10_000, readTimeoutMs: 2000});
			await expect(download.done).rejects.toThrow();
			const snapshot = download.store.getSnapshot();
			expect(snapshot.phase).toBe('failed');
			expect(snapshot.chunks.filter(chunk => chunk.state === 'retrying')).toEqual([]);
			expect(snapshot.chunks.map(chunk => chunk.state)).toEqual(['verified', 'pending', 'failed', 'pending']);
		} finally {
			connection.close();
		}
	});
});
