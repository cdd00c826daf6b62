/**
 * Crash tests: THAW_FAILPOINT=<name>:<n> kills this process with SIGKILL
 * (exactly what `kill -9` does) the n-th time the runner passes the named
 * point, so a test can crash it where no outside timing could (between a
 * rename and its journal line). Unset, it costs one comparison.
 */
const spec = process.env.THAW_FAILPOINT;
const [wanted, countText] = (spec ?? '').split(':');
const at = Number(countText ?? '1') || 1;
let hits = 0;

/** Whether a test armed this failpoint (to set up a hook only then). */
export function armed(name: string): boolean {
	return spec !== undefined && name === wanted;
}

export function failpoint(name: string): void {
	if (spec === undefined || name !== wanted) return;
	hits++;
	if (hits >= at) process.kill(process.pid, 'SIGKILL');
}
