import {afterEach, describe, expect, it} from 'vitest';
import {delay, flat, keys, startHarness, type Harness} from './helpers.js';

// Habits from k9s, lazygit and htop (issue 13 §5), at 80x24.
let harness: Harness | undefined;
afterEach(async () => {
	await harness?.close();
	harness = undefined;
});

const ctrlC = '\u0003';
const MiB = 1024 * 1024;

/** A download that is still running when the keys below arrive. */
async function downloading(): Promise<Harness> {
	const h = await startHarness({
		emulator: {faults: [{kind: 'bandwidth', bytesPerSecond: 128 * 1024, times: Number.POSITIVE_INFINITY}]},
		settings: {chunkSizeMiB: 1},
		initial: [{screen: 'vaults'}, {screen: 'jobs', vaultName: 'photos'}],
		async setup(emulator) {
			emulator.createVault('photos');
			const {archiveId} = emulator.addArchive('photos', {size: 4 * MiB, description: 'slow.bin'});
			await emulator.addJob('photos', {type: 'archive-retrieval', archiveId});
		},
	});
	await h.waitFor('1 job in photos');
	await h.press(keys.enter);
	await h.waitFor('File name:   slow.bin');
	await h.press(keys.enter);
	await h.waitFor('Downloading…');
	return h;
}

async function vaults(names: string[]): Promise<Harness> {
	return startHarness({
		setup(emulator) {
			for (const name of names) emulator.createVault(name);
		},
	});
}

describe('Ctrl-C', () => {
	it('quits at once with 130 when nothing runs', async () => {
		harness = await vaults(['alpha']);
		await harness.waitFor('alpha');
		await harness.press(ctrlC);
		expect(harness.exitCodes).toEqual([130]);
	});

	it('asks like q while a download runs; yes stops it and exits 130', async () => {
		harness = await downloading();
		await harness.press(ctrlC);
		await harness.waitFor('Quit while this download runs?');
		expect(harness.exitCodes).toEqual([]);
		await harness.press('y');
		expect(harness.exitCodes).toEqual([130]);
		await harness.waitFor('Cancelled');
	});

	it('a second Ctrl-C within a second stops at once', async () => {
		harness = await downloading();
		await harness.press(ctrlC, ctrlC);
		expect(harness.exitCodes).toEqual([130]);
	});

	it('two Ctrl-C in one chunk (a fast double press over SSH) stop at once too', async () => {
		harness = await downloading();
		await harness.press(ctrlC + ctrlC);
		expect(harness.exitCodes).toEqual([130]);
	});

	it('no keeps downloading, and a later q then y exits 0, not 130', async () => {
		harness = await downloading();
		await harness.press(ctrlC);
		await harness.waitFor('Quit while this download runs?');
		await harness.press('n');
		await harness.waitFor(f => !f.includes('Quit while'));
		await delay(1100);
		await harness.press('q');
		await harness.waitFor('Quit while this download runs?');
		await harness.press('y');
		expect(harness.exitCodes).toEqual([0]);
	});
});

describe('keys mean the same everywhere', () => {
	it('h and ← go back where l and → open', async () => {
		harness = await vaults(['alpha', 'beta']);
		const h = harness;
		await h.waitFor('beta');
		await h.press('l');
		await h.waitFor('Vault alpha › Jobs');
		await h.press('h');
		await h.waitFor(f => f.includes('Vaults') && !f.includes('Vault alpha › Jobs'));
		await h.press(keys.right);
		await h.waitFor('Vault alpha › Jobs');
		await h.press(keys.left);
		await h.waitFor(f => !f.includes('Vault alpha › Jobs'));
	});

	it('arrows move the selection while the / prompt is open, letters go to the filter', async () => {
		harness = await vaults(['alpha', 'alpine', 'beta']);
		const h = harness;
		await h.waitFor('beta');
		await h.press('/', 'a', 'l', keys.down);
		// "al" keeps alpha and alpine; ↓ moved to alpine although the prompt is open.
		await h.waitFor(f => !f.includes('beta'));
		await h.press(keys.enter, keys.enter);
		await h.waitFor('Vault alpine › Jobs');
	});

	it('space does not pause a download (it marks in the inventory); p does, and the hint says so', async () => {
		harness = await downloading();
		const h = harness;
		await h.press(' ');
		await delay(300);
		expect(h.frame()).not.toContain('Paused');
		expect(h.frame()).toContain('p pause');
		await h.press('p');
		const paused = await h.waitFor('Paused');
		// Paused shows paused, not the speed and ETA from before (issue 13 §4).
		expect(paused).toMatch(/\(\d+%\) · paused/);
		expect(paused).not.toMatch(/[KM]iB\/s|ETA/);
	});

	it('the help lists Ctrl-C and h ←', async () => {
		harness = await vaults(['alpha']);
		await harness.waitFor('alpha');
		await harness.press('?');
		const frame = await harness.waitFor('Everywhere');
		expect(frame).toContain('^c');
	});
});

describe('resume without remembering (issue 13 §4)', () => {
	it('opening the job again finds its partial under the name it was given, and Enter resumes it', async () => {
		harness = await startHarness({
			emulator: {faults: [{kind: 'bandwidth', op: 'GetJobOutput', bytesPerSecond: 256 * 1024, times: 3}]},
			settings: {chunkSizeMiB: 1, concurrency: 1},
			initial: [{screen: 'vaults'}, {screen: 'jobs', vaultName: 'photos'}],
			async setup(emulator) {
				emulator.createVault('photos');
				const {archiveId} = emulator.addArchive('photos', {size: 4 * MiB, description: 'default-name.bin'});
				await emulator.addJob('photos', {type: 'archive-retrieval', archiveId});
			},
		});
		const h = harness;
		await h.waitFor('1 job in photos');
		await h.press(keys.enter);
		await h.waitFor('File name:   default-name.bin');
		await h.press(keys.backspace.repeat(16), 'mine.bin');
		await h.waitFor('File name:   mine.bin');
		await h.press(keys.enter);
		await h.waitFor('Chunks 1/4 verified', 15_000);
		await h.press('c');
		await h.waitFor('Cancel this download?');
		await h.press('y');
		const cancelled = await h.waitFor('Cancelled');
		// Wrapped, not cut at 80 columns (issue 13 §3).
		expect(flat(cancelled)).toContain('Cancelled · the partial file and its journal are kept: open this job again to resume (the setup finds it)');
		await h.press(keys.escape);
		await h.waitFor('1 job in photos');
		await h.press(keys.enter);
		const frame = await h.waitFor('Partial of this job found');
		expect(frame).toContain('File name:   mine.bin');
		expect(frame).toMatch(/Partial of this job found: [1-4]\/4 chunks .* verified; Enter resumes it/);
		await h.press(keys.enter);
		await h.waitFor('A partial download of this job is here.');
		await h.press('y');
		await h.waitFor('VERIFIED', 20_000);
	});
});

describe('whole job ids (issue 13 §3)', () => {
	it('d shows the selected job in full at 80 columns, ids whole; d or Esc closes it', async () => {
		let jobId = '';
		let archiveId = '';
		harness = await startHarness({
			initial: [{screen: 'vaults'}, {screen: 'jobs', vaultName: 'photos'}],
			async setup(emulator) {
				emulator.createVault('photos');
				({archiveId} = emulator.addArchive('photos', {size: 1000, description: 'x.bin'}));
				jobId = await emulator.addJob('photos', {type: 'archive-retrieval', archiveId, description: 'my job'});
			},
		});
		const h = harness;
		let frame = await h.waitFor('1 job in photos');
		expect(frame.replaceAll('\n', '')).not.toContain(jobId);
		expect(frame).toContain('d details');
		await h.press('d');
		frame = await h.waitFor('Job id:');
		// Hard-wrapped at 80: joined back, the whole ids are there, no … anywhere in them.
		const joined = frame.split('\n').map(line => line.trimEnd()).join('');
		expect(joined).toContain(jobId);
		expect(joined).toContain(archiveId);
		expect(frame).toContain('Description: my job');
		expect(frame.split('\n').every(line => [...line].length <= 80)).toBe(true);
		await h.press('d');
		await h.waitFor(f => !f.includes('Job id:'));
		await h.press('d');
		await h.waitFor('Job id:');
		await h.press(keys.escape);
		frame = await h.waitFor(f => !f.includes('Job id:'));
		expect(frame).toContain('1 job in photos');
	});
});

describe('sorting at 80 columns (issue 13 §3)', () => {
	it('s only sorts by columns the table shows, and the arrow is always on screen', async () => {
		harness = await startHarness({
			initial: [{screen: 'vaults'}, {screen: 'jobs', vaultName: 'photos'}],
			async setup(emulator) {
				emulator.createVault('photos');
				const {archiveId} = emulator.addArchive('photos', {size: 1000, description: 'x.bin'});
				await emulator.addJob('photos', {type: 'archive-retrieval', archiveId, description: 'one'});
				await emulator.addJob('photos', {type: 'inventory-retrieval', description: 'two'});
			},
		});
		const h = harness;
		let frame = await h.waitFor('2 jobs in photos');
		const heading = () => h.frame().split('\n')[1];
		// 80 columns leave out Created (the lowest priority).
		expect(heading()).not.toContain('Created');
		const seen: string[] = [];
		for (let i = 0; i < 8; i++) {
			await h.press('s');
			frame = await h.waitFor(() => /[▲▼]/.test(heading()));
			const marked = /(\S+)[▲▼]/.exec(heading())?.[1];
			expect(marked, frame).toBeDefined();
			seen.push(marked!);
		}

		expect(seen).not.toContain('Created');
		expect(new Set(seen).size).toBe(7);
	});
});

describe('a shortened heading keeps its sort arrow', () => {
	it('cuts the title, not the arrow', async () => {
		const {render} = await import('ink-testing-library');
		const {Table} = await import('../../source/ui/components/Table.js');
		const columns = [{title: 'Last inventory', width: 8, text: (r: string) => r}, {title: 'Name', text: (r: string) => r}];
		const view = render(<Table columns={columns} rows={['a', 'b']} width={30} height={4} cursor={0} offset={0} sortColumn={0} sortDescending />);
		const heading = (view.lastFrame() ?? '').split('\n')[0];
		expect(heading).toMatch(/^Last i…▼ Name/);
		view.unmount();
	});
});
