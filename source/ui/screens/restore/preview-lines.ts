/**
 * The restore preview's lines as pure functions of the preview (unit-tested
 * without Ink): what will be restored, where, the names the planner changed,
 * the cost per tier with the price table's date, how long it takes, and the
 * one question that starts it.
 */
import {inert} from '../../../inert.js';
import {describeDecision, expectedDuration, type RestorePreview, type RetrievalTimes} from '../../../restore/preview.js';
import {formatUsd, GiB, tiers, type PriceTier} from '../../../restore/prices.js';
import {formatBytes, formatCount, formatDuration, formatRate} from '../../format.js';
import {fit} from '../../text.js';
import {plural} from '../inventory/inventory-status.js';

export type PreviewLine = {text: string; tone?: 'normal' | 'warn' | 'error' | 'muted' | 'accent'; bold?: boolean};

export function previewTitle(preview: RestorePreview, which: 'marked' | 'shown'): string {
	const t = preview.plan.totals;
	return `Restore ${plural(t.archives, 'archive')} (${formatBytes(t.bytes)}) of '${inert(preview.vaultName)}': from ${formatCount(preview.selected)} ${which}`;
}

/** The names line: renamed, skipped versions, undecodable (the key that lists them). */
export function namesLine(preview: RestorePreview, listKey: string): string {
	const t = preview.plan.totals;
	const versions = preview.versions === 'latest' ? `${formatCount(t.skippedVersions)} older version${t.skippedVersions === 1 ? '' : 's'} skipped` : 'every version kept (older ones dated)';
	const list = preview.plan.decisions.length > 0 ? ` (${listKey} lists)` : '';
	return `Names     ${formatCount(t.renamed)} renamed · ${versions} · ${formatCount(t.undecodable)} undecodable${list}`;
}

export function youngLine(preview: RestorePreview): PreviewLine | undefined {
	const young = preview.plan.totals.youngerThan90Days;
	if (young === 0) return undefined;
	return {text: `          ${plural(young, 'archive')} younger than 90 days (deleting them from the vault later costs the rest of their 90 days)`, tone: 'muted'};
}

export function tierLine(tier: PriceTier, key: string): string {
	return `Tier      ${tiers.map(t => (t === tier ? `[${t}]` : ` ${t} `)).join(' ')}   (${key} changes)`;
}

/** The cost table: a heading and one row per tier, the chosen one marked; fits 80 columns. */
export function costLines(preview: RestorePreview, tier: PriceTier): PreviewLine[] {
	const cell = (text: string) => text.padStart(11);
	const lines: PreviewLine[] = [{text: `Cost      ${'tier'.padEnd(11)}${cell('retrieval')}${cell('requests')}${cell('transfer')}${cell('total')}`, tone: 'muted'}];
	for (const t of tiers) {
		const e = preview.estimate[t];
		lines.push({text: `          ${(t + (t === tier ? ' *' : '')).padEnd(11)}${cell(formatUsd(e.retrievalUSD))}${cell(formatUsd(e.requestsUSD))}${cell(formatUsd(e.transferUSD))}${cell(formatUsd(e.totalUSD))}`, bold: t === tier});
	}

	return lines;
}

/** Where the prices come from: region and the table's date (an estimate). */
export function pricesLine(preview: RestorePreview): string {
	const p = preview.prices;
	return `Prices    ${inert(p.region.split(' ')[0])}, an estimate of ${inert(p.date)} · ${formatCount(preview.plan.totals.archives)} requests · ${(preview.plan.totals.bytes / GiB).toFixed(3)} GB of 2^30 B`;
}

function span(min: number, max: number): string {
	const a = formatDuration(min);
	const b = formatDuration(max);
	return a === b ? a : `${a}-${b}`;
}

/** How long: the tier's wait for the first retrievals, then the downloads at the expected rate. */
export function timeLine(preview: RestorePreview, tier: PriceTier, bytesPerSecond: number, times: RetrievalTimes): string {
	const d = expectedDuration(preview.plan.totals.bytes, tier, bytesPerSecond, times);
	return `Time      about ${span(d.min, d.max)}: retrievals ${span(d.waitMin, d.waitMax)}, then ${formatDuration(d.download)} of downloads at ${formatRate(bytesPerSecond)} (expected)`;
}

/** The question before anything is paid for: only y starts. */
export function confirmQuestion(preview: RestorePreview, tier: PriceTier): string {
	const archives = preview.plan.totals.archives;
	return `Start ${formatCount(archives)} retrieval${archives === 1 ? '' : 's'}, about ${formatUsd(preview.estimate[tier].totalUSD)} at ${tier} prices of ${inert(preview.prices.date)}? y/n`;
}

export function confirmLines(preview: RestorePreview, tier: PriceTier, to: string): string[] {
	const e = preview.estimate[tier];
	return [
		`${formatBytes(preview.plan.totals.bytes)} to ${inert(to)}: retrieval ${formatUsd(e.retrievalUSD)} + requests ${formatUsd(e.requestsUSD)} + transfer out ${formatUsd(e.transferUSD)} (estimate).`,
		'AWS bills each retrieval started; a stopped run resumes without paying twice.',
	];
}

/** The decisions list (renamed, skipped, undecodable), windowed. */
export function decisionLines(preview: RestorePreview, offset: number, rows: number, width: number): string[] {
	const {decisions} = preview.plan;
	if (decisions.length === 0) return [fit('No names were changed, no version skipped, every name decoded.', width)];
	return decisions.slice(offset, offset + rows).map(d => fit(describeDecision(d), width));
}
