/** The headless progress while a resume re-checks the .part (issue 13 §6): it says so instead of nothing. */
import {PassThrough} from 'node:stream';
import {describe, expect, it} from 'vitest';
import {EngineStore} from '../../source/engine/download-store.js';
import {progressLine, startProgress} from '../../source/headless/progress.js';

const MiB = 1024 * 1024;

describe('get-job-output progress, planning', () => {
	it('prints nothing while it asks Glacier, then how far the re-check of the kept chunks is', async () => {
		const store = new EngineStore({vaultName: 'photos', jobId: 'J', outfile: '/data/out.bin', notifyMs: 1});
		const stream = new PassThrough();
		let text = '';
		stream.on('data', (data: Buffer) => {
			text += data.toString();
		});
		const progress = startProgress(store, {stream, mode: 'lines', intervalMs: 10});
		await new Promise(resolve => setTimeout(resolve, 40));
		expect(text).toBe('');
		// As the resume step drives the store (engine/download/resume.ts).
		store.plan({total: 4 * MiB, chunkSize: MiB, verification: {mode: 'tree-hash'}}, [0, 1, 2, 3].map(index => ({index, start: index * MiB, end: (index + 1) * MiB - 1, state: 'pending' as const, received: 0, attempts: 0})));
		await new Promise(resolve => setTimeout(resolve, 40));
		expect(text).toBe('');
		store.updateChunk(0, {state: 'verified', received: MiB, resumed: true});
		store.updateChunk(1, {state: 'verifying'});
		await new Promise(resolve => setTimeout(resolve, 40));
		progress.stop();
		expect(text.split('\n')[0]).toBe('re-checking the chunks kept in the .part file: 1/4 verified');
	});

	it('the download line fits 80 columns: retries only once there are some', () => {
		const store = new EngineStore({vaultName: 'photos', jobId: 'J', outfile: '/data/out.bin'});
		store.plan({total: 10 * 1024 * MiB, chunkSize: 64 * MiB, verification: {mode: 'tree-hash'}}, Array.from({length: 160}, (_v, index) => ({index, start: index * 64 * MiB, end: (index + 1) * 64 * MiB - 1, state: 'pending' as const, received: 0, attempts: 0})));
		store.phaseTo('downloading');
		store.received(0, 9 * 1024 * MiB);
		for (let index = 0; index < 136; index++) store.updateChunk(index, {state: 'verified', received: 64 * MiB});
		const line = progressLine(store.getSnapshot());
		expect(line).not.toContain('retries');
		expect(line.length).toBeLessThan(80);
		store.addRetry();
		expect(progressLine(store.getSnapshot())).toMatch(/ {2}retries 1$/);
	});
});
