import {describe, expect, it} from 'vitest';
import {startEarly} from '../../source/ui/early.js';

describe('startEarly (ListVaults sent before Ink loads)', () => {
	it('asks for the first page at once, hands the pages to one taker, then to nobody', async () => {
		const asked: number[] = [];
		async function * pages() {
			asked.push(1);
			yield ['a'];
			asked.push(2);
			yield ['b'];
		}

		const early = startEarly(pages());
		// The first request is under way before anyone reads.
		expect(asked).toEqual([1]);
		const seen: string[][] = [];
		for await (const page of early.take()!) seen.push(page);
		expect(seen).toEqual([['a'], ['b']]);
		expect(early.take()).toBeUndefined();
	});

	it('keeps a failure for the taker and does not crash the process when nobody takes it', async () => {
		async function * failing(): AsyncGenerator<string[]> {
			yield * [];
			throw new Error('no region');
		}

		startEarly(failing());
		const early = startEarly(failing());
		await new Promise(resolve => {
			setTimeout(resolve, 10);
		});
		await expect(early.take()![Symbol.asyncIterator]().next()).rejects.toThrow('no region');
	});
});
