/**
 * The connection the TUI uses, built from flags, environment and saved
 * settings. Apart from launch.tsx so that start-up can connect (and send
 * the first ListVaults) before Ink is loaded.
 */
import process from 'node:process';
import type {SettingsStore} from '../config.js';
import {connect, resolveRegion, type Connection, type ConnectionOptions} from '../glacier/client.js';

/** Flags win, then AWS_* environment variables, then `thaw config` settings. */
export async function connectWithSettings(given: ConnectionOptions, settings: SettingsStore): Promise<Connection> {
	const saved = settings.get();
	const connection = connect({
		...given,
		region: given.region ?? (process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION ? undefined : saved.region),
		profile: given.profile ?? (process.env.AWS_PROFILE ? undefined : saved.profile),
		endpointUrl: given.endpointUrl ?? saved.endpoint,
		maxSockets: given.maxSockets ?? saved.concurrency ?? 8,
	});
	return resolveRegion(connection);
}
