/**
 * thaw delete-vault against the emulator (DeleteVault as Glacier does it:
 * refused until an inventory taken after the last write shows the vault
 * empty; inventories a day after the first write), the CLI in its own
 * process, the emulated clock run fast where a day must pass.
 */
import {rm} from 'node:fs/promises';
import {join} from 'node:path';
import {DeleteArchiveCommand} from '@aws-sdk/client-glacier';
import {afterEach, describe, expect, it} from 'vitest';
import {connect} from '../../source/glacier/client.js';
import {restoredVault, type Restored, type VaultArchive} from '../restore/purge-helpers.js';

let r: Restored | undefined;
let stopClock: (() => void) | undefined;
afterEach(async () => {
	stopClock?.();
	stopClock = undefined;
	await r?.close();
	r = undefined;
});

const hour = 60 * 60 * 1000;
const noVersions: VaultArchive[] = [
	{description: 'a/one.txt', size: 1000, created: '2019-01-01T00:00:00Z'},
	{description: 'a/two.txt', size: 2000, created: '2019-01-02T00:00:00Z'},
	{description: 'b/three.bin', size: 3000, created: '2019-01-03T00:00:00Z'},
];

/** Emulated time runs an hour every 20 ms (a day in about half a second), from the next DescribeVault on (the command has started and looked). */
function fastClock(restored: Restored): () => void {
	const seen = ops(restored, 'DescribeVault').length;
	const timer = setInterval(() => {
		if (ops(restored, 'DescribeVault').length > seen) restored.emulator.advance(hour);
	}, 20);
	return () => {
		clearInterval(timer);
	};
}

function ops(restored: Restored, op: string): Array<{status: number}> {
	return restored.emulator.requests.filter(request => request.op === op);
}

describe('thaw delete-vault', () => {
	it('refuses a vault that holds archives: says how many, that restore purge deletes the proven ones, exit 4; deletes no archive', async () => {
		r = await restoredVault(noVersions, {restore: false});
		const {code, stdout, stderr} = await r.thaw(['delete-vault', '--vault-name', 'photos', '--endpoint-url', r.emulator.url]);
		expect(code).toBe(4);
		expect(stdout).toBe('');
		expect(stderr).toMatch(/^thaw: vault 'photos' holds 3 archives \(5\.86 KiB\) as of its last inventory \(2019-01-03T00:00:00\.000Z\): Glacier deletes only a vault with no archives\. 'thaw restore purge PLAN' deletes the archives a restore has proven on disk/);
		expect(stderr.trim().split('\n')).toHaveLength(1);
		// With --wait too: thaw knows of no deletion there, waiting would not help.
		expect((await r.thaw(['delete-vault', '--vault-name', 'photos', '--wait', '--poll-seconds', '0.05', '--endpoint-url', r.emulator.url])).code).toBe(4);
		expect(ops(r, 'DeleteArchive')).toHaveLength(0);
		expect(ops(r, 'DeleteVault')).toHaveLength(0);
		expect(r.live().size).toBe(3);
	});

	it('after a purge: explains that the inventory has not caught up (exit 4); --wait polls until an inventory after the last deletion shows it empty, then deletes it', async () => {
		r = await restoredVault(noVersions);
		const purged = await r.purge(['--yes']);
		expect(purged.code, purged.stderr).toBe(0);
		expect(purged.stdout).toContain('next: \'thaw delete-vault --vault-name photos --wait\'');
		const args = ['delete-vault', '--vault-name', 'photos', '--endpoint-url', r.emulator.url];
		const early = await r.thaw(args);
		expect(early.code).toBe(4);
		expect(early.stderr).toMatch(/still shows 3 archives .* but that inventory is older than thaw's deletions \(3 archives deleted by 'thaw restore purge', the last at .*\)\. Glacier takes a vault's inventory about once a day .* or with --wait/);
		expect(ops(r, 'DeleteVault')).toHaveLength(0);
		stopClock = fastClock(r);
		const waited = await r.thaw([...args, '--wait', '--poll-seconds', '0.05']);
		expect(waited.code, waited.stderr).toBe(0);
		expect(waited.stdout).toMatch(/^deleted vault 'photos' after waiting \d+:\d\d for its inventory\n$/);
		expect(waited.stderr).toMatch(/waiting \d+:\d\d for Glacier's next inventory of 'photos' \(its last inventory \(2019-01-03T00:00:00\.000Z\): 3 archives\)/);
		// Polled DescribeVault; called DeleteVault once, when it could succeed.
		expect(ops(r, 'DescribeVault').length).toBeGreaterThan(3);
		expect(ops(r, 'DeleteVault').map(request => request.status)).toEqual([204]);
		expect(r.emulator.summary().map(v => v.vault)).toEqual([]);
		const gone = await r.thaw(args);
		expect(gone.code).toBe(4);
		expect(gone.stderr).toMatch(/vault 'photos' was not found/);
	});

	it('with --wait, when an inventory after the last deletion still shows archives (the purge kept one): says so and exits 4', async () => {
		r = await restoredVault(noVersions);
		await rm(join(r.to, 'a/two.txt'));
		expect((await r.purge(['--yes'])).code).toBe(3);
		stopClock = fastClock(r);
		const {code, stderr} = await r.thaw(['delete-vault', '--vault-name', 'photos', '--wait', '--poll-seconds', '0.05', '--endpoint-url', r.emulator.url]);
		expect(code).toBe(4);
		expect(stderr).toMatch(/holds 1 archive \(1\.95 KiB\) as of its last inventory .* an inventory taken after thaw's last deletion there still shows them \(1 archive kept by the purge of .*plan \(not proven restored\)\), so they are not all deleted\. Nothing was deleted/);
		expect(ops(r, 'DeleteVault')).toHaveLength(0);
	});

	it('archives deleted another way (no record of thaw\'s): refused until the next inventory, then deleted', async () => {
		r = await restoredVault(noVersions, {restore: false});
		const connection = connect({endpointUrl: r.emulator.url, region: 'us-east-1', demoCredentials: true});
		try {
			for (const archive of r.archives) await connection.client.send(new DeleteArchiveCommand({accountId: '-', vaultName: 'photos', archiveId: archive.archiveId}));
		} finally {
			connection.close();
		}

		const args = ['delete-vault', '--vault-name', 'photos', '--endpoint-url', r.emulator.url];
		const refused = await r.thaw(args);
		expect(refused.code).toBe(4);
		expect(refused.stderr).toMatch(/holds 3 archives .* if they were deleted after 2019-01-03T00:00:00\.000Z, Glacier has not taken an inventory since \(about once a day\): run this again later/);
		r.emulator.advance(24 * hour);
		const deleted = await r.thaw(args);
		expect(deleted.code, deleted.stderr).toBe(0);
		expect(deleted.stdout).toBe('deleted vault \'photos\'\n');
	});

	it('bad input: no --vault-name or a bad --poll-seconds is exit 2; a vault that does not exist is exit 4, one line', async () => {
		r = await restoredVault(noVersions, {restore: false});
		const none = await r.thaw(['delete-vault', '--endpoint-url', r.emulator.url]);
		expect(none.code).toBe(2);
		expect(none.stderr).toMatch(/needs --vault-name V/);
		expect((await r.thaw(['delete-vault', '--vault-name', 'photos', '--poll-seconds', '0', '--endpoint-url', r.emulator.url])).code).toBe(2);
		const missing = await r.thaw(['delete-vault', '--vault-name', 'nope', '--endpoint-url', r.emulator.url]);
		expect(missing.code).toBe(4);
		expect(missing.stderr.trim().split('\n')).toHaveLength(1);
		expect(missing.stderr).toMatch(/vault 'nope' was not found/);
	});
});
