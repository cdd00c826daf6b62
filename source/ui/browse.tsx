/**
 * The inventory browser on its own: what `thaw inventory FILE` (or
 * `--vault-name V --job-id J`) opens in a terminal when no --output is given.
 * headless/inventory.ts imports this module only then, so scripts never load Ink.
 */
import {openSettings} from '../config.js';
import {basename} from 'node:path';
import type {ConnectionOptions} from '../glacier/client.js';
import {inert} from '../inert.js';
import type {InventoryFormat} from '../inventory/types.js';
import type {SortSpec} from '../inventory/sort.js';
import {connectWithSettings} from './connection.js';
import {runApp} from './launch.js';
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
	const connection = await connectWithSettings(options.connection, settings);
	const source = options.source.kind === 'file' ? `inventory file ${inert(basename(options.source.path))}` : undefined;
	const spec: InventorySpec = {source: options.source, vaultName: options.vaultName, format: options.format, skipBad: options.skipBad, filter: options.filter, sort: options.sort};
	return runApp({services: {connection, settings, demo: false, source}, initial: [{screen: 'inventory', spec}]});
}
