/**
 * The region's data retrieval policy (GetDataRetrievalPolicy) and what it
 * means for a plan. Planning never fails on it: unreachable, denied or not
 * implemented -> "unknown", said plainly. (The policy limits Standard
 * retrievals; an InitiateJob over it fails with PolicyEnforcedException,
 * which the runner waits out.)
 */
import {GetDataRetrievalPolicyCommand} from '@aws-sdk/client-glacier';
import type {Connection} from '../../glacier/client.js';
import {errorName, scrub} from '../../glacier/errors.js';
import {inert} from '../../inert.js';
import type {PolicyInfo} from '../plan-file.js';
import type {PriceTier} from '../prices.js';

function hours(value: number): string {
	if (value < 1) return `${Math.ceil(value * 60)} minutes`;
	if (value < 48) return `${value.toFixed(1)} hours`;
	return `${(value / 24).toFixed(1)} days`;
}

/** What the policy means for a plan of `bytes` at `tier`. */
export function explainPolicy(policy: Omit<PolicyInfo, 'note'>, bytes: number, tier: PriceTier, why?: string): PolicyInfo {
	const applies = tier === 'Standard' ? '' : ` (it limits Standard retrievals; this plan's tier is ${tier})`;
	switch (policy.strategy) {
		case 'None': {
			return {strategy: 'None', note: 'no data retrieval policy: Glacier does not limit retrievals; the runner paces itself by download speed'};
		}

		case 'FreeTier': {
			return {strategy: 'FreeTier', note: `data retrieval policy FreeTier: retrievals beyond the free allowance are refused (PolicyEnforcedException); the runner waits and retries, so a large Standard restore goes very slowly or stalls. Change it to None or BytesPerHour in the console or with aws glacier set-data-retrieval-policy${applies}`};
		}

		case 'BytesPerHour': {
			const perHour = policy.bytesPerHour ?? 0;
			const needed = perHour > 0 ? hours(bytes / perHour) : 'forever';
			return {strategy: 'BytesPerHour', bytesPerHour: perHour, note: `data retrieval policy BytesPerHour ${perHour.toLocaleString('en-US')} bytes/hour: retrieving this plan takes at least ${needed}; retrievals over the limit are refused and retried later${applies}`};
		}

		default: {
			return {strategy: 'unknown', note: `data retrieval policy unknown${why ? ` (${why})` : ''}: if it is FreeTier or BytesPerHour, Standard retrievals over it are refused and the runner waits them out`};
		}
	}
}

export async function readPolicy(connection: Connection | undefined, bytes: number, tier: PriceTier): Promise<PolicyInfo> {
	if (!connection) return explainPolicy({strategy: 'unknown'}, bytes, tier, 'not asked: no connection');
	try {
		const answer = await connection.client.send(new GetDataRetrievalPolicyCommand({accountId: connection.accountId}), {abortSignal: AbortSignal.timeout(15_000)});
		const rule = answer.Policy?.Rules?.[0];
		const strategy = rule?.Strategy;
		if (strategy === 'None' || strategy === 'FreeTier') return explainPolicy({strategy}, bytes, tier);
		if (strategy === 'BytesPerHour') return explainPolicy({strategy, bytesPerHour: Number(rule?.BytesPerHour ?? 0)}, bytes, tier);
		// No rule at all is how Glacier reports "no policy".
		if (!rule) return explainPolicy({strategy: 'None'}, bytes, tier);
		return explainPolicy({strategy: 'unknown'}, bytes, tier, `Glacier answered strategy '${inert(String(strategy))}'`);
	} catch (error) {
		const name = errorName(error);
		const message = scrub((error as Error)?.message ?? String(error));
		return explainPolicy({strategy: 'unknown'}, bytes, tier, `could not read it: ${inert(name ? `${name}: ${message}` : message).slice(0, 200)}`);
	}
}
