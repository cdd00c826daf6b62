/**
 * Settings kept between runs (conf 15.1): connection defaults, download
 * tuning, the last vault and the download folder. Never credentials.
 * THAW_CONFIG_DIR moves the file (tests point it at a temp dir).
 */
import Conf from 'conf';
import {checkChunkSize} from './engine/chunk-size.js';
import {UsageError} from './errors.js';
import {inert} from './inert.js';

export type Settings = {
	region?: string;
	profile?: string;
	endpoint?: string;
	/** Chunk size in MiB, a power of two; absent = chosen from the output size. */
	chunkSizeMiB?: number;
	concurrency?: number;
	lastVault?: string;
	downloadFolder?: string;
};

export type SettingKey = keyof Settings;

type KeySpec = {key: SettingKey; help: string; parse: (value: string) => string | number};

function text(key: string) {
	return (value: string): string => {
		if (value.trim() === '') throw new UsageError(`${key} cannot be empty; use 'thaw config unset ${key}' to clear it`);
		return value;
	};
}

function whole(key: string, min: number, max: number) {
	return (value: string): number => {
		const n = Number(value);
		if (!/^\d+$/.test(value) || n < min || n > max) throw new UsageError(`${key} takes a whole number from ${min} to ${max}, not '${inert(value)}'`);

		return n;
	};
}

export const settingKeys: readonly KeySpec[] = [
	{key: 'region', help: 'AWS region used when --region and AWS_REGION are absent', parse: text('region')},
	{key: 'profile', help: 'AWS profile used when --profile and AWS_PROFILE are absent', parse: text('profile')},
	{key: 'endpoint', help: 'endpoint URL used when --endpoint-url is absent', parse: text('endpoint')},
	{key: 'chunkSizeMiB', help: 'download chunk size in MiB (power of two); unset = automatic', parse: value => checkChunkSize(value, 'chunkSizeMiB')!},
	{key: 'concurrency', help: 'parallel requests per download (default 8)', parse: whole('concurrency', 1, 64)},
	{key: 'lastVault', help: 'the vault opened last (the TUI puts the cursor on it)', parse: text('lastVault')},
	{key: 'downloadFolder', help: 'default folder for downloads (default: the current folder)', parse: text('downloadFolder')},
];

export type SettingsStore = {
	readonly path: string;
	get(): Settings;
	set<K extends SettingKey>(key: K, value: Settings[K]): void;
	unset(key: SettingKey): void;
};

const allowed = new Set<string>(settingKeys.map(s => s.key));

/** Keep only known keys of the right type: a hand-edited file cannot inject anything else. */
function clean(raw: Record<string, unknown>): Settings {
	const settings: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(raw)) {
		if (!allowed.has(key)) continue;
		if (key === 'chunkSizeMiB' || key === 'concurrency') {
			if (typeof value === 'number' && Number.isInteger(value) && value > 0) settings[key] = value;
		} else if (typeof value === 'string' && value !== '') {
			settings[key] = value;
		}
	}

	return settings as Settings;
}

export function openSettings(options: {cwd?: string} = {}): SettingsStore {
	const cwd = options.cwd ?? process.env.THAW_CONFIG_DIR;
	const conf = new Conf<Record<string, unknown>>({projectName: 'thaw', projectSuffix: '', ...(cwd ? {cwd} : {})});
	return {
		path: conf.path,
		get: () => clean(conf.store),
		set(key, value) {
			if (value === undefined) conf.delete(key);
			else conf.set(key, value);
		},
		unset(key) {
			conf.delete(key);
		},
	};
}

export function isSettingKey(key: string): key is SettingKey {
	return allowed.has(key);
}

/** Parse a `thaw config set KEY VALUE` pair; throws a UsageError naming the keys when wrong. */
export function parseSetting(key: string, value: string): {key: SettingKey; value: string | number} {
	const spec = settingKeys.find(s => s.key === key);
	if (!spec) throw new UsageError(`unknown setting '${inert(key)}'; the settings are ${settingKeys.map(s => s.key).join(', ')}`);
	return {key: spec.key, value: spec.parse(value)};
}
