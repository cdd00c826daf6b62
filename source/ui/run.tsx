/**
 * The terminal UI on its own, as `thaw [options]` opens it (source/cli/tui.ts
 * has parsed and checked the options): the first screens, and with --demo an
 * in-process emulator instead of AWS.
 */
import {openSettings} from '../config.js';
import {connect, type ConnectionOptions} from '../glacier/client.js';
import {connectWithSettings, runApp} from './launch.js';
import type {Route} from './routes.js';

export type TuiOptions = {
	/** Talk to a built-in emulator with demo vaults instead of AWS. */
	demo: boolean;
	/** Open straight on this vault's jobs, and with jobId on that job's download. */
	vaultName?: string;
	jobId?: string;
	/** From the command line; the saved settings fill in region, profile and endpoint. */
	connection: ConnectionOptions;
};

export async function runTui(options: TuiOptions): Promise<number> {
	const settings = openSettings();
	const initial: Route[] = [{screen: 'vaults'}];
	if (options.vaultName) {
		initial.push({screen: 'jobs', vaultName: options.vaultName});
		if (options.jobId) initial.push({screen: 'download-setup', vaultName: options.vaultName, jobId: options.jobId});
	}

	if (options.demo) {
		const {startEmulator} = await import('../emulator/index.js');
		const emulator = await startEmulator({demo: true});
		const connection = connect({endpointUrl: emulator.url, region: 'us-east-1', demoCredentials: true});
		return runApp({services: {connection, settings, demo: true}, initial, onClosed: async () => emulator.close()});
	}

	const connection = await connectWithSettings(options.connection, settings);
	return runApp({services: {connection, settings, demo: false}, initial});
}
