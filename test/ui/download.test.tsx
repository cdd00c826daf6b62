import {readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {fitsIn, keys, startHarness, type Harness} from './helpers.js';

let harness: Harness | undefined;
afterEach(async () => {
	await harness?.close();
	harness = undefined;
});

const MiB = 1024 * 1024;
const size = (5 * MiB) + 123;

function fastGlacier(path: string): string {
	return `<m><v>4</v><p>${Buffer.from(path, 'utf8').toString('base64')}</p><lm>20160101T000000Z</lm></m>`;
}

async function archiveJob(options: {description?: string; faults?: Parameters<typeof startHarness>[0] extends infer O ? O extends {emulator?: infer E} ? E extends {faults?: infer F} ? F : never : never : never} = {}) {
	let archiveId = '';
	const h = await startHarness({
		emulator: {faults: options.faults},
		initial: [{screen: 'vaults'}, {screen: 'jobs', vaultName: 'photos'}],
		async setup(emulator) {
			emulator.createVault('photos');
			archiveId = emulator.addArchive('photos', {size, description: options.description ?? fastGlacier('../../etc/evil\u001B]0;x\u0007/holiday 2016.tar')}).archiveId;
			await emulator.addJob('photos', {type: 'archive-retrieval', archiveId, description: 'get it back'});
		},
	});
	return {h, archiveId};
}

describe('download screen', () => {
	it('accepts the saved chunk size it pre-fills, 128 MiB included (thaw config allows 1 to 4096)', async () => {
		let archiveId = '';
		harness = await startHarness({
			settings: {chunkSizeMiB: 128},
			initial: [{screen: 'vaults'}, {screen: 'jobs', vaultName: 'photos'}],
			async setup(emulator) {
				emulator.createVault('photos');
				archiveId = emulator.addArchive('photos', {size, description: 'big chunks.bin'}).archiveId;
				await emulator.addJob('photos', {type: 'archive-retrieval', archiveId});
			},
		});
		const h = harness;
		await h.waitFor('1 job in photos');
		await h.press(keys.enter);
		expect(await h.waitFor('File name:   big chunks.bin')).toContain('Chunk MiB:   128');
		// A size the rule refuses is refused in the rule's words; then back to the saved 128.
		await h.press(keys.down, keys.backspace, keys.backspace, keys.backspace, '3', keys.enter);
		await h.waitFor('chunk size is auto or a power of two number of MiB from 1 to 4096');
		await h.press(keys.backspace, '1', '2', '8', keys.enter);
		const frame = await h.waitFor('VERIFIED', 20_000);
		expect(frame).toContain('Chunks 1/1 verified');
		expect(readFileSync(join(h.dir, 'big chunks.bin')).equals(h.emulator.archiveBytes('photos', archiveId, 0, size - 1))).toBe(true);
	});

	it('goes from setup to a verified file, named from the decoded description inside the folder', async () => {
		const {h, archiveId} = await archiveJob();
		harness = h;
		await h.waitFor('1 job in photos');
		await h.press(keys.enter);
		// The name comes from the FastGlacier description: its last segment only, made safe.
		let frame = await h.waitFor('File name:   holiday 2016.tar');
		expect(frame).toContain(`Folder:      ${h.dir}`);
		expect(frame).toContain('Chunk MiB:   auto');
		frame = await h.waitFor(`Saves to ${join(h.dir, 'holiday 2016.tar')}`);
		let fit = fitsIn(frame, 80, 24);
		expect(fit.ok, JSON.stringify(fit)).toBe(true);
		// Choose 1 MiB chunks, then Enter accepts the rest.
		await h.press(keys.down, keys.backspace, keys.backspace, keys.backspace, keys.backspace, '1', keys.enter);
		frame = await h.waitFor('VERIFIED', 20_000);
		expect(frame).toContain('tree hash matches Glacier\'s');
		expect(frame).toContain('Chunks 6/6 verified, 0 retrying, 0 failed · 0 retries');
		expect(frame).toMatch(/█{6}/);
		const expected = await h.emulator.archiveTreeHash('photos', archiveId);
		expect(frame).toContain(`computed ${expected}`);
		expect(frame).toContain(`expected ${expected}`);
		fit = fitsIn(frame, 80, 24);
		expect(fit.ok, JSON.stringify(fit)).toBe(true);
		const written = readFileSync(join(h.dir, 'holiday 2016.tar'));
		expect(written.equals(h.emulator.archiveBytes('photos', archiveId, 0, size - 1))).toBe(true);
		// The cursor shows a chunk's byte range, state, attempts and hash.
		await h.press('l');
		frame = await h.waitFor('Chunk 2/6');
		expect(frame).toContain(`bytes ${MiB}-${(2 * MiB) - 1} · verified · 1 attempt · hash`);
		await h.press(keys.escape);
		await h.waitFor('1 job in photos');
	});

	it('shows retries with their reason in the grid detail and the log under injected faults, and still verifies', async () => {
		const {h} = await archiveJob({
			description: 'plain-name.bin',
			faults: [
				{kind: 'corrupt', range: `bytes=${2 * MiB}-${(3 * MiB) - 1}`, times: 1},
				{kind: 'unavailable', range: `bytes=${5 * MiB}-${size - 1}`, times: 2},
			],
		});
		harness = h;
		await h.waitFor('1 job in photos');
		await h.press(keys.enter);
		await h.waitFor('File name:   plain-name.bin');
		await h.press(keys.down, keys.backspace, keys.backspace, keys.backspace, keys.backspace, '1', keys.enter);
		const frame = await h.waitFor('VERIFIED', 20_000);
		// At 80x24 the log shows its last 3 lines, and which retry comes last is a race: look at every frame drawn.
		const seen = h.allFrames();
		expect(frame).toContain('3 retries');
		// The log names the reasons: a tree-hash mismatch (expected vs got) and the service error.
		expect(seen.some(shown => /chunk 3.*(mismatch|hash)/i.test(shown))).toBe(true);
		expect(seen.some(shown => /ServiceUnavailable|503|500|unavailable/i.test(shown))).toBe(true);
		await h.press('l', 'l');
		const detail = await h.waitFor('Chunk 3/6');
		expect(detail).toContain('2 attempts');
		const fit = fitsIn(detail, 80, 24);
		expect(fit.ok, JSON.stringify(fit)).toBe(true);
	});

	it('asks before overwriting an existing file and before abandoning a running download', async () => {
		const {h} = await archiveJob({
			description: 'exists.bin',
			// Slow enough that the download is still running after the questions below, even on a busy machine.
			faults: [{kind: 'bandwidth', bytesPerSecond: 128 * 1024, times: Infinity}],
		});
		harness = h;
		writeFileSync(join(h.dir, 'exists.bin'), 'old');
		await h.waitFor('1 job in photos');
		await h.press(keys.enter);
		await h.waitFor('File name:   exists.bin');
		await h.press(keys.enter);
		let frame = await h.waitFor('This file already exists.');
		expect(frame).toContain('y overwrite it');
		await h.press('y');
		frame = await h.waitFor('Downloading…');
		// A bare Esc does not stop it: it asks.
		await h.press(keys.escape);
		frame = await h.waitFor('Leave and stop this download?');
		await h.press('n');
		await h.waitFor(f => !f.includes('Leave and stop'));
		// q asks too; answering no keeps it running.
		await h.press('q');
		frame = await h.waitFor('Quit while this download runs?');
		expect(h.exitCodes).toHaveLength(0);
		await h.press(keys.escape);
		await h.waitFor(f => !f.includes('Quit while'));
		// Cancel leaves a resumable partial file; coming back offers to resume.
		await h.press('c');
		await h.waitFor('Cancel this download?');
		await h.press('y');
		frame = await h.waitFor('Cancelled');
		expect(readFileSync(join(h.dir, 'exists.bin'), 'utf8')).toBe('old');
		await h.press(keys.escape);
		await h.waitFor('1 job in photos');
		await h.press(keys.enter);
		await h.waitFor('File name:   exists.bin');
		await h.press(keys.enter);
		frame = await h.waitFor('A partial download of this job is here.');
		expect(frame).toMatch(/chunks \(.*\) are already verified/);
	});
});
