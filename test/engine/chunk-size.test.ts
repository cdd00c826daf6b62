import {describe, expect, it} from 'vitest';
import {parseSetting} from '../../source/config.js';
import {checkChunkSize, chunkSizeProblem} from '../../source/engine/chunk-size.js';

describe('checkChunkSize, the one chunk-size rule', () => {
	it('takes powers of two from 1 to 4096 MiB', () => {
		for (const n of [1, 2, 64, 128, 4096]) expect(checkChunkSize(String(n), '--chunk-size')).toBe(n);
		expect(checkChunkSize(undefined, '--chunk-size')).toBeUndefined();
	});

	it('refuses the rest with one line naming the option', () => {
		for (const text of ['0', '3', '96', '8192', '1.5', '-4', 'auto', '']) {
			expect(() => checkChunkSize(text, '--chunk-size')).toThrow(/^--chunk-size takes a power of two number of MiB from 1 to 4096/);
			expect(chunkSizeProblem(text)).toBeDefined();
		}
	});

	it('is what thaw config uses: a saved 128 is what the TUI setup then accepts', () => {
		expect(parseSetting('chunkSizeMiB', '128')).toEqual({key: 'chunkSizeMiB', value: 128});
		expect(chunkSizeProblem('128')).toBeUndefined();
		expect(() => parseSetting('chunkSizeMiB', '3')).toThrow(/^chunkSizeMiB takes a power of two/);
	});
});
