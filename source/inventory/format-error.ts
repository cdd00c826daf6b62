import {ExitCode, ThawError} from '../errors.js';

/**
 * A malformed inventory: names the line (and for JSON the byte offset) and
 * what was wrong. Exit code 2, like any other bad input given by the user.
 */
export class InventoryFormatError extends ThawError {
	readonly line: number | undefined;
	readonly offset: number | undefined;
	readonly reason: string;

	constructor(reason: string, where: {line?: number; offset?: number} = {}) {
		const parts: string[] = [];
		if (where.line !== undefined) parts.push(`line ${where.line}`);
		if (where.offset !== undefined) parts.push(`byte ${where.offset}`);
		super(parts.length > 0 ? `${parts.join(', ')}: ${reason}` : reason, ExitCode.usage);
		this.name = 'InventoryFormatError';
		this.line = where.line;
		this.offset = where.offset;
		this.reason = reason;
	}
}

/** A record that is well-formed syntax but holds an invalid value; the reader adds the position. */
export class FieldError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'FieldError';
	}
}
