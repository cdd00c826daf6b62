/**
 * The emulator's state: vaults, their archives (metadata only: content is
 * generated from the seed when read) and jobs, whose status is derived from
 * the (emulated) clock at the moment of each request; what Glacier enforces
 * on InitiateJob (request rate, data retrieval policy, Expedited capacity);
 * deletes and the daily inventory that DeleteVault waits for. Also the JSON
 * views Glacier returns for them.
 */
import {MiB} from '../engine/tree-hash.js';
import {isMegabyteAligned, isTreeHashAligned} from './alignment.js';
import {contentKey} from './content.js';
import {rangeTreeHash, type LeafHashes} from './hashes.js';
import {SlidingSum} from './sliding.js';
import type {TokenBucket} from './clock.js';
import {archiveIdFor, isValidVaultName, jobIdFor, randomJobId} from './ids.js';
import {inventoryCsv, inventoryJson, type InventoryArchive} from './inventory-output.js';
import type {ArchiveSpec, JobSpec, JobStatus, RetrievalPolicy, Tier} from './types.js';

const minute = 60 * 1000;
const hour = 60 * minute;
const day = 24 * hour;

/** A job's output can be read for 24 hours after it completes; then the job is gone. */
export const jobLifetimeMs = day;

/** Glacier inventories a vault about once a day, and only when something changed. */
export const defaultInventoryIntervalMs = day;

/**
 * FreeTier as a daily allowance of Standard retrievals: AWS's free tier is
 * 10 GB of retrievals a month, used here as a thirtieth of that per rolling
 * 24 emulated hours.
 */
export const defaultFreeTierBytesPerDay = Math.floor(10 * 1024 * 1024 * 1024 / 30);

/** Expedited capacity is counted over this window (a provisioned unit: at least 3 per 5 minutes). */
export const expeditedWindowMs = 5 * minute;

/** A Glacier error response: HTTP status, `code`, `message`, `type`. */
export class GlacierError extends Error {
	constructor(readonly status: number, readonly code: string, message: string, readonly type: 'Client' | 'Server' = status >= 500 ? 'Server' : 'Client') {
		super(message);
		this.name = 'GlacierError';
	}
}

export function invalid(message: string): GlacierError {
	return new GlacierError(400, 'InvalidParameterValueException', message);
}

export function missing(message: string): GlacierError {
	return new GlacierError(400, 'MissingParameterValueException', message);
}

export type Archive = {
	id: string;
	size: number;
	description: string;
	seed: string;
	key: Buffer;
	creationDate: number;
	/** Set by DeleteArchive; the archive may still be listed by the last inventory. */
	deleted?: boolean;
	/** Jobs started for this archive (a delete fails those still in progress). */
	jobs?: Job[];
};

export type Vault = {
	name: string;
	creationDate: number;
	/** The archives now, in upload order; deleted ones are dropped lazily (see liveArchives). */
	archives: Archive[];
	archiveById: Map<string, Archive>;
	/** Archive ids deleted through DeleteArchive: deleting one again is not an error. */
	deletedIds: Set<string>;
	deletedPending: number;
	/** The archives as of the last inventory: what DescribeVault counts and inventory jobs list. */
	inventoried: Archive[];
	/** Jobs in creation order (expired ones are compacted away from time to time; jobById keeps them all). */
	jobs: Job[];
	jobById: Map<string, Job>;
	jobsCompactedAt: number;
	lastInventoryDate: number | undefined;
	/** The first write (DeleteArchive) since the last inventory; the next inventory is due a day after it. */
	dirtySince: number | undefined;
	archiveCounter: number;
	jobCounter: number;
	/** Archive-retrieval InitiateJob calls that succeeded, per archive id. */
	initiations: Map<string, number>;
	initiationTotal: number;
};

type InventoryParameters = {StartDate: string | null; EndDate: string | null; Limit: string | null; Marker: string | null};

export type Job = {
	id: string;
	/** Creation order within the vault (the ListJobs marker's position). */
	seq: number;
	vault: Vault;
	action: 'ArchiveRetrieval' | 'InventoryRetrieval';
	archive?: Archive;
	rangeStart: number; // archive coordinates (archive jobs)
	rangeEnd: number;
	tier: Tier;
	description: string | null;
	snsTopic: string | null;
	createdAt: number;
	completesAt: number; // Infinity: never
	finalStatus: 'Succeeded' | 'Failed';
	failMessage: string;
	format: 'JSON' | 'CSV';
	inventoryParameters?: InventoryParameters;
	inventory?: Buffer;
	archiveLeaves?: Buffer[];
	/**
	 * Whether what the job's answers need (tree hashes, the inventory) is
	 * computed. Until it is, a job the clock says Succeeded is still
	 * InProgress: lists never wait on a hash.
	 */
	ready: boolean;
	/** Compute what the job's answers need, off the request path; memoized. Never awaited by ListJobs or DescribeJob. */
	prepare: () => Promise<void>;
};

export type EmulatorStateOptions = {
	accountId: string;
	region: string;
	/** The emulated clock. */
	now: () => number;
	/** Emulated time from InitiateJob to completion, per tier (jobDelayMs, when given, is folded in by the caller). */
	tierDelayMs: Readonly<Record<Tier, number>>;
	hashes: LeafHashes;
	/** InitiateJob's rate limit (real time); none when undefined. */
	initiateRate?: TokenBucket;
	retrievalPolicy?: RetrievalPolicy;
	freeTierBytesPerDay?: number;
	/** Expedited retrievals allowed per 5 emulated minutes; unlimited when undefined. */
	expeditedCapacity?: number;
	inventoryIntervalMs?: number;
};

const tiers: readonly Tier[] = ['Expedited', 'Standard', 'Bulk'];

/** Index of the first job whose seq is >= seq (jobs are in seq order). */
function firstAtOrAfter(jobs: readonly Job[], seq: number): number {
	let low = 0;
	let high = jobs.length;
	while (low < high) {
		const middle = (low + high) >>> 1;
		if (jobs[middle].seq < seq) low = middle + 1;
		else high = middle;
	}

	return low;
}

/** Check a policy as SetDataRetrievalPolicy does (400 InvalidParameterValueException); returns a clean copy. */
export function checkPolicy(policy: unknown): RetrievalPolicy {
	if (typeof policy !== 'object' || policy === null) throw invalid('The data retrieval policy must be an object with a Strategy.');
	const {Strategy: strategy, BytesPerHour: bytesPerHour} = policy as Record<string, unknown>;
	if (strategy !== 'FreeTier' && strategy !== 'BytesPerHour' && strategy !== 'None') throw invalid(`Invalid Strategy: ${String(strategy)}. Valid values are BytesPerHour, FreeTier and None.`);
	if (strategy === 'BytesPerHour') {
		if (typeof bytesPerHour !== 'number' || !Number.isSafeInteger(bytesPerHour) || bytesPerHour < 1) throw invalid('BytesPerHour must be a whole number from 1 to 2^63-1 when the Strategy is BytesPerHour.');
		return {Strategy: strategy, BytesPerHour: bytesPerHour};
	}

	if (bytesPerHour !== undefined && bytesPerHour !== null) throw invalid(`BytesPerHour can only be set when the Strategy is BytesPerHour, not ${strategy}.`);
	return {Strategy: strategy};
}

export function iso(ms: number): string {
	return new Date(ms).toISOString();
}

/** ISO 8601 without milliseconds, as inventories write dates. */
export function isoSeconds(ms: number): string {
	return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function parseDate(text: string, what: string): number {
	const ms = Date.parse(text);
	if (Number.isNaN(ms)) throw new TypeError(`${what}: not a date: ${text}`);
	return ms;
}

export class EmulatorState {
	readonly vaults = new Map<string, Vault>();
	/** The account's data retrieval policy (one per region), changed by SetDataRetrievalPolicy. */
	policy: RetrievalPolicy;
	/** Bytes of Standard archive retrievals accepted, for the policy's window. */
	private readonly standardBytes = new SlidingSum();
	/** Expedited retrievals accepted, for the capacity window. */
	private readonly expedited = new SlidingSum();

	constructor(readonly options: EmulatorStateOptions) {
		this.policy = checkPolicy(options.retrievalPolicy ?? {Strategy: 'None'});
	}

	get now(): number {
		return this.options.now();
	}

	vaultArn(vault: Vault | string): string {
		const name = typeof vault === 'string' ? vault : vault.name;
		return `arn:aws:glacier:${this.options.region}:${this.options.accountId}:vaults/${name}`;
	}

	// ---- building state (in-process API, demo) ----

	createVault(name: string, creationDate = this.now): Vault {
		if (!isValidVaultName(name)) throw new TypeError(`invalid vault name: ${name}`);
		let vault = this.vaults.get(name);
		if (!vault) {
			vault = {
				name,
				creationDate,
				archives: [],
				archiveById: new Map(),
				deletedIds: new Set(),
				deletedPending: 0,
				inventoried: [],
				jobs: [],
				jobById: new Map(),
				jobsCompactedAt: creationDate,
				lastInventoryDate: undefined,
				dirtySince: undefined,
				archiveCounter: 0,
				jobCounter: 0,
				initiations: new Map(),
				initiationTotal: 0,
			};
			this.vaults.set(name, vault);
		}

		return vault;
	}

	vault(name: string): Vault {
		const vault = this.vaults.get(name);
		if (!vault) throw new GlacierError(404, 'ResourceNotFoundException', `Vault not found for ARN: ${this.vaultArn(name)}`);
		return vault;
	}

	addArchive(vaultName: string, spec: ArchiveSpec): Archive {
		const vault = this.vaultForSetup(vaultName);
		if (!Number.isSafeInteger(spec.size) || spec.size < 0) throw new TypeError(`archive size must be a non-negative integer: ${spec.size}`);
		const index = vault.archiveCounter++;
		const id = archiveIdFor(`${vault.name}\0${index}\0${spec.seed ?? ''}\0${spec.size}`);
		const seed = spec.seed ?? id;
		const creationDate = spec.creationDate === undefined ? this.now : parseDate(spec.creationDate, 'creationDate');
		const archive: Archive = {id, size: spec.size, description: spec.description ?? '', seed, key: contentKey(seed), creationDate};
		vault.archives.push(archive);
		vault.archiveById.set(id, archive);
		// Archives set up in-process count as inventoried at their creation (as if uploaded long ago).
		vault.inventoried.push(archive);
		vault.lastInventoryDate = Math.max(vault.lastInventoryDate ?? 0, creationDate);
		return archive;
	}

	/** The archives not deleted, in upload order. */
	liveArchives(vault: Vault): Archive[] {
		if (vault.deletedPending > 0) {
			vault.archives = vault.archives.filter(a => !a.deleted);
			vault.deletedPending = 0;
		}

		return vault.archives;
	}

	archive(vaultName: string, archiveId: string): Archive {
		const archive = this.vaultForSetup(vaultName).archiveById.get(archiveId);
		if (!archive) throw new TypeError(`no archive ${archiveId} in vault ${vaultName}`);
		return archive;
	}

	async archiveLeaves(archive: Archive): Promise<Buffer[]> {
		return this.options.hashes.leaves(archive.seed, archive.key, archive.size);
	}

	async archiveTreeHash(archive: Archive): Promise<string> {
		return rangeTreeHash(await this.archiveLeaves(archive), 0, archive.size - 1);
	}

	/** Add a job as the in-process API describes it (default: Succeeded now). */
	addJob(vaultName: string, spec: JobSpec, name?: string, lazy = false): Job {
		const vault = this.vaultForSetup(vaultName);
		const now = this.now;
		const status: JobStatus = spec.status ?? 'Succeeded';
		let completesAt: number;
		if (status === 'InProgress') completesAt = spec.completedAt === undefined ? Number.POSITIVE_INFINITY : parseDate(spec.completedAt, 'completedAt');
		else completesAt = spec.completedAt === undefined ? now : parseDate(spec.completedAt, 'completedAt');
		const createdAt = spec.createdAt === undefined ? (status === 'InProgress' ? now : completesAt - (4 * 60 * 60 * 1000)) : parseDate(spec.createdAt, 'createdAt');
		const id = name === undefined ? randomJobId() : jobIdFor(`${vault.name}\0${name}`);
		try {
			return this.createJob(vault, id, {
				Type: spec.type,
				ArchiveId: spec.type === 'archive-retrieval' ? spec.archiveId : undefined,
				RetrievalByteRange: spec.type === 'archive-retrieval' ? spec.range : undefined,
				Format: spec.type === 'inventory-retrieval' ? spec.format : undefined,
				Tier: spec.tier,
				Description: spec.description,
			}, {createdAt, completesAt, finalStatus: status === 'Failed' ? 'Failed' : 'Succeeded', failMessage: spec.statusMessage}, lazy);
		} catch (error) {
			if (error instanceof GlacierError) throw new TypeError(`addJob: ${error.message}`);
			throw error;
		}
	}

	// ---- operations ----

	/**
	 * InitiateJob: the rate limit first (a throttled request does nothing), then
	 * the body as Glacier validates it, then the data retrieval policy
	 * (Standard archive retrievals) and the Expedited capacity; the job
	 * completes after its tier's delay.
	 */
	initiateJob(vaultName: string, body: unknown): Job {
		if (this.options.initiateRate && !this.options.initiateRate.take()) throw new GlacierError(400, 'ThrottlingException', 'Rate exceeded');
		const vault = this.vault(vaultName);
		if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('The job parameters must be a JSON object.');
		const now = this.now;
		const job = this.createJob(vault, randomJobId(), body as Record<string, unknown>, {createdAt: now, completesAt: now, finalStatus: 'Succeeded'}, true, false);
		const delay = this.options.tierDelayMs[job.action === 'ArchiveRetrieval' ? job.tier : 'Standard'];
		job.completesAt = now + delay;
		if (job.action === 'ArchiveRetrieval') {
			const bytes = this.outputSize(job);
			if (job.tier === 'Standard') this.checkPolicy(bytes, now);
			if (job.tier === 'Expedited' && this.options.expeditedCapacity !== undefined && this.expedited.sum(now - expeditedWindowMs, now) + 1 > this.options.expeditedCapacity) {
				throw new GlacierError(400, 'InsufficientCapacityException', 'There is not enough capacity to process this Expedited request. Retry later, or use the Standard or Bulk tier.');
			}

			if (job.tier === 'Standard') this.standardBytes.add(now, bytes);
			if (job.tier === 'Expedited') this.expedited.add(now, 1);
			vault.initiations.set(job.archive!.id, (vault.initiations.get(job.archive!.id) ?? 0) + 1);
			vault.initiationTotal++;
		}

		this.register(job);
		job.prepare().catch(() => undefined);
		return job;
	}

	/** How many archive-retrieval InitiateJob calls succeeded in a vault (for one archive when given). */
	initiations(vaultName: string, archiveId?: string): number {
		const vault = this.vaultForSetup(vaultName);
		return archiveId === undefined ? vault.initiationTotal : vault.initiations.get(archiveId) ?? 0;
	}

	// ---- data retrieval policy ----

	setPolicy(policy: unknown): void {
		this.policy = checkPolicy(policy);
	}

	/** The bytes a Standard retrieval may still take now, or Infinity. */
	policyAllowance(now = this.now): number {
		const {Strategy: strategy} = this.policy;
		if (strategy === 'None') return Number.POSITIVE_INFINITY;
		if (strategy === 'BytesPerHour') return this.policy.BytesPerHour! - this.standardBytes.sum(now - hour, now);
		return (this.options.freeTierBytesPerDay ?? defaultFreeTierBytesPerDay) - this.standardBytes.sum(now - day, now);
	}

	private checkPolicy(bytes: number, now: number): void {
		if (bytes > this.policyAllowance(now)) throw new GlacierError(400, 'PolicyEnforcedException', 'InitiateJob request denied by current data retrieval policy.');
	}

	// ---- jobs ----

	/** The jobs ListJobs shows: not expired. */
	visibleJobs(vault: Vault): Job[] {
		const now = this.now;
		return vault.jobs.filter(job => !this.isExpired(job, now));
	}

	/**
	 * One ListJobs page: at most `limit` jobs that are not expired and pass
	 * `keep`, starting at the job named by `marker`, plus the next one's id.
	 * Cost: the page plus the jobs skipped on the way, never the whole list
	 * (a walk over n jobs is O(n), not O(n^2)).
	 */
	listJobsPage(vault: Vault, limit: number, marker: string | null, keep: (job: Job, now: number) => boolean): {page: Job[]; next: string | null} {
		const now = this.now;
		if (marker === null && now - vault.jobsCompactedAt >= hour) {
			vault.jobs = vault.jobs.filter(job => !this.isExpired(job, now));
			vault.jobsCompactedAt = now;
		}

		let start = 0;
		if (marker !== null) {
			const from = vault.jobById.get(marker);
			if (!from) throw invalid(`Invalid marker: ${marker}`);
			start = firstAtOrAfter(vault.jobs, from.seq);
		}

		const page: Job[] = [];
		for (let i = start; i < vault.jobs.length; i++) {
			const job = vault.jobs[i];
			if (this.isExpired(job, now) || !keep(job, now)) continue;
			if (page.length === limit) return {page, next: job.id};
			page.push(job);
		}

		return {page, next: null};
	}

	/** A job by id; 404 when unknown or expired (CompletionDate more than 24 h ago). */
	job(vault: Vault, jobId: string): Job {
		const job = vault.jobById.get(jobId);
		if (!job || this.isExpired(job, this.now)) throw new GlacierError(404, 'ResourceNotFoundException', `The job ID was not found: ${jobId}`);
		return job;
	}

	isExpired(job: Job, now: number): boolean {
		return now > job.completesAt + jobLifetimeMs;
	}

	/** From the clock; a job that would have Succeeded stays InProgress until its hashes (or inventory) are ready. */
	status(job: Job, now = this.now): JobStatus {
		const status = now >= job.completesAt ? job.finalStatus : 'InProgress';
		return status === 'Succeeded' && !job.ready ? 'InProgress' : status;
	}

	/** Roughly how many bytes are still to be hashed before the job is ready (0 when ready). */
	pendingBytes(job: Job): number {
		if (job.ready) return 0;
		const hashes = this.options.hashes;
		const left = (archives: readonly Archive[]): number => archives.reduce((sum, a) => sum + (hashes.peek(a.seed, a.size) ? 0 : a.size), 0);
		return job.action === 'ArchiveRetrieval' ? left([job.archive!]) : left(job.vault.inventoried);
	}

	/** Output size of a job (inventory: once ready). */
	outputSize(job: Job): number {
		if (job.action === 'ArchiveRetrieval') return job.rangeEnd - job.rangeStart + 1;
		return job.inventory?.length ?? 0;
	}

	/** Whether the retrieved range (archive coordinates) is tree-hash aligned. */
	retrievalAligned(job: Job): boolean {
		const archive = job.archive!;
		if (archive.size === 0) return true;
		return isTreeHashAligned(job.rangeStart, job.rangeEnd, archive.size);
	}

	/** Tree hash of output bytes [start, end] when Glacier would send one, else null. Job must be ready. */
	outputTreeHash(job: Job, start: number, endInclusive: number): string | null {
		if (job.action !== 'ArchiveRetrieval' || !this.retrievalAligned(job)) return null;
		const total = this.outputSize(job);
		if (total === 0) return rangeTreeHash([], 0, -1);
		if (!isTreeHashAligned(start, endInclusive, total)) return null;
		return rangeTreeHash(job.archiveLeaves!, job.rangeStart + start, job.rangeStart + endInclusive);
	}

	// ---- deletes and the daily inventory ----

	/**
	 * Take the inventory a day after the first write since the last one, if
	 * that time has come. Called before every write and every read of the
	 * inventory, so the inventory taken holds exactly the writes before it.
	 */
	takeInventoryIfDue(vault: Vault, now = this.now): void {
		if (vault.dirtySince === undefined) return;
		const due = vault.dirtySince + (this.options.inventoryIntervalMs ?? defaultInventoryIntervalMs);
		if (now < due) return;
		vault.inventoried = [...this.liveArchives(vault)];
		vault.lastInventoryDate = due;
		vault.dirtySince = undefined;
	}

	/** DeleteArchive: idempotent (deleting a deleted archive is no error); an unknown id is 404. Fails the archive's jobs still in progress. */
	deleteArchive(vaultName: string, archiveId: string): void {
		const vault = this.vault(vaultName);
		if (vault.deletedIds.has(archiveId)) return;
		const archive = vault.archiveById.get(archiveId);
		if (!archive) throw new GlacierError(404, 'ResourceNotFoundException', `Archive not found for ID: ${archiveId}`);
		const now = this.now;
		this.takeInventoryIfDue(vault, now);
		archive.deleted = true;
		vault.archiveById.delete(archiveId);
		vault.deletedIds.add(archiveId);
		vault.deletedPending++;
		vault.dirtySince ??= now;
		for (const job of archive.jobs ?? []) {
			if (now < job.completesAt && job.finalStatus === 'Succeeded') {
				job.completesAt = now;
				job.finalStatus = 'Failed';
				job.failMessage = 'The archive was deleted while the retrieval was in progress.';
			}
		}
	}

	/** DeleteVault: only when the last inventory showed no archives and nothing was written since. */
	deleteVault(vaultName: string): void {
		const vault = this.vault(vaultName);
		this.takeInventoryIfDue(vault);
		if (vault.inventoried.length > 0 || vault.dirtySince !== undefined) throw invalid(`Vault not empty or recently written to: ${this.vaultArn(vault)}`);
		this.vaults.delete(vault.name);
	}

	describeVault(vault: Vault): Record<string, unknown> {
		// Glacier's counts are those of the last inventory, not live.
		this.takeInventoryIfDue(vault);
		return {
			CreationDate: iso(vault.creationDate),
			LastInventoryDate: vault.lastInventoryDate === undefined ? null : iso(vault.lastInventoryDate),
			NumberOfArchives: vault.inventoried.length,
			SizeInBytes: vault.inventoried.reduce((sum, a) => sum + a.size, 0),
			VaultARN: this.vaultArn(vault),
			VaultName: vault.name,
		};
	}

	/** DescribeJob's body, at once: hashes not computed yet are null (the job is then InProgress). */
	describeJob(job: Job): Record<string, unknown> {
		const now = this.now;
		const status = this.status(job, now);
		const completed = status !== 'InProgress';
		const archiveJob = job.action === 'ArchiveRetrieval';
		const archiveLeaves = archiveJob ? job.archiveLeaves ?? this.options.hashes.peek(job.archive!.seed, job.archive!.size) : undefined;
		let sha256TreeHash: string | null = null;
		if (archiveJob && job.archiveLeaves && status !== 'Failed' && this.retrievalAligned(job)) {
			const whole = job.rangeStart === 0 && job.rangeEnd === job.archive!.size - 1;
			sha256TreeHash = whole && !completed ? null : this.outputTreeHash(job, 0, this.outputSize(job) - 1);
		}

		const description: Record<string, unknown> = {
			Action: job.action,
			ArchiveId: archiveJob ? job.archive!.id : null,
			ArchiveSHA256TreeHash: archiveLeaves ? rangeTreeHash(archiveLeaves, 0, job.archive!.size - 1) : null,
			ArchiveSizeInBytes: archiveJob ? job.archive!.size : null,
			Completed: completed,
			CompletionDate: completed ? iso(job.completesAt) : null,
			CreationDate: iso(job.createdAt),
			InventorySizeInBytes: !archiveJob && status === 'Succeeded' ? this.outputSize(job) : null,
			JobDescription: job.description,
			JobId: job.id,
			RetrievalByteRange: archiveJob ? `${job.rangeStart}-${job.rangeEnd}` : null,
			SHA256TreeHash: sha256TreeHash,
			SNSTopic: job.snsTopic,
			StatusCode: status,
			StatusMessage: status === 'Succeeded' ? 'Succeeded' : status === 'Failed' ? job.failMessage : null,
			Tier: job.tier,
			VaultARN: this.vaultArn(job.vault),
		};
		if (!archiveJob) description.InventoryRetrievalParameters = {Format: job.format, ...job.inventoryParameters};
		return description;
	}

	// ---- internals ----

	private vaultForSetup(name: string): Vault {
		const vault = this.vaults.get(name);
		if (!vault) throw new TypeError(`no vault named ${name}`);
		return vault;
	}

	private createJob(vault: Vault, id: string, parameters: Record<string, unknown>, timing: {createdAt: number; completesAt: number; finalStatus: 'Succeeded' | 'Failed'; failMessage?: string}, lazy = false, register = true): Job {
		const text = (name: string): string | undefined => {
			const value = parameters[name];
			if (value === undefined || value === null) return undefined;
			if (typeof value !== 'string') throw invalid(`Invalid value for ${name}: must be a string.`);
			return value;
		};

		const type = text('Type')?.toLowerCase();
		if (type === undefined) throw missing('Required parameter missing: Type.');
		if (type !== 'archive-retrieval' && type !== 'inventory-retrieval') throw invalid(`Invalid job type: ${text('Type')}. Valid values are archive-retrieval and inventory-retrieval.`);
		const tierText = text('Tier') ?? 'Standard';
		const tier = tiers.find(t => t.toLowerCase() === tierText.toLowerCase());
		if (!tier) throw invalid(`Invalid tier: ${tierText}. Valid values are Expedited, Standard and Bulk.`);
		const description = text('Description');
		if (description !== undefined && (description.length > 1024 || !/^[\x20-\x7e]*$/.test(description))) throw invalid('Invalid job description: at most 1024 printable ASCII characters.');

		const job: Job = {
			id,
			seq: vault.jobCounter,
			vault,
			action: type === 'archive-retrieval' ? 'ArchiveRetrieval' : 'InventoryRetrieval',
			rangeStart: 0,
			rangeEnd: -1,
			tier,
			description: description ?? null,
			snsTopic: text('SNSTopic') ?? null,
			createdAt: timing.createdAt,
			completesAt: timing.completesAt,
			finalStatus: timing.finalStatus,
			failMessage: timing.failMessage ?? 'The job failed: the archive could not be retrieved.',
			format: 'JSON',
			ready: false,
			prepare: async () => undefined,
		};
		let work: () => Promise<void>;

		if (type === 'archive-retrieval') {
			const archiveId = text('ArchiveId');
			if (archiveId === undefined) throw missing('Required parameter missing: ArchiveId.');
			const archive = vault.archiveById.get(archiveId);
			if (!archive || archive.deleted) throw new GlacierError(404, 'ResourceNotFoundException', `Archive not found for ID: ${archiveId}`);
			job.archive = archive;
			job.rangeEnd = archive.size - 1;
			const range = text('RetrievalByteRange');
			if (range !== undefined) {
				const match = /^(\d+)-(\d+)$/.exec(range);
				const start = match ? Number(match[1]) : Number.NaN;
				const end = match ? Number(match[2]) : Number.NaN;
				if (!match || end < start || end >= archive.size) throw invalid(`Invalid RetrievalByteRange: ${range}. It must be 'StartByte-EndByte' within the archive of ${archive.size} bytes.`);
				if (!isMegabyteAligned(start, end, archive.size)) throw invalid(`The RetrievalByteRange ${range} is not megabyte aligned: the start must be a multiple of ${MiB} and the end plus one a multiple of ${MiB} or the archive size.`);
				job.rangeStart = start;
				job.rangeEnd = end;
			}

			work = async () => {
				job.archiveLeaves = await this.archiveLeaves(archive);
			};
		} else {
			const formatText = text('Format') ?? 'JSON';
			const format = formatText.toUpperCase();
			if (format !== 'JSON' && format !== 'CSV') throw invalid(`Invalid format: ${formatText}. Valid values are JSON and CSV.`);
			job.format = format;
			const raw = parameters.InventoryRetrievalParameters;
			if (raw !== undefined && raw !== null && (typeof raw !== 'object' || Array.isArray(raw))) throw invalid('InventoryRetrievalParameters must be an object.');
			const given = (raw ?? {}) as Record<string, unknown>;
			const field = (name: string): string | null => {
				const value = given[name];
				if (value === undefined || value === null) return null;
				if (typeof value !== 'string') throw invalid(`Invalid value for InventoryRetrievalParameters.${name}.`);
				return value;
			};

			const startDate = field('StartDate');
			const endDate = field('EndDate');
			const limit = field('Limit');
			const marker = field('Marker');
			for (const [name, value] of [['StartDate', startDate], ['EndDate', endDate]] as const) {
				if (value !== null && Number.isNaN(Date.parse(value))) throw invalid(`Invalid ${name}: ${value}`);
			}

			if (limit !== null && (!/^\d+$/.test(limit) || Number(limit) < 1)) throw invalid(`Invalid Limit: ${limit}`);
			if (marker !== null && !vault.archiveById.has(marker)) throw invalid(`Invalid Marker: ${marker}`);
			job.inventoryParameters = {StartDate: startDate, EndDate: endDate, Limit: limit, Marker: null};
			// An inventory job lists the vault as of its last inventory, not as it is now.
			this.takeInventoryIfDue(vault, this.now);
			const snapshot = [...vault.inventoried];
			const inventoryDate = vault.lastInventoryDate ?? vault.creationDate;
			work = async () => this.buildInventory(job, snapshot, inventoryDate, {startDate, endDate, limit, marker});
		}

		let started: Promise<void> | undefined;
		job.prepare = async () => {
			started ??= work().then(() => {
				job.ready = true;
			});
			return started;
		};
		if (register) this.register(job);
		if (!lazy) job.prepare().catch(() => undefined);
		return job;
	}

	private register(job: Job): void {
		const {vault} = job;
		job.seq = vault.jobCounter++;
		vault.jobs.push(job);
		vault.jobById.set(job.id, job);
		if (job.archive) (job.archive.jobs ??= []).push(job);
	}

	private async buildInventory(job: Job, snapshot: Archive[], inventoryDate: number, filter: {startDate: string | null; endDate: string | null; limit: string | null; marker: string | null}): Promise<void> {
		let archives = snapshot;
		if (filter.marker !== null) archives = archives.slice(Math.max(0, archives.findIndex(a => a.id === filter.marker)));
		if (filter.startDate !== null) archives = archives.filter(a => a.creationDate >= Date.parse(filter.startDate!));
		if (filter.endDate !== null) archives = archives.filter(a => a.creationDate < Date.parse(filter.endDate!));
		if (filter.limit !== null && archives.length > Number(filter.limit)) {
			job.inventoryParameters!.Marker = archives[Number(filter.limit)].id;
			archives = archives.slice(0, Number(filter.limit));
		}

		const hashes = await Promise.all(archives.map(async a => this.archiveTreeHash(a)));
		const rows: InventoryArchive[] = archives.map((a, i) => ({archiveId: a.id, description: a.description, creationDate: isoSeconds(a.creationDate), size: a.size, treeHash: hashes[i]}));

		const text = job.format === 'CSV' ? inventoryCsv(rows) : inventoryJson(this.vaultArn(job.vault), isoSeconds(inventoryDate), rows);
		job.inventory = Buffer.from(text, 'utf8');
	}
}
