/**
 * The restore plans thaw knows and who runs them: the PLAN directories in
 * thaw's data folder (where the TUI keeps the plans it makes) and in a
 * `.thaw/` folder of a destination, each with its status (read-only, as
 * `thaw restore status` reads it) and the runners holding its shard locks.
 * No Glacier calls; nothing is written.
 */
import {readdir, stat} from 'node:fs/promises';
import {join, resolve} from 'node:path';
import {lockHolder, type LockHolder} from '../engine/lock.js';
import {inert} from '../inert.js';
import {files} from './plan-file.js';
import {readPlanStatus, type PlanStatus} from './status.js';

export type PlanRunner = {
	/** The shard directory's name, e.g. 0-of-1. */
	shard: string;
	holder: LockHolder | undefined;
	/** The lock's one line ("… is being restored by thaw pid 123 on host h since …"). */
	message: string;
};

export type KnownPlan = {
	dir: string;
	status?: PlanStatus;
	/** Why the status could not be read (a damaged or half-written plan). */
	error?: string;
	runners: PlanRunner[];
};

async function isPlan(dir: string): Promise<boolean> {
	try {
		return (await stat(join(dir, files.plan))).isFile();
	} catch {
		return false;
	}
}

/** The PLAN directories in these folders: each folder itself when it is one, else its sub-folders that are. */
export async function findPlanDirs(folders: readonly string[]): Promise<string[]> {
	const found = new Set<string>();
	for (const folder of folders.map(f => resolve(f))) {
		if (await isPlan(folder)) {
			found.add(folder);
			continue;
		}

		let entries;
		try {
			entries = await readdir(folder, {withFileTypes: true});
		} catch {
			continue;
		}

		for (const entry of entries) {
			if (!entry.isDirectory()) continue;
			const dir = join(folder, entry.name);
			if (await isPlan(dir)) found.add(dir);
		}
	}

	return [...found].sort();
}

/** The runners of a plan now: one per shard whose lock is held by a live process. */
export async function planRunners(planDir: string): Promise<PlanRunner[]> {
	let shards: string[];
	try {
		shards = (await readdir(join(planDir, files.shards), {withFileTypes: true})).filter(entry => entry.isDirectory()).map(entry => entry.name).sort();
	} catch {
		return [];
	}

	const runners: PlanRunner[] = [];
	for (const shard of shards) {
		const held = await lockHolder(join(planDir, files.shards, shard, 'lock'));
		if (held) runners.push({shard, holder: held.holder, message: held.message});
	}

	return runners;
}

/** Every plan in the folders with its status and runners, newest first (a plan that cannot be read says why). */
export async function knownPlans(folders: readonly string[], now = Date.now()): Promise<KnownPlan[]> {
	const plans: KnownPlan[] = [];
	for (const dir of await findPlanDirs(folders)) {
		const runners = await planRunners(dir);
		try {
			plans.push({dir, status: await readPlanStatus(dir, now), runners});
		} catch (error) {
			plans.push({dir, error: inert(error instanceof Error ? error.message : String(error)), runners});
		}
	}

	return plans.sort((a, b) => (b.status?.updatedAt ?? '').localeCompare(a.status?.updatedAt ?? '') || a.dir.localeCompare(b.dir));
}

/** A folder name for a new plan of this vault: the vault's name in safe characters and the time, e.g. photos-20261202-013000. */
export function newPlanName(vaultName: string, now = Date.now()): string {
	const stamp = new Date(now).toISOString().slice(0, 19).replaceAll('-', '').replace('T', '-').replaceAll(':', '');
	return `${vaultName.replace(/[^\w.-]+/g, '_').replace(/^\.+/, '_').slice(0, 100)}-${stamp}`;
}
