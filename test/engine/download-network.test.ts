/**
 * Network oddities (issue 8 §7, §8, §13) against the emulator over real HTTP
 * with the real SDK: a response the HTTP parser refuses, a body that trickles
 * without ever going idle, and a job whose claimed size the service's ranges
 * contradict.
 */
import {join} from 'node:path';
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {ExitCode} from '../../source/errors.js';
import {failure, fetch, MiB, sameBytes, transportOptions, world, type World} from './download-helpers.js';

let w: World;
let n = 0;
const out = () => join(w.dir, `net-${++n}.bin`);
const size = (3 * MiB) + 4321;

const logText = (result: {snapshot: {log: ReadonlyArray<{message: string}>}}) => result.snapshot.log.map(entry => entry.message).join('\n');

// Over plain http (thaw's direct handler, its own response parser) and over https (the SDK's
// node:https handler and llhttp, as with real Glacier).
for (const transport of ['http', 'https'] as const) {
	describe(`over ${transport}`, () => {
		beforeAll(async () => {
			w = await world(size, await transportOptions(transport));
		});
		afterAll(async () => w.close());
		beforeEach(() => {
			w.emulator.faults.clear();
		});

		describe('a response the HTTP parser refuses (a header with a control byte)', () => {
			it('is a failed attempt, retried with backoff like a reset', async () => {
				w.emulator.faults.add({kind: 'bad-header', times: 2});
				const file = out();
				const result = await fetch(w, file, {concurrency: 1});
				expect(result.verdict.ok).toBe(true);
				expect(result.snapshot.retries).toBe(2);
				expect(logText(result)).toMatch(/Invalid header value char.*retry 1 of 7/);
				expect(await sameBytes(w, file)).toBe(true);
			});

			it('exits 5 (service kept failing) only when the attempts run out, naming the parser error', async () => {
				w.emulator.faults.add({kind: 'bad-header', times: Number.POSITIVE_INFINITY});
				const error = await failure(fetch(w, out(), {maxAttempts: 3}));
				expect(error.exitCode).toBe(ExitCode.service);
				expect(error.message).toMatch(/failed 3 times, last: .*Invalid header value char/);
			});
		});

		describe('a trickling body (never idle, far too slow)', () => {
			it('is a stall once its rate stays under the floor for the read-timeout window, and is fetched again', async () => {
				// 100 B/s in 10-byte pieces every 100 ms: the 400 ms idle timeout alone never trips.
				w.emulator.faults.add({kind: 'trickle', afterBytes: 100_000, bytesPerSecond: 100, range: `bytes=0-${MiB - 1}`});
				const file = out();
				const started = Date.now();
				const result = await fetch(w, file, {readTimeoutMs: 400});
				expect(result.verdict.ok).toBe(true);
				expect(result.snapshot.retries).toBe(1);
				expect(logText(result)).toMatch(/under the 1\.0 KiB\/s floor/);
				expect(Date.now() - started).toBeLessThan(5000);
				expect(await sameBytes(w, file)).toBe(true);
			}, 10_000);

			it('exits 5 when every attempt trickles, saying why', async () => {
				w.emulator.faults.add({kind: 'trickle', bytesPerSecond: 100, times: Number.POSITIVE_INFINITY});
				const error = await failure(fetch(w, out(), {readTimeoutMs: 300, maxAttempts: 2}));
				expect(error.exitCode).toBe(ExitCode.service);
				expect(error.message).toMatch(/failed 2 times, last: .*under the 1\.0 KiB\/s floor/);
			}, 10_000);

			it('the floor is an option: 0 turns it off, a lower one lets a slower body through', async () => {
				// The last chunk's last 400 bytes at 600 B/s: under the default 1 KiB/s floor, over a 100 B/s one.
				const rule = {kind: 'trickle', afterBytes: size - (3 * MiB) - 400, bytesPerSecond: 600, range: `bytes=${3 * MiB}-${size - 1}`} as const;
				w.emulator.faults.add(rule);
				const lower = await fetch(w, out(), {readTimeoutMs: 400, progressFloor: 100});
				expect(lower.snapshot.retries).toBe(0);
				w.emulator.faults.add(rule);
				const off = await fetch(w, out(), {readTimeoutMs: 400, progressFloor: 0});
				expect(off.snapshot.retries).toBe(0);
				w.emulator.faults.add(rule);
				const floor = await fetch(w, out(), {readTimeoutMs: 400});
				expect(floor.snapshot.retries).toBe(1);
			}, 10_000);

			it('a body above the floor is not a stall, however small its pieces', async () => {
				// The last 1,500 bytes at 2 KiB/s (pieces of 204 bytes every 100 ms) over a 400 ms window.
				w.emulator.faults.add({kind: 'trickle', afterBytes: size - (3 * MiB) - 1500, bytesPerSecond: 2048, range: `bytes=${3 * MiB}-${size - 1}`});
				const result = await fetch(w, out(), {readTimeoutMs: 400});
				expect(result.verdict.ok).toBe(true);
				expect(result.snapshot.retries).toBe(0);
			}, 10_000);
		});

		describe('a size lie (DescribeJob claims more bytes than the output has)', () => {
			it('exits 5: the service contradicts itself, the job is not "not ready"', async () => {
				w.emulator.faults.add({kind: 'size-lie', extraBytes: 2 * MiB, times: Number.POSITIVE_INFINITY});
				const error = await failure(fetch(w, out()));
				expect(error.exitCode).toBe(ExitCode.service);
				expect(error.message).toMatch(/range/i);
				expect(error.message).toMatch(new RegExp(`${size + (2 * MiB)} bytes`));
			});
		});
	});
}
