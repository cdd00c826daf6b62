/**
 * Exit codes shared by every command, and the error type that carries one.
 * A ThawError is a user-facing failure: cli.tsx prints its one-line message
 * (never a stack trace unless --debug) and exits with its code.
 */
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

export class ThawError extends Error {
	readonly exitCode: ExitCodeValue;

	constructor(message: string, exitCode: ExitCodeValue = ExitCode.unexpected, options?: {cause?: unknown}) {
		super(message, options);
		this.name = 'ThawError';
		this.exitCode = exitCode;
	}
}

export class UsageError extends ThawError {
	constructor(message: string) {
		super(message, ExitCode.usage);
		this.name = 'UsageError';
	}
}
