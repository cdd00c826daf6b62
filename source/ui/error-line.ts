import {inert} from '../inert.js';

/**
 * An error as a screen shows it: the message alone (a ThawError's is written
 * for people and already names what to do), made inert, since it may carry a
 * server's or a file system's text.
 */
export function errorLine(error: unknown): string {
	return inert(error instanceof Error ? error.message : String(error));
}
