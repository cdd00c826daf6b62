/**
 * What a restore costs: the price table (built in, or --prices FILE) and the
 * estimate per tier. AWS bills "GB" as 2^30 bytes.
 *
 * The built-in table is an ESTIMATE from AWS's published vault prices. Only
 * us-east-1 is covered: those are the figures this project has a source for
 * (retrieval per GB and per 1,000 requests by tier, from the S3 Glacier
 * pricing page; data transfer out to the internet at the first paid tier,
 * $0.09/GB). Other regions price differently; for them the us-east-1 table
 * is used and labelled as such. --prices FILE replaces the table.
 *
 * Storage (what an archive deleted before 90 days is still charged, pro
 * rata, by `thaw restore purge`): the vault storage price per GB-month from
 * the same page, us-east-1 $0.0036 (S3 Glacier Flexible Retrieval, the vault
 * storage class, since AWS's 2021 cut from $0.004), as of builtInDate.
 */
import {readFile} from 'node:fs/promises';
import {UsageError} from '../errors.js';
import {inert} from '../inert.js';

export const tiers = ['Bulk', 'Standard', 'Expedited'] as const;
export type PriceTier = (typeof tiers)[number];

export type TierPrice = {perGB: number; per1000Requests: number};

export type PriceTable = {
	source: string;
	date: string;
	/** The region the figures are for ('us-east-1', or e.g. 'us-east-1 (used for eu-west-1: no table for it)'). */
	region: string;
	Bulk: TierPrice;
	Standard: TierPrice;
	Expedited: TierPrice;
	transferOutPerGB: number;
	/** Vault storage per GB-month: the early-deletion charge (archives deleted before 90 days) is prorated at it. Absent in plans made before it existed and in --prices files that do not give it. */
	storagePerGBMonth?: number;
	/** What the figures are and are not. */
	note?: string;
};

export type TierEstimate = {retrievalUSD: number; requestsUSD: number; transferUSD: number; totalUSD: number};
export type Estimate = Record<PriceTier, TierEstimate>;

export const pricingUrl = 'https://aws.amazon.com/s3/glacier/pricing/';
export const GiB = 2 ** 30;

const builtIn: Record<string, Omit<PriceTable, 'region' | 'source' | 'date' | 'note'>> = {
	'us-east-1': {
		Expedited: {perGB: 0.03, per1000Requests: 10},
		Standard: {perGB: 0.01, per1000Requests: 0.05},
		Bulk: {perGB: 0.0025, per1000Requests: 0.025},
		transferOutPerGB: 0.09,
		storagePerGBMonth: 0.0036,
	},
};

/** The regions the built-in table has figures for. */
export const coveredRegions = Object.keys(builtIn);
export const builtInDate = '2026-12-01';

/** The built-in table for a region; an uncovered (or unknown) region gets us-east-1's, labelled. */
export function builtInPrices(region: string | null | undefined): PriceTable {
	const known = region && Object.hasOwn(builtIn, region) ? region : undefined;
	const figures = builtIn[known ?? 'us-east-1'];
	return {
		source: `${pricingUrl} (built-in estimate: published Amazon S3 Glacier vault prices; data transfer out at the first paid internet tier, before the monthly free 100 GB)`,
		date: builtInDate,
		region: known ?? `us-east-1 (no built-in table for ${region ? inert(region) : 'an unknown region'}: us-east-1 prices used, yours may differ; pass --prices FILE)`,
		...structuredClone(figures),
		note: 'an estimate, not a quote: check the pricing page, and --prices FILE for your own figures. Since 2024 AWS waives data transfer out for customers leaving AWS, on request.',
	};
}

function isPrice(value: unknown): value is number {
	return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/** Parse --prices FILE's text; a UsageError (exit 2) saying what is wrong. */
export function parsePrices(text: string, file: string): PriceTable {
	const bad = (why: string) => new UsageError(`--prices ${inert(file)}: ${why}; expected {"Bulk":{"perGB":x,"per1000Requests":y},"Standard":{...},"Expedited":{...},"transferOutPerGB":z} (optionally "storagePerGBMonth":s)`);
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch (error) {
		throw bad(`not JSON (${inert((error as Error).message)})`);
	}

	if (!value || typeof value !== 'object' || Array.isArray(value)) throw bad('not a JSON object');
	const object = value as Record<string, unknown>;
	const table: PriceTable = {
		source: `--prices ${file}`,
		date: typeof object.date === 'string' ? object.date : '(not given)',
		region: typeof object.region === 'string' ? object.region : '(as given)',
		Bulk: {perGB: 0, per1000Requests: 0},
		Standard: {perGB: 0, per1000Requests: 0},
		Expedited: {perGB: 0, per1000Requests: 0},
		transferOutPerGB: 0,
	};
	for (const tier of tiers) {
		const entry = object[tier] as Record<string, unknown> | undefined;
		if (!entry || typeof entry !== 'object') throw bad(`"${tier}" is missing`);
		if (!isPrice(entry.perGB)) throw bad(`"${tier}.perGB" must be a number >= 0`);
		if (!isPrice(entry.per1000Requests)) throw bad(`"${tier}.per1000Requests" must be a number >= 0`);
		table[tier] = {perGB: entry.perGB, per1000Requests: entry.per1000Requests};
	}

	if (!isPrice(object.transferOutPerGB)) throw bad('"transferOutPerGB" must be a number >= 0');
	table.transferOutPerGB = object.transferOutPerGB;
	if (object.storagePerGBMonth !== undefined) {
		if (!isPrice(object.storagePerGBMonth)) throw bad('"storagePerGBMonth" (optional) must be a number >= 0');
		table.storagePerGBMonth = object.storagePerGBMonth;
	}

	if (typeof object.source === 'string') table.source = `${object.source} (--prices ${file})`;
	return table;
}

export async function readPrices(file: string): Promise<PriceTable> {
	let text: string;
	try {
		text = await readFile(file, 'utf8');
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		throw new UsageError(`--prices ${inert(file)}: cannot read it (${code === 'ENOENT' ? 'no such file' : inert(code ?? String(error))}); give a JSON price file`);
	}

	return parsePrices(text, file);
}

/** Cents-exact rounding for display and JSON (the parts are rounded, the total is the sum of the unrounded parts, rounded). */
function usd(value: number): number {
	return Math.round(value * 1e6) / 1e6;
}

export function estimateTier(prices: PriceTable, tier: PriceTier, archives: number, bytes: number): TierEstimate {
	const gb = bytes / GiB;
	const retrieval = gb * prices[tier].perGB;
	const requests = (archives / 1000) * prices[tier].per1000Requests;
	const transfer = gb * prices.transferOutPerGB;
	return {retrievalUSD: usd(retrieval), requestsUSD: usd(requests), transferUSD: usd(transfer), totalUSD: usd(retrieval + requests + transfer)};
}

export function estimate(prices: PriceTable, archives: number, bytes: number): Estimate {
	return {
		Bulk: estimateTier(prices, 'Bulk', archives, bytes),
		Standard: estimateTier(prices, 'Standard', archives, bytes),
		Expedited: estimateTier(prices, 'Expedited', archives, bytes),
	};
}

export function isTier(value: string): value is PriceTier {
	return (tiers as readonly string[]).includes(value);
}

export function formatUsd(value: number): string {
	if (value === 0) return '$0.00';
	if (value < 0.01) return `$${value.toFixed(4)}`;
	return `$${value.toLocaleString('en-US', {minimumFractionDigits: 2, maximumFractionDigits: 2})}`;
}

/** The days an archive is charged for at least (Glacier's minimum storage duration). */
export const minimumStorageDays = 90;
const dayMs = 24 * 60 * 60 * 1000;

/**
 * What deleting an archive now costs: nothing at 90 days or older (by its
 * CreationDate); before, the storage of the days left to 90, prorated per
 * 30-day month at the storage price per GB-month (AWS's example: 1 GB
 * deleted after 30 days is charged 60 days, 2 GB-months). Unrounded USD.
 */
export function earlyDeletionUSD(bytes: number, createdMs: number, now: number, storagePerGBMonth: number): number {
	if (!Number.isFinite(createdMs)) return 0;
	const daysLeft = minimumStorageDays - ((now - createdMs) / dayMs);
	if (daysLeft <= 0) return 0;
	return (bytes / GiB) * storagePerGBMonth * (Math.min(daysLeft, minimumStorageDays) / 30);
}
