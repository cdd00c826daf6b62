/**
 * `thaw inventory`: in a terminal and without --output, the inventory
 * browser; otherwise the headless command prints. Both read the same checked
 * request, so a bad flag fails the same way in either mode.
 */
import process from 'node:process';
import {ExitCode} from '../errors.js';
import {inventoryUsage, printInventory, readInventoryArgs} from '../headless/inventory.js';
import {isTerminal} from './terminal.js';

export async function run(args: string[]): Promise<number> {
	const request = await readInventoryArgs(args);
	if (request === 'help') {
		process.stdout.write(inventoryUsage + '\n');
		return ExitCode.ok;
	}

	if (request.output !== undefined || !isTerminal()) return printInventory(request);

	// Only now load Ink: scripts and pipes never pay for it.
	const {browseInventory} = await import('../ui/browse.js');
	return browseInventory({
		source: request.file === undefined ? {kind: 'job', vaultName: request.vaultName!, jobId: request.jobId!} : {kind: 'file', path: request.file},
		vaultName: request.vaultName,
		format: request.format,
		skipBad: request.skipBad,
		filter: request.filterText,
		sort: request.sort,
		connection: request.connection,
	});
}
