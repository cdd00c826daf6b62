/**
 * Writing a response body in pieces, honouring backpressure, with the body
 * faults applied: corrupt, drop, short, stall, bandwidth, trickle; and the
 * head of a response with a header Node's HTTP parser refuses (bad-header).
 */
import {STATUS_CODES, type ServerResponse} from 'node:http';
import type {FaultRule} from './types.js';

const pieceSize = 256 * 1024;

export type BodySource = {
	length: number;
	/** The next `length` bytes, in order. */
	read(length: number): Buffer;
};

export type BodyFaults = {
	corruptAt?: number;
	dropAt?: number;
	shortTo?: number;
	stallAt?: number;
	stallMs?: number; // undefined: until the client closes
	bytesPerSecond?: number;
	/** From this many bytes on, send `trickleRate` bytes a second in small pieces. */
	trickleAt?: number;
	trickleRate?: number;
};

/** The body faults among the rules hitting a request, resolved against the body length. */
export function bodyFaults(rules: readonly FaultRule[], length: number): BodyFaults {
	const half = Math.floor(length / 2);
	const faults: BodyFaults = {};
	for (const rule of rules) {
		const at = Math.min(rule.afterBytes ?? half, length);
		switch (rule.kind) {
			case 'corrupt': {
				faults.corruptAt = Math.min(rule.afterBytes ?? half, Math.max(0, length - 1));
				break;
			}

			case 'drop': {
				faults.dropAt = at;
				break;
			}

			case 'short': {
				faults.shortTo = at;
				break;
			}

			case 'stall': {
				faults.stallAt = at;
				faults.stallMs = rule.stallMs;
				break;
			}

			case 'bandwidth': {
				faults.bytesPerSecond = rule.bytesPerSecond ?? 1024 * 1024;
				break;
			}

			case 'trickle': {
				faults.trickleAt = Math.min(rule.afterBytes ?? 0, length);
				faults.trickleRate = rule.bytesPerSecond ?? 1;
				break;
			}

			default:
		}
	}

	return faults;
}

/**
 * Whether the client is gone (or the response is over). A response without a
 * socket is NOT closed: it is queued behind an earlier response on the same
 * keep-alive connection (a request that arrived while that one was still being
 * sent) and gets the socket when the earlier one finishes.
 */
function closed(res: ServerResponse): boolean {
	return res.destroyed || res.writableEnded || (res.socket !== null && res.socket.destroyed);
}

/** Wait until the response owns its socket (it may be queued behind an earlier response on the connection). */
async function waitForSocket(res: ServerResponse): Promise<void> {
	if (res.socket !== null || closed(res)) return;
	await new Promise<void>(resolve => {
		const done = (): void => {
			res.off('socket', done);
			res.off('close', done);
			resolve();
		};

		res.once('socket', done);
		res.once('close', done);
	});
}

async function waitFor(res: ServerResponse, event: 'drain' | null, ms?: number): Promise<void> {
	if (closed(res)) return;
	await new Promise<void>(resolve => {
		let timer: NodeJS.Timeout | undefined;
		const done = (): void => {
			if (timer) clearTimeout(timer);
			res.off('close', done);
			if (event) res.off(event, done);
			resolve();
		};

		res.once('close', done);
		if (event) res.once(event, done);
		if (ms !== undefined) timer = setTimeout(done, ms);
	});
}

/** Write and wait until the piece is handed to the socket (or the client is gone: the callback may then never come). */
async function flush(res: ServerResponse, piece: Buffer): Promise<void> {
	await new Promise<void>(resolve => {
		const done = (): void => {
			res.off('close', done);
			resolve();
		};

		res.once('close', done);
		res.write(piece, done);
	});
}

/**
 * Send the body (headers must already be set, including Content-Length, which
 * under a `short` fault is the shortened length). Resolves when done or when
 * the client went away. Every path either ends the response or destroys the
 * socket, so a keep-alive connection is never left with a request it will not
 * answer.
 */
export async function sendBody(res: ServerResponse, source: BodySource, faults: BodyFaults): Promise<void> {
	await waitForSocket(res);
	const limit = Math.min(source.length, faults.shortTo ?? source.length);
	const started = Date.now();
	let sent = 0;
	let stalled = false;
	const rate = faults.bytesPerSecond;
	const maxPiece = rate === undefined ? pieceSize : Math.max(1024, Math.min(pieceSize, Math.floor(rate / 20)));
	// A trickle is honest: a piece about every 100 ms (one byte a second at 1 B/s), so an idle timeout never trips.
	const trickleRate = faults.trickleRate ?? 1;
	const tricklePiece = Math.max(1, Math.min(pieceSize, Math.floor(trickleRate / 10)));
	let trickleStarted: number | undefined;
	while (sent < limit || (faults.dropAt !== undefined && sent === faults.dropAt)) {
		if (closed(res)) return;
		if (faults.dropAt !== undefined && sent >= faults.dropAt) {
			res.socket?.destroy();
			return;
		}

		if (faults.stallAt !== undefined && !stalled && sent >= faults.stallAt) {
			stalled = true;
			await waitFor(res, null, faults.stallMs);
			continue;
		}

		let size = Math.min(maxPiece, limit - sent);
		const trickling = faults.trickleAt !== undefined && sent >= faults.trickleAt;
		if (trickling) {
			trickleStarted ??= Date.now();
			size = Math.min(size, tricklePiece);
		}

		for (const boundary of [faults.dropAt, stalled ? undefined : faults.stallAt, faults.trickleAt]) {
			if (boundary !== undefined && boundary > sent) size = Math.min(size, boundary - sent);
		}

		let piece = source.read(size);
		if (faults.corruptAt !== undefined && faults.corruptAt >= sent && faults.corruptAt < sent + size) {
			piece = Buffer.from(piece);
			piece[faults.corruptAt - sent] ^= 0xff;
		}

		sent += size;
		const boundaryNext = sent === faults.dropAt || sent === faults.stallAt;
		if (boundaryNext) {
			await flush(res, piece);
		} else if (!res.write(piece)) {
			await waitFor(res, 'drain');
		}

		// Pace between pieces, never after the last one: the response must end as
		// soon as its last byte is out, or the client (which has every byte) sends
		// its next request on this connection while this response is still open.
		if (rate !== undefined && sent < limit) {
			const due = started + (sent / rate * 1000);
			const wait = due - Date.now();
			if (wait > 0) await waitFor(res, null, wait);
		}

		if (trickling && sent < limit) {
			const due = trickleStarted! + ((sent - faults.trickleAt!) / trickleRate * 1000);
			const wait = due - Date.now();
			if (wait > 0) await waitFor(res, null, wait);
		}
	}

	if (!closed(res)) res.end();
}

/**
 * The bad-header fault: the head of a response (status line and `headers`)
 * plus an x-amz-archive-description holding a control byte, written straight
 * to the socket (Node's own writeHead refuses such a value), then the
 * connection is closed. Clients that parse strictly, as Node's does, fail with
 * "Parse Error: Invalid header value char" before any body.
 */
export async function sendBadHead(res: ServerResponse, status: number, headers: Record<string, string>): Promise<void> {
	await waitForSocket(res);
	const {socket} = res;
	if (closed(res) || !socket) return;
	res.statusCode = status;
	const fields = Object.entries({...headers, 'x-amz-archive-description': 'bad\u0001header', 'Connection': 'close'});
	const head = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`, ...fields.map(([name, value]) => `${name}: ${value}`), '', ''].join('\r\n');
	socket.end(head);
}
