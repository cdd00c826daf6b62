/**
 * The SDK request handler for GetJobOutput bodies over plain http (the
 * emulator, a local endpoint): keep-alive sockets of its own, the response
 * head parsed here (http-head.ts), and a body whose socket reads can land
 * straight in the caller's buffers. node:http's parser copies every body
 * piece it hands over (~0.4 s a GiB here); with `readBodyInto`, the kernel
 * writes body bytes into the unfilled tail of the download's leaf slot and
 * the piece the body emits is a view of it, so nothing is copied on the way.
 *
 * Only the transport changes: signing, the SDK's parsing of the response and
 * its errors stay the real @aws-sdk/client-glacier's. https endpoints (real
 * Glacier) keep node:https through the SDK's own handler (client.ts).
 *
 * Behaves as the SDK's NodeHttpHandler with the options client.ts gives it:
 * maxSockets per host (requests queue beyond it), a connection timeout, an
 * idle socket timeout (--cli-read-timeout) that fails a quiet head or body,
 * and the abort signal.
 */
import {connect, type Socket} from 'node:net';
import {Readable} from 'node:stream';
import type {HttpHandlerOptions, HttpRequest, HttpResponse, RequestHandler} from '@smithy/types';
import {endOfHead, ChunkedDecoder, MAX_HEAD, parseError, parseHead, requestBody, requestHead, type ResponseHead} from './http-head.js';

/** Where the body of the response to one request may be read into. */
export type BodyDestination = {
	/**
	 * A buffer the next socket read may fill, or undefined (the handler then
	 * reads into its own and copies). Bytes read into it come out of the body
	 * as a view of exactly that buffer, before next() is asked again.
	 */
	next(): Buffer | undefined;
};

const destinations = new WeakMap<AbortSignal, BodyDestination>();

/** Let the response body of the request sent with `signal` be read into `destination` (http endpoints only). */
export function readBodyInto(signal: AbortSignal, destination: BodyDestination): void {
	destinations.set(signal, destination);
}

export type DirectHttpOptions = {
	maxSockets: number;
	/** ms; 0 or undefined: none. */
	connectionTimeout?: number;
	/** ms a socket may sit idle during a request; 0 or undefined: none. */
	socketTimeout?: number;
};

/** What the handler reads into when the body has no destination (and for every head). */
const SCRATCH = 64 * 1024;

function timeoutError(message: string): Error {
	return Object.assign(new Error(message), {name: 'TimeoutError'});
}

function abortError(signal: AbortSignal): Error {
	const reason: unknown = signal.reason;
	const error = new Error(reason instanceof Error ? 'Request aborted' : String(reason ?? 'Request aborted'));
	error.name = 'AbortError';
	if (reason instanceof Error) error.cause = reason;
	return error;
}

const hangUp = () => Object.assign(new Error('socket hang up'), {code: 'ECONNRESET'});
const brokenBody = () => Object.assign(new Error('aborted'), {code: 'ECONNRESET'});

/** A response body: pieces pushed by the exchange; reading more resumes the socket. */
class Body extends Readable {
	private reading = false;
	private failed: Error | undefined;

	constructor(private readonly exchange: Exchange) {
		super({highWaterMark: SCRATCH});
	}

	/**
	 * The body broke. Before anyone reads it (the SDK is still between the
	 * head and its reader), the error waits for the first read: an 'error'
	 * nobody listens to yet would crash the process.
	 */
	fail(error: Error): void {
		if (this.reading) this.destroy(error);
		else this.failed ??= error;
	}

	override _read(): void {
		this.reading = true;
		if (this.failed) this.destroy(this.failed);
		else this.exchange.more();
	}

	override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
		this.exchange.bodyGone();
		callback(error);
	}
}

/** One request and its response on one connection. */
class Exchange {
	head: Buffer | undefined;
	parsed: ResponseHead | undefined;
	body: Body | undefined;
	/** Body bytes still to come (framing 'length'). */
	left = 0;
	chunked: ChunkedDecoder | undefined;
	/** A byte of the response arrived (a reused socket that closes before one may be retried on a fresh one). */
	answered = false;
	finished = false;
	private destination: BodyDestination | undefined;

	constructor(readonly connection: Connection, readonly method: string, readonly signal: AbortSignal | undefined, readonly resolve: (response: HttpResponse) => void, readonly reject: (error: Error) => void) {}

	/** The buffer for the next socket read: the destination's, only while the body is flowing and drained (so its piece is consumed before the next ask). */
	nextBuffer(): Buffer | undefined {
		const {body} = this;
		if (!body || this.left === 0 || this.parsed?.framing.kind !== 'length' || body.readableFlowing !== true || body.readableLength > 0 || body.destroyed) return undefined;
		this.destination ??= this.signal ? destinations.get(this.signal) : undefined;
		const buffer = this.destination?.next();
		if (!buffer || buffer.length === 0) return undefined;
		return buffer.length > this.left ? buffer.subarray(0, this.left) : buffer;
	}

	/** `count` bytes read into `buffer` (from 0); `own`: the handler's scratch buffer. False: stop reading for now. */
	bytes(buffer: Buffer, count: number, own: boolean): boolean {
		this.answered = true;
		if (this.body) return this.bodyBytes(buffer.subarray(0, count), own);
		const head = this.head ? Buffer.concat([this.head, buffer.subarray(0, count)]) : Buffer.from(buffer.subarray(0, count));
		const end = endOfHead(head, this.head?.length ?? 0);
		if (end === -1 ? head.length > MAX_HEAD : end > MAX_HEAD) {
			this.fail(parseError('HPE_HEADER_OVERFLOW', 'Header overflow'));
			return false;
		}

		if (end === -1) {
			this.head = head;
			return true;
		}

		this.head = undefined;
		const rest = head.subarray(end + 4);
		if (!this.start(head.toString('latin1', 0, end))) {
			// An interim answer (100 Continue): the real head follows.
			return rest.length > 0 ? this.bytes(rest, rest.length, false) : true;
		}

		if (this.finished) {
			if (rest.length > 0) this.connection.spoiled();
			return true;
		}

		// The rest of this read is already a copy (of the head's bytes).
		return rest.length > 0 ? this.bodyBytes(rest, false) : true;
	}

	/** The head is in; false when it was an interim (1xx) answer. */
	private start(text: string): boolean {
		let parsed: ResponseHead;
		try {
			parsed = parseHead(text, this.method);
		} catch (error) {
			this.fail(error as Error);
			return true;
		}

		if (parsed.statusCode < 200) {
			if (parsed.statusCode !== 101) return false;
			this.fail(parseError('HPE_INVALID_STATUS', 'Unexpected protocol switch'));
			return true;
		}

		this.parsed = parsed;
		this.body = new Body(this);
		if (parsed.framing.kind === 'length') this.left = parsed.framing.length;
		if (parsed.framing.kind === 'chunked') this.chunked = new ChunkedDecoder();
		this.resolve({statusCode: parsed.statusCode, reason: parsed.reason, headers: parsed.headers, body: this.body});
		if (parsed.framing.kind === 'length' && this.left === 0) this.end();
		return true;
	}

	/** Body bytes; `own`: they sit in the handler's scratch buffer and must be copied out. */
	private bodyBytes(piece: Buffer, own: boolean): boolean {
		const body = this.body!;
		if (this.finished) {
			// More than the response: the connection cannot be trusted for another.
			this.connection.spoiled();
			return false;
		}

		let pushed = true;
		switch (this.parsed!.framing.kind) {
			case 'length': {
				const take = Math.min(piece.length, this.left);
				this.left -= take;
				if (!body.destroyed) pushed = body.push(own ? Buffer.from(piece.subarray(0, take)) : piece.subarray(0, take));
				if (take < piece.length) this.connection.spoiled();
				if (this.left === 0) this.end();
				break;
			}

			case 'chunked': {
				let decoded;
				try {
					decoded = this.chunked!.feed(piece);
				} catch (error) {
					this.fail(error as Error);
					return false;
				}

				for (const data of decoded.data) if (!body.destroyed) pushed = body.push(own ? Buffer.from(data) : data);
				if (decoded.rest > 0) this.connection.spoiled();
				if (decoded.done) this.end();
				break;
			}

			default: {
				if (!body.destroyed) pushed = body.push(own ? Buffer.from(piece) : piece);
			}
		}

		return pushed || this.finished;
	}

	/** The whole response is in. */
	private end(): void {
		this.finished = true;
		this.body?.push(null);
		this.connection.done(this, this.parsed?.keepAlive === true);
	}

	/** The server closed the connection. */
	closed(): void {
		if (this.finished) return;
		if (this.body && this.parsed?.framing.kind === 'close') {
			this.end();
			return;
		}

		this.fail(this.body ? brokenBody() : hangUp());
	}

	/** Anything that ends the exchange early: the connection goes too. */
	fail(error: Error): void {
		if (this.finished) return;
		this.finished = true;
		if (this.body) this.body.fail(error);
		else this.reject(error);
		this.connection.done(this, false);
	}

	more(): void {
		if (!this.finished) this.connection.socket.resume();
	}

	bodyGone(): void {
		// The reader let go before the end: the rest of the body would arrive on a socket nobody reads.
		if (!this.finished) this.fail(brokenBody());
	}
}

/** One socket, read into the exchange's buffers (or its own). */
class Connection {
	readonly socket: Socket;
	exchange: Exchange | undefined;
	uses = 0;
	private readonly scratch = Buffer.allocUnsafe(SCRATCH);
	private last: Buffer | undefined;
	private reusable = true;
	private gone = false;

	constructor(readonly pool: HostPool, host: string, port: number) {
		this.socket = connect({host, port, keepAlive: true, keepAliveInitialDelay: 1000, onread: {buffer: this.buffer, callback: this.read}});
		this.socket.setNoDelay(true);
		this.socket.on('error', () => this.close());
		this.socket.on('end', () => this.close());
		this.socket.on('close', () => this.close());
		this.socket.on('timeout', () => {
			const ms = this.pool.options.socketTimeout!;
			this.exchange?.fail(timeoutError(`the request socket timed out after ${ms} ms of inactivity (configured by client requestHandler).`));
		});
		// Flowing, so the end of the stream is seen (onread sockets emit no 'data').
		this.socket.resume();
	}

	private readonly buffer = (): Buffer => {
		this.last = this.exchange?.nextBuffer() ?? this.scratch;
		return this.last;
	};

	private readonly read = (count: number, buffer: Buffer): boolean => {
		const {exchange} = this;
		if (!exchange) {
			// Bytes nobody asked for.
			this.spoiled();
			this.socket.destroy();
			return false;
		}

		return exchange.bytes(buffer, count, buffer === this.scratch);
	};

	send(exchange: Exchange, head: string, body: Buffer | undefined): void {
		this.exchange = exchange;
		this.uses++;
		this.socket.ref();
		this.socket.resume();
		const {socketTimeout} = this.pool.options;
		if (socketTimeout) this.socket.setTimeout(socketTimeout);
		this.socket.write(head, 'latin1');
		if (body) this.socket.write(body);
	}

	/** The connection saw bytes past a response: not reused. */
	spoiled(): void {
		this.reusable = false;
	}

	done(exchange: Exchange, keepAlive: boolean): void {
		if (this.exchange !== exchange) return;
		this.exchange = undefined;
		if (keepAlive && this.reusable && !this.gone) {
			this.socket.setTimeout(0);
			this.socket.unref();
			this.pool.release(this);
		} else {
			this.close();
		}
	}

	close(): void {
		const {exchange} = this;
		this.exchange = undefined;
		if (exchange) exchange.closed();
		if (this.gone) return;
		this.gone = true;
		this.socket.destroy();
		this.pool.forget(this);
	}
}

type Waiter = (connection: Connection | Error) => void;

/** The connections to one host:port, at most maxSockets of them. */
class HostPool {
	private readonly idle: Connection[] = [];
	private readonly waiting: Waiter[] = [];
	private readonly all = new Set<Connection>();

	constructor(readonly options: DirectHttpOptions, private readonly host: string, private readonly port: number) {}

	/** A connection for one request: an idle one (unless `fresh`), a new one, or the next one freed. */
	async take(fresh: boolean, signal: AbortSignal | undefined): Promise<Connection> {
		const idle = fresh ? undefined : this.idle.pop();
		if (idle) return idle;
		if (this.all.size < this.options.maxSockets) return this.connect();
		return new Promise((resolve, reject) => {
			const onAbort = () => {
				this.waiting.splice(this.waiting.indexOf(waiter), 1);
				reject(abortError(signal!));
			};

			const waiter: Waiter = connection => {
				signal?.removeEventListener('abort', onAbort);
				if (connection instanceof Error) reject(connection);
				else resolve(connection);
			};

			signal?.addEventListener('abort', onAbort, {once: true});
			this.waiting.push(waiter);
		});
	}

	private async connect(): Promise<Connection> {
		const connection = new Connection(this, this.host, this.port);
		this.all.add(connection);
		const {socket} = connection;
		const ms = this.options.connectionTimeout;
		await new Promise<void>((resolve, reject) => {
			const settle = (error?: Error) => {
				clearTimeout(timer);
				socket.off('connect', onConnect);
				socket.off('error', settle);
				if (error) reject(error);
				else resolve();
			};

			const onConnect = () => settle();
			const timer = ms ? setTimeout(() => {
				settle(timeoutError(`the request socket did not establish a connection with the server within the configured timeout of ${ms} ms.`));
				connection.close();
			}, ms) : undefined;
			socket.once('connect', onConnect);
			socket.once('error', settle);
		});
		return connection;
	}

	release(connection: Connection): void {
		const waiter = this.waiting.shift();
		if (waiter) waiter(connection);
		else this.idle.push(connection);
	}

	forget(connection: Connection): void {
		const index = this.idle.indexOf(connection);
		if (index !== -1) this.idle.splice(index, 1);
		this.all.delete(connection);
		const waiter = this.waiting.shift();
		if (waiter) this.connect().then(waiter, waiter);
	}

	destroy(): void {
		for (const connection of [...this.all]) connection.close();
	}
}

export class DirectHttpHandler implements RequestHandler<HttpRequest, HttpResponse, HttpHandlerOptions> {
	readonly metadata = {handlerProtocol: 'http/1.1'};
	private readonly pools = new Map<string, HostPool>();

	constructor(private readonly options: DirectHttpOptions) {}

	async handle(request: HttpRequest, {abortSignal}: HttpHandlerOptions = {}): Promise<{response: HttpResponse}> {
		const signal = abortSignal as AbortSignal | undefined;
		if (request.protocol !== 'http:') throw new TypeError(`the direct http handler does not speak ${request.protocol}`);
		if (signal?.aborted) throw abortError(signal);
		const body = requestBody(request);
		const head = requestHead(request, body);
		const port = request.port ?? 80;
		const key = `${request.hostname}:${port}`;
		let pool = this.pools.get(key);
		if (!pool) {
			pool = new HostPool(this.options, request.hostname.replace(/^\[(.*)\]$/, '$1'), port);
			this.pools.set(key, pool);
		}

		// A kept-alive socket the server has meanwhile closed fails before any
		// answer: a GET goes out once more on a fresh one. Never a POST (an
		// InitiateJob may have been received: a second would be billed twice).
		const retryable = request.method === 'GET' || request.method === 'HEAD';
		for (let fresh = false; ; fresh = true) {
			const connection = await pool.take(fresh, signal);
			const reused = connection.uses > 0;
			try {
				return {response: await this.exchange(connection, request.method, signal, head, body)};
			} catch (error) {
				if (!retryable || !reused || fresh || (error as {answered?: boolean}).answered || signal?.aborted || (error as {code?: string}).code !== 'ECONNRESET') throw error;
			}
		}
	}

	private async exchange(connection: Connection, method: string, signal: AbortSignal | undefined, head: string, body: Buffer | undefined): Promise<HttpResponse> {
		return new Promise((resolve, reject) => {
			let exchange: Exchange | undefined = undefined;
			const onAbort = () => exchange?.fail(abortError(signal!));
			const settle = (error?: Error) => {
				if (error && exchange?.answered) Object.assign(error, {answered: true});
			};

			exchange = new Exchange(connection, method, signal, response => {
				settle();
				resolve(response);
				const done = () => signal?.removeEventListener('abort', onAbort);
				response.body.once('close', done);
				response.body.once('end', done);
			}, error => {
				settle(error);
				signal?.removeEventListener('abort', onAbort);
				reject(error);
			});
			signal?.addEventListener('abort', onAbort, {once: true});
			connection.send(exchange, head, body);
		});
	}

	updateHttpClientConfig(): void {
		// Configured once, in client.ts.
	}

	httpHandlerConfigs(): Record<string, never> {
		return {};
	}

	destroy(): void {
		for (const pool of this.pools.values()) pool.destroy();
		this.pools.clear();
	}
}
