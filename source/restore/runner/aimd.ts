/**
 * How fast to call InitiateJob: additive increase, multiplicative decrease,
 * as TCP does with its window. Glacier publishes no rate limit; a burst gets
 * ThrottlingException. Until the first throttle each success adds one call
 * per second (slow start: the rate doubles about every second); after it, each success adds `increasePerSecond / rate` (about
 * `increasePerSecond` per second of successes at any rate); a throttle
 * halves the rate, at most once per round (the requests already in flight
 * when the first throttle came back are one signal, not many). Pure: the
 * caller passes the clock.
 */
export type AimdOptions = {
	/** Requests per second to start at (default 5). */
	initialPerSecond?: number;
	/** Never slower than this (default 0.2: one call every 5 s). */
	minPerSecond?: number;
	/** Never faster than this (default 100). */
	maxPerSecond?: number;
	/** Added per second of successes (default 1). */
	increasePerSecond?: number;
	/** The rate is multiplied by this on a throttle (default 0.5). */
	decreaseFactor?: number;
};

export class Aimd {
	private current: number;
	private readonly min: number;
	private readonly max: number;
	private readonly increase: number;
	private readonly decrease: number;
	private lastDecreaseAt = Number.NEGATIVE_INFINITY;
	private nextSendAt = Number.NEGATIVE_INFINITY;
	private throttles = 0;
	private slowStart = true;

	constructor(options: AimdOptions = {}) {
		this.min = options.minPerSecond ?? 0.2;
		this.max = Math.max(this.min, options.maxPerSecond ?? 100);
		this.current = Math.min(this.max, Math.max(this.min, options.initialPerSecond ?? 5));
		this.increase = options.increasePerSecond ?? 1;
		this.decrease = options.decreaseFactor ?? 0.5;
	}

	/** Requests per second allowed now. */
	get rate(): number {
		return this.current;
	}

	/** Throttles seen so far (each one, not only those that lowered the rate). */
	get throttled(): number {
		return this.throttles;
	}

	/** A call went through. */
	success(): void {
		this.current = Math.min(this.max, this.current + (this.slowStart ? 1 : this.increase / this.current));
	}

	/** A call was throttled at `now` (ms): slow down, once per round; the next call waits a full interval at the new rate. */
	throttle(now: number): void {
		this.throttles++;
		this.slowStart = false;
		const round = 1000 / this.current;
		if (now - this.lastDecreaseAt >= round) {
			this.current = Math.max(this.min, this.current * this.decrease);
			this.lastDecreaseAt = now;
		}

		this.nextSendAt = Math.max(this.nextSendAt, now + (1000 / this.current));
	}

	/** Milliseconds to wait before the next call may be sent (0 = now). */
	delay(now: number): number {
		return Math.max(0, this.nextSendAt - now);
	}

	/** Take a send slot at `now`: the one after it is 1/rate later. */
	take(now: number): void {
		this.nextSendAt = Math.max(now, this.nextSendAt) + (1000 / this.current);
	}
}
