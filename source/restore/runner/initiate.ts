/**
 * Paced initiation: waves of InitiateJob, smallest archives first, only as
 * far as the pacing allows (window, disk, --max-bytes-in-flight), at the
 * rate AIMD allows. Each archive's intent is journaled and fsynced (one
 * fsync for the wave) BEFORE its InitiateJob, and every call carries the
 * plan's tag, so a kill at any moment never leads to paying twice: the next
 * run adopts what ListJobs shows with the tag.
 *
 * What Glacier answers over a long run: ThrottlingException -> slow down
 * (AIMD) and retry; PolicyEnforcedException -> the retrieval policy is full:
 * journal `deferred`, wait, retry, never a failure; InsufficientCapacity on
 * Expedited -> the plan's fallbackTier when it has one, else wait; no answer
 * at all (connection broke, 5xx) -> the job may exist: the next ListJobs walk
 * decides, never a blind second InitiateJob.
 */
import {statfs} from 'node:fs/promises';
import {dirname} from 'node:path';
import {InitiateJobCommand} from '@aws-sdk/client-glacier';
import {errorName, httpStatus, isNetworkError, scrub, toThawError} from '../../glacier/errors.js';
import {inert} from '../../inert.js';
import {StateCode} from '../state.js';
import type {Aimd} from './aimd.js';
import {outstandingStates, type Context} from './context.js';
import {formatBytes, formatClock as formatDuration} from '../../format.js';
import {allowance, nextWave, PROBE_BYTES} from './pacing.js';
import {nextRange} from './ranges.js';
import type {Tier} from './plan.js';
import {formatTag} from './tag.js';

/** Archives initiated per wave at most (one fsync of intents each). */
const WAVE_LIMIT = 256;
/** InitiateJob calls in flight at once at most. */
const IN_FLIGHT = 16;

type Outcome = 'done' | 'retry' | 'defer';

export class Initiator {
	/** Archives to initiate, smallest first; `next` is the first not yet taken. */
	private pending: number[] = [];
	private next = 0;
	/** Taken first: throttled calls, deferred archives, jobs gone (they keep their turn). */
	private readonly front: number[] = [];
	private readonly queued = new Set<number>();
	private pausedUntil = 0;
	private fallbackSaid = false;
	private diskSaid = false;
	private busy = false;
	/** The first downloads (the probe of an unknown rate) are all done: their measure paces from now on. */
	private probed = false;

	constructor(private readonly context: Context, private readonly aimd: Aimd, private readonly checkExisting: (position: number) => Promise<boolean>) {}

	/** Archives waiting to be initiated. */
	get waiting(): number {
		return this.front.length + this.pending.length - this.next;
	}

	get running(): boolean {
		return this.busy;
	}

	/** Queue an archive (idempotent). */
	add(position: number): void {
		if (this.queued.has(position)) return;
		this.queued.add(position);
		this.front.push(position);
	}

	/** After start-up: everything queued so far is sorted smallest first (then plan order). */
	sortQueued(): void {
		const {sizes} = this.context.plan;
		const all = [...this.front, ...this.pending.slice(this.next)];
		all.sort((a, b) => sizes[a] - sizes[b] || a - b);
		this.front.length = 0;
		this.pending = all;
		this.next = 0;
	}

	private peek(count: number): number[] {
		const taken = this.front.slice(0, count);
		for (let k = this.next; taken.length < count && k < this.pending.length; k++) taken.push(this.pending[k]);
		return taken;
	}

	private take(count: number): number[] {
		const fromFront = this.front.splice(0, count);
		const fromPending = this.pending.slice(this.next, this.next + count - fromFront.length);
		this.next += fromPending.length;
		if (this.next > 65_536 && this.next > this.pending.length / 2) {
			this.pending = this.pending.slice(this.next);
			this.next = 0;
		}

		const taken = [...fromFront, ...fromPending];
		for (const position of taken) this.queued.delete(position);
		return taken;
	}

	private async freeDisk(): Promise<number | null> {
		if (this.context.options.freeDisk) return this.context.options.freeDisk();
		// The folder may not exist yet: the disk it will be on is its nearest existing parent's.
		for (let dir = this.context.plan.header.to; ; dir = dirname(dir)) {
			try {
				const info = await statfs(dir);
				return Number(info.bavail) * Number(info.bsize);
			} catch {
				if (dirname(dir) === dir) return null;
			}
		}
	}

	/** Bytes initiated (or being initiated) and not yet verified. */
	outstandingBytes(): number {
		const {plan, journal} = this.context;
		let bytes = 0;
		const {ranged} = journal.state;
		for (let position = 0; position < plan.index.length; position++) {
			const i = plan.index[position];
			if (!outstandingStates.has(journal.state.states[i])) continue;
			// A ranged archive: only its range in retrieval (the bytes already in its .part are on the disk).
			const current = ranged.size > 0 ? ranged.get(i)?.current : undefined;
			bytes += current ? current[1] - current[0] + 1 : ranged.has(i) ? 0 : plan.sizes[position];
		}

		return bytes;
	}

	/** What the next job of this archive retrieves (see ranges.ts): null = the whole archive. */
	private nextRangeOf(position: number, windowBytes: number): [number, number] | null {
		const {plan, journal} = this.context;
		return nextRange(plan.sizes[position], journal.state.ranged.get(plan.index[position])?.done, windowBytes);
	}

	/**
	 * The rate the pacing plans with: --bandwidth, else this run's measure,
	 * else an earlier run's; null while the first wave (the probe) is still
	 * being downloaded. Once the probe is all done, what it measured is used,
	 * however little it was (small archives measure low: the pace starts
	 * cautious and follows the measure up).
	 */
	pacingRate(outstanding: number): number | null {
		const {options, journal, throughput} = this.context;
		const now = Date.now();
		const known = options.bandwidth ?? throughput.rate(now) ?? journal.state.bytesPerSecond;
		if (known !== null && known !== undefined) return known;
		if (!this.probed && outstanding === 0 && throughput.downloaded > 0) this.probed = true;
		return this.probed ? throughput.rough(now) : null;
	}

	/** One wave, when the pacing allows one; resolves once every call of it was answered. False when nothing was started. */
	async wave(): Promise<boolean> {
		const {context} = this;
		const {store, plan, options} = context;
		if (this.busy || context.signal.aborted || this.waiting === 0 || context.paused()) return false;
		const now = Date.now();
		if (now < this.pausedUntil) return false;
		if (store.getSnapshot().waiting && now >= this.pausedUntil) store.set({waiting: null});
		this.busy = true;
		try {
			const candidates = this.peek(WAVE_LIMIT);
			const outstandingBytes = this.outstandingBytes();
			const bytesPerSecond = this.pacingRate(outstandingBytes);
			const probeBytes = options.probeBytes ?? PROBE_BYTES;
			const input = {
				bytesPerSecond,
				probeBytes,
				// A measured pace never allows less than the probe did (--bandwidth is taken as given).
				floorBytes: options.bandwidth === undefined ? probeBytes : 0,
				windowHours: options.windowHours ?? 20,
				outstandingBytes,
				freeDiskBytes: await this.freeDisk(),
				maxBytesInFlight: options.maxBytesInFlight ?? null,
			};
			// An archive bigger than one window is retrieved in ranges: the pacing weighs its next range.
			const {windowBytes} = allowance(input);
			const ranges = candidates.map(position => this.nextRangeOf(position, windowBytes));
			const wave = nextWave(candidates.map((position, k) => {
				const range = ranges[k];
				return range ? Math.max(0, range[1] - range[0] + 1) : plan.sizes[position];
			}), input);
			store.set({limitedBy: wave.blockedBy ?? null, pacingBytesPerSecond: bytesPerSecond ?? 0});
			if (wave.count === 0) {
				if (wave.blockedBy === 'disk' && !this.diskSaid && this.outstandingBytes() === 0) {
					// Nothing in flight will free space: say it once, then keep looking (the user may free some).
					this.diskSaid = true;
					const size = plan.sizes[candidates[0]];
					store.log('warn', `the next archive (${plan.paths[candidates[0]]}, ${formatBytes(size)}) does not fit the free space at ${plan.header.to} (keeping a reserve): free some space; thaw keeps checking`);
				}

				return false;
			}

			this.diskSaid = false;
			const positions = this.take(wave.count);
			const chosen: Array<{position: number; range: [number, number] | null}> = [];
			for (const [k, position] of positions.entries()) {
				// A file already under its final name with the right bytes (an earlier run, a crash after the rename) is not fetched again;
				// a ranged archive with every range in its .part is finished, not retrieved.
				if (!await this.checkExisting(position)) chosen.push({position, range: ranges[k]});
			}

			if (chosen.length === 0) return true;
			// The intents, fsynced together, before any of the calls.
			const at = Date.now();
			await Promise.all(chosen.map(async ({position, range}) => context.journal.append({t: 'intent', i: plan.index[position], at, ...(range ? {range} : {})}, {sync: true})));
			context.wake();
			await this.send(chosen.map(({position}) => position));
			return true;
		} finally {
			this.busy = false;
		}
	}

	private async send(positions: number[]): Promise<void> {
		const {context} = this;
		const flights = new Set<Promise<void>>();
		for (const position of positions) {
			if (context.signal.aborted) break;
			if (Date.now() < this.pausedUntil) {
				// The policy or capacity said wait: the rest of the wave waits too (their intents stand; no call was made).
				this.add(position);
				continue;
			}

			while (flights.size >= IN_FLIGHT) {
				await Promise.race(flights);
			}

			const delay = this.aimd.delay(Date.now());
			if (delay > 0) {
				await new Promise(resolve => setTimeout(resolve, delay));
			}

			this.aimd.take(Date.now());
			const flight = this.initiate(position, context.tier).then(outcome => {
				if (outcome !== 'done') this.add(position);
			}, (error: unknown) => {
				context.abort(error instanceof Error ? error : new Error(String(error)));
			}).finally(() => {
				flights.delete(flight);
			});
			flights.add(flight);
		}

		await Promise.all(flights);
		this.context.store.set({initiateRate: this.aimd.rate});
	}

	private pause(ms: number, waiting: string): void {
		const {store} = this.context;
		const first = Date.now() >= this.pausedUntil;
		this.pausedUntil = Math.max(this.pausedUntil, Date.now() + ms);
		if (first) store.log('warn', waiting);
		store.set({waiting});
	}

	/** One InitiateJob, through the client without SDK retries: a blind retry of a call that reached Glacier would pay twice. */
	private async initiate(position: number, tier: Tier): Promise<Outcome> {
		const {context} = this;
		const {plan, journal, connection} = context;
		const i = plan.index[position];
		let output;
		// The range its intent journaled (a ranged archive), asked for and checked again when the answer comes.
		const range = journal.state.ranged.get(i)?.current;
		context.sending.add(i);
		try {
			output = await (connection.outputClient ?? connection.client).send(new InitiateJobCommand({
				accountId: connection.accountId,
				vaultName: plan.header.vaultName,
				jobParameters: {Type: 'archive-retrieval', ArchiveId: plan.ids[position], Tier: tier, Description: formatTag(plan.planId, i), ...(range ? {RetrievalByteRange: `${range[0]}-${range[1]}`} : {})},
			}), {abortSignal: context.signal});
			if (!output.jobId) throw Object.assign(new Error('InitiateJob answered without a job id'), {name: 'ServiceUnavailableException'});
		} catch (error) {
			if (context.signal.aborted) return 'retry';
			// An unclear answer puts the archive in `uncertain` before it leaves `sending`: a walk meanwhile counts its job as this run's.
			return await this.failed(position, tier, error);
		} finally {
			context.sending.delete(i);
		}

		this.aimd.success();
		const now = journal.state.ranged.get(i)?.current;
		if (range && (now?.[0] !== range[0] || now[1] !== range[1])) {
			// The poll adopted this range's job and it is done already (or the archive moved on): nothing to tell.
			context.countJob(i, output.jobId, 'initiated');
			return 'done';
		}

		await journal.append({t: 'initiated', i, jobId: output.jobId, tier, at: Date.now()});
		context.countJob(i, output.jobId, 'initiated');
		context.wake();
		return 'done';
	}

	private async failed(position: number, tier: Tier, error: unknown): Promise<Outcome> {
		const {context} = this;
		const {plan, journal, store} = context;
		const i = plan.index[position];
		const name = errorName(error);
		const message = scrub((error as Error)?.message ?? String(error));
		const deferMs = context.options.deferMs ?? context.pollMs;
		switch (name) {
			case 'ThrottlingException':
			case 'LimitExceededException': {
				this.aimd.throttle(Date.now());
				store.add('throttles');
				store.set({initiateRate: this.aimd.rate});
				return 'retry';
			}

			case 'PolicyEnforcedException': {
				await journal.append({t: 'deferred', i, reason: `retrieval policy: ${message}`, at: Date.now()});
				this.pause(deferMs, `the vault's data retrieval policy is full (${message}): waiting ${formatDuration(deferMs / 1000)} before initiating more; this is not a failure`);
				return 'defer';
			}

			case 'InsufficientCapacityException': {
				const fallback = plan.header.fallbackTier;
				if (tier === 'Expedited' && fallback && fallback !== 'Expedited') {
					if (!this.fallbackSaid) store.log('warn', `no Expedited capacity now (${message}): using ${fallback}, as the plan allows`);
					this.fallbackSaid = true;
					return this.initiate(position, fallback);
				}

				await journal.append({t: 'deferred', i, reason: `no Expedited capacity: ${message}`, at: Date.now()});
				this.pause(deferMs, `no Expedited capacity now (${message}): waiting ${formatDuration(deferMs / 1000)} before trying again; the plan allows no other tier (buy provisioned capacity, or plan with --tier Standard)`);
				return 'defer';
			}

			case 'ResourceNotFoundException': {
				if (/vault/i.test(message) && !/archive/i.test(message)) throw toThawError(error, {connection: context.connection, what: 'start a retrieval', vaultName: plan.header.vaultName});
				await context.failFinal(position, 'job', `Glacier has no such archive (deleted since the inventory?): ${message}`);
				return 'done';
			}

			case 'InvalidParameterValueException':
			case 'MissingParameterValueException': {
				await context.failFinal(position, 'job', `Glacier refused the retrieval: ${message}`);
				return 'done';
			}

			default: {
				break;
			}
		}

		const status = httpStatus(error);
		if (isNetworkError(error) || status === undefined || status >= 500 || status === 408 || status === 429) {
			// No (usable) answer: the job may have been made. The next ListJobs walk covers every status and decides.
			this.aimd.throttle(Date.now());
			context.uncertain.add(i);
			store.log('warn', `InitiateJob for archive ${i} got no clear answer (${inert(name || 'network error')}: ${message}): the next ListJobs walk decides whether it was made before trying again`);
			return 'done';
		}

		throw toThawError(error, {connection: context.connection, what: 'start a retrieval', vaultName: plan.header.vaultName});
	}

	/** Whether an archive is waiting here or could be (for the "all done?" check). */
	has(position: number): boolean {
		return this.queued.has(position) || this.context.journal.state.states[this.context.plan.index[position]] === StateCode.planned;
	}
}
