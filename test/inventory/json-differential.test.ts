import {describe, expect, it} from 'vitest';
import {archiveId, load, pieces, rows, treeHash} from './helpers.js';

/** Random JSON inventories checked against JSON.parse, cut into random pieces. */
describe('JSON reader against JSON.parse', () => {
	it('agrees on random inventories and random chunking', async () => {
		let x = 12_345;
		const next = (n: number) => {
			x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0;
			return (x >>> 8) % n;
		};

		const alphabet = ['a', 'Z', ' ', '"', '\\', '/', '\n', '\t', '\u0001', 'Ä', '日', '😀', ',', '{', '}', '[', ']', ':', '\u2028', '\uD800'];
		for (let round = 0; round < 40; round++) {
			const archives = Array.from({length: 1 + next(8)}, (_, n) => {
				const description = Array.from({length: next(30)}, () => alphabet[next(alphabet.length)]).join('');
				const entries: Array<[string, unknown]> = [
					['ArchiveId', archiveId(round * 10 + n)],
					['ArchiveDescription', description],
					['CreationDate', '2014-01-31T12:00:00Z'],
					['Size', next(2) === 0 ? next(1e6) : 2 ** 40 + next(1000)],
					['SHA256TreeHash', treeHash(n)],
				];
				if (next(3) === 0) entries.push(['Extra', {deep: [1, 'x"', null, {y: [true, false]}]}]);
				for (let k = entries.length - 1; k > 0; k--) { // Shuffle the keys
					const j = next(k + 1);
					[entries[k], entries[j]] = [entries[j], entries[k]];
				}

				return Object.fromEntries(entries);
			});
			const document = {InventoryDate: '2024-01-01T00:00:00Z', ArchiveList: archives, VaultARN: 'arn:"x"'};
			let text = JSON.stringify(document, null, [undefined, 1, '\t', '  \r\n'.slice(0, 1 + next(4))][next(4)] as string | number | undefined);
			if (next(2) === 0) text = text.replace(/[\u0080-\uFFFF]/g, ch => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`); // \u escapes for everything
			const expected = (JSON.parse(text) as typeof document).ArchiveList.map(a => ({
				id: a.ArchiveId, description: (a.ArchiveDescription as string).replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD'), size: a.Size,
			}));
			const data = Buffer.from(text);
			for (const size of [1, 3, 'random'] as const) {
				const result = await load(Buffer.concat(pieces(data, size, round + 1)), {}, size === 1 ? 1 : size === 3 ? 3 : 'random');
				expect(rows(result).map(r => ({id: r.archiveId, description: r.description, size: r.size})), `round ${round}`).toEqual(expected);
				expect(result.store.vaultArn).toBe('arn:"x"');
			}
		}
	});
});
