/**
 * Retry or fail: what one failed attempt at a chunk means for the download.
 * Pure: no timers, no I/O; the engine does what the decision says.
 */
import {ExitCode, type ExitCodeValue, type ThawError} from '../../errors.js';
import {backoffDelay} from '../backoff.js';

export type FailureKind = 'hash' | 'size' | 'service' | 'stall' | 'aborted';

/** Why one attempt at a chunk failed. `fatal` errors end the whole download. */
export class ChunkFailure extends Error {
	constructor(readonly kind: FailureKind, message: string, readonly fatal?: ThawError) {
		super(message);
	}
}

/**
 * Node's HTTP parser refused the response (a header with a control byte, a
 * broken status line or chunk encoding: "Parse Error: Invalid header value
 * char", codes HPE_*). A bad answer from this attempt, like a reset: retried.
 */
export function isMalformedResponse(error: unknown): boolean {
	const code = (error as {code?: unknown} | undefined)?.code;
	if (typeof code === 'string' && code.startsWith('HPE_')) return true;
	return error instanceof Error && /^Parse Error\b/.test(error.message);
}

/**
 * Glacier refused the byte range of a job it has just described as Succeeded
 * with a size that covers it ("Invalid range", "The start of the range is
 * larger than size of retrieved data"): DescribeJob and GetJobOutput disagree.
 * That is the service failing (exit 5), not the job being not ready (exit 4).
 */
export function isRefusedRange(error: unknown): boolean {
	const e = error as {name?: unknown; message?: unknown} | undefined;
	return e?.name === 'InvalidParameterValueException' && typeof e.message === 'string' && /\brange\b/i.test(e.message);
}

export type RetryInput = {
	kind: FailureKind;
	/** One line, already scrubbed: why this attempt failed. */
	message: string;
	/** Failed attempts of this chunk so far, this one included. */
	failures: number;
	maxAttempts: number;
	/** 'chunk 3 (bytes 2097152-3145727)'. */
	label: string;
	/** The .part, named in the final message. */
	part: string;
	baseMs?: number;
	capMs?: number;
	random?: () => number;
};

export type RetryDecision =
	| {retry: true; delayMs: number; log: string}
	| {retry: false; exitCode: ExitCodeValue; message: string; /** The bytes were wrong (hash or size), not the service. */ verification: boolean};

export function decideRetry(input: RetryInput): RetryDecision {
	const {kind, message, failures, maxAttempts, label, part} = input;
	if (failures >= maxAttempts) {
		const verification = kind === 'hash' || kind === 'size';
		const what = verification ? 'verification failed' : 'download failed';
		return {
			retry: false,
			exitCode: verification ? ExitCode.verification : ExitCode.service,
			verification,
			message: `${what}: ${label} failed ${failures} times, last: ${message}. ${part} and its journal are kept: run the same command again to continue`,
		};
	}

	const delayMs = backoffDelay(failures, {baseMs: input.baseMs, capMs: input.capMs, random: input.random});
	return {retry: true, delayMs, log: `${label}: ${message}; retry ${failures} of ${maxAttempts - 1} in ${(delayMs / 1000).toFixed(1)} s`};
}
