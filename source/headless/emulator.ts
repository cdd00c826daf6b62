import {ThawError} from '../errors.js';

export async function run(_args: string[]): Promise<number> {
	throw new ThawError('thaw emulator is not built yet.');
}
