/**
 * The inventory browser on its own: what `thaw inventory FILE` (or
 * `--vault-name V --job-id J`) opens in a terminal when no --output is given.
 * headless/inventory.ts imports this module only then, so scripts never load Ink.
 */
import process from 'node:process';
import {render} from 'ink';
import {openSettings} from '../config.js';
import {ExitCode} from '../errors.js';
import {basename} from 'node:path';
import {connect, resolveRegion, type ConnectionOptions} from '../glacier/client.js';
import {inert} from '../inert.js';
import type {InventoryFormat} from '../inventory/types.js';
import type {SortSpec} from '../inventory/sort.js';
import {App} from './app.js';
import type {InventorySpec} from './routes.js';

export type BrowseOptions = {
	source: InventorySpec['source'];
	/** The vault the inventory lists (retrievals need it). */
	vaultName?: string;
	format?: InventoryFormat;
	skipBad?: boolean;
	filter?: string;
	sort?: SortSpec;
	/** From the command line; the saved settings fill in region, profile and endpoint. */
	connection: ConnectionOptions;
};

export async function browseInventory(options: BrowseOptions): Promise<number> {
	const settings = openSettings();
	const saved = settings.get();
	const given = options.connection;
	const connection = connect({
		...given,
		region: given.region ?? (process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION ? undefined : saved.region),
		profile: given.profile ?? (process.env.AWS_PROFILE ? undefined : saved.profile),
		endpointUrl: given.endpointUrl ?? saved.endpoint,
	});
	if (options.source.kind === 'job') await resolveRegion(connection);
	const source = options.source.kind === 'file' ? `inventory file ${inert(basename(options.source.path))}` : undefined;
	const spec: InventorySpec = {source: options.source, vaultName: options.vaultName, format: options.format, skipBad: options.skipBad, filter: options.filter, sort: options.sort};
	let exitCode: number = ExitCode.ok;
	const instance = render(
		<App
			services={{connection, settings, demo: false, source, now: Date.now, refreshMs: 15_000, frameMs: 100, cwd: process.cwd(), track: () => () => true}}
			initial={[{screen: 'inventory', spec}]}
			onExit={code => {
				exitCode = code;
				instance.unmount();
			}}
		/>,
		{maxFps: 12, exitOnCtrlC: true, patchConsole: true},
	);
	try {
		await instance.waitUntilExit();
	} finally {
		connection.close();
		setTimeout(() => {
			process.exit(exitCode);
		}, 200).unref();
	}

	return exitCode;
}
