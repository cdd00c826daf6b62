import {inert} from '../inert.js';
import {redact} from '../redact.js';

/**
 * An error as a screen shows it: the message alone (a ThawError's is written
 * for people and already names what to do), with credentials removed and made
 * inert, since it may carry a server's or a file system's text.
 */
export function errorLine(error: unknown): string {
	return inert(redact(error instanceof Error ? error.message : String(error)));
}
