/**
 * Exit codes shared by every command, and the error type that carries one.
 * A ThawError is a user-facing failure: cli.tsx prints its one-line message
 * (never a stack trace unless --debug) and exits with its code.
 */
import {inert} from './inert.js';
import {redact} from './redact.js';

export const ExitCode = {
	ok: 0,
	unexpected: 1,
	usage: 2,
	verification: 3,
	job: 4,
	service: 5,
	local: 6,
	interrupted: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * The TUI is bundled into one file (scripts/bundle.mjs) with its own copy of
 * this module, so a ThawError thrown inside it is not `instanceof` the class
 * cli/main.ts sees. A registered symbol marks every copy's errors alike.
 */
const thawErrorMark = Symbol.for('thaw.ThawError');

export class ThawError extends Error {
	readonly exitCode: ExitCodeValue;

	constructor(message: string, exitCode: ExitCodeValue = ExitCode.unexpected, options?: {cause?: unknown}) {
		super(message, options);
		this.name = 'ThawError';
		this.exitCode = exitCode;
		Object.defineProperty(this, thawErrorMark, {value: true});
	}
}

/** A ThawError from this copy of the module or from the bundled TUI's. */
export function isThawError(error: unknown): error is ThawError {
	return error instanceof ThawError || (error instanceof Error && (error as unknown as Record<symbol, unknown>)[thawErrorMark] === true);
}

export class UsageError extends ThawError {
	constructor(message: string) {
		super(message, ExitCode.usage);
		this.name = 'UsageError';
	}
}

/**
 * What thaw prints on stderr when a command fails, and the exit code: the one
 * line for a ThawError, "unexpected error" otherwise, and with --debug the
 * stack of the error and of each cause. Every line is redacted (no secret
 * key, session token, Authorization header or signature: AWS's
 * signature-mismatch errors quote the signed request) and made inert.
 */
export function describeFailure(error: unknown, debug: boolean): {text: string; exitCode: ExitCodeValue} {
	const lines: string[] = [];
	let exitCode: ExitCodeValue;
	if (isThawError(error)) {
		lines.push(`thaw: ${clean(error.message)}`);
		if (debug && error.cause !== undefined) lines.push(...stacks(error.cause));
		exitCode = error.exitCode;
	} else {
		const message = error instanceof Error ? error.message : String(error);
		lines.push(`thaw: unexpected error: ${clean(message)}${debug ? '' : ' (run again with --debug for details)'}`);
		if (debug) lines.push(...stacks(error));
		exitCode = ExitCode.unexpected;
	}

	return {text: lines.map(line => `${line}\n`).join(''), exitCode};
}

/** One line of text that may quote a server or the SDK, safe to print. */
function clean(text: string): string {
	return inert(redact(text).replace(/\s*[\r\n]+\s*/g, ' '));
}

/** The stack of an error and of its causes (a few deep), redacted as a whole before it is split into lines. */
function stacks(error: unknown): string[] {
	const lines: string[] = [];
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
		const text = current instanceof Error ? current.stack ?? `${current.name}: ${current.message}` : String(current);
		if (depth > 0) lines.push('caused by:');
		for (const line of redact(text).split('\n')) lines.push(inert(line));
		current = current instanceof Error ? current.cause : undefined;
	}

	return lines;
}
