import {ThawError} from '../errors.js';

export async function run(_args: string[]): Promise<number> {
	throw new ThawError('thaw get-job-output is not built yet.');
}
