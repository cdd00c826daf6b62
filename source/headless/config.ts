import {ThawError} from '../errors.js';

export async function run(_args: string[]): Promise<number> {
	throw new ThawError('thaw config is not built yet.');
}
