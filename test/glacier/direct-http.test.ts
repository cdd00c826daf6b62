/**
 * The direct http handler (source/glacier/direct-http.ts) against a real
 * local server writing raw bytes (node:net): hostile heads and bodies, keep-
 * alive, maxSockets, timeouts, abort, and bodies read into a caller's buffer.
 */
import {createServer, type Server, type Socket} from 'node:net';
import type {Readable} from 'node:stream';
import type {HttpRequest} from '@smithy/types';
import {afterEach, describe, expect, it} from 'vitest';
import {DirectHttpHandler, readBodyInto} from '../../source/glacier/direct-http.js';

type Answer = (socket: Socket, request: string, index: number) => void;

let servers: Server[] = [];
let handlers: DirectHttpHandler[] = [];
afterEach(async () => {
	for (const handler of handlers) handler.destroy();
	await Promise.all(servers.map(async server => new Promise(resolve => {
		server.close(resolve);
		server.closeAllConnections?.();
	})));
	servers = [];
	handlers = [];
});

/** A server answering each request (head up to CRLF CRLF) with `answer`; counts connections. */
async function serve(answer: Answer): Promise<{port: number; connections: () => number; requests: () => number}> {
	let connections = 0;
	let requests = 0;
	const sockets = new Set<Socket>();
	const server = createServer(socket => {
		connections++;
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
		socket.on('error', () => undefined);
		let text = '';
		socket.on('data', data => {
			text += data.toString('latin1');
			for (let end = text.indexOf('\r\n\r\n'); end !== -1; end = text.indexOf('\r\n\r\n')) {
				const request = text.slice(0, end);
				text = text.slice(end + 4);
				answer(socket, request, requests++);
			}
		});
	});
	server.closeAllConnections = () => {
		for (const socket of sockets) socket.destroy();
	};

	servers.push(server);
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as {port: number};
	return {port, connections: () => connections, requests: () => requests};
}

function handler(options: Partial<ConstructorParameters<typeof DirectHttpHandler>[0]> = {}): DirectHttpHandler {
	const made = new DirectHttpHandler({maxSockets: 4, ...options});
	handlers.push(made);
	return made;
}

const get = (port: number, path = '/job/output'): HttpRequest => ({protocol: 'http:', hostname: '127.0.0.1', port, method: 'GET', path, headers: {range: 'bytes=0-9'}, query: {}});

async function text(body: Readable): Promise<string> {
	const pieces: Buffer[] = [];
	for await (const piece of body) pieces.push(piece as Buffer);
	return Buffer.concat(pieces).toString('latin1');
}

const ok = (body: string, extra = '') => `HTTP/1.1 206 Partial Content\r\nContent-Length: ${body.length}\r\nContent-Range: bytes 0-9/10\r\n${extra}\r\n${body}`;

describe('DirectHttpHandler: ordinary answers', () => {
	it('parses status and headers (lower-case names) and reads the body; the socket is reused', async () => {
		const server = await serve(socket => socket.write(ok('0123456789', 'X-Amz-Sha256-Tree-Hash: abc\r\n')));
		const h = handler();
		for (let i = 0; i < 3; i++) {
			const {response} = await h.handle(get(server.port));
			expect(response.statusCode).toBe(206);
			expect(response.headers['x-amz-sha256-tree-hash']).toBe('abc');
			expect(await text(response.body as Readable)).toBe('0123456789');
		}

		expect(server.connections()).toBe(1);
	});

	it('sends the method, path, query and headers, adding Host', async () => {
		let seen = '';
		const server = await serve((socket, request) => {
			seen = request;
			socket.write(ok('0123456789'));
		});
		const {response} = await handler().handle({...get(server.port, '/-/vaults/v%20x/jobs/j/output'), query: {b: '2', a: 'x y'}});
		await text(response.body as Readable);
		expect(seen.split('\r\n')).toEqual(['GET /-/vaults/v%20x/jobs/j/output?a=x%20y&b=2 HTTP/1.1', 'range: bytes=0-9', `Host: 127.0.0.1:${server.port}`]);
	});

	it('a head and body in one-byte pieces (trickled) still parse', async () => {
		const server = await serve(socket => {
			const bytes = Buffer.from(ok('0123456789'));
			let at = 0;
			const timer = setInterval(() => {
				if (at >= bytes.length || socket.destroyed) clearInterval(timer);
				else socket.write(bytes.subarray(at, ++at));
			}, 1);
		});
		const {response} = await handler().handle(get(server.port));
		expect(await text(response.body as Readable)).toBe('0123456789');
	});

	it('skips a 100 Continue before the answer', async () => {
		const server = await serve(socket => socket.write(`HTTP/1.1 100 Continue\r\n\r\n${ok('0123456789')}`));
		const {response} = await handler().handle(get(server.port));
		expect(response.statusCode).toBe(206);
		expect(await text(response.body as Readable)).toBe('0123456789');
	});

	it('a chunked error body is decoded, and the socket reused', async () => {
		const json = '{"code":"ResourceNotFoundException","message":"no job"}';
		const server = await serve(socket => socket.write(`HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n5;x=y\r\n${json.slice(0, 5)}\r\n${(json.length - 5).toString(16)}\r\n${json.slice(5)}\r\n0\r\nTrailer: 1\r\n\r\n`));
		const h = handler();
		for (let i = 0; i < 2; i++) {
			const {response} = await h.handle(get(server.port));
			expect(response.statusCode).toBe(404);
			expect(await text(response.body as Readable)).toBe(json);
		}

		expect(server.connections()).toBe(1);
	});

	it('a body ended by the server closing (no length) is read to the close; the socket is not reused', async () => {
		const server = await serve(socket => socket.end('HTTP/1.1 500 Oops\r\nContent-Type: text/html\r\n\r\n<html>oops</html>'));
		const h = handler();
		for (let i = 0; i < 2; i++) {
			const {response} = await h.handle(get(server.port));
			expect(await text(response.body as Readable)).toBe('<html>oops</html>');
		}

		expect(server.connections()).toBe(2);
	});
});

const refused = async (head: string) => {
	const server = await serve(socket => socket.end(head));
	return handler().handle(get(server.port)).then(() => undefined, (error: unknown) => error as Error & {code?: string});
};

describe('DirectHttpHandler: hostile heads are refused as llhttp refuses them (code HPE_*, "Parse Error: …")', () => {
	it.each([
		['a control byte in a header value', 'HTTP/1.1 200 OK\r\nX-Amz-Archive-Description: bad\u0001header\r\nContent-Length: 0\r\n\r\n', /Parse Error: Invalid header value char/],
		['a bare LF inside the head', 'HTTP/1.1 200 OK\r\nA: 1\nB: 2\r\nContent-Length: 0\r\n\r\n', /Parse Error/],
		['a space before the colon', 'HTTP/1.1 200 OK\r\nContent-Length : 0\r\n\r\n', /Invalid header token/],
		['a folded header line', 'HTTP/1.1 200 OK\r\nA: 1\r\n 2\r\nContent-Length: 0\r\n\r\n', /Invalid header token/],
		['not HTTP', 'SSH-2.0-OpenSSH\r\n\r\n', /Invalid status line/],
		['a status of two digits', 'HTTP/1.1 20 OK\r\n\r\n', /Invalid status line/],
		['a Content-Length with letters', 'HTTP/1.1 200 OK\r\nContent-Length: 12abc\r\n\r\n', /Invalid character in Content-Length/],
		['two different Content-Lengths', 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n', /Duplicate Content-Length/],
		['Content-Length with Transfer-Encoding', 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n', /Content-Length can't be present/],
		['a Transfer-Encoding other than chunked', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n', /Transfer-Encoding other than chunked/],
	])('%s', async (_what, head, message) => {
		const error = await refused(head);
		expect(error?.message).toMatch(message);
		expect(error?.code).toMatch(/^HPE_/);
	});

	it('a head over 16 KiB that never ends: Header overflow, without waiting for the rest', async () => {
		const server = await serve(socket => {
			socket.write(`HTTP/1.1 200 OK\r\nX-Pad: ${'a'.repeat(20 * 1024)}`);
		});
		const error = await handler().handle(get(server.port)).catch((caught: unknown) => caught as Error & {code?: string});
		expect(error).toMatchObject({code: 'HPE_HEADER_OVERFLOW'});
	});

	it('a close before any answer is "socket hang up" (ECONNRESET), which the engine retries', async () => {
		const server = await serve(socket => socket.destroy());
		await expect(handler().handle(get(server.port))).rejects.toMatchObject({message: 'socket hang up', code: 'ECONNRESET'});
	});

	it('a kept-alive socket the server closed meanwhile: the request goes out again on a fresh one', async () => {
		const server = await serve((socket, _request, index) => {
			socket.write(ok('0123456789'));
			// The first connection dies right after its answer (as an idle timeout on the server would).
			if (index === 0) setTimeout(() => socket.destroy(), 5);
		});
		const h = handler();
		await text((await h.handle(get(server.port))).response.body as Readable);
		await new Promise(resolve => setTimeout(resolve, 30));
		const {response} = await h.handle(get(server.port));
		expect(await text(response.body as Readable)).toBe('0123456789');
		expect(server.connections()).toBe(2);
	});
});

async function bodyError(body: Readable): Promise<Error & {code?: string}> {
	return text(body).then(() => {
		throw new Error('the body ended cleanly');
	}, (error: unknown) => error as Error & {code?: string});
}

describe('DirectHttpHandler: hostile bodies', () => {
	it('a body shorter than its Content-Length (early close) fails "aborted" (ECONNRESET)', async () => {
		const server = await serve(socket => socket.end('HTTP/1.1 206 Partial Content\r\nContent-Length: 10\r\n\r\n01234'));
		const {response} = await handler().handle(get(server.port));
		expect(await bodyError(response.body as Readable)).toMatchObject({message: 'aborted', code: 'ECONNRESET'});
	});

	it('bytes past the Content-Length are not body, and the socket is not reused', async () => {
		const server = await serve(socket => socket.write(`${ok('0123456789')}EXTRA BYTES`));
		const h = handler();
		expect(await text((await h.handle(get(server.port))).response.body as Readable)).toBe('0123456789');
		expect(await text((await h.handle(get(server.port))).response.body as Readable)).toBe('0123456789');
		expect(server.connections()).toBe(2);
	});

	it('a bad chunk size fails the body with a parse error', async () => {
		const server = await serve(socket => socket.write('HTTP/1.1 500 Oops\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n'));
		const {response} = await handler().handle(get(server.port));
		expect(await bodyError(response.body as Readable)).toMatchObject({code: 'HPE_INVALID_CHUNK_SIZE'});
	});

	it('a quiet head or body trips the idle socket timeout (TimeoutError)', async () => {
		const server = await serve(socket => socket.write('HTTP/1.1 206 Partial Content\r\nContent-Length: 10\r\n\r\n01'));
		const quiet = await serve(() => undefined);
		const h = handler({socketTimeout: 100});
		const {response} = await h.handle(get(server.port));
		expect(await bodyError(response.body as Readable)).toMatchObject({name: 'TimeoutError'});
		await expect(h.handle(get(quiet.port))).rejects.toMatchObject({name: 'TimeoutError'});
	});

	it('abort: a request waiting for its head, and a body in flight, fail with AbortError', async () => {
		const server = await serve((socket, _request, index) => {
			if (index > 0) socket.write('HTTP/1.1 206 Partial Content\r\nContent-Length: 10\r\n\r\n01');
		});
		const h = handler();
		const waiting = new AbortController();
		const pending = h.handle(get(server.port), {abortSignal: waiting.signal});
		setTimeout(() => waiting.abort(new Error('stopped')), 20);
		await expect(pending).rejects.toMatchObject({name: 'AbortError'});
		const flying = new AbortController();
		const {response} = await h.handle(get(server.port), {abortSignal: flying.signal});
		setTimeout(() => flying.abort(new Error('stopped')), 20);
		expect(await bodyError(response.body as Readable)).toMatchObject({name: 'AbortError'});
	});

	it('never more than maxSockets connections: the rest wait for a free one', async () => {
		const server = await serve(socket => setTimeout(() => socket.write(ok('0123456789')), 20));
		const h = handler({maxSockets: 2});
		const bodies = await Promise.all(Array.from({length: 5}, async () => text((await h.handle(get(server.port))).response.body as Readable)));
		expect(bodies).toEqual(Array.from({length: 5}, () => '0123456789'));
		expect(server.connections()).toBe(2);
	});
});

describe('DirectHttpHandler: a body read into the caller\'s buffer', () => {
	it('pieces are views of the buffers next() lent, in order, holding the body\'s bytes', async () => {
		const size = 3 * 1024 * 1024;
		const body = Buffer.alloc(size);
		for (let i = 0; i < size; i++) body[i] = (i * 7) % 251;
		const server = await serve(socket => {
			socket.write(`HTTP/1.1 206 Partial Content\r\nContent-Length: ${size}\r\n\r\n`);
			// After the head, so the handler has the body's destination when the bytes come.
			setTimeout(() => socket.write(body), 20);
		});
		const slot = Buffer.alloc(size);
		let lent = 0;
		let fill = 0;
		const controller = new AbortController();
		readBodyInto(controller.signal, {
			next() {
				lent++;
				return slot.subarray(fill);
			},
		});
		const {response} = await handler().handle(get(server.port), {abortSignal: controller.signal});
		let inPlace = 0;
		const stream = response.body as Readable;
		// Flowing, as ChunkSink reads it: only then does the handler lend.
		stream.on('data', (piece: Buffer) => {
			if (piece.buffer === slot.buffer && piece.byteOffset === slot.byteOffset + fill) inPlace += piece.length;
			else piece.copy(slot, fill);
			fill += piece.length;
		});
		await new Promise((resolve, reject) => stream.on('end', resolve).on('error', reject));
		expect(fill).toBe(size);
		expect(slot.equals(body)).toBe(true);
		expect(lent).toBeGreaterThan(0);
		// All but the first read after the head (its buffer was chosen before anyone read the body).
		expect(inPlace).toBeGreaterThanOrEqual(size - (64 * 1024));
	});
});
