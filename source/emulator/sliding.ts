/**
 * Amounts added over time, summed over a recent window: the bytes of Standard
 * retrievals in the last hour (or day) for the data retrieval policy, the
 * Expedited retrievals in the last five minutes for the capacity. Entries
 * come in time order; the sum over [from, to] walks back only over the
 * entries inside the window, and entries older than a day are dropped.
 */
const keepMs = 24 * 60 * 60 * 1000;

export class SlidingSum {
	private times: number[] = [];
	/** Running totals: prefix[i] = sum of amounts[0..i]. */
	private prefix: number[] = [];
	private dropped = 0;

	add(at: number, amount: number): void {
		this.prune(at);
		const last = this.prefix.length === 0 ? this.dropped : this.prefix[this.prefix.length - 1];
		this.times.push(at);
		this.prefix.push(last + amount);
	}

	/** Sum of the amounts added at times in (from, to]. */
	sum(from: number, to: number): number {
		const end = this.upperBound(to);
		const start = this.upperBound(from);
		if (end <= start) return 0;
		const before = start === 0 ? this.dropped : this.prefix[start - 1];
		return this.prefix[end - 1] - before;
	}

	/** Index of the first entry with time > t. Times only grow, except when a test steers its clock back: then this is approximate. */
	private upperBound(t: number): number {
		let low = 0;
		let high = this.times.length;
		while (low < high) {
			const middle = (low + high) >>> 1;
			if (this.times[middle] <= t) low = middle + 1;
			else high = middle;
		}

		return low;
	}

	private prune(now: number): void {
		if (this.times.length < 1024 || this.times[0] > now - keepMs) return;
		const cut = this.upperBound(now - keepMs);
		this.dropped = this.prefix[cut - 1];
		this.times = this.times.slice(cut);
		this.prefix = this.prefix.slice(cut);
	}
}
