import process from 'node:process';

/** The one test for "a person is at a terminal": both stdin (keys) and stdout (frames) are TTYs. */
export function isTerminal(): boolean {
	return process.stdin.isTTY === true && process.stdout.isTTY === true;
}
