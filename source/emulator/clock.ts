/**
 * The emulated clock: Glacier's hours pass in tests and demos without
 * sleeping. It runs `timeScale` times faster than its base clock (Date.now,
 * or a test's own), and `advance(ms)` jumps it forward. With a time scale of
 * 1 and no jumps it reads exactly the base clock, so a test that steers its
 * own `now` sees no difference.
 */
import type {Tier} from './types.js';

const minute = 60 * 1000;
const hour = 60 * minute;

/**
 * Glacier's retrieval times (InitiateJob documentation: Expedited 1-5 min,
 * Standard 3-5 h, Bulk 5-12 h), the typical value of each: the default
 * completion delays once a time scale is set.
 */
export const glacierTierDelayMs: Readonly<Record<Tier, number>> = {Expedited: 3 * minute, Standard: 4 * hour, Bulk: 8 * hour};

/**
 * The demo compresses Glacier's retrieval times this much (Bulk 8 h -> 1 min)
 * while its clock runs at real speed: a restore of restore-demo completes in
 * about a minute, and the demo's other jobs keep their real 24-hour windows
 * (a sped-up clock would expire every demo job within minutes).
 */
export const demoSpeedup = 480;
export const demoTierDelayMs: Readonly<Record<Tier, number>> = {
	Expedited: glacierTierDelayMs.Expedited / demoSpeedup,
	Standard: glacierTierDelayMs.Standard / demoSpeedup,
	Bulk: glacierTierDelayMs.Bulk / demoSpeedup,
};

export class EmulatedClock {
	private readonly origin: number;
	private offset = 0;

	constructor(private readonly base: () => number, readonly timeScale = 1) {
		if (!Number.isFinite(timeScale) || timeScale <= 0) throw new RangeError(`timeScale must be a positive number, not ${timeScale}`);
		this.origin = base();
	}

	/** Emulated ms since the epoch (whole milliseconds). */
	now(): number {
		const base = this.base();
		if (this.timeScale === 1) return base + this.offset;
		return this.origin + Math.floor((base - this.origin) * this.timeScale) + this.offset;
	}

	/** Jump forward by `ms` emulated milliseconds (never back: token windows and job lifetimes assume time only grows). */
	advance(ms: number): void {
		if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`advance() takes a non-negative number of milliseconds, not ${ms}`);
		this.offset += ms;
	}
}

/** A token bucket on real time: `burst` requests at once, refilled at `perSecond`. */
export class TokenBucket {
	private tokens: number;
	private last: number;

	constructor(readonly perSecond: number, readonly burst: number, private readonly clock: () => number = () => performance.now()) {
		if (!Number.isFinite(perSecond) || perSecond < 0) throw new RangeError(`initiateRate.perSecond must be a non-negative number, not ${perSecond}`);
		if (!Number.isFinite(burst) || burst < 1) throw new RangeError(`initiateRate.burst must be at least 1, not ${burst}`);
		this.tokens = burst;
		this.last = clock();
	}

	/** Take one token; false when the bucket is empty. */
	take(): boolean {
		const now = this.clock();
		this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000 * this.perSecond));
		this.last = now;
		if (this.tokens < 1) return false;
		this.tokens -= 1;
		return true;
	}
}
