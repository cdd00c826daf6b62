/**
 * A restore plan from an inventory already in memory (the TUI's browser has
 * it loaded): the same planner, prices and PLAN files as `thaw restore plan`
 * (plan/build.ts, prices.ts, plan-file.ts), without reading the inventory a
 * second time. previewRestore() is what the preview screen shows (it starts
 * nothing and writes nothing); writeRestorePlan() writes the PLAN directory
 * with the header makePlan() writes (test/restore/preview.test.ts checks the
 * two agree on the same inventory).
 */
import {resolve} from 'node:path';
import {UsageError} from '../errors.js';
import {inert} from '../inert.js';
import type {Connection} from '../glacier/client.js';
import type {InventoryStore} from '../inventory/store.js';
import {planFormat, planVersion, writePlan, type PlanHeader, type PolicyInfo, type WriteResult} from './plan-file.js';
import {buildPlan, type Decision, type PlanResult, type Versions} from './plan/build.js';
import {parseVaultArn} from './plan/make.js';
import {readPolicy} from './plan/policy.js';
import {builtInPrices, estimate, type Estimate, type PriceTable, type PriceTier} from './prices.js';

export type RestorePreview = {
	vaultName: string;
	vaultARN: string | null;
	region: string;
	accountId: string | null;
	versions: Versions;
	filter: string | null;
	inventory: PlanHeader['inventory'];
	/** Rows chosen in the browser (marked, else shown). */
	selected: number;
	plan: PlanResult;
	prices: PriceTable;
	estimate: Estimate;
	createdAt: string;
};

export type PreviewOptions = {
	store: InventoryStore;
	/** Inventory rows to restore (the browser's marked rows, else the rows its filter shows). */
	rows: Uint32Array;
	vaultName: string;
	/** Where the inventory came from, as plan.json records it. */
	inventory: {source: 'file'; path: string} | {source: 'job'; jobId: string};
	/** The filter that chose the rows, when they are the rows shown. */
	filter?: string | null;
	versions?: Versions;
	/** The connection's region when the inventory names none. */
	region?: string;
	accountId?: string;
	prices?: PriceTable;
	now?: number;
};

/** Plan the rows (names, versions, renames) and price them for every tier; nothing is written. */
export function previewRestore(options: PreviewOptions): RestorePreview {
	const {store} = options;
	const arn = store.vaultArn ?? null;
	const parsed = arn ? parseVaultArn(arn) : null;
	if (parsed && parsed.vaultName !== options.vaultName) {
		throw new UsageError(`this inventory is of vault '${inert(parsed.vaultName)}', not '${inert(options.vaultName)}'`);
	}

	const now = options.now ?? Date.now();
	const versions = options.versions ?? 'latest';
	const plan = buildPlan(store, options.rows, versions, now);
	const connectionRegion = options.region && !options.region.startsWith('(') ? options.region : '';
	const region = parsed?.region || connectionRegion || 'unknown';
	const prices = options.prices ?? builtInPrices(region === 'unknown' ? null : region);
	return {
		vaultName: options.vaultName,
		vaultARN: arn,
		region,
		accountId: parsed?.accountId || (options.accountId && /^\d{12}$/.test(options.accountId) ? options.accountId : null),
		versions,
		filter: options.filter ?? null,
		inventory: options.inventory.source === 'file'
			? {source: 'file', path: resolve(options.inventory.path), inventoryDate: store.inventoryDate ?? null}
			: {source: 'job', jobId: options.inventory.jobId, inventoryDate: store.inventoryDate ?? null},
		selected: options.rows.length,
		plan,
		prices,
		estimate: estimate(prices, plan.totals.archives, plan.totals.bytes),
		createdAt: new Date(now).toISOString(),
	};
}

/** The plan.json header of a preview at a tier and destination (the fields and order makePlan writes). */
export function previewHeader(preview: RestorePreview, tier: PriceTier, to: string, policy: PolicyInfo): PlanHeader {
	const {plan} = preview;
	return {
		format: planFormat,
		version: planVersion,
		createdAt: preview.createdAt,
		vaultName: preview.vaultName,
		vaultARN: preview.vaultARN,
		region: preview.region,
		accountId: preview.accountId,
		tier,
		to: resolve(to),
		versions: preview.versions,
		filter: preview.filter,
		inventory: preview.inventory,
		totals: plan.totals,
		prices: preview.prices,
		estimate: preview.estimate,
		policy,
		decisions: {file: 'decisions.jsonl', skippedVersions: plan.totals.skippedVersions, renamed: plan.totals.renamed, undecodable: plan.totals.undecodable},
	};
}

export type WrittenPlan = {planDir: string; header: PlanHeader; write: WriteResult};

/**
 * Write the PLAN directory of a preview: the retrieval policy is read first
 * (as `thaw restore plan` does; unknown when Glacier cannot be asked). The
 * destination must not be inside the PLAN folder: it receives only restored files.
 */
export async function writeRestorePlan(options: {planDir: string; store: InventoryStore; preview: RestorePreview; tier: PriceTier; to: string; connection?: Connection}): Promise<WrittenPlan> {
	const planDir = resolve(options.planDir);
	const to = resolve(options.to);
	if (to === planDir || to.startsWith(planDir + '/')) throw new UsageError(`the destination ${inert(to)} is inside the plan's folder: choose another destination`);
	const policy = await readPolicy(options.connection, options.preview.plan.totals.bytes, options.tier);
	const header = previewHeader(options.preview, options.tier, to, policy);
	const write = await writePlan(planDir, header, options.store, options.preview.plan);
	return {planDir, header, write};
}

/** One decision of the planner as a line (untrusted parts made inert). */
export function describeDecision(decision: Decision): string {
	switch (decision.kind) {
		case 'renamed': {
			return `renamed (${decision.reason}): ${inert(decision.from)} -> ${inert(decision.to)}`;
		}

		case 'skipped-version': {
			return `older version skipped: ${inert(decision.path)} (archive ${inert(decision.archiveId.slice(0, 12))}…)`;
		}

		case 'undecodable': {
			return `no usable name: archive ${inert(decision.archiveId.slice(0, 12))}… -> ${inert(decision.to)}`;
		}
	}
}

/** How long a tier's retrievals take to be ready, in seconds (Glacier's published ranges; the demo's are shorter). */
export type RetrievalTimes = Record<PriceTier, {min: number; max: number}>;

export const glacierRetrievalTimes: RetrievalTimes = {
	Expedited: {min: 60, max: 5 * 60},
	Standard: {min: 3 * 3600, max: 5 * 3600},
	Bulk: {min: 5 * 3600, max: 12 * 3600},
};

/**
 * How long a restore takes at a download rate: the first retrievals' wait,
 * then the bytes at the rate (later waves are retrieved while earlier ones
 * download, as the runner paces them). Seconds, as a range.
 */
export function expectedDuration(bytes: number, tier: PriceTier, bytesPerSecond: number, times: RetrievalTimes = glacierRetrievalTimes): {waitMin: number; waitMax: number; download: number; min: number; max: number} {
	const download = bytesPerSecond > 0 ? bytes / bytesPerSecond : Number.POSITIVE_INFINITY;
	const wait = times[tier];
	return {waitMin: wait.min, waitMax: wait.max, download, min: wait.min + download, max: wait.max + download};
}
