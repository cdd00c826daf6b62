/**
 * Identifiers shaped like Glacier's: archive IDs are 138 URL-safe base64
 * characters, job IDs 92. Derived from a name so demo IDs are stable across
 * runs; random ones for jobs started over HTTP.
 */
import {createHash, randomBytes} from 'node:crypto';

function stretch(name: string, length: number): string {
	let out = '';
	for (let i = 0; out.length < length; i++) out += createHash('sha256').update(`${i}\0${name}`).digest('base64url');
	return out.slice(0, length);
}

export function archiveIdFor(name: string): string {
	return stretch(`archive\0${name}`, 138);
}

export function jobIdFor(name: string): string {
	return stretch(`job\0${name}`, 92);
}

export function randomJobId(): string {
	return jobIdFor(randomBytes(16).toString('hex'));
}

const vaultNamePattern = /^[\w.-]{1,255}$/;

export function isValidVaultName(name: string): boolean {
	return vaultNamePattern.test(name);
}
