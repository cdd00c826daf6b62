/**
 * The words of a purge, for every view: the preview before anything is
 * deleted, the question, and the verdict after. Plain lines (untrusted text
 * made inert); the headless command prints them, the TUI shows them.
 */
import {formatBytes} from '../../format.js';
import {inert} from '../../inert.js';
import {formatUsd} from '../prices.js';
import {keptSummary, type Count, type KeptArchive, type PurgePreview} from './preview.js';
import type {PurgeResult} from './purge.js';
import type {PurgeSnapshot} from './store.js';
import {keepReasonText} from './verify.js';

function count(c: Count, noun = 'archive'): string {
	return `${c.archives.toLocaleString('en-US')} ${noun}${c.archives === 1 ? '' : 's'} (${formatBytes(c.bytes)})`;
}

/** The preview: what would be deleted, kept and charged. */
export function previewLines(preview: PurgePreview): string[] {
	const lines = [`Purge of plan ${inert(preview.plan)}: vault ${inert(preview.vaultName)}, restored files under ${inert(preview.to)}`];
	lines.push(`  to delete       ${count(preview.toDelete)}: their files were checked just now (size and SHA-256 tree hash match the inventory)`);
	if (preview.kept.archives > 0) lines.push(`  kept            ${count(preview.kept)}: ${keptSummary(preview)}`);
	else lines.push('  kept            none: every archive of the plan is proven restored');
	if (preview.alreadyDeleted.archives > 0) lines.push(`  already deleted ${count(preview.alreadyDeleted)} by an earlier purge of this plan (not deleted again)`);
	const early = preview.earlyDeletion;
	const price = `${formatUsd(early.storage.perGBMonth)} per GB-month, ${inert(early.storage.source)}, ${inert(early.storage.date)}`;
	lines.push(early.archives > 0
		? `  early deletion  ${count(early)} younger than 90 days: ${early.usd > 0 && early.usd < 0.0001 ? 'under $0.0001' : `about ${formatUsd(early.usd)}`} charged for their remaining days (prorated at ${price}; an estimate)`
		: `  early deletion  none: every archive to delete is 90 days old or more (no charge)`);
	if (preview.outsidePlan.skippedVersions > 0 || preview.outsidePlan.filter) {
		const parts = [];
		if (preview.outsidePlan.skippedVersions > 0) parts.push(`${preview.outsidePlan.skippedVersions.toLocaleString('en-US')} older version${preview.outsidePlan.skippedVersions === 1 ? '' : 's'} the plan skipped`);
		if (preview.outsidePlan.filter) parts.push(`archives outside its filter ${inert(preview.outsidePlan.filter)}`);
		lines.push(`  not touched     ${parts.join(' and ')}: never deleted by a purge of this plan (and the vault cannot be deleted while they are in it)`);
	}

	if (preview.interrupted > 0) lines.push(`  interrupted     ${preview.interrupted.toLocaleString('en-US')} deletion(s) an earlier purge started without seeing the answer: checked again like the rest (Glacier answers a repeated delete with success)`);
	return lines;
}

export function keptLine(entry: KeptArchive): string {
	return `  #${entry.index} ${inert(entry.path)}: ${keepReasonText[entry.reason]} (${inert(entry.detail)})`;
}

/** The kept archives, at most `limit` of them. */
export function keptLines(preview: PurgePreview, limit = 20): string[] {
	if (preview.kept.list.length === 0) return [];
	const shown = preview.kept.list.slice(0, limit);
	const lines = [`Kept (${preview.kept.archives.toLocaleString('en-US')}${preview.kept.archives > shown.length ? `, first ${shown.length}` : ''}):`, ...shown.map(entry => keptLine(entry))];
	return lines;
}

/** The question a person answers by typing the count. */
export function confirmQuestion(preview: PurgePreview): string {
	return `Delete ${count(preview.toDelete)} from vault ${inert(preview.vaultName)} for good? Type ${preview.toDelete.archives} to confirm`;
}

/** The verdict after a run. */
export function resultLines(result: PurgeResult): string[] {
	const {preview} = result;
	const lines: string[] = [];
	for (const entry of [...result.changed, ...result.failed].slice(0, 20)) lines.push(`thaw: kept: ${keptLine(entry).trim()}`);
	const parts = [`deleted ${count(result.deleted)} from vault ${inert(preview.vaultName)}`];
	if (result.gone > 0) parts.push(`${result.gone.toLocaleString('en-US')} were already gone from Glacier`);
	if (preview.alreadyDeleted.archives > 0) parts.push(`${preview.alreadyDeleted.archives.toLocaleString('en-US')} deleted by earlier purges`);
	const why = [keptSummary(preview)];
	if (result.changed.length > 0) why.push(`${result.changed.length.toLocaleString('en-US')} changed after the preview`);
	if (result.failed.length > 0) why.push(`${result.failed.length.toLocaleString('en-US')} whose delete kept failing`);
	parts.push(result.kept.archives > 0 ? `${count(result.kept)} kept (${why.filter(Boolean).join(', ') || 'not reached'})` : 'none kept');
	if (result.cancelled) parts.push('stopped before the end: run the same command again to continue');
	lines.push(`thaw: ${parts.join('; ')}`);
	const remaining = result.kept.archives + preview.outsidePlan.skippedVersions;
	if (result.failed.length > 0) lines.push('thaw: some deletes kept failing (the service or the network): run the same command again; nothing is deleted twice');
	if (result.totalDeleted.archives > 0) {
		lines.push(remaining > 0
			? `thaw: the vault keeps ${remaining.toLocaleString('en-US')} archive(s) of this plan or outside it, so it cannot be deleted yet; 'thaw delete-vault --vault-name ${inert(preview.vaultName)}' explains`
			: `thaw: next: 'thaw delete-vault --vault-name ${inert(preview.vaultName)} --wait' (Glacier deletes a vault only once its inventory, taken about once a day, shows it empty: about a day after the last deletion)`);
	}

	return lines;
}

/** One progress line: the files checked before the preview, or the deletions. */
export function progressText(s: PurgeSnapshot): string {
	if (s.phase === 'checking') return `checking files: ${s.checked.toLocaleString('en-US')}/${s.toCheck.toLocaleString('en-US')} (${formatBytes(s.bytesChecked)} of ${formatBytes(s.bytesToCheck)})`;
	const parts = [`deleted ${s.deleted.toLocaleString('en-US')}/${s.toDelete.toLocaleString('en-US')} (${formatBytes(s.bytesDeleted)} of ${formatBytes(s.bytesToDelete)})`];
	if (s.throttles > 0) parts.push(`${s.throttles} throttled, now ${s.rate.toFixed(1)}/s`);
	if (s.failed > 0) parts.push(`${s.failed} failing`);
	if (s.changed > 0) parts.push(`${s.changed} changed since the preview (kept)`);
	return parts.join('  ');
}
