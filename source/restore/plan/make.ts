/**
 * Make a restore plan: read the inventory (file or succeeded inventory job),
 * check it is this vault's, filter, name every archive, price it, read the
 * retrieval policy, write the PLAN directory. Starts no job, ever: the only
 * Glacier calls are DescribeJob + GetJobOutput of the inventory job (when
 * planning from one) and GetDataRetrievalPolicy.
 *
 * Shared by `thaw restore plan` and (later) the TUI; it prints nothing.
 */
import {resolve} from 'node:path';
import {ExitCode, ThawError, UsageError} from '../../errors.js';
import {inert} from '../../inert.js';
import type {Connection} from '../../glacier/client.js';
import {parseFilter} from '../../inventory/filter/parse.js';
import {InventoryFormatError} from '../../inventory/format-error.js';
import {openJobInventory} from '../../inventory/job-source.js';
import {checkReadable, loadInventory, type LoadResult} from '../../inventory/load.js';
import type {InventoryFormat, LoadProgress} from '../../inventory/types.js';
import {planFormat, planVersion, writePlan, type PlanHeader, type WriteResult} from '../plan-file.js';
import {builtInPrices, estimate, type PriceTable, type PriceTier} from '../prices.js';
import {buildPlan, type PlanResult, type Versions} from './build.js';
import {readPolicy} from './policy.js';

export type MakePlanOptions = {
	planDir: string;
	vaultName: string;
	inventory: {file: string; format?: InventoryFormat} | {jobId: string};
	/** For an inventory job (required) and the retrieval policy (optional: none -> policy unknown). */
	connection?: Connection;
	filter?: string;
	to?: string;
	versions?: Versions;
	tier?: PriceTier;
	/** --prices FILE, parsed; else the built-in table for the vault's region. */
	prices?: PriceTable;
	onProgress?: (progress: LoadProgress) => void;
	now?: number;
};

export type MadePlan = {header: PlanHeader; plan: PlanResult; write: WriteResult; inventoryArchives: number; selected: number};

type ParsedArn = {region: string; accountId: string; vaultName: string};

/** arn:aws:glacier:REGION:ACCOUNT:vaults/NAME (any partition). */
export function parseVaultArn(arn: string): ParsedArn | null {
	const match = /^arn:[\w-]+:glacier:([\w-]*):(\d*):vaults\/(.+)$/.exec(arn);
	return match ? {region: match[1], accountId: match[2], vaultName: match[3]} : null;
}

export async function makePlan(options: MakePlanOptions): Promise<MadePlan> {
	const versions = options.versions ?? 'latest';
	const tier = options.tier ?? 'Bulk';
	const filter = options.filter === undefined ? undefined : parseFilter(options.filter);
	const to = resolve(options.to ?? '.');
	const planDir = resolve(options.planDir);
	if (to === planDir || to.startsWith(planDir + '/')) throw new UsageError(`--to ${inert(to)} is inside the PLAN folder: give the plan its own folder, apart from where the files go`);

	let loaded: LoadResult;
	let label: string;
	if ('file' in options.inventory) {
		label = options.inventory.file;
		await checkReadable(options.inventory.file);
		loaded = await load(async () => loadInventory((options.inventory as {file: string}).file, {format: (options.inventory as {format?: InventoryFormat}).format, onProgress: options.onProgress}), label);
	} else {
		if (!options.connection) throw new UsageError('--inventory-job-id needs a connection to Glacier');
		const {jobId} = options.inventory;
		label = `inventory job ${jobId.slice(0, 20)}…`;
		const job = await openJobInventory(options.connection, options.vaultName, jobId);
		loaded = await load(async () => loadInventory(job.body, {format: job.format, totalBytes: job.totalBytes, onProgress: options.onProgress}), label);
	}

	const {store} = loaded;
	const arn = store.vaultArn ?? null;
	const parsed = arn ? parseVaultArn(arn) : null;
	if (arn && parsed && parsed.vaultName !== options.vaultName) {
		throw new UsageError(`the inventory ${inert(label)} is of vault '${inert(parsed.vaultName)}' (${inert(arn)}), not '${inert(options.vaultName)}': pass --vault-name ${inert(parsed.vaultName)}, or the inventory of '${inert(options.vaultName)}'`);
	}

	if (arn && !parsed && !arn.endsWith(`:vaults/${options.vaultName}`)) {
		throw new UsageError(`the inventory ${inert(label)} names vault ARN ${inert(arn)}, which is not vault '${inert(options.vaultName)}': check --vault-name and the inventory`);
	}

	const selected = store.view(filter);
	const now = options.now ?? Date.now();
	const plan = buildPlan(store, selected, versions, now);
	const region = parsed?.region || (options.connection && !options.connection.region.startsWith('(') ? options.connection.region : '') || 'unknown';
	const prices = options.prices ?? builtInPrices(region === 'unknown' ? null : region);
	const policy = await readPolicy(options.connection, plan.totals.bytes, tier);
	const header: PlanHeader = {
		format: planFormat,
		version: planVersion,
		createdAt: new Date(now).toISOString(),
		vaultName: options.vaultName,
		vaultARN: arn,
		region,
		accountId: parsed?.accountId || (options.connection && /^\d{12}$/.test(options.connection.accountId) ? options.connection.accountId : null),
		tier,
		to,
		versions,
		filter: options.filter ?? null,
		inventory: 'file' in options.inventory
			? {source: 'file', path: resolve(options.inventory.file), inventoryDate: store.inventoryDate ?? null}
			: {source: 'job', jobId: options.inventory.jobId, inventoryDate: store.inventoryDate ?? null},
		totals: plan.totals,
		prices,
		estimate: estimate(prices, plan.totals.archives, plan.totals.bytes),
		policy,
		decisions: {file: 'decisions.jsonl', skippedVersions: plan.totals.skippedVersions, renamed: plan.totals.renamed, undecodable: plan.totals.undecodable},
	};
	const write = await writePlan(planDir, header, store, plan);
	return {header, plan, write, inventoryArchives: store.length, selected: selected.length};
}

async function load(work: () => Promise<LoadResult>, label: string): Promise<LoadResult> {
	try {
		return await work();
	} catch (error) {
		if (error instanceof InventoryFormatError) throw new ThawError(`${inert(label)}: ${error.message}`, ExitCode.usage);
		throw error;
	}
}
