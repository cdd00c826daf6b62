import {ThawError} from '../errors.js';

export async function run(_args: string[]): Promise<number> {
	throw new ThawError('thaw verify is not built yet.');
}
