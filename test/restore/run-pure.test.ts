/** The runner's pure parts: shards, job tags, AIMD, pacing, throughput. */
import {createHash} from 'node:crypto';
import {describe, expect, it} from 'vitest';
import {UsageError} from '../../source/errors.js';
import {parseShard, shardName, shardOf} from '../../source/restore/shard.js';
import {formatTag, parseTag, planIdOf} from '../../source/restore/runner/tag.js';
import {Aimd} from '../../source/restore/runner/aimd.js';
import {allowance, GiB, MiB, nextWave, Throughput} from '../../source/restore/runner/pacing.js';

function usageMessage(work: () => unknown): string {
	try {
		work();
	} catch (error) {
		expect(error).toBeInstanceOf(UsageError);
		return (error as Error).message;
	}

	throw new Error('expected a usage error');
}

describe('shardOf', () => {
	it('is the contract\'s: sha256(id).readUInt32BE(0) % n', () => {
		const id = 'a'.repeat(138);
		const expected = createHash('sha256').update(id, 'utf8').digest().readUInt32BE(0) % 7;
		expect(shardOf(id, 7)).toBe(expected);
		expect(shardOf(id, 1)).toBe(0);
	});

	it('splits ids about evenly and every id into exactly one shard', () => {
		const counts = [0, 0, 0, 0];
		for (let i = 0; i < 4000; i++) counts[shardOf(`archive-${i}`, 4)]++;
		expect(counts.reduce((a, b) => a + b)).toBe(4000);
		for (const count of counts) expect(count).toBeGreaterThan(850);
	});
});

describe('parseShard', () => {
	it('takes K/N, defaults to 0/1, names the directory', () => {
		expect(parseShard(undefined)).toEqual({k: 0, n: 1});
		expect(parseShard('2/5')).toEqual({k: 2, n: 5});
		expect(shardName({k: 2, n: 5})).toBe('2-of-5');
	});

	it('takes auto/N from JOB_COMPLETION_INDEX, else AWS_BATCH_JOB_ARRAY_INDEX (0-based)', () => {
		expect(parseShard('auto/4', {JOB_COMPLETION_INDEX: '3'})).toEqual({k: 3, n: 4});
		expect(parseShard('auto/4', {AWS_BATCH_JOB_ARRAY_INDEX: '0'})).toEqual({k: 0, n: 4});
		expect(parseShard('auto/4', {JOB_COMPLETION_INDEX: '1', AWS_BATCH_JOB_ARRAY_INDEX: '2'})).toEqual({k: 1, n: 4});
	});

	it('refuses bad shards with one line that says what to do', () => {
		expect(usageMessage(() => parseShard('4/4'))).toMatch(/0 to 3/);
		expect(usageMessage(() => parseShard('1/0'))).toMatch(/N must be from 1/);
		expect(usageMessage(() => parseShard('x/2'))).toMatch(/whole number/);
		expect(usageMessage(() => parseShard('1-2'))).toMatch(/K\/N/);
		expect(usageMessage(() => parseShard('auto/4', {}))).toMatch(/JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX/);
		expect(usageMessage(() => parseShard('auto/4', {JOB_COMPLETION_INDEX: '4'}))).toMatch(/numbered 0 to 3/);
		const hostile = usageMessage(() => parseShard('auto/4', {JOB_COMPLETION_INDEX: '\u001B[2J'}));
		expect(hostile).not.toContain('\u001B');
		for (const message of [hostile]) expect(message.split('\n')).toHaveLength(1);
	});
});

describe('job tags', () => {
	it('round-trips and is printable ASCII under 1,024 characters', () => {
		const planId = planIdOf(Buffer.from('{"format":"thaw-restore-plan"}'));
		expect(planId).toMatch(/^[0-9a-f]{16}$/);
		const tag = formatTag(planId, 123_456);
		expect(tag).toBe(`thaw-restore ${planId} 123456`);
		expect(tag).toMatch(/^[\x20-\x7e]{1,1024}$/);
		expect(parseTag(tag)).toEqual({planId, index: 123_456});
	});

	it('ignores every other description', () => {
		for (const text of [null, undefined, '', 'thaw-restore', 'thaw-restore 0123456789abcdef', 'thaw-restore 0123456789abcdef 01', 'thaw-restore 0123456789ABCDEF 1', 'thaw-restore 0123456789abcdef 1 x', ' thaw-restore 0123456789abcdef 1', 'mt2 abc']) {
			expect(parseTag(text)).toBeNull();
		}
	});
});

describe('AIMD', () => {
	it('halves on a throttle once per round, and grows back by about one per second of successes', () => {
		const aimd = new Aimd({initialPerSecond: 8});
		aimd.throttle(1000);
		expect(aimd.rate).toBe(4);
		aimd.throttle(1010); // same round: the requests in flight count as one signal
		expect(aimd.rate).toBe(4);
		aimd.throttle(1300);
		expect(aimd.rate).toBe(2);
		for (let i = 0; i < 20; i++) aimd.success();
		expect(aimd.rate).toBeGreaterThan(6);
		expect(aimd.rate).toBeLessThan(8);
		expect(aimd.throttled).toBe(3);
	});

	it('spaces calls at 1/rate and never goes under the minimum', () => {
		const aimd = new Aimd({initialPerSecond: 4, minPerSecond: 0.5});
		expect(aimd.delay(0)).toBe(0);
		aimd.take(0);
		expect(aimd.delay(0)).toBe(250);
		for (let t = 0; t < 100_000; t += 10_000) aimd.throttle(t);
		expect(aimd.rate).toBe(0.5);
		expect(aimd.delay(90_000)).toBe(2000);
	});
});

describe('pacing', () => {
	const base = {bytesPerSecond: MiB, windowHours: 20, outstandingBytes: 0, freeDiskBytes: null, maxBytesInFlight: null};

	it('allows throughput x window hours minus what is outstanding', () => {
		expect(allowance(base)).toMatchObject({bytes: 20 * 3600 * MiB, limitedBy: 'window'});
		expect(allowance({...base, outstandingBytes: 3600 * MiB}).bytes).toBe(19 * 3600 * MiB);
		expect(allowance({...base, outstandingBytes: 30 * 3600 * MiB}).bytes).toBe(0);
	});

	it('is bounded by free disk (less a reserve) and --max-bytes-in-flight', () => {
		expect(allowance({...base, freeDiskBytes: 10 * GiB, reserveDiskBytes: GiB})).toMatchObject({bytes: 9 * GiB, limitedBy: 'disk'});
		expect(allowance({...base, bytesPerSecond: 10 * MiB, freeDiskBytes: 100 * GiB})).toMatchObject({bytes: 99 * GiB, limitedBy: 'disk'});
		expect(allowance({...base, maxBytesInFlight: 5 * GiB, outstandingBytes: GiB})).toMatchObject({bytes: 4 * GiB, limitedBy: 'max-bytes-in-flight'});
	});

	it('takes the smallest first, as far as the allowance goes', () => {
		const sizes = [10, 20, 30, 40];
		expect(nextWave(sizes, {...base, bytesPerSecond: 60 / 72_000})).toEqual({count: 3, bytes: 60, blockedBy: 'window'});
		expect(nextWave(sizes, {...base, bytesPerSecond: 1})).toEqual({count: 4, bytes: 100});
		expect(nextWave(sizes, {...base, bytesPerSecond: 1}, 2)).toEqual({count: 2, bytes: 30});
	});

	it('with no rate known, allows only the probe; a measured rate never allows less than the probe (floor)', () => {
		const unknown = {...base, bytesPerSecond: null};
		expect(allowance({...unknown, probeBytes: GiB})).toMatchObject({bytes: GiB, limitedBy: 'measuring', windowBytes: GiB});
		expect(allowance({...unknown, probeBytes: GiB, outstandingBytes: GiB}).bytes).toBe(0);
		expect(nextWave([400, 400, 400], {...unknown, probeBytes: 1000})).toEqual({count: 2, bytes: 800, blockedBy: 'measuring'});
		// The probe's first archive goes alone even when it is bigger than the probe.
		expect(nextWave([2 * GiB], {...unknown, probeBytes: GiB})).toEqual({count: 1, bytes: 2 * GiB});
		// Tiny first archives measure a low rate: the window is then the probe's, not less.
		expect(allowance({...base, bytesPerSecond: 100, floorBytes: GiB}).bytes).toBe(GiB);
		expect(allowance({...base, bytesPerSecond: MiB, floorBytes: GiB}).bytes).toBe(20 * 3600 * MiB);
	});

	it('lets one archive bigger than the window go alone, never one bigger than the disk', () => {
		const wave = nextWave([10 * GiB, 20 * GiB], {...base, bytesPerSecond: 1024});
		expect(wave).toEqual({count: 1, bytes: 10 * GiB, blockedBy: 'window'});
		expect(nextWave([10 * GiB], {...base, bytesPerSecond: 1024, outstandingBytes: 1}).count).toBe(0);
		expect(nextWave([10 * GiB], {...base, freeDiskBytes: 5 * GiB})).toEqual({count: 0, bytes: 0, blockedBy: 'disk'});
	});
});

describe('throughput', () => {
	it('counts only busy time and is trusted after 10 s busy or 64 MiB', () => {
		const meter = new Throughput();
		meter.begin(0);
		meter.add(MiB);
		expect(meter.rate(1000)).toBeNull();
		meter.end(1000);
		// Idle for an hour: not counted.
		meter.begin(3_601_000);
		meter.add(9 * MiB);
		meter.end(3_610_000);
		expect(meter.rate(3_700_000)).toBeCloseTo(MiB, -3);
	});

	it('has a rough rate from any finished download, before it trusts one', () => {
		const meter = new Throughput();
		expect(meter.rough(0)).toBeNull();
		meter.begin(0);
		meter.add(1000);
		meter.end(500);
		expect(meter.rate(600)).toBeNull();
		expect(meter.rough(600)).toBe(2000);
		expect(meter.downloaded).toBe(1000);
	});

	it('follows the recent past', () => {
		const meter = new Throughput(10_000);
		meter.begin(0);
		meter.add(100 * MiB);
		for (let t = 1000; t <= 100_000; t += 1000) meter.add(MiB / 10);
		const rate = meter.rate(100_000)!;
		expect(rate).toBeLessThan(2 * MiB);
	});
});

describe('AIMD slow start', () => {
	it('adds one call per second per success until the first throttle, up to the maximum', () => {
		const aimd = new Aimd({initialPerSecond: 5, maxPerSecond: 100});
		for (let i = 0; i < 10; i++) aimd.success();
		expect(aimd.rate).toBe(15);
		for (let i = 0; i < 200; i++) aimd.success();
		expect(aimd.rate).toBe(100);
		aimd.throttle(0);
		aimd.success();
		expect(aimd.rate).toBeCloseTo(50 + (1 / 50));
	});
});

describe('thaw restore run arguments and progress line', async () => {
	const {parseSize, positive, progressLine} = await import('../../source/headless/restore-run.js');
	const {emptyCounts} = await import('../../source/restore/runner/store.js');

	it('reads sizes with binary and decimal units', () => {
		expect(parseSize('max-bytes-in-flight', '500GiB')).toBe(500 * GiB);
		expect(parseSize('max-bytes-in-flight', '2TB')).toBe(2e12);
		expect(parseSize('max-bytes-in-flight', '1.5t')).toBe(1.5 * 1024 * GiB);
		expect(parseSize('max-bytes-in-flight', '1048576')).toBe(MiB);
		expect(parseSize('x', undefined)).toBeUndefined();
		expect(usageMessage(() => parseSize('max-bytes-in-flight', 'lots'))).toMatch(/500GiB/);
		expect(usageMessage(() => parseSize('max-bytes-in-flight', '0'))).toMatch(/size/);
	});

	it('refuses hours over 24 and non-numbers', () => {
		expect(positive('window-hours', '20', 'hours', 24)).toBe(20);
		expect(usageMessage(() => positive('window-hours', '25', 'hours', 24))).toMatch(/window-hours/);
		expect(usageMessage(() => positive('poll-seconds', '-1', 'seconds'))).toMatch(/poll-seconds/);
	});

	it('says what is verified, in retrieval, ready, failed, re-initiated and what paces it', () => {
		const counts = {...emptyCounts(), verified: 5, initiated: 3, ready: 1, failed: 1, planned: 10};
		const line = progressLine({
			phase: 'running', shard: '0-of-1', vaultName: 'v', tier: 'Bulk', total: 20, bytesTotal: 20 * MiB, counts, bytesVerified: 5 * MiB,
			downloading: 1, initiatedThisRun: 3, adopted: 0, reinitiated: 2, throttles: 4, initiateRate: 5, bytesPerSecond: 2 * MiB, pacingBytesPerSecond: 2 * MiB,
			limitedBy: 'window', waiting: null, nextPollAt: 1000 + 65_000, startedAt: 0, log: [],
		}, 1000);
		expect(line).toBe('5/20 verified (5.00 MiB / 20.0 MiB, 25%)  3 in retrieval  1 ready  1 downloading  1 failed  2 re-initiated  4 throttled  2.00 MiB/s  paced by window  next poll 1:05');
	});
});
