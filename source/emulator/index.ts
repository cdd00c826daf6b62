/**
 * A local Glacier-compatible server (the 2012 vault API over real HTTP), for
 * the demo, the tests and the benchmarks: deterministic generated archive
 * content, tree hashes computed once and cached, jobs whose state follows a
 * clock, Glacier's error bodies, and fault injection.
 *
 *   const emulator = await startEmulator({demo: true});
 *   new GlacierClient({endpoint: emulator.url, region: 'us-east-1', credentials: {accessKeyId: 'test', secretAccessKey: 'test'}});
 */
import {createServer} from 'node:http';
import {createServer as createTlsServer} from 'node:https';
import type {AddressInfo} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {contentBytes} from './content.js';
import {demoVaultNotes, loadDemo} from './demo.js';
import {FaultSet} from './faults.js';
import {LeafHashes} from './hashes.js';
import {createHandler} from './server.js';
import {demoTierDelayMs, EmulatedClock, glacierTierDelayMs, TokenBucket} from './clock.js';
import {EmulatorState} from './state.js';
import type {Emulator, EmulatorOptions, RequestRecord, Tier} from './types.js';

export type {ArchiveSpec, Emulator, EmulatorOptions, FaultHit, FaultKind, FaultRule, JobSpec, JobStatus, OperationName, RequestRecord, RetrievalPolicy, Tier, VaultSummary} from './types.js';
export {demoSpeedup, demoTierDelayMs, glacierTierDelayMs} from './clock.js';
export {defaultFreeTierBytesPerDay, jobLifetimeMs} from './state.js';
export {faultKinds, operationNames} from './types.js';
export {normalizeFaultRule, parseFaultSpec} from './faults.js';
export {isMegabyteAligned, isTreeHashAligned} from './alignment.js';
export {glacierCsvField} from './inventory-output.js';

export const defaultHashCacheDir = join(tmpdir(), 'thaw-emulator-cache');

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
	const clock = new EmulatedClock(options.now ?? Date.now, options.timeScale ?? 1);
	const store = new EmulatorState({
		accountId: options.accountId ?? '123456789012',
		region: options.region ?? 'us-east-1',
		now: () => clock.now(),
		tierDelayMs: tierDelays(options),
		hashes: new LeafHashes(options.hashCacheDir ?? defaultHashCacheDir),
		initiateRate: options.initiateRate ? new TokenBucket(options.initiateRate.perSecond, options.initiateRate.burst) : undefined,
		retrievalPolicy: options.retrievalPolicy,
		freeTierBytesPerDay: options.freeTierBytesPerDay,
		expeditedCapacity: options.expeditedCapacity,
		inventoryIntervalMs: options.inventoryIntervalMs,
	});
	const {hashes} = store.options;
	const faults = new FaultSet(options.faults ?? []);
	const requests: RequestRecord[] = [];
	if (options.demo) loadDemo(store);
	if (options.warmUp ?? options.demo) {
		// Hash what the demo jobs need in the background, smallest first, so answers are ready when asked for.
		for (const vault of store.vaults.values()) for (const job of vault.jobs) job.prepare().catch(() => undefined);
	}

	const handler = createHandler({store, faults, requests, log: options.log});
	// Over TLS the client uses the SDK's own node:https handler (real Glacier's path), over
	// plain http thaw's direct one (glacier/direct-http.ts): tests run the download over both.
	const server = options.tls ? createTlsServer({keepAlive: true, key: options.tls.key, cert: options.tls.cert}, handler) : createServer({keepAlive: true}, handler);
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
			server.off('error', reject);
			resolve();
		});
	});
	const address = server.address() as AddressInfo;
	const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

	let closing: Promise<void> | undefined;
	const emulator: Emulator = {
		url: `${options.tls ? 'https' : 'http'}://${host}:${address.port}`,
		accountId: store.options.accountId,
		region: store.options.region,
		async close() {
			closing ??= new Promise<void>(resolve => {
				hashes.stop();
				server.close(() => {
					resolve();
				});
				server.closeAllConnections();
			});
			return closing;
		},
		createVault(name) {
			store.createVault(name);
		},
		addArchive(vault, spec) {
			const archive = store.addArchive(vault, spec);
			return {archiveId: archive.id, size: archive.size};
		},
		async archiveTreeHash(vault, archiveId) {
			return store.archiveTreeHash(store.archive(vault, archiveId));
		},
		archiveBytes(vault, archiveId, start, endInclusive) {
			const archive = store.archive(vault, archiveId);
			if (start < 0 || endInclusive >= archive.size) throw new RangeError(`bytes ${start}-${endInclusive} are outside the archive of ${archive.size} bytes`);
			return contentBytes(archive.key, start, endInclusive);
		},
		async addJob(vault, spec) {
			const job = store.addJob(vault, spec);
			await job.prepare();
			return job.id;
		},
		faults: {
			add(rule) {
				faults.add(rule);
			},
			clear() {
				faults.clear();
			},
			get hits() {
				return faults.hits;
			},
		},
		requests,
		summary() {
			const now = store.now;
			return [...store.vaults.values()].sort((a, b) => (a.name < b.name ? -1 : 1)).map(vault => {
				const jobs = {InProgress: 0, Succeeded: 0, Failed: 0};
				for (const job of store.visibleJobs(vault)) jobs[store.status(job, now)]++;
				const archives = store.liveArchives(vault);
				return {
					vault: vault.name,
					archives: archives.length,
					sizeInBytes: archives.reduce((sum, a) => sum + a.size, 0),
					jobs,
					...(options.demo && demoVaultNotes[vault.name] ? {note: demoVaultNotes[vault.name]} : {}),
				};
			});
		},
		jobs(vault) {
			const v = store.vault(vault);
			return store.visibleJobs(v).map(job => ({jobId: job.id, action: job.action, status: store.status(job), description: job.description}));
		},
		now() {
			return clock.now();
		},
		advance(ms) {
			clock.advance(ms);
		},
		timeScale: clock.timeScale,
		tierDelayMs: {...store.options.tierDelayMs},
		initiations(vault, archiveId) {
			return store.initiations(vault, archiveId);
		},
		retrievalPolicy() {
			return {...store.policy};
		},
	};
	return emulator;
}

/** Per-tier completion delays: jobDelayMs wins; else tierDelayMs over the defaults (Glacier's once a time scale is set, the demo's, else 0). */
function tierDelays(options: EmulatorOptions): Record<Tier, number> {
	const check = (name: string, ms: number): number => {
		if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`${name} must be a non-negative number of milliseconds, not ${ms}`);
		return ms;
	};

	if (options.jobDelayMs !== undefined) {
		const ms = check('jobDelayMs', options.jobDelayMs);
		return {Expedited: ms, Standard: ms, Bulk: ms};
	}

	// The demo without any timing option: Glacier's times compressed (Bulk 1 min) on a real-speed clock.
	const demoDefaults = options.demo && options.timeScale === undefined && options.tierDelayMs === undefined;
	const base = demoDefaults ? {...demoTierDelayMs} : options.timeScale === undefined ? {Expedited: 0, Standard: 0, Bulk: 0} : {...glacierTierDelayMs};
	for (const [tier, ms] of Object.entries(options.tierDelayMs ?? {})) {
		if (!(tier in base)) throw new TypeError(`tierDelayMs: unknown tier ${tier} (Expedited, Standard, Bulk)`);
		if (ms !== undefined) base[tier as Tier] = check(`tierDelayMs.${tier}`, ms);
	}

	return base;
}
