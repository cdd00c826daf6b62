import {ThawError} from '../errors.js';

export async function run(_args: string[]): Promise<number> {
	throw new ThawError('the terminal UI is not built yet.');
}
