import {UsageError} from '../../errors.js';
import {inert} from '../../inert.js';

/** A filter that does not parse, or cannot be run: a usage error (exit 2), one line. */
export class FilterError extends UsageError {
	constructor(message: string) {
		super(`filter: ${message}`);
		this.name = 'FilterError';
	}
}

/**
 * A regular expression that ran out of its time budget (catastrophic
 * backtracking, like /(a+)+$/ on a long run of a's): it was stopped.
 */
export class RegexTooSlowError extends FilterError {
	constructor(readonly pattern: string, budgetMs: number) {
		super(`${inert(pattern)} is too slow on these descriptions (stopped after ${budgetMs} ms); simplify it: nested repeats like (a+)+ backtrack without end`);
		this.name = 'RegexTooSlowError';
	}
}
