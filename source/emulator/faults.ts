/**
 * Fault injection: rules that make matching requests misbehave, each for a
 * number of hits. Rules come from options, the in-process API, `--fault`,
 * `--faults FILE` and the /_emulator/faults endpoint.
 */
import {faultKinds, operationNames, type FaultHit, type FaultKind, type FaultRule, type OperationName} from './types.js';

const numberKeys = ['times', 'afterBytes', 'stallMs', 'bytesPerSecond', 'extraBytes'] as const;
const knownKeys = new Set(['kind', 'op', 'jobId', 'range', ...numberKeys]);

/** Check and copy a rule from untrusted input (JSON, the command line). Throws TypeError with a readable message. */
export function normalizeFaultRule(input: unknown): FaultRule {
	if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new TypeError('a fault rule must be a JSON object like {"kind":"drop"}');
	const raw = input as Record<string, unknown>;
	for (const key of Object.keys(raw)) if (!knownKeys.has(key)) throw new TypeError(`unknown fault rule field '${key}' (known: ${[...knownKeys].join(', ')})`);
	if (!faultKinds.includes(raw.kind as FaultKind)) throw new TypeError(`unknown fault kind '${String(raw.kind)}' (known: ${faultKinds.join(', ')})`);
	const rule: FaultRule = {kind: raw.kind as FaultKind};
	if (raw.op !== undefined) {
		if (!operationNames.includes(raw.op as OperationName)) throw new TypeError(`unknown op '${String(raw.op)}' (known: ${operationNames.join(', ')})`);
		rule.op = raw.op as OperationName;
	}

	for (const key of ['jobId', 'range'] as const) {
		if (raw[key] === undefined) continue;
		if (typeof raw[key] !== 'string') throw new TypeError(`fault rule field '${key}' must be a string`);
		rule[key] = raw[key];
	}

	for (const key of numberKeys) {
		const value = raw[key];
		if (value === undefined) continue;
		const number = parseNumber(value);
		if (number === undefined || number < 0 || (key !== 'times' && !Number.isFinite(number))) throw new TypeError(`fault rule field '${key}' must be a non-negative number${key === 'times' ? ' or Infinity' : ''}`);
		rule[key] = number;
	}

	if ((rule.kind === 'bandwidth' || rule.kind === 'trickle') && rule.bytesPerSecond === 0) throw new TypeError(`${rule.kind} needs bytesPerSecond > 0`);
	return rule;
}

function parseNumber(value: unknown): number | undefined {
	if (typeof value === 'number') return Number.isNaN(value) ? undefined : value;
	if (typeof value !== 'string') return undefined;
	if (/^(?:inf|infinity)$/i.test(value.trim())) return Number.POSITIVE_INFINITY;
	if (!/^\s*\d+(?:\.\d+)?(?:e\d+)?\s*$/i.test(value)) return undefined;
	return Number(value);
}

/** `KIND[:key=value,...]`, e.g. `drop:times=3,afterBytes=100000`. */
export function parseFaultSpec(spec: string): FaultRule {
	const colon = spec.indexOf(':');
	const kind = colon === -1 ? spec : spec.slice(0, colon);
	const rule: Record<string, unknown> = {kind: kind.trim()};
	if (colon !== -1 && spec.slice(colon + 1).trim() !== '') {
		for (const pair of spec.slice(colon + 1).split(',')) {
			const equals = pair.indexOf('=');
			if (equals === -1) throw new TypeError(`'${pair}' in --fault ${spec} is not key=value`);
			rule[pair.slice(0, equals).trim()] = pair.slice(equals + 1).trim();
		}
	}

	return normalizeFaultRule(rule);
}

/** A rule as JSON (Infinity is written "Infinity"). */
export function faultRuleToJson(rule: FaultRule): Record<string, unknown> {
	return {...rule, ...(rule.times === Number.POSITIVE_INFINITY ? {times: 'Infinity'} : {})};
}

/** The operation a rule without `op` hits: GetJobOutput, except for faults only another operation can have. */
function defaultOp(kind: FaultKind): OperationName {
	return kind === 'size-lie' ? 'DescribeJob' : kind === 'late-answer' ? 'InitiateJob' : 'GetJobOutput';
}

type Entry = {rule: FaultRule; left: number};

export class FaultSet {
	readonly hits: FaultHit[] = [];
	private entries: Entry[] = [];

	constructor(rules: readonly FaultRule[] = []) {
		for (const rule of rules) this.add(rule);
	}

	add(rule: FaultRule): void {
		const checked = normalizeFaultRule(rule);
		this.entries.push({rule: checked, left: checked.times ?? 1});
	}

	clear(): void {
		this.entries = [];
	}

	/** Rules still armed, with how many hits each has left. */
	get active(): Array<{rule: FaultRule; left: number}> {
		return this.entries.map(e => ({rule: e.rule, left: e.left}));
	}

	/** Every armed rule matching this request, each consuming one hit. */
	take(op: OperationName, jobId: string | undefined, range: string | undefined): FaultRule[] {
		const taken: FaultRule[] = [];
		for (const entry of this.entries) {
			const {rule} = entry;
			if ((rule.op ?? defaultOp(rule.kind)) !== op) continue;
			if (rule.jobId !== undefined && rule.jobId !== jobId) continue;
			if (rule.range !== undefined && rule.range !== range) continue;
			entry.left--;
			taken.push(rule);
			this.hits.push({rule, op, ...(jobId === undefined ? {} : {jobId}), ...(range === undefined ? {} : {range})});
		}

		this.entries = this.entries.filter(e => e.left > 0);
		return taken;
	}
}

/**
 * A DescribeJob body (or a ListJobs entry) as the size-lie fault tells it: the
 * output claimed `extraBytes` (default 1 MiB) longer than it is, sizes and
 * retrieval range agreeing with each other; hashes stay the true ones.
 */
export function lieAboutSize(description: Record<string, unknown>, rules: readonly FaultRule[]): Record<string, unknown> {
	const rule = rules.find(r => r.kind === 'size-lie');
	if (!rule) return description;
	const extra = rule.extraBytes ?? 1024 * 1024;
	const lie = {...description};
	if (typeof lie.InventorySizeInBytes === 'number') lie.InventorySizeInBytes += extra;
	if (typeof lie.ArchiveSizeInBytes === 'number') lie.ArchiveSizeInBytes += extra;
	const range = typeof lie.RetrievalByteRange === 'string' ? /^(\d+)-(\d+)$/.exec(lie.RetrievalByteRange) : null;
	if (range) lie.RetrievalByteRange = `${range[1]}-${Number(range[2]) + extra}`;
	return lie;
}
