/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential
 * Backoff And Jitter"): the n-th retry waits a uniformly random time between
 * 0 and min(cap, base * 2^(n-1)).
 */
export type BackoffOptions = {baseMs?: number; capMs?: number; random?: () => number};

export const DEFAULT_BACKOFF_BASE_MS = 250;
export const DEFAULT_BACKOFF_CAP_MS = 20_000;

/** Milliseconds to wait before retry number `retry` (1 for the first retry). */
export function backoffDelay(retry: number, {baseMs = DEFAULT_BACKOFF_BASE_MS, capMs = DEFAULT_BACKOFF_CAP_MS, random = Math.random}: BackoffOptions = {}): number {
	const ceiling = Math.min(capMs, baseMs * (2 ** Math.max(0, Math.min(retry - 1, 30))));
	return Math.floor(random() * ceiling);
}
