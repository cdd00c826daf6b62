import {execFile} from 'node:child_process';
import {readFileSync, writeFileSync} from 'node:fs';
import {promisify} from 'node:util';

const exec = promisify(execFile);
export const cli = new URL('../../build/cli.js', import.meta.url).pathname;
export const env = {...process.env, CI: 'true', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null'};

export type Result = {code: number; stdout: string; stderr: string};

export async function thaw(...args: string[]): Promise<Result> {
	try {
		const {stdout, stderr} = await exec(process.execPath, [cli, ...args], {env, maxBuffer: 64 << 20});
		return {code: 0, stdout, stderr};
	} catch (error) {
		const failure = error as {code: number; stdout: string; stderr: string};
		return {code: failure.code, stdout: failure.stdout, stderr: failure.stderr};
	}
}

export type Entry = {id?: string; description: string; size?: number; created?: string; hash?: string};

let counter = 0;
/** A JSON inventory file of these archives (ids and hashes made up when not given). */
export function inventoryFile(path: string, entries: Entry[], vault = 'photos', region = 'us-east-1'): string {
	const list = entries.map(entry => ({
		ArchiveId: entry.id ?? `archive-${String(counter++).padStart(6, '0')}-${'x'.repeat(20)}`,
		ArchiveDescription: entry.description,
		CreationDate: entry.created ?? '2020-01-01T00:00:00Z',
		Size: entry.size ?? 1000,
		SHA256TreeHash: entry.hash ?? (counter++).toString(16).padStart(64, '0'),
	}));
	writeFileSync(path, JSON.stringify({VaultARN: `arn:aws:glacier:${region}:012345678901:vaults/${vault}`, InventoryDate: '2026-11-01T00:00:00Z', ArchiveList: list}));
	return path;
}

export type PlanLine = [string, number, string, string, number | null, string];

export function planLines(planDir: string): PlanLine[] {
	return readFileSync(`${planDir}/archives.jsonl`, 'utf8').split('\n').filter(Boolean).map(line => JSON.parse(line) as PlanLine);
}

export function decisions(planDir: string): Array<Record<string, string>> {
	return readFileSync(`${planDir}/decisions.jsonl`, 'utf8').split('\n').filter(Boolean).map(line => JSON.parse(line) as Record<string, string>);
}
