/**
 * Shards: a deterministic 1/N of a plan by archive id, so N runners (a
 * Kubernetes Indexed Job, an AWS Batch array job, or N shells) split one
 * restore without talking to each other. shardOf is the contract's: the
 * first 4 bytes of SHA-256(archive id), big-endian, modulo N.
 */
import {createHash} from 'node:crypto';
import {UsageError} from '../errors.js';
import {inert} from '../inert.js';

export type Shard = {k: number; n: number};

/** The largest N accepted: one runner per shard, each with its own lock and journal. */
export const MAX_SHARDS = 100_000;

export function shardOf(archiveId: string, n: number): number {
	if (n <= 1) return 0;
	return createHash('sha256').update(archiveId, 'utf8').digest().readUInt32BE(0) % n;
}

/** The shard's directory name under PLAN/shards/. */
export function shardName(shard: Shard): string {
	return `${shard.k}-of-${shard.n}`;
}

/** The environment variables that carry a 0-based array index, in the order they are tried. */
export const indexVariables = ['JOB_COMPLETION_INDEX', 'AWS_BATCH_JOB_ARRAY_INDEX'] as const;

const usage = 'give --shard K/N (0 <= K < N, e.g. --shard 0/4) or --shard auto/N';

function whole(text: string, what: string): number {
	if (!/^\d{1,9}$/.test(text)) throw new UsageError(`--shard: ${what} must be a whole number, not '${inert(text)}': ${usage}`);
	return Number(text);
}

/**
 * --shard K/N or auto/N (K from JOB_COMPLETION_INDEX, else
 * AWS_BATCH_JOB_ARRAY_INDEX, 0-based); undefined means the whole plan (0/1).
 */
export function parseShard(text: string | undefined, env: Record<string, string | undefined> = process.env): Shard {
	if (text === undefined) return {k: 0, n: 1};
	const match = /^([^/]*)\/([^/]*)$/.exec(text.trim());
	if (!match) throw new UsageError(`--shard takes K/N, not '${inert(text)}': ${usage}`);
	const n = whole(match[2], 'N');
	if (n < 1 || n > MAX_SHARDS) throw new UsageError(`--shard: N must be from 1 to ${MAX_SHARDS}, not ${n}`);
	let k: number;
	if (match[1] === 'auto') {
		const variable = indexVariables.find(name => env[name] !== undefined && env[name] !== '');
		if (!variable) throw new UsageError(`--shard auto/${n} takes K from ${indexVariables.join(' or ')}, and neither is set: run it as a Kubernetes Indexed Job or an AWS Batch array job, or give --shard K/${n}`);
		const value = env[variable]!.trim();
		if (!/^\d{1,9}$/.test(value)) throw new UsageError(`--shard auto/${n}: ${variable} is '${inert(value)}', not a whole number`);
		k = Number(value);
		if (k >= n) throw new UsageError(`--shard auto/${n}: ${variable} is ${k}, but shards are numbered 0 to ${n - 1}: make the job's completions/array size ${n}, or N ${k + 1} or more`);
	} else {
		k = whole(match[1], 'K');
		if (k >= n) throw new UsageError(`--shard ${k}/${n}: K must be from 0 to ${n - 1} (shards are 0-based)`);
	}

	return {k, n};
}
