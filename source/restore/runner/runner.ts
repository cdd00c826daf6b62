/**
 * `thaw restore run`: one shard of a plan, from planned to verified on disk,
 * unattended for days. Three loops share one journal: the initiator (paced
 * waves of InitiateJob), the poller (one ListJobs walk per --poll-seconds)
 * and the downloads (earliest expiry first). The journal is the truth: a
 * kill at any moment loses at most work that is done again, never money
 * (intents before calls, adoption by tag) and never correctness (the engine
 * renames only verified bytes).
 */
import {setMaxListeners} from 'node:events';
import {mkdir, readdir} from 'node:fs/promises';
import {join} from 'node:path';
import {ExitCode, ThawError, type ExitCodeValue} from '../../errors.js';
import {inert} from '../../inert.js';
import {acquireLock} from '../../engine/lock.js';
import {toThawError} from '../../glacier/errors.js';
import type {Job} from '../../glacier/api.js';
import {RestoreJournal} from '../journal.js';
import {StateCode, archiveStates} from '../state.js';
import {shardName} from '../shard.js';
import {adoptAll} from './adopt.js';
import {Aimd} from './aimd.js';
import {failureKindOf, failureReason, sleep, type Context, type FailureKind, type RunnerOptions} from './context.js';
import {Downloader} from './download.js';
import {failpoint} from './failpoint.js';
import {Initiator} from './initiate.js';
import {Throughput} from './pacing.js';
import {loadShardPlan} from './plan.js';
import {poll} from './poll.js';
import {emptyCounts, RunStore} from './store.js';

export type {RunnerOptions} from './context.js';

export type RunResult = {
	exitCode: ExitCodeValue;
	total: number;
	verified: number;
	failed: number;
	failures: Array<{index: number; path: string; reason: string}>;
	reinitiated: number;
	initiatedThisRun: number;
	adopted: number;
	/** Archives downloaded by this run, and the seconds from the first download's start to the last one's end. */
	downloaded: number;
	downloadSeconds: number;
};

export type Run = {
	store: RunStore;
	done: Promise<RunResult>;
	cancel(): void;
	/** Hold initiation and downloads (chunks in flight keep their whole leaves; the rest is fetched on resume); the poller keeps going. */
	pause(): void;
	resume(): void;
	/** Try again an archive (plan index) that failed for good; false when it has not failed or the run is not under way. */
	retry(index: number): Promise<boolean>;
};

/** What the Run's controls reach inside a running shard. */
type Controls = {paused: boolean; changed?: () => void; retry?: (index: number) => Promise<boolean>};

/** Every this many polls the walk covers every status, not only completed jobs. */
const FULL_WALK_EVERY = 6;

/** How often the journal is compacted during a run (besides its own every-100,000-records rule). */
const COMPACT_EVERY_MS = 10 * 60 * 1000;

export function startRestore(options: RunnerOptions): Run {
	const controller = new AbortController();
	// Every download and every wait listens to it: hundreds at once is the design, not a leak.
	setMaxListeners(0, controller.signal);
	if (options.signal) {
		if (options.signal.aborted) controller.abort();
		else options.signal.addEventListener('abort', () => controller.abort(), {once: true});
	}

	const store = new RunStore({shard: shardName(options.shard), vaultName: '', tier: ''});
	const cancelled = {value: options.signal?.aborted === true};
	options.signal?.addEventListener('abort', () => {
		cancelled.value = true;
	}, {once: true});
	const controls: Controls = {paused: false};
	const done = runRestore(options, store, controller, cancelled, controls);
	// A run that could not start (the lock is held, the plan is unreadable) ends 'failed' too, saying why.
	done.catch((error: unknown) => {
		store.set({phase: 'failed', error: inert(error instanceof Error ? error.message : String(error))});
	});
	const setPaused = (paused: boolean) => {
		if (controls.paused === paused) return;
		controls.paused = paused;
		store.set({paused});
		store.log('info', paused ? 'paused: no new retrievals or downloads; downloads in flight are held' : 'resumed');
		controls.changed?.();
	};

	return {
		store, done, cancel() {
			cancelled.value = true;
			controller.abort();
		},
		pause: () => {
			setPaused(true);
		},
		resume: () => {
			setPaused(false);
		},
		retry: async index => controls.retry?.(index) ?? false,
	};
}

async function runRestore(options: RunnerOptions, store: RunStore, controller: AbortController, cancelled: {value: boolean}, controls: Controls): Promise<RunResult> {
	const plan = await loadShardPlan(options.planDir, options.shard);
	const shardDir = join(options.planDir, 'shards', shardName(options.shard));
	// Shards of another N overlap these: two runners would each start (and pay for) the same archives.
	const others = (await readdir(join(options.planDir, 'shards')).catch(() => [] as string[]))
		.map(name => /^(\d+)-of-(\d+)$/.exec(name)).filter(match => match !== null && Number(match[2]) !== options.shard.n);
	if (others.length > 0) {
		const n = others[0]![2];
		throw new ThawError(`this plan is already being restored in ${n} shards (${inert(join(options.planDir, 'shards', others[0]![0]))}): use --shard K/${n}, or delete ${inert(join(options.planDir, 'shards'))} only if no runner of it is left`, ExitCode.usage);
	}

	await mkdir(shardDir, {recursive: true}).catch((error: unknown) => {
		throw new ThawError(`cannot create ${inert(shardDir)}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, ExitCode.local);
	});
	// One runner per shard: a second one would initiate (and pay for) the same archives and write the same journal.
	const lock = await acquireLock(join(shardDir, 'lock'), {what: `shard ${shardName(options.shard)} of the restore plan ${options.planDir} is being restored`});
	try {
		return await runLocked(options, store, controller, cancelled, plan, shardDir, controls);
	} finally {
		await lock.release();
	}
}

type ShardPlan = Awaited<ReturnType<typeof loadShardPlan>>;

async function runLocked(options: RunnerOptions, store: RunStore, controller: AbortController, cancelled: {value: boolean}, plan: ShardPlan, shardDir: string, controls: Controls): Promise<RunResult> {
	const journal = await RestoreJournal.open(shardDir, plan.planArchives);

	const pollMs = options.pollMs ?? 300_000;
	store.set({vaultName: plan.header.vaultName, tier: plan.header.tier, total: plan.index.length, bytesTotal: plan.bytes});
	store.countWith(() => {
		const counts = emptyCounts();
		let bytesVerified = 0;
		for (let position = 0; position < plan.index.length; position++) {
			const state = journal.state.states[plan.index[position]];
			counts[archiveStates[state]]++;
			if (state === StateCode.verified) bytesVerified += plan.sizes[position];
		}

		return {counts, bytesVerified};
	});

	let fatal: Error | undefined;
	let wakeUp: (() => void) | undefined;
	const wake = () => {
		const resolve = wakeUp;
		wakeUp = undefined;
		resolve?.();
	};

	const aimd = new Aimd({initialPerSecond: options.initiateRate ?? 10});
	const throughput = new Throughput();
	let initiator!: Initiator;
	let downloader!: Downloader;
	// How each job of this run was counted (the summary's "adopted" and "started by this run"), by job id.
	const counted = new Map<string, 'initiated' | 'adopted'>();
	const context: Context = {
		options, connection: options.connection, plan, journal, store, throughput, tier: plan.header.tier, pollMs,
		signal: controller.signal,
		paused: () => controls.paused,
		jobs: new Map(),
		uncertain: new Set(),
		sending: new Set(),
		countJob(i, jobId, how) {
			// Listed while this run's own call for it was on the way, or after its answer was lost: this run made it.
			const made = how === 'initiated' || context.sending.has(i) || context.uncertain.has(i) ? 'initiated' : 'adopted';
			const before = counted.get(jobId);
			if (before === made || before === 'initiated') return;
			counted.set(jobId, made);
			if (before === 'adopted') store.add('adopted', -1);
			store.add(made === 'initiated' ? 'initiatedThisRun' : 'adopted');
		},
		wake,
		requeue(position) {
			downloader.remove(position);
			initiator.add(position);
			wake();
		},
		ready(position: number, job: Job) {
			const i = plan.index[position];
			context.jobs.set(i, job);
			const state = journal.state.states[i];
			if (state !== StateCode.ready && state !== StateCode.downloading) {
				const completedAt = Date.parse(job.CompletionDate ?? '') || Date.now();
				void journal.append({t: 'ready', i, jobId: job.JobId, completedAt, at: Date.now()}).then(wake, abort);
			}

			downloader.add(position, job);
			downloader.pump();
			wake();
		},
		async failFinal(position: number, kind: FailureKind, message: string) {
			const i = plan.index[position];
			await journal.append({t: 'failed', i, reason: failureReason(kind, message), final: true, at: Date.now()});
			store.log('error', `archive ${i} (${plan.paths[position]}) failed for good: ${message}`);
		},
		async reinitiate(position: number, reason: string) {
			const i = plan.index[position];
			await journal.append({t: 'reinitiate', i, reason, at: Date.now()});
			context.jobs.delete(i);
			store.add('reinitiated');
			store.log('warn', `archive ${i} (${plan.paths[position]}): ${reason}`);
			context.requeue(position);
		},
		abort,
	};

	/**
	 * Until something changes (wake()), the run is stopped (cancel() aborts the
	 * signal), or 400 ms pass. The timer holds the process: this wait is what
	 * the run is doing, and a headless run awaits it (an unref'd timer let
	 * Node end a cancelled run before its summary, exit code 13).
	 */
	async function nextChange(signal: AbortSignal): Promise<void> {
		if (signal.aborted) return;
		await new Promise<void>(resolve => {
			const done = () => {
				clearTimeout(timer);
				signal.removeEventListener('abort', done);
				if (wakeUp === done) wakeUp = undefined;
				resolve();
			};

			const timer = setTimeout(done, 400);
			wakeUp = done;
			signal.addEventListener('abort', done, {once: true});
		});
	}

	function abort(error: unknown): void {
		fatal ??= error instanceof Error ? error : new Error(String(error));
		controller.abort();
		wake();
	}

	downloader = new Downloader(context);
	initiator = new Initiator(context, aimd, async position => downloader.checkExisting(position));
	controls.changed = () => {
		downloader.setPaused(controls.paused);
		downloader.pump();
		wake();
	};
	if (controls.paused) downloader.setPaused(true);
	controls.retry = async index => {
		const position = index >= 0 && index < plan.position.length ? plan.position[index] : -1;
		if (position < 0 || controller.signal.aborted || journal.state.states[index] !== StateCode.failed) return false;
		await journal.append({t: 'reinitiate', i: index, reason: `retrying after: ${journal.state.failures.get(index) ?? 'a failure'} (asked for)`, at: Date.now()});
		store.log('info', `archive ${index} (${plan.paths[position]}): trying again`);
		context.requeue(position);
		return true;
	};

	const unfinished = (): number => {
		let left = 0;
		for (let position = 0; position < plan.index.length; position++) {
			const state = journal.state.states[plan.index[position]];
			if (state !== StateCode.verified && state !== StateCode.failed) left++;
		}

		return left;
	};

	const loops: Array<Promise<void>> = [];
	try {
		store.set({phase: 'adopting'});
		if (options.retryFailed) {
			for (let position = 0; position < plan.index.length; position++) {
				const i = plan.index[position];
				if (journal.state.states[i] === StateCode.failed) await journal.append({t: 'reinitiate', i, reason: `retrying after: ${journal.state.failures.get(i) ?? 'a failure'} (--retry-failed)`, at: Date.now()});
			}
		}

		await adoptAll(context).catch((error: unknown) => {
			throw toThawError(error, {connection: options.connection, what: 'list the vault\'s jobs', vaultName: plan.header.vaultName});
		});
		initiator.sortQueued();
		store.set({phase: 'running'});

		// The poller: one walk per pollMs.
		loops.push((async () => {
			let failures = 0;
			let polls = 0;
			while (!controller.signal.aborted) {
				store.set({nextPollAt: Date.now() + pollMs});
				await sleep(pollMs, controller.signal);
				if (controller.signal.aborted) break;
				failpoint('poll');
				try {
					await poll(context, downloader.active, ++polls % FULL_WALK_EVERY === 0);
					failures = 0;
				} catch (error) {
					if (controller.signal.aborted) break;
					const thawError = toThawError(error, {connection: options.connection, what: 'list the vault\'s jobs', vaultName: plan.header.vaultName});
					failures++;
					if (thawError.exitCode !== ExitCode.service || /access denied/.test(thawError.message)) {
						abort(thawError);
						break;
					}

					store.log('warn', `${thawError.message} (will try again at the next poll${failures > 1 ? `; ${failures} in a row` : ''})`);
				}

				wake();
			}
		})());

		// The initiator: a wave whenever the pacing allows one.
		loops.push((async () => {
			while (!controller.signal.aborted) {
				const started = await initiator.wave();
				if (!started) await sleep(started ? 0 : 200, controller.signal);
			}
		})().catch(abort));

		let lastCompact = Date.now();
		while (!controller.signal.aborted) {
			downloader.pump();
			if (unfinished() === 0) break;
			const rate = throughput.rate(Date.now());
			store.set({bytesPerSecond: rate === null ? null : Math.round(rate)});
			if (Date.now() - lastCompact > COMPACT_EVERY_MS) {
				lastCompact = Date.now();
				// The measure survives a kill: the next run paces with it at once.
				if (rate !== null) await journal.append({t: 'throughput', bytesPerSecond: Math.round(rate), at: Date.now()});
				await journal.compact();
			}

			// Woken by changes, but a scan of the shard's states at most every 100 ms (a million archives cost ~2 ms a scan).
			await sleep(100, controller.signal);
			await nextChange(controller.signal);
		}

		controller.abort();
		await Promise.allSettled(loops);
		await downloader.settle();
		const rate = throughput.rate(Date.now());
		if (rate !== null) await journal.append({t: 'throughput', bytesPerSecond: Math.round(rate), at: Date.now()});
		await journal.compact().catch(() => undefined);
	} catch (error) {
		fatal ??= error instanceof Error ? error : new Error(String(error));
	} finally {
		controller.abort();
		await Promise.allSettled(loops);
		await downloader.settle();
		await downloader.close().catch(() => undefined);
		await journal.close().catch(() => undefined);
	}

	if (fatal) {
		store.set({phase: 'failed'});
		throw fatal instanceof ThawError ? fatal : toThawError(fatal, {connection: options.connection, what: 'restore', vaultName: plan.header.vaultName});
	}

	const result = {...summarize(plan, journal, store), downloaded: downloader.downloaded, downloadSeconds: downloader.downloaded > 0 ? (downloader.lastEnd - downloader.firstStart) / 1000 : 0};
	if (cancelled.value && unfinished() > 0) {
		store.set({phase: 'cancelled'});
		return {...result, exitCode: ExitCode.interrupted};
	}

	store.set({phase: 'done'});
	return result;
}

function summarize(plan: Awaited<ReturnType<typeof loadShardPlan>>, journal: RestoreJournal, store: RunStore): Omit<RunResult, 'downloaded' | 'downloadSeconds'> {
	let verified = 0;
	const failures: RunResult['failures'] = [];
	const kinds = new Set<FailureKind>();
	for (let position = 0; position < plan.index.length; position++) {
		const i = plan.index[position];
		const state = journal.state.states[i];
		if (state === StateCode.verified) verified++;
		else if (state === StateCode.failed) {
			const reason = journal.state.failures.get(i) ?? 'unknown';
			failures.push({index: i, path: plan.paths[position], reason});
			kinds.add(failureKindOf(reason));
		}
	}

	let exitCode: ExitCodeValue = ExitCode.ok;
	if (kinds.has('verification')) exitCode = ExitCode.verification;
	else if (kinds.has('local')) exitCode = ExitCode.local;
	else if (kinds.has('service')) exitCode = ExitCode.service;
	else if (kinds.has('job')) exitCode = ExitCode.job;
	const snapshot = store.getSnapshot();
	return {exitCode, total: plan.index.length, verified, failed: failures.length, failures, reinitiated: snapshot.reinitiated, initiatedThisRun: snapshot.initiatedThisRun, adopted: snapshot.adopted};
}
