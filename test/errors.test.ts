import {describe, expect, it} from 'vitest';
import {describeFailure, ExitCode, ThawError} from '../source/errors.js';

describe('describeFailure', () => {
	it('prints a ThawError thrown by another copy of the module (the bundled TUI has its own) as one line with its exit code', async () => {
		// A query suffix makes vite load a second instance of the module: a class of its own, as in build/tui.
		const other = await import('../source/errors.js?copy') as typeof import('../source/errors.js');
		expect(other.ThawError).not.toBe(ThawError);
		const failure = describeFailure(new other.ThawError('cannot read --ca-bundle /nonexistent: ENOENT', other.ExitCode.local), false);
		expect(failure).toEqual({text: 'thaw: cannot read --ca-bundle /nonexistent: ENOENT\n', exitCode: ExitCode.local});
		expect(describeFailure(new other.UsageError('--job-id needs --vault-name too.'), false).exitCode).toBe(ExitCode.usage);
	});

	it('still calls anything else an unexpected error', () => {
		const failure = describeFailure(Object.assign(new Error('boom'), {exitCode: 6, name: 'ThawError'}), false);
		expect(failure.exitCode).toBe(ExitCode.unexpected);
		expect(failure.text).toMatch(/^thaw: unexpected error: boom/);
	});
});
