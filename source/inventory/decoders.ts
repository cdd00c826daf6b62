/**
 * Archive descriptions written by popular backup tools, decoded into the
 * file path and modification time they carry. Anything unrecognised (or
 * recognised but broken) decodes to null and the raw description is shown.
 * Decoded paths are untrusted: see safeRelativePath().
 */
import {decodeUtf7} from './utf7.js';

export type DecodedDescription = {
	tool: 'mt-aws-glacier' | 'fastglacier' | 'cloudberry' | 'qnap';
	path: string;
	lastModified?: number;
};

const strictUtf8 = new TextDecoder('utf-8', {fatal: true});

function utf8(bytes: Uint8Array): string | undefined {
	try {
		return strictUtf8.decode(bytes);
	} catch {
		return undefined;
	}
}

/** yyyyMMddTHHmmssZ, as mt-aws-glacier, FastGlacier and CloudBerry write mtimes. */
export function parseCompactDate(text: unknown): number | undefined {
	if (typeof text !== 'string') return undefined;
	const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
	if (!match) return undefined;
	const [year, month, day, hour, minute, second] = match.slice(1).map(Number);
	const ms = Date.UTC(year, month - 1, day, hour, minute, second);
	const date = new Date(ms);
	if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return undefined;
	return ms;
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
	try {
		const value: unknown = JSON.parse(text);
		return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : undefined;
	} catch {
		return undefined;
	}
}

let wantDates = true;

function withDate(tool: DecodedDescription['tool'], path: unknown, mtime: unknown): DecodedDescription | null {
	if (typeof path !== 'string' || path.length === 0) return null;
	if (!wantDates) return {tool, path};
	const lastModified = parseCompactDate(mtime);
	return lastModified === undefined ? {tool, path} : {tool, path, lastModified};
}

function decodeMt(raw: string): DecodedDescription | null {
	const body = raw.slice(4).replace(/=+$/, '');
	if (!/^[A-Za-z0-9_+/-]+$/.test(body)) return null;
	const bytes = Buffer.from(body.replaceAll('+', '-').replaceAll('/', '_'), 'base64url');
	let json = utf8(bytes);
	if (json === undefined) return null;
	if (raw.startsWith('mt1')) { // Encoded to UTF-8 twice: undo the second one.
		// eslint-disable-next-line no-control-regex -- the range starts at U+0000 on purpose: any character beyond Latin-1
		if (/[^\u0000-\u00FF]/.test(json)) return null;
		json = utf8(Buffer.from(json, 'latin1'));
		if (json === undefined) return null;
	}

	const object = parseJsonObject(json);
	return object ? withDate('mt-aws-glacier', object.filename, object.mtime) : null;
}

function base64Text(text: string | undefined): string | undefined {
	if (text === undefined) return undefined;
	const body = text.trim();
	if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body) && !/^[A-Za-z0-9_-]*={0,2}$/.test(body)) return undefined;
	return utf8(Buffer.from(body, body.includes('-') || body.includes('_') ? 'base64url' : 'base64'));
}

function xmlElements(text: string): Map<string, string> {
	const elements = new Map<string, string>();
	for (const match of text.matchAll(/<([A-Za-z]+)>([^<]*)<\/\1>/g)) if (!elements.has(match[1])) elements.set(match[1], match[2]);
	return elements;
}

function decodeFastGlacier(raw: string): DecodedDescription | null {
	if (raw.startsWith('<m>')) {
		if (!raw.endsWith('</m>')) return null;
		const elements = xmlElements(raw.slice(3, -4));
		return withDate('fastglacier', base64Text(elements.get('p')), elements.get('lm'));
	}

	if (!raw.endsWith('</ArchiveMetadata>')) return null;
	const elements = xmlElements(raw);
	return withDate('fastglacier', base64Text(elements.get('Path')), elements.get('LastModified') ?? elements.get('lm'));
}

function decodeJson(raw: string): DecodedDescription | null {
	const object = parseJsonObject(raw);
	if (!object) return null;
	if (typeof object.Path === 'string' && ('UTCDateModified' in object || 'Flags' in object)) {
		return withDate('cloudberry', decodeUtf7(object.Path), object.UTCDateModified);
	}

	if (typeof object.path === 'string' && typeof object.type === 'string') return withDate('qnap', object.path, undefined);
	return null;
}

/** Only the path of a decoded description (or null): what the search index needs, a little faster. */
export function decodePath(raw: string): string | null {
	wantDates = false;
	try {
		return decodeDescription(raw)?.path ?? null;
	} finally {
		wantDates = true;
	}
}

export function decodeDescription(raw: string): DecodedDescription | null {
	if (raw.startsWith('mt2 ') || raw.startsWith('mt1 ')) return decodeMt(raw);
	if (raw.startsWith('<m>') || raw.startsWith('<ArchiveMetadata>')) return decodeFastGlacier(raw);
	if (raw.startsWith('{')) return decodeJson(raw);
	return null;
}

/** Cheap test on raw bytes: could decodeDescription() recognise bytes[start..end)? (`mt1 `, `mt2 `, `<m>`, `<ArchiveMetadata>`, `{`) */
export function mightBeEncoded(bytes: Uint8Array, start = 0, end = bytes.length): boolean {
	if (end - start < 2) return false;
	const first = bytes[start];
	if (first === 0x7B) return true; // {
	if (end - start < 4) return false;
	if (first === 0x6D) return bytes[start + 1] === 0x74 && (bytes[start + 2] === 0x32 || bytes[start + 2] === 0x31) && bytes[start + 3] === 0x20; // mt2 / mt1
	if (first === 0x3C) return (bytes[start + 1] === 0x6D && bytes[start + 2] === 0x3E) || bytes[start + 1] === 0x41; // <m> / <ArchiveMetadata>
	return false;
}

// eslint-disable-next-line no-control-regex
const unsafeInName = /[\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g;

/**
 * Map an untrusted decoded path to a relative path that stays inside the
 * folder it is joined to: `\` becomes `/`, leading `/` and drive letters go,
 * empty, `.` and `..` segments are dropped, control characters (and bidi
 * overrides) become `_`. Null when nothing is left.
 */
export function safeRelativePath(path: string): string | null {
	const segments = path
		.replaceAll('\\', '/')
		.replace(/^[A-Za-z]:/, '')
		.split('/')
		.map(segment => segment.replace(unsafeInName, '_'))
		.filter(segment => segment !== '' && segment !== '.' && segment !== '..');
	return segments.length === 0 ? null : segments.join('/');
}
