import {hostname} from 'node:os';
import {describe, expect, it} from 'vitest';
import {emptyCounts} from '../../source/restore/runner/store.js';
import type {RunSnapshot} from '../../source/restore/runner/store.js';
import type {PlanStatus} from '../../source/restore/status.js';
import {previewReducer} from '../../source/ui/screens/restore/use-preview-state.js';
import {dashboardReducer, filterArchives} from '../../source/ui/screens/restore/use-dashboard-state.js';
import {downloadLine, legendLine, segments, stateBar, waitingLine, whoLine, type DashboardData} from '../../source/ui/screens/restore/dashboard-lines.js';
import {planState} from '../../source/ui/screens/restore/restores-lines.js';
import {textWidth} from '../../source/ui/text.js';

function status(states: Partial<Record<keyof ReturnType<typeof emptyCounts>, number>>): PlanStatus {
	const counts = {...emptyCounts(), ...states};
	const total = Object.values(counts).reduce((a, b) => a + b, 0);
	return {
		plan: '/p', planId: 'x', vaultName: 'v', tier: 'Bulk', to: '/to', total, verified: counts.verified, failed: counts.failed, bytesTotal: total * 10, bytesVerified: counts.verified * 10,
		states: counts, bytesByState: Object.fromEntries(Object.entries(counts).map(([k, n]) => [k, n * 10])) as PlanStatus['bytesByState'],
		reinitiated: 0, committed: {requests: 0, retrievedBytes: 0, retrievalUSD: 0, requestsUSD: 0, transferUSD: 0, totalUSD: 0},
		nextExpiry: null, bytesPerSecond: null, etaSeconds: null, updatedAt: null, shards: [], failures: [], failuresTotal: 0,
	};
}

const run = (change: Partial<RunSnapshot>): RunSnapshot => ({
	phase: 'running', shard: '0-of-1', vaultName: 'v', tier: 'Bulk', total: 10, bytesTotal: 100, counts: emptyCounts(), bytesVerified: 0, downloading: 0, initiatedThisRun: 0,
	adopted: 0, reinitiated: 0, throttles: 0, initiateRate: 10, bytesPerSecond: null, pacingBytesPerSecond: 8, limitedBy: null, waiting: null, nextPollAt: null, paused: false, error: null, startedAt: 0, log: [], ...change,
});

const data = (change: Partial<DashboardData>): DashboardData => ({runners: [], downloads: [], pid: 42, now: 1000, ...change});

describe('the dashboard\'s lines', () => {
	it('draws archives by state as a bar exactly as wide as asked, every state with archives at least one cell, each with its own glyph (NO_COLOR reads)', () => {
		const states = {...emptyCounts(), verified: 1000, downloading: 1, ready: 3, initiated: 500, planned: 2000, failed: 1};
		for (const width of [1, 10, 80, 200]) {
			const bar = stateBar(states, width, false);
			expect(textWidth(bar)).toBe(width);
		}

		const bar = stateBar(states, 80, false);
		for (const segment of segments) expect(bar).toContain(segment.glyph);
		expect(new Set(segments.map(s => s.glyph)).size).toBe(segments.length);
		expect(legendLine(states, false, 80)).toBe('█1,000 verified ↓1 downloading ▒3 ready ○500 initiated ·2,000 planned X1 failed');
		expect(textWidth(legendLine(states, false, 80))).toBeLessThanOrEqual(80);
		// Colour only adds codes around the same glyphs.
		expect(stateBar(states, 80, true).split('\u001B[').map((part, k) => (k === 0 ? part : part.replace(/^\d+m/, ''))).join('')).toBe(bar);
	});

	it('draws each active download as one line exactly as wide as asked, names and grids aligned', () => {
		const chunk = (index: number, state: 'verified' | 'downloading' | 'pending') => ({index, start: index * 10, end: (index * 10) + 9, state, received: 0, attempts: 1});
		const snapshot = (total: number, throughput: number) => ({phase: 'downloading', vaultName: 'v', jobId: 'j', outfile: '/o', total, chunkSize: 10, chunks: [chunk(0, 'verified'), chunk(1, 'downloading'), chunk(2, 'pending')], bytesDone: total / 2, verifiedChunks: 1, retryingChunks: 0, failedChunks: 0, retries: 0, throughput, startedAt: 0, verification: {mode: 'tree-hash'}, log: []}) as never;
		for (const width of [80, 200]) {
			const a = downloadLine({index: 0, path: 'a/very/long/path/' + 'x'.repeat(300) + '\u001B[2J', snapshot: snapshot(1023 * 1024 * 1024, 1023 * 1024)}, width, false, true);
			const b = downloadLine({index: 1, path: 'b', snapshot: snapshot(1, 0)}, width, false, false);
			expect(textWidth(a)).toBe(width);
			expect(textWidth(b)).toBe(width);
			expect(a.indexOf('█↓·')).toBe(b.indexOf('█↓·'));
			expect(a).not.toContain('\u001B');
			expect(a).toMatch(/ 50% +1023 MiB +1023 KiB\/s$/);
		}
	});

	it('says who runs the plan: this process (running, paused), another process by its lock, nobody, or how it ended', () => {
		const s = status({planned: 3, verified: 2});
		expect(whoLine(data({})).kind).toBe('loading');
		expect(whoLine(data({status: s, run: run({})})).text).toBe('Running in this process (pid 42)');
		expect(whoLine(data({status: s, run: run({paused: true})})).kind).toBe('paused');
		const holder = {pid: 7, host: hostname(), startedAt: new Date(0).toISOString(), what: 'x'};
		expect(whoLine(data({status: s, runners: [{shard: '0-of-1', holder, message: ''}]})).text).toMatch(/^Watching: run by thaw pid 7 on .* \(shard 0-of-1\); read-only$/);
		// Our own lock is not "another process".
		expect(whoLine(data({status: s, runners: [{shard: '0-of-1', holder: {...holder, pid: 42}, message: ''}]})).kind).toBe('none');
		expect(whoLine(data({status: status({verified: 5})})).kind).toBe('done');
		expect(whoLine(data({status: status({verified: 4, failed: 1})})).text).toMatch(/Finished: 1 failed for good, 4 verified/);
		expect(whoLine(data({status: s, run: run({phase: 'cancelled'})})).text).toMatch(/^Stopped: s runs it here/);
	});

	it('says what the runner waits for: pause, the policy, pacing, throttling, the next poll, downloads', () => {
		const s = status({planned: 3, initiated: 2, ready: 1});
		const line = waitingLine(data({status: s, run: run({paused: true, waiting: 'the vault\'s data retrieval policy is full', limitedBy: 'window', throttles: 3, nextPollAt: 6000, downloading: 0})}));
		expect(line.tone).toBe('warn');
		expect(line.text).toBe('Waiting for: paused · the vault\'s data retrieval policy is full · paced by the 24-h window at 8 B/s · throttled 3× (initiating at 10.0/s) · 2 Bulk retrievals (next poll in 5s) · 0 downloading, 1 ready');
		expect(waitingLine(data({status: status({verified: 2})})).text).toBe('Waiting for: nothing, all done');
	});

	it('keeps the screens\' state in reducers with named actions', () => {
		let preview = previewReducer({tier: 'Bulk', to: '/a', list: false, offset: 0, phase: 'form'}, {type: 'nextTier'});
		expect(preview.tier).toBe('Standard');
		preview = previewReducer(previewReducer(preview, {type: 'nextTier'}), {type: 'nextTier'});
		expect(preview.tier).toBe('Bulk');
		preview = previewReducer(previewReducer(preview, {type: 'editTo'}), {type: 'draft', text: '  '});
		expect(previewReducer(preview, {type: 'keepTo'}).error).toBe('give a destination folder');
		preview = previewReducer(previewReducer(preview, {type: 'draft', text: '/b '}), {type: 'keepTo'});
		expect(preview.to).toBe('/b');
		let ui = dashboardReducer({mode: 'main', cursor: 0, filter: '', editing: false}, {type: 'move', by: 5, count: 3});
		expect(ui.cursor).toBe(2);
		ui = dashboardReducer(ui, {type: 'editFilter'});
		expect(ui).toMatchObject({mode: 'archives', editing: true, cursor: 0});
		expect(filterArchives(['a/Photo.jpg', 'b/doc.txt', 'photos/x'], new Uint8Array([5, 0, 6]), 'PHOTO')).toEqual([{index: 0, path: 'a/Photo.jpg', state: 5}, {index: 2, path: 'photos/x', state: 6}]);
	});

	it('names a plan\'s state in the Restores list', () => {
		const plan = {dir: '/p', runners: [], status: status({planned: 5})};
		expect(planState(plan, 1, false)).toBe('not started');
		expect(planState(plan, 1, true)).toBe('running here');
		expect(planState({...plan, runners: [{shard: '0-of-1', holder: {pid: 9, host: hostname(), startedAt: '', what: ''}, message: ''}]}, 1, false)).toBe('running, pid 9');
		expect(planState({...plan, status: status({verified: 5})}, 1, false)).toBe('done');
		expect(planState({dir: '/p', runners: [], error: 'bad'}, 1, false)).toBe('unreadable');
	});
});
