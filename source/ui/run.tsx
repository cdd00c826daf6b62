/**
 * The terminal UI on its own, as `thaw [options]` opens it (source/cli/tui.ts
 * has parsed and checked the options): the first screens, and with --demo an
 * in-process emulator instead of AWS.
 */
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {openSettings} from '../config.js';
import {vaultPages} from '../glacier/api.js';
import {connect, type Connection, type ConnectionOptions} from '../glacier/client.js';
import {connectWithSettings} from './connection.js';
import {startEarly} from './early.js';
import type {Route} from './routes.js';
import type {StartFrame} from './start-frame.js';

export type TuiOptions = {
	/** Talk to a built-in emulator with demo vaults instead of AWS. */
	demo: boolean;
	/** Open straight on this vault's jobs, and with jobId on that job's download. */
	vaultName?: string;
	jobId?: string;
	/** From the command line; the saved settings fill in region, profile and endpoint. */
	connection: ConnectionOptions;
	/** The start screen cli/tui.ts drew while this loaded. */
	start?: StartFrame;
};

/** The connection options as they were typed, for the resume command thaw prints on exit. */
export function connectionFlags(c: ConnectionOptions): string[] {
	const flags: string[] = [];
	if (c.endpointUrl) flags.push('--endpoint-url', c.endpointUrl);
	if (c.region) flags.push('--region', c.region);
	if (c.profile) flags.push('--profile', c.profile);
	if (c.accountId && c.accountId !== '-') flags.push('--account-id', c.accountId);
	if (c.noVerifySsl) flags.push('--no-verify-ssl');
	if (c.caBundle) flags.push('--ca-bundle', c.caBundle);
	return flags;
}

export async function runTui(options: TuiOptions): Promise<number> {
	// The demo keeps its settings apart (the vault opened last, a download folder): a throw-away
	// folder, so trying the demo never changes what the real thaw remembers.
	const demoDir = options.demo ? mkdtempSync(join(tmpdir(), 'thaw-demo-settings-')) : undefined;
	const settings = demoDir ? openSettings({cwd: demoDir}) : openSettings();
	const initial: Route[] = [{screen: 'vaults'}];
	if (options.vaultName) {
		initial.push({screen: 'jobs', vaultName: options.vaultName});
		if (options.jobId) initial.push({screen: 'download-setup', vaultName: options.vaultName, jobId: options.jobId});
	}

	// ListVaults goes out first, then Ink and the screens load (launch.js, a chunk of its own in the
	// bundle) while Glacier answers: the list shows as soon as it can.
	const early = (connection: Connection) => (options.vaultName ? undefined : startEarly(vaultPages(connection)));
	if (options.demo) {
		const {startEmulator} = await import('../emulator/index.js');
		const emulator = await startEmulator({demo: true});
		const connection = connect({endpointUrl: emulator.url, region: 'us-east-1', demoCredentials: true});
		const vaults = early(connection);
		const {runApp} = await import('./launch.js');
		return runApp({services: {connection, settings, demo: true, vaults}, initial, start: options.start, onClosed: async () => {
			rmSync(demoDir!, {recursive: true, force: true});
			await emulator.close();
		}});
	}

	const connection = await connectWithSettings(options.connection, settings);
	const vaults = early(connection);
	const {runApp} = await import('./launch.js');
	return runApp({services: {connection, settings, demo: false, vaults}, initial, start: options.start, resumeFlags: connectionFlags(options.connection)});
}
