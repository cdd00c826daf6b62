/**
 * One attempt at one chunk: a GetJobOutput for its range, the response's
 * status and Content-Range checked, the body streamed into the .part through
 * a ChunkSink while a StallTimer watches for a quiet or too slow body, and
 * the chunk's tree hash compared with the one Glacier sent. Every way it can go wrong
 * ends as a ChunkFailure (kind and one line) for the retry policy.
 */
import type {Readable} from 'node:stream';
import {GetJobOutputCommand} from '@aws-sdk/client-glacier';
import {ExitCode, ThawError} from '../../errors.js';
import {inert} from '../../inert.js';
import type {Connection} from '../../glacier/client.js';
import {readBodyInto} from '../../glacier/direct-http.js';
import {errorName, errorText, httpStatus, isNonJsonBody, isRetryable, scrub, toThawError} from '../../glacier/errors.js';
import type {DownloadPlan} from '../job-plan.js';
import type {JournalMeta} from '../journal.js';
import {checkContentRange, formatRange, RangeHeaderError} from '../ranges.js';
import {LEAF_SIZE} from '../tree-hash.js';
import {ChunkSink, type Flow, type SinkTarget} from './chunk-sink.js';
import {ChunkFailure, isMalformedResponse, isRefusedRange} from './retry-policy.js';
import {hashDifference} from './verdict.js';

/** The response headers a download reports (and journals, for a resumed run). */
export type ResponseHeaders = {contentType?: string; acceptRanges?: string; archiveDescription?: string};

/** The journal's record of the headers (only those present). */
export function journalMeta(response: ResponseHeaders): JournalMeta {
	return {type: 'meta', ...reportedHeaders(response)};
}

/** The headers present, for the result. */
export function reportedHeaders(meta: ResponseHeaders | undefined): ResponseHeaders {
	return {
		...(meta?.contentType ? {contentType: meta.contentType} : {}),
		...(meta?.acceptRanges ? {acceptRanges: meta.acceptRanges} : {}),
		...(meta?.archiveDescription === undefined ? {} : {archiveDescription: meta.archiveDescription}),
	};
}

/**
 * The stall watch for one attempt: pieces only note the time (`last`) and
 * the count (`received`); one timer per attempt looks at them.
 *
 * - Idle: no piece for `timeoutMs` (--cli-read-timeout) is a stall.
 * - Too slow: with a floor of `floor` bytes a second, fewer than
 *   floor × window bytes over the last `timeoutMs` is a stall too, so a body
 *   that trickles (a byte a second never trips an idle timeout) is fetched
 *   again. The timer then looks every quarter window and keeps (time, bytes)
 *   samples of about the last window.
 *
 * Time spent waiting on our own writes and hashes (`holding`) never counts:
 * it restarts the window.
 */
export class StallTimer implements Flow {
	last = 0;
	holding = false;
	received = 0;
	stalled = false;
	private reason: string | undefined;
	private timer: NodeJS.Timeout | undefined;
	private samples: Array<{at: number; received: number}> = [];

	constructor(private readonly timeoutMs: number, private readonly onStall: () => void, private readonly floor = 0) {}

	arm(): void {
		const now = performance.now();
		this.last = now;
		this.samples = [{at: now, received: this.received}];
		if (!this.timer && this.timeoutMs > 0) this.timer = setTimeout(this.fire, this.step);
	}

	disarm(): void {
		if (this.timer) clearTimeout(this.timer);
		this.timer = undefined;
	}

	get message(): string {
		return this.reason ?? `no data for ${seconds(this.timeoutMs)} s (stalled)`;
	}

	/** How often the timer looks: at the end of the idle period, or every quarter window when there is a floor. */
	private get step(): number {
		return this.floor > 0 ? Math.max(1, this.timeoutMs / 4) : this.timeoutMs;
	}

	private readonly fire = (): void => {
		this.timer = undefined;
		const now = performance.now();
		if (this.holding) {
			this.samples = [{at: now, received: this.received}];
			this.timer = setTimeout(this.fire, this.step);
			return;
		}

		const quiet = now - this.last;
		if (quiet >= this.timeoutMs) {
			this.stall();
			return;
		}

		if (this.floor > 0) {
			this.samples.push({at: now, received: this.received});
			// Keep the newest sample at least a window old as the oldest.
			while (this.samples.length > 1 && now - this.samples[1].at >= this.timeoutMs) this.samples.shift();
			const oldest = this.samples[0];
			const span = now - oldest.at;
			const bytes = this.received - oldest.received;
			if (span >= this.timeoutMs && bytes < this.floor * span / 1000) {
				this.stall(`only ${bytes} B in the last ${seconds(span)} s, under the ${rate(this.floor)} floor (stalled: too slow)`);
				return;
			}
		}

		this.timer = setTimeout(this.fire, Math.min(this.step, this.timeoutMs - quiet));
	};

	private stall(reason?: string): void {
		this.reason = reason;
		this.stalled = true;
		this.onStall();
	}
}

function seconds(ms: number): string {
	return (ms / 1000).toFixed(1);
}

function rate(bytesPerSecond: number): string {
	return bytesPerSecond >= 1024 ? `${(bytesPerSecond / 1024).toFixed(1)} KiB/s` : `${bytesPerSecond} B/s`;
}

export type AttemptContext = {
	connection: Connection;
	vaultName: string;
	jobId: string;
	plan: DownloadPlan;
	readTimeoutMs: number;
	/** Bytes a second a body must average over each read-timeout window (0 = no floor). */
	progressFloor: number;
	/** Everything a ChunkSink needs but the chunk's own place. */
	sink: Omit<SinkTarget, 'base' | 'length' | 'range' | 'progress'> & {progress(index: number, bytes: number): void};
	/** The first response's headers. */
	noteResponse(headers: ResponseHeaders): void;
	/** The chunk's body is in; its hash is being compared. */
	verifying(index: number): void;
};

/**
 * A chunk's first whole leaves already in the .part (a stopped attempt kept
 * them): the next attempt asks only for the rest, from the next leaf boundary.
 */
export type KeptLeaves = {
	/** SHA-256 of each kept 1 MiB leaf, from the chunk's first byte. */
	leaves: Buffer[];
	/**
	 * The x-amz-sha256-tree-hash Glacier sent for the whole chunk, lower case,
	 * when it did. The rest, a range that is usually not tree-hash aligned,
	 * comes without one: the chunk's tree hash over kept and new leaves must
	 * then equal this.
	 */
	chunkHash?: string;
};

/** Leaves of a chunk that may be kept: never all of them, so there is always a rest to fetch with the last leaf, and check. */
export function mostKept(chunk: {start: number; end: number}): number {
	return Math.ceil((chunk.end - chunk.start + 1) / LEAF_SIZE) - 1;
}

/** An attempt that stopped (paused, cancelled): the whole leaves it leaves written in the .part. */
export class StoppedAttempt extends ChunkFailure {
	constructor(readonly kept: KeptLeaves) {
		super('aborted', 'stopped');
	}
}

export type AttemptResult = {
	/** Tree hash of the bytes written (hex). */
	computed: string;
	/** The x-amz-sha256-tree-hash Glacier sent, lower case, when it sent one (equal to computed). */
	sent?: string;
};

/**
 * One GET of one chunk (or, with `kept`, of its rest): stream to the .part,
 * hash, check. Throws ChunkFailure; a StoppedAttempt when stopped, with the
 * whole leaves it wrote.
 */
export async function attemptChunk(context: AttemptContext, index: number, controller: AbortController, kept?: KeptLeaves): Promise<AttemptResult> {
	const {plan, connection, vaultName, jobId} = context;
	const chunk = plan.chunks[index];
	const skip = (kept?.leaves.length ?? 0) * LEAF_SIZE;
	const start = chunk.start + skip;
	const length = chunk.end - start + 1;
	const range = formatRange(start, chunk.end);
	const coversOutput = start === 0 && chunk.end === plan.info.outputSize - 1;
	const client = connection.outputClient ?? connection.client;

	let body: Readable | undefined;
	const timer = new StallTimer(context.readTimeoutMs, () => {
		controller.abort(new Error('stalled'));
		body?.destroy(new Error('stalled'));
	}, context.progressFloor);

	try {
		timer.arm();
		let response;
		try {
			response = await client.send(new GetJobOutputCommand({accountId: connection.accountId, vaultName, jobId, range}), {abortSignal: controller.signal});
		} catch (error) {
			throw classify(context, error, controller, timer, range);
		}

		body = response.body as Readable | undefined;
		if (timer.stalled) throw new ChunkFailure('stall', timer.message);
		timer.arm();
		const status = response.status ?? response.$metadata.httpStatusCode ?? 0;
		context.noteResponse(response);
		if (status === 200 && !coversOutput) {
			throw new ChunkFailure('service', `the server ignored the Range header and answered 200 with the whole output instead of 206 with ${range}; nothing was written`);
		}

		if (status !== 200 && status !== 206) throw new ChunkFailure('service', `unexpected HTTP status ${status} for ${range}`);
		if (status === 206) {
			try {
				checkContentRange(response.contentRange, start, chunk.end, plan.info.outputSize);
			} catch (error) {
				if (error instanceof RangeHeaderError) throw new ChunkFailure('service', inert(error.message));
				throw error;
			}
		}

		if (!body) throw new ChunkFailure('size', `the server sent no body for ${range}`);

		// The chunk's own hash: this response's for a whole chunk; for a rest, the one its first response sent.
		const sentHere = typeof response.checksum === 'string' && response.checksum !== '' ? response.checksum.toLowerCase() : undefined;
		const chunkHash = kept ? kept.chunkHash : sentHere;
		let received: number;
		let computed: string;
		const {sink} = context;
		const target: SinkTarget = {
			...sink,
			base: start - plan.start,
			length,
			range,
			progress(bytes) {
				sink.progress(index, bytes);
			},
			...(kept ? {kept: kept.leaves} : {}),
		};
		const chunkSink = new ChunkSink(target, body, timer);
		try {
			// Over plain http the socket is read straight into the sink's slots.
			readBodyInto(controller.signal, chunkSink);
			({received, computed} = await chunkSink.run());
		} catch (error) {
			if (error instanceof ChunkFailure) throw error;
			if (timer.stalled) throw new ChunkFailure('stall', timer.message);
			// Stopped (paused, cancelled): the whole leaves written so far can be kept, with the hash they must add up to.
			if (controller.signal.aborted) throw new StoppedAttempt({leaves: chunkSink.keptLeaves(), ...(chunkHash ? {chunkHash} : {})});
			throw new ChunkFailure('service', `connection broke after ${timer.received} of ${length} bytes (${scrub(error instanceof Error ? error.message : String(error))})`);
		}

		if (timer.stalled) throw new ChunkFailure('stall', timer.message);
		if (received !== length) throw new ChunkFailure('size', `short body: ${received} of ${length} bytes arrived for ${range}`);
		timer.disarm();
		context.verifying(index);
		const sent = chunkHash;
		if (sent && sent !== computed) {
			const what = kept ? `${formatRange(chunk.start, chunk.end)} (${kept.leaves.length} MiB kept from before, ${range} fetched now)` : range;
			throw new ChunkFailure('hash', `tree hash mismatch for ${what}: ${hashDifference(computed, sent)}`);
		}

		return {computed, ...(sent ? {sent} : {})};
	} finally {
		timer.disarm();
		if (body && !body.destroyed) body.destroy();
	}
}

/** A failed request as a ChunkFailure: retryable service and network errors, or fatal ones (access denied, job gone). */
function classify(context: AttemptContext, error: unknown, controller: AbortController, timer: StallTimer, range: string): ChunkFailure {
	if (timer.stalled) return new ChunkFailure('stall', timer.message);
	if (controller.signal.aborted) return new ChunkFailure('aborted', 'stopped');
	const name = errorName(error);
	const message = errorText(error);
	if (isMalformedResponse(error)) return new ChunkFailure('service', `the server's response could not be parsed (${message})`);
	if (isRefusedRange(error)) {
		const {outputSize} = context.plan.info;
		const line = `Glacier refused ${range} of a job it says holds ${outputSize} bytes (${name}: ${message}): the service contradicts itself, so the download cannot go on; try again later`;
		return new ChunkFailure('service', line, new ThawError(line, ExitCode.service, {cause: error}));
	}

	if (isRetryable(error)) {
		const status = httpStatus(error);
		// A non-JSON (HTML) body: errorText already says "HTTP 500 with a non-JSON body", not the SDK's SyntaxError.
		return new ChunkFailure('service', isNonJsonBody(error) ? message : `${name || 'network error'}${status ? ` (HTTP ${status})` : ''}: ${message}`);
	}

	return new ChunkFailure('service', message, toThawError(error, {connection: context.connection, what: 'download the job output', vaultName: context.vaultName, jobId: context.jobId}));
}

/**
 * An output said to be empty, asked for anyway: zero bytes are only "checked"
 * once Glacier has answered with zero bytes. Reads at most one piece.
 */
export async function probeEmptyOutput(connection: Connection, vaultName: string, jobId: string, signal?: AbortSignal): Promise<{received: number; headers: ResponseHeaders}> {
	let response;
	try {
		response = await connection.client.send(new GetJobOutputCommand({accountId: connection.accountId, vaultName, jobId}), {abortSignal: signal});
	} catch (error) {
		throw toThawError(error, {connection, what: 'download the job output', vaultName, jobId});
	}

	const body = response.body as Readable | undefined;
	let received = 0;
	if (body) {
		try {
			for await (const piece of body) {
				received += (piece as Buffer).length;
				if (received > 0) break;
			}
		} catch (error) {
			throw new ThawError(`the connection broke while reading the (empty) job output: ${scrub(error instanceof Error ? error.message : String(error))}; run the same command again`, ExitCode.service);
		} finally {
			body.destroy();
		}
	}

	return {received, headers: reportedHeaders(response)};
}
