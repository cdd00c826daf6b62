/**
 * Where thaw keeps its record of the archives it deleted (deletions.json,
 * beside the settings file; THAW_CONFIG_DIR moves both): written by `thaw
 * restore purge`, read by `thaw delete-vault`.
 */
import {dirname, join} from 'node:path';
import {openSettings} from '../config.js';
import {ledgerFileName} from '../restore/purge/ledger.js';

/** The ledger's path, or undefined when the settings folder cannot be found (then nothing is recorded). */
export function ledgerPath(): string | undefined {
	try {
		return join(dirname(openSettings().path), ledgerFileName);
	} catch {
		return undefined;
	}
}
