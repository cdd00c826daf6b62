import {GetDataRetrievalPolicyCommand, InitiateJobCommand, SetDataRetrievalPolicyCommand, type GlacierClient} from '@aws-sdk/client-glacier';
import {afterEach, describe, expect, it} from 'vitest';
import {defaultFreeTierBytesPerDay, type Emulator, type EmulatorOptions, type Tier} from '../../source/emulator/index.js';
import {client, clock, emulator, glacierHeaders, MiB, raw} from './helpers.js';

const minute = 60 * 1000;
const hour = 60 * minute;

describe('what Glacier enforces on InitiateJob', () => {
	let e: Emulator | undefined;
	afterEach(async () => e?.close());

	const setUp = async (options: EmulatorOptions, sizes = [MiB, MiB, MiB]) => {
		e = await emulator(options);
		e.createVault('v');
		const ids = sizes.map((size, i) => e!.addArchive('v', {size, seed: `limits:${i}`}).archiveId);
		return {e, glacier: client(e.url), ids};
	};

	const initiate = async (glacier: GlacierClient, archiveId: string, tier: Tier = 'Standard') =>
		glacier.send(new InitiateJobCommand({accountId: '-', vaultName: 'v', jobParameters: {Type: 'archive-retrieval', ArchiveId: archiveId, Tier: tier}}));

	it('throttles a burst over the token bucket with 400 ThrottlingException "Rate exceeded", then refills in real time', async () => {
		const {e, glacier, ids} = await setUp({initiateRate: {perSecond: 2, burst: 5}});
		const started = performance.now();
		const results = await Promise.allSettled(Array.from({length: 12}, async () => initiate(glacier, ids[0])));
		const seconds = (performance.now() - started) / 1000;
		const throttled = results.filter(r => r.status === 'rejected');
		const passed = results.length - throttled.length;
		expect(passed).toBeGreaterThanOrEqual(5);
		expect(passed).toBeLessThanOrEqual(5 + Math.ceil(seconds * 2));
		expect(throttled.length).toBeGreaterThan(0);
		for (const r of throttled) expect((r as PromiseRejectedResult).reason).toMatchObject({name: 'ThrottlingException', message: 'Rate exceeded', $metadata: {httpStatusCode: 400}});
		// A throttled call did nothing.
		expect(e.initiations('v', ids[0])).toBe(results.length - throttled.length);
		await new Promise(resolve => setTimeout(resolve, 600));
		await expect(initiate(glacier, ids[0])).resolves.toMatchObject({jobId: expect.any(String) as unknown});
		// Only InitiateJob is rate limited.
		await expect(glacier.send(new GetDataRetrievalPolicyCommand({accountId: '-'}))).resolves.toBeTruthy();
	});

	it('Get/SetDataRetrievalPolicy round-trip through the SDK; the default is None, as AWS\'s; bad policies are refused', async () => {
		const {e, glacier} = await setUp({});
		expect((await glacier.send(new GetDataRetrievalPolicyCommand({accountId: '-'}))).Policy).toEqual({Rules: [{Strategy: 'None'}]});
		await glacier.send(new SetDataRetrievalPolicyCommand({accountId: '-', Policy: {Rules: [{Strategy: 'BytesPerHour', BytesPerHour: 10 * MiB}]}}));
		expect((await glacier.send(new GetDataRetrievalPolicyCommand({accountId: '-'}))).Policy).toEqual({Rules: [{Strategy: 'BytesPerHour', BytesPerHour: 10 * MiB}]});
		expect(e.retrievalPolicy()).toEqual({Strategy: 'BytesPerHour', BytesPerHour: 10 * MiB});
		await glacier.send(new SetDataRetrievalPolicyCommand({accountId: '-', Policy: {Rules: [{Strategy: 'FreeTier'}]}}));
		expect((await glacier.send(new GetDataRetrievalPolicyCommand({accountId: '-'}))).Policy).toEqual({Rules: [{Strategy: 'FreeTier'}]});
		for (const rules of [[{Strategy: 'BytesPerHour'}], [{Strategy: 'FreeTier', BytesPerHour: 5}], [{Strategy: 'Unlimited'}], []]) {
			await expect(glacier.send(new SetDataRetrievalPolicyCommand({accountId: '-', Policy: {Rules: rules}}))).rejects.toMatchObject({name: 'InvalidParameterValueException'});
		}

		expect(e.retrievalPolicy()).toEqual({Strategy: 'FreeTier'});
		const answer = await raw(e.url, '/-/policies/data-retrieval', {headers: glacierHeaders});
		expect(answer.status).toBe(200);
		expect(JSON.parse(answer.body.toString())).toEqual({Policy: {Rules: [{Strategy: 'FreeTier'}]}});
	});

	it('BytesPerHour: a Standard retrieval over the last emulated hour\'s budget gets 400 PolicyEnforcedException (not a job); Bulk and Expedited are not limited', async () => {
		const time = clock();
		const {e, glacier, ids} = await setUp({now: time.now, retrievalPolicy: {Strategy: 'BytesPerHour', BytesPerHour: 2 * MiB}});
		await initiate(glacier, ids[0]);
		await initiate(glacier, ids[1]);
		await expect(initiate(glacier, ids[2])).rejects.toMatchObject({name: 'PolicyEnforcedException', message: 'InitiateJob request denied by current data retrieval policy.', $metadata: {httpStatusCode: 400}});
		expect(e.initiations('v', ids[2])).toBe(0);
		expect(e.jobs('v')).toHaveLength(2);
		await initiate(glacier, ids[2], 'Bulk');
		await initiate(glacier, ids[2], 'Expedited');
		time.advance(hour - 1);
		await expect(initiate(glacier, ids[2])).rejects.toMatchObject({name: 'PolicyEnforcedException'});
		time.advance(1);
		await initiate(glacier, ids[2]);
		// Lifting the policy lets it through at once.
		await glacier.send(new SetDataRetrievalPolicyCommand({accountId: '-', Policy: {Rules: [{Strategy: 'None'}]}}));
		for (let i = 0; i < 5; i++) await initiate(glacier, ids[i % 3]);
	});

	it('FreeTier: a daily allowance of Standard retrievals (freeTierBytesPerDay, default 10 GiB / 30), over rolling 24 emulated hours', async () => {
		expect(defaultFreeTierBytesPerDay).toBe(Math.floor(10 * 1024 * MiB / 30));
		const time = clock();
		const {glacier, ids} = await setUp({now: time.now, retrievalPolicy: {Strategy: 'FreeTier'}, freeTierBytesPerDay: (2 * MiB) + 1});
		await initiate(glacier, ids[0]);
		time.advance(12 * hour);
		await initiate(glacier, ids[1]);
		await expect(initiate(glacier, ids[2])).rejects.toMatchObject({name: 'PolicyEnforcedException'});
		time.advance(12 * hour);
		await initiate(glacier, ids[2]);
	});

	it('Expedited beyond expeditedCapacity per 5 emulated minutes gets 400 InsufficientCapacityException; Standard and Bulk never do', async () => {
		const time = clock();
		const {e, glacier, ids} = await setUp({now: time.now, expeditedCapacity: 3});
		for (let i = 0; i < 3; i++) await initiate(glacier, ids[i], 'Expedited');
		await expect(initiate(glacier, ids[0], 'Expedited')).rejects.toMatchObject({name: 'InsufficientCapacityException', $metadata: {httpStatusCode: 400}});
		await initiate(glacier, ids[0], 'Standard');
		await initiate(glacier, ids[0], 'Bulk');
		expect(e.initiations('v', ids[0])).toBe(3);
		time.advance(5 * minute);
		await initiate(glacier, ids[0], 'Expedited');
	});
});
