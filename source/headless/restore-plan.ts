/**
 * thaw restore plan PLAN --vault-name V (--inventory FILE | --inventory-job-id J) ...
 * Prints what a whole-vault restore will do and cost, and writes the PLAN
 * folder the runner works from. Never starts a job.
 */
import process from 'node:process';
import {ExitCode, UsageError} from '../errors.js';
import {inert} from '../inert.js';
import {connect, type Connection} from '../glacier/client.js';
import type {InventoryFormat} from '../inventory/types.js';
import {makePlan, type MadePlan} from '../restore/plan/make.js';
import {describeDecision} from '../restore/preview.js';
import {coveredRegions, formatUsd, isTier, pricingUrl, readPrices, tiers, GiB} from '../restore/prices.js';
import {connectionFromArgs, connectionHelp, connectionOptions, parse} from './args.js';
import {formatBytes} from '../format.js';

export const planUsage = `Usage: thaw restore plan PLAN --vault-name V (--inventory FILE | --inventory-job-id J) [options]

Plan the restore of a whole vault (or the part --filter selects) into the
folder PLAN: every archive's destination under --to, the versions kept, and
what it will cost per tier. Nothing is retrieved and no job is started; run
the plan with thaw restore run PLAN.

Options:
  --vault-name V            the vault (an inventory of another vault is refused)
  --inventory FILE          a vault inventory (JSON or Glacier CSV), as thaw inventory reads it
  --inventory-job-id J      or: a succeeded inventory job of the vault, read straight from Glacier
  --format json|csv|glacier-csv   the inventory file's format (default: detected)
  --filter EXPR             only archives matching EXPR (thaw inventory's filter language)
  --to DIR                  where the files go (default: the current folder); never outside it
  --versions latest|all     several archives with one path: restore the newest (default), or all
                            (older ones get their date before the extension: "a (2019-05-01T12-00-00Z).jpg")
  --tier Bulk|Standard|Expedited   the retrieval tier the runner uses (default Bulk)
  --prices FILE             your own prices: {"Bulk":{"perGB":x,"per1000Requests":y},
                            "Standard":{...},"Expedited":{...},"transferOutPerGB":z}
  --output table|json       a summary table (default) or one JSON object
  --help                    this help

Names: descriptions written by mt-aws-glacier, FastGlacier, CloudBerry and QNAP
are decoded; a plain description that is a usable relative path is used as one;
anything else goes to _by-archive-id/<archive id>. '..', absolute paths, drive
letters and control characters are made safe; names clashing on a
case-insensitive file system, or longer than ${255 - '.part.journal'.length} bytes, are renamed. Every such
decision is listed in PLAN/decisions.jsonl.

Prices: the built-in table is an estimate from ${pricingUrl}
(regions covered: ${coveredRegions.join(', ')}; other regions are priced with it, labelled).

${connectionHelp}

Exit codes: 0 ok, 2 bad option, inventory of another vault or bad --prices, 4 inventory job not
ready or gone, 5 Glacier unreachable (only when planning from a job), 6 file problem or a PLAN
that runners have started and this plan differs from.`;

const outputs = ['table', 'json'] as const;
const formats = ['json', 'csv', 'glacier-csv'] as const;

function count(value: number, one: string, many = `${one}s`): string {
	return `${value.toLocaleString('en-US')} ${value === 1 ? one : many}`;
}

function table(planDir: string, made: MadePlan): string {
	const {header, write} = made;
	const t = header.totals;
	const lines: string[] = [];
	lines.push(`Restore plan ${inert(planDir)} (plan id ${write.planId})${write.unchanged ? ': unchanged (identical to the plan runners already started)' : ''}`);
	lines.push(`  vault         ${inert(header.vaultName)}${header.vaultARN ? ` (${inert(header.vaultARN)})` : ''}`);
	lines.push(`  inventory     ${header.inventory.source === 'file' ? inert(header.inventory.path ?? '') : `job ${inert(header.inventory.jobId ?? '')}`}${header.inventory.inventoryDate ? `, taken ${inert(header.inventory.inventoryDate)}` : ''}: ${count(made.inventoryArchives, 'archive')}${header.filter === null ? '' : `, ${count(made.selected, 'archive')} match --filter ${inert(header.filter)}`}`);
	lines.push(`  to            ${inert(header.to)}`);
	lines.push(`  planned       ${count(t.archives, 'archive')}, ${formatBytes(t.bytes)} (${t.bytes.toLocaleString('en-US')} bytes)`);
	lines.push(`  versions      ${header.versions}: ${count(t.skippedVersions, 'older version')} skipped`);
	lines.push(`  renamed       ${count(t.renamed, 'path')} (clashes, long names${header.versions === 'all' ? ', older versions' : ''})`);
	lines.push(`  undecodable   ${count(t.undecodable, 'name')} (restored under _by-archive-id/)`);
	lines.push(`  < 90 days old ${count(t.youngerThan90Days, 'archive')}${t.youngerThan90Days > 0 ? ' (deleting them from the vault later costs the rest of their 90 days)' : ''}`);
	const samples = made.plan.decisions.slice(0, 5);
	if (samples.length > 0) {
		lines.push('  decisions (first of PLAN/decisions.jsonl):');
		for (const decision of samples) lines.push(`    ${describeDecision(decision)}`);
	}

	lines.push('');
	lines.push(`Estimate (GB = 2^30 bytes: ${(t.bytes / GiB).toFixed(3)} GB, ${count(t.archives, 'request')}); the plan's tier is ${header.tier}:`);
	lines.push(`  ${'tier'.padEnd(10)} ${'retrieval'.padStart(12)} ${'requests'.padStart(12)} ${'transfer'.padStart(12)} ${'total'.padStart(12)}`);
	for (const tier of tiers) {
		const e = header.estimate[tier];
		lines.push(`  ${(tier + (tier === header.tier ? ' *' : '')).padEnd(10)} ${formatUsd(e.retrievalUSD).padStart(12)} ${formatUsd(e.requestsUSD).padStart(12)} ${formatUsd(e.transferUSD).padStart(12)} ${formatUsd(e.totalUSD).padStart(12)}`);
	}

	const p = header.prices;
	lines.push(`  prices: ${inert(p.region)}, ${inert(p.source)}, ${inert(p.date)}`);
	if (p.note) lines.push(`  ${inert(p.note)}`);
	lines.push('');
	lines.push(`Policy: ${inert(header.policy.note)}`);
	lines.push('');
	lines.push(`Next: thaw restore run ${inert(planDir)}   (status any time: thaw restore status ${inert(planDir)})`);
	return lines.join('\n') + '\n';
}

export async function run(args: string[]): Promise<number> {
	const {values, positionals} = parse('restore plan', args, {
		'vault-name': {type: 'string'},
		inventory: {type: 'string'},
		'inventory-job-id': {type: 'string'},
		format: {type: 'string'},
		filter: {type: 'string'},
		to: {type: 'string'},
		versions: {type: 'string'},
		tier: {type: 'string'},
		prices: {type: 'string'},
		output: {type: 'string'},
		help: {type: 'boolean', short: 'h'},
		...connectionOptions,
	}, true);
	if (values.help) {
		process.stdout.write(planUsage + '\n');
		return ExitCode.ok;
	}

	const more = ' Run \'thaw restore plan --help\' for usage.';
	if (positionals.length !== 1) throw new UsageError(`thaw restore plan takes one PLAN folder${positionals.length > 1 ? `, not ${positionals.length}` : ''}.${more}`);
	const planDir = positionals[0];
	const vaultName = values['vault-name'];
	if (!vaultName) throw new UsageError(`--vault-name is required.${more}`);
	const file = values.inventory;
	const jobId = values['inventory-job-id'];
	if ((file === undefined) === (jobId === undefined)) throw new UsageError(`give --inventory FILE or --inventory-job-id J (one of them).${more}`);
	const output = values.output ?? 'table';
	if (!(outputs as readonly string[]).includes(output)) throw new UsageError(`--output must be table or json, not '${inert(output)}'`);
	const versions = values.versions ?? 'latest';
	if (versions !== 'latest' && versions !== 'all') throw new UsageError(`--versions must be latest or all, not '${inert(versions)}'`);
	const tier = values.tier ?? 'Bulk';
	if (!isTier(tier)) throw new UsageError(`--tier must be Bulk, Standard or Expedited, not '${inert(tier)}'`);
	const format = values.format as InventoryFormat | undefined;
	if (format !== undefined && !(formats as readonly string[]).includes(format)) throw new UsageError(`--format must be json, csv or glacier-csv, not '${inert(format)}'`);
	const prices = values.prices === undefined ? undefined : await readPrices(values.prices);
	const connectionValues = connectionFromArgs(values);

	// From a file, Glacier is asked only for the retrieval policy: quickly, and an answer of "unknown" is fine.
	let connection: Connection | undefined;
	try {
		connection = jobId === undefined
			? connect({...connectionValues, maxAttempts: 2, connectTimeoutSeconds: connectionValues.connectTimeoutSeconds ?? 10})
			: connect({...connectionValues, maxAttempts: 4});
	} catch (error) {
		if (jobId !== undefined) throw error;
		connection = undefined;
	}

	let made: MadePlan;
	try {
		made = await makePlan({
			planDir,
			vaultName,
			inventory: file === undefined ? {jobId: jobId!} : {file, format},
			connection,
			filter: values.filter,
			to: values.to,
			versions,
			tier,
			prices,
		});
	} finally {
		connection?.close();
	}

	if (output === 'json') {
		const {header, write} = made;
		const object = {
			plan: planDir,
			planId: write.planId,
			unchanged: write.unchanged,
			vaultName: header.vaultName,
			vaultARN: header.vaultARN,
			tier: header.tier,
			to: header.to,
			versions: header.versions,
			filter: header.filter,
			inventoryArchives: made.inventoryArchives,
			...header.totals,
			estimate: header.estimate,
			prices: header.prices,
			policy: header.policy,
			decisions: {file: header.decisions.file, samples: made.plan.decisions.slice(0, 20)},
		};
		process.stdout.write(JSON.stringify(object, null, 2) + '\n');
	} else {
		process.stdout.write(table(planDir, made));
	}

	return ExitCode.ok;
}
