/**
 * The wire format behind direct-http.ts: the request head written, and a
 * strict HTTP/1.1 response-head parser and chunked-body decoder. A server is untrusted: every limit is bounded, control
 * bytes in a header are refused as Node's own parser (llhttp) refuses them,
 * and each refusal is an Error with llhttp's code (HPE_*) and a "Parse
 * Error: …" message, so the download engine tells a malformed answer from a
 * broken connection exactly as it does for node:http (retry-policy.ts).
 */

import type {HttpRequest} from '@smithy/types';

/** Longest response head accepted (Node's default --max-http-header-size). */
export const MAX_HEAD = 16 * 1024;

export type ResponseHead = {
	statusCode: number;
	reason: string;
	/** Lower-case names; repeated fields joined with ', '. */
	headers: Record<string, string>;
	/** The server lets the connection be reused for another request. */
	keepAlive: boolean;
	/** Body framing: a length, chunked, or until the server closes. */
	framing: {kind: 'length'; length: number} | {kind: 'chunked'} | {kind: 'close'};
};

export function parseError(code: string, what: string): Error {
	return Object.assign(new Error(`Parse Error: ${what}`), {code});
}

const statusLine = /^HTTP\/1\.([01]) (\d{3})(?: ([^\r\n]*))?$/;
const token = /^[!#$%&'*+\-.^_`|~\dA-Za-z]+$/;
// Tab is allowed in a value; every other control byte, and DEL, is not.
// eslint-disable-next-line no-control-regex
const badValue = /[\u0000-\u0008\u000A-\u001F\u007F]/;

/**
 * Parse a head (without its final CRLF CRLF; latin-1 text, one char a
 * byte) of the answer to a `method` request.
 */
export function parseHead(text: string, method: string): ResponseHead {
	const lines = text.split('\r\n');
	if (lines.some(line => line.includes('\r') || line.includes('\n'))) throw parseError('HPE_LF_EXPECTED', 'Missing expected CR or LF after header value');
	const match = statusLine.exec(lines[0]!);
	if (!match) throw parseError('HPE_INVALID_STATUS', 'Invalid status line');
	const reason = match[3] ?? '';
	if (badValue.test(reason)) throw parseError('HPE_INVALID_STATUS', 'Invalid response status');
	const statusCode = Number(match[2]);
	if (statusCode < 100) throw parseError('HPE_INVALID_STATUS', 'Invalid response status');
	const headers: Record<string, string> = {};
	let lengths = 0;
	for (const line of lines.slice(1)) {
		const colon = line.indexOf(':');
		const name = colon === -1 ? '' : line.slice(0, colon);
		// No name, a space before the colon, or an obsolete folded line (starts with a space): refused.
		if (!token.test(name)) throw parseError('HPE_INVALID_HEADER_TOKEN', 'Invalid header token');
		const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '');
		if (badValue.test(value)) throw parseError('HPE_INVALID_HEADER_TOKEN', 'Invalid header value char');
		const key = name.toLowerCase();
		if (key === 'content-length') {
			if (lengths++ > 0 && headers[key] !== value) throw parseError('HPE_UNEXPECTED_CONTENT_LENGTH', 'Duplicate Content-Length');
			headers[key] = value;
			continue;
		}

		headers[key] = key in headers ? `${headers[key]}, ${value}` : value;
	}

	const http10 = match[1] === '0';
	const connection = (headers.connection ?? '').toLowerCase();
	const keepAlive = !http10 && !/\bclose\b/.test(connection);
	const bodyless = method === 'HEAD' || statusCode === 204 || statusCode === 304 || statusCode < 200;
	const encoding = headers['transfer-encoding'];
	const length = headers['content-length'];
	let framing: ResponseHead['framing'];
	if (bodyless) {
		framing = {kind: 'length', length: 0};
	} else if (encoding !== undefined) {
		if (length !== undefined) throw parseError('HPE_UNEXPECTED_CONTENT_LENGTH', 'Content-Length can\'t be present with Transfer-Encoding');
		if (encoding.toLowerCase() !== 'chunked') throw parseError('HPE_INVALID_TRANSFER_ENCODING', 'Transfer-Encoding other than chunked');
		framing = {kind: 'chunked'};
	} else if (length === undefined) {
		framing = {kind: 'close'};
	} else {
		if (!/^\d{1,15}$/.test(length)) throw parseError('HPE_INVALID_CONTENT_LENGTH', 'Invalid character in Content-Length');
		framing = {kind: 'length', length: Number(length)};
	}

	return {statusCode, reason, headers, keepAlive: keepAlive && framing.kind !== 'close', framing};
}

const LF = 10;
/** Longest chunk-size line (with extensions) and trailer section accepted. */
const MAX_LINE = 1024;

/**
 * A chunked body, decoded piece by piece: feed() returns the data bytes in a
 * piece (views of it) and whether the last chunk and its trailers are in;
 * bytes after that are `rest` (the server sent more than the response).
 */
export class ChunkedDecoder {
	private state: 'size' | 'data' | 'data-end' | 'trailers' | 'done' = 'size';
	private line = '';
	private left = 0;

	feed(piece: Buffer): {data: Buffer[]; done: boolean; rest: number} {
		const data: Buffer[] = [];
		let at = 0;
		while (at < piece.length && this.state !== 'done') {
			if (this.state === 'data') {
				const take = Math.min(this.left, piece.length - at);
				data.push(piece.subarray(at, at + take));
				at += take;
				this.left -= take;
				if (this.left === 0) this.state = 'data-end';
				continue;
			}

			// A line: a chunk size, the CRLF after data, or a trailer.
			const byte = piece[at++]!;
			if (byte !== LF) {
				this.line += String.fromCharCode(byte);
				if (this.line.length > MAX_LINE) throw parseError('HPE_CHUNK_EXTENSIONS_OVERFLOW', 'Chunk size line too long');
				continue;
			}

			if (!this.line.endsWith('\r') || this.line.slice(0, -1).includes('\r')) throw parseError('HPE_LF_EXPECTED', 'Missing expected CR before LF in a chunked body');
			const line = this.line.slice(0, -1);
			this.line = '';
			this.lineDone(line);
		}

		return {data, done: this.state === 'done', rest: piece.length - at};
	}

	private trailerBytes = 0;

	private lineDone(line: string): void {
		switch (this.state) {
			case 'size': {
				const match = /^([\dA-Fa-f]{1,12})(?:[ \t]*;[^\r\n]*)?$/.exec(line);
				if (!match) throw parseError('HPE_INVALID_CHUNK_SIZE', 'Invalid character in chunk size');
				this.left = Number.parseInt(match[1]!, 16);
				this.state = this.left === 0 ? 'trailers' : 'data';
				break;
			}

			case 'data-end': {
				if (line !== '') throw parseError('HPE_STRICT', 'Expected CRLF after chunk data');
				this.state = 'size';
				break;
			}

			case 'trailers': {
				this.trailerBytes += line.length + 2;
				if (this.trailerBytes > MAX_LINE * 8) throw parseError('HPE_HEADER_OVERFLOW', 'Header overflow');
				if (line === '') this.state = 'done';
				else if (badValue.test(line)) throw parseError('HPE_INVALID_HEADER_TOKEN', 'Invalid header value char');
				break;
			}

			default: {
				break;
			}
		}
	}
}

/** Where the head's closing CRLF CRLF starts in `bytes` (-1: not in yet); `from`: bytes already searched. */
export function endOfHead(bytes: Buffer, from: number): number {
	return bytes.indexOf('\r\n\r\n', Math.max(0, from - 3), 'latin1');
}

function escape(text: string): string {
	return encodeURIComponent(text).replace(/[!'()*]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function target(request: HttpRequest): string {
	const parts: string[] = [];
	for (const [key, value] of Object.entries(request.query ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
		if (value === null) parts.push(escape(key));
		else for (const one of Array.isArray(value) ? value : [value]) parts.push(`${escape(key)}=${escape(one)}`);
	}

	return `${request.path || '/'}${parts.length > 0 ? `?${parts.join('&')}` : ''}`;
}

/** The request line and headers (a header holding a line break is refused: no smuggled second request). */
export function requestHead(request: HttpRequest, body: Buffer | undefined): string {
	const lines = [`${request.method} ${target(request)} HTTP/1.1`];
	const names = new Set<string>();
	for (const [name, value] of Object.entries(request.headers)) {
		if (/[\r\n]/.test(name) || /[\r\n]/.test(value)) throw new TypeError(`header ${JSON.stringify(name)} holds a line break`);
		names.add(name.toLowerCase());
		lines.push(`${name}: ${value}`);
	}

	if (!names.has('host')) lines.push(`Host: ${request.hostname}${request.port ? `:${request.port}` : ''}`);
	if (body && !names.has('content-length')) lines.push(`Content-Length: ${body.length}`);
	return `${lines.join('\r\n')}\r\n\r\n`;
}

/** The request's body as bytes (GetJobOutput, DeleteArchive: none; InitiateJob: JSON text). */
export function requestBody(request: HttpRequest): Buffer | undefined {
	const {body} = request as {body?: unknown};
	if (body === undefined || body === null) return undefined;
	if (typeof body === 'string') return Buffer.from(body);
	if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
	throw new TypeError('the direct http handler sends only string or byte bodies');
}
