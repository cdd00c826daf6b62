import {describe, expect, it} from 'vitest';
import {detectFormat, InventoryFormatError} from '../../source/inventory/index.js';
import {archiveId, glacierCsv, jsonInventory, load, plain, record, rfcCsv, rows, treeHash, type TestRecord} from './helpers.js';

const id = archiveId(1);
const hash = treeHash(1);
const header = 'ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash';

async function descriptionsOf(text: string, format?: 'glacier-csv' | 'csv' | 'json'): Promise<string[]> {
	return rows(await load(text, format ? {format} : {})).map(r => r.description);
}

describe('Glacier CSV', () => {
	it('reads the AWS documentation examples exactly', async () => {
		const text = [
			header,
			`${id},"my archive description,1",2012-03-20T17:03:43Z,1,${hash}`,
			`${id},"my archive description,1\\"2",2012-03-20T17:03:43Z,1,${hash}`,
			`${id},"my archive description,1\\\\"2",2012-03-20T17:03:43Z,1,${hash}`,
		].join('\n');
		expect(await descriptionsOf(text)).toEqual(['my archive description,1', 'my archive description,1"2', 'my archive description,1\\"2']);
	});

	it('reads what Glacier writes for awkward descriptions', async () => {
		const descriptions = [
			'ends in a backslash\\',
			'comma, then backslash\\',
			'"',
			'""',
			'"""',
			'\\',
			'\\"',
			'backup,2014-01-01T00:00:00Z,123',
			`x,${hash},1,${hash}`,
			'',
			'plain',
			'tab\tand "quotes" and , commas',
		];
		const records = descriptions.map((d, n) => record(n, d));
		const result = await load(glacierCsv(records));
		expect(result.format).toBe('glacier-csv');
		expect(rows(result).map(r => r.description)).toEqual(descriptions);
		expect(rows(result).map(plain)).toEqual(records);
	});

	it('reads CRLF line ends, a byte order mark and no final newline', async () => {
		const records = [record(1, 'one'), record(2, 'two, "2"')];
		const text = '\uFEFF' + glacierCsv(records, '\r\n').trimEnd();
		const result = await load(text);
		expect(result.format).toBe('glacier-csv');
		expect(rows(result).map(plain)).toEqual(records);
	});

	it('gives identical rows whatever the chunk boundaries', async () => {
		const records = ['a', 'b,c', 'd"e', 'f\\', '"g"', 'Ähre 日本 😀'].map((d, n) => record(n, d));
		const text = glacierCsv(records, '\r\n');
		const expected = records;
		for (const size of [1, 7, 'random'] as const) {
			expect(rows(await load(text, {}, size)).map(plain)).toEqual(expected);
		}
	});

	it('requires the header', async () => {
		await expect(load(`${id},x,2012-03-20T17:03:43Z,1,${hash}\n`, {format: 'glacier-csv'})).rejects.toThrow(/line 1: expected the Glacier CSV header/);
		await expect(load('', {format: 'glacier-csv'})).rejects.toThrow(/empty/);
	});

	it('names the line and the problem of a malformed record', async () => {
		const good = `${id},ok,2012-03-20T17:03:43Z,1,${hash}`;
		const cases: Array<[string, RegExp]> = [
			[`${id},x,2012-03-20T17:03:43Z,-1,${hash}`, /line 3: Size "-1" is not a whole number/],
			[`${id},x,2012-03-20T17:03:43Z,1.5,${hash}`, /line 3: Size "1.5"/],
			[`${id},x,2012-02-30T17:03:43Z,1,${hash}`, /line 3: CreationDate "2012-02-30T17:03:43Z" is not an ISO-8601/],
			[`${id},x,yesterday,1,${hash}`, /line 3: CreationDate/],
			[`${id},x,2012-03-20T17:03:43Z,1,${hash.slice(1)}`, /line 3: SHA256TreeHash .* is not 64 hex digits/],
			[`${id},x,2012-03-20T17:03:43Z,1,${hash.slice(1)}g`, /line 3: SHA256TreeHash/],
			[`bad id!,x,2012-03-20T17:03:43Z,1,${hash}`, /line 3: ArchiveId "bad id!" has a character outside/],
			[`${id},2012-03-20T17:03:43Z,1`, /line 3: expected 5 fields/],
			['just text', /line 3: expected 5 fields/],
		];
		for (const [line, message] of cases) {
			const text = [header, good, line, good].join('\n');
			const error = await load(text).catch((error_: unknown) => error_);
			expect(error).toBeInstanceOf(InventoryFormatError);
			expect((error as InventoryFormatError).line).toBe(3);
			expect(String((error as Error).message)).toMatch(message);
			const skipped = await load(text, {skipBad: true});
			expect(skipped.store.length).toBe(2);
			expect(skipped.skipped).toBe(1);
			expect(skipped.problems[0].line).toBe(3);
		}
	});

	it('keeps dates and hashes exactly as written', async () => {
		const records = [
			record(1, 'a', {date: '2012-03-20T17:03:43.123Z'}),
			record(2, 'b', {date: '2012-03-20T19:03:43+02:00'}),
			record(3, 'c', {hash: treeHash(3).toUpperCase()}),
		];
		const result = await load(glacierCsv(records));
		expect(rows(result).map(plain)).toEqual(records);
		expect(result.store.get(1).creationDate).toBe(Date.UTC(2012, 2, 20, 17, 3, 43));
		expect(result.store.get(0).creationDate).toBe(Date.UTC(2012, 2, 20, 17, 3, 43, 123));
	});
});

describe('JSON', () => {
	it('reads an inventory with the vault fields', async () => {
		const records = [record(1, 'one'), record(2, ''), record(3, 'x'.repeat(1024))];
		const result = await load(jsonInventory(records));
		expect(result.format).toBe('json');
		expect(result.store.vaultArn).toBe('arn:aws:glacier:us-east-1:012345678901:vaults/test');
		expect(result.store.inventoryDate).toBe('2024-01-01T00:00:00Z');
		expect(rows(result).map(plain)).toEqual(records);
	});

	it('tolerates key order, whitespace, unknown keys, escapes and number forms', async () => {
		const text = `\uFEFF \r\n{ "Extra" : {"nested": [1, 2.5e-3, "}]", true, null, {"a": []}]},
			"ArchiveList" :
			[ {
				"SHA256TreeHash":"${hash}" , "Size" : 1e3,
				"Unknown":[ "\\"", {} ],
				"ArchiveDescription" : "quote \\" backslash \\\\ slash \\/ \\b\\f\\n\\r\\t \\u00c4\\u65E5 \\ud83d\\ude00 lone \\ud800.",
				"CreationDate":"2012-03-20T17:03:43Z",
				"ArchiveId":"${id}"
			}, {"ArchiveId":"${archiveId(2)}","ArchiveDescription":null,"CreationDate":"2012-03-20T17:03:43Z","Size":"42","SHA256TreeHash":"${treeHash(2)}"} ] ,
			"VaultARN":"arn:\\u0041" }  \n`;
		for (const size of ['whole', 1, 7, 'random'] as const) {
			const result = await load(text, {}, size);
			expect(result.store.length).toBe(2);
			const row = result.store.get(0);
			expect(row.description).toBe('quote " backslash \\ slash / \b\f\n\r\t Ä日 😀 lone \uFFFD.');
			expect(row.size).toBe(1000);
			expect(row.archiveId).toBe(id);
			expect(result.store.get(1).description).toBe('');
			expect(result.store.get(1).size).toBe(42);
			expect(result.store.vaultArn).toBe('arn:A');
		}
	});

	it('gives identical rows whatever the chunk boundaries (pretty-printed)', async () => {
		const records = ['a', 'b "c"', 'Ähre 日本 😀', 'mt2 abc', '\\'].map((d, n) => record(n, d, {size: n * 2 ** 40}));
		const text = JSON.stringify(JSON.parse(jsonInventory(records)), null, '\t');
		for (const size of [1, 7, 'random'] as const) expect(rows(await load(text, {}, size)).map(plain)).toEqual(records);
	});

	it('reads an empty archive list', async () => {
		expect((await load('{"VaultARN":"v","ArchiveList":[]}')).store.length).toBe(0);
	});

	it('names line and byte offset of syntax errors', async () => {
		const records = [record(1, 'a'), record(2, 'b')];
		const pretty = JSON.stringify(JSON.parse(jsonInventory(records)), null, 2);
		const broken = pretty.replace('"Size": 2000', '"Size": 2000,,');
		const error = await load(broken).catch((error_: unknown) => error_) as InventoryFormatError;
		expect(error).toBeInstanceOf(InventoryFormatError);
		const offset = broken.indexOf(',,') + 1;
		expect(error.offset).toBe(offset);
		expect(error.line).toBe(broken.slice(0, offset).split('\n').length);
		expect(error.message).toMatch(/^line \d+, byte \d+: expected a key/);
		// Same position whatever the chunking.
		const pieces = await load(broken, {}, 7).catch((error_: unknown) => error_) as InventoryFormatError;
		expect([pieces.line, pieces.offset]).toEqual([error.line, error.offset]);
	});

	it('reports a truncated file', async () => {
		for (const last of ['b', 'with "escapes" and a backslash\\']) {
			const text = jsonInventory([record(1, 'a'), record(2, last)]);
			for (let cut = 3; cut < 200; cut += 3) { // (Cutting only "]}" or "}" leaves both records)
				for (const size of ['whole', 7] as const) {
					await expect(load(text.slice(0, -cut), {}, size), `${cut}`).rejects.toThrow(/unexpected end of input/);
					const partial = await load(text.slice(0, -cut), {skipBad: true}, size);
					expect(partial.store.length).toBe(1);
					expect(partial.stoppedEarly?.message).toMatch(/unexpected end/);
				}
			}
		}
	});

	it('rejects what is not an inventory', async () => {
		await expect(load('{"VaultARN":"v"}')).rejects.toThrow(/no "ArchiveList"/);
		await expect(load('{"ArchiveList":[]} x')).rejects.toThrow(/unexpected text after the end/);
		await expect(load('{"ArchiveList":{}}')).rejects.toThrow(/must be an array/);
		await expect(load('{"ArchiveList":[1]}')).rejects.toThrow(/expected an archive record/);
	});

	it('skips and counts records with bad values', async () => {
		const records: TestRecord[] = [record(1, 'ok'), record(2, 'bad size', {size: -5}), record(3, 'ok too'), record(4, 'bad hash', {hash: 'abc'})];
		const text = JSON.stringify(JSON.parse(jsonInventory(records)), null, 1);
		const error = await load(text).catch((error_: unknown) => error_) as InventoryFormatError;
		expect(error.message).toMatch(/Size -5 is not a whole number/);
		expect(error.line).toBe(text.slice(0, text.indexOf('-5')).split('\n').length);
		const result = await load(text, {skipBad: true});
		expect(rows(result).map(r => r.description)).toEqual(['ok', 'ok too']);
		expect(result.skipped).toBe(2);
		expect(result.problems.map(p => p.reason)).toEqual([expect.stringMatching(/Size/), expect.stringMatching(/SHA256TreeHash/)]);
	});

	it('rejects missing and mistyped fields', async () => {
		const base = {ArchiveId: id, ArchiveDescription: 'd', CreationDate: '2012-03-20T17:03:43Z', Size: 1, SHA256TreeHash: hash};
		const variants: Array<[Record<string, unknown>, RegExp]> = [
			[{...base, ArchiveId: undefined}, /no ArchiveId/],
			[{...base, Size: undefined}, /no Size/],
			[{...base, Size: 1.5}, /Size 1.5/],
			[{...base, Size: 2 ** 60}, /Size/],
			[{...base, CreationDate: 5}, /CreationDate must be a string/],
			[{...base, ArchiveDescription: 7}, /ArchiveDescription must be a string/],
			[{...base, ArchiveId: 'a/b'}, /ArchiveId "a\/b"/],
		];
		for (const [archive, message] of variants) {
			await expect(load(JSON.stringify({ArchiveList: [archive]}))).rejects.toThrow(message);
		}
	});
});

describe('generic CSV (RFC 4180)', () => {
	it('reads a re-saved file with "" escapes, reordered and extra columns', async () => {
		const records = [record(1, 'say "hi", then go'), record(2, 'back\\slash'), record(3, 'line\nbreak')];
		const text = ['Size,sha256treehash,Notes,ARCHIVEID,CreationDate,ArchiveDescription',
			...records.map(r => `${r.size},${r.hash},note,${r.id},${r.date},"${r.description.replaceAll('"', '""')}"`)].join('\r\n');
		const result = await load(text);
		expect(result.format).toBe('csv');
		expect(rows(result).map(plain)).toEqual(records);
		for (const size of [1, 7, 'random'] as const) expect(rows(await load(text, {}, size)).map(plain)).toEqual(records);
	});

	it('reads Glacier\'s header with RFC escaping when the sample shows ""', async () => {
		const records = [record(1, 'a "quoted" word'), record(2, 'plain')];
		const result = await load(rfcCsv(records));
		expect(result.format).toBe('csv');
		expect(rows(result).map(plain)).toEqual(records);
	});

	it('names the line of a bad record and can skip it', async () => {
		const text = `${header}\r\n${id},a,2012-03-20T17:03:43Z,1,${hash}\r\n${id},b,2012-03-20T17:03:43Z,1.5,${hash}\r\n${id},c,2012-03-20T17:03:43Z,3,${hash}\r\n`;
		await expect(load(text, {format: 'csv'})).rejects.toThrow(/line 3: Size "1.5"/);
		const result = await load(text, {format: 'csv', skipBad: true});
		expect(rows(result).map(r => r.description)).toEqual(['a', 'c']);
		expect(result.skipped).toBe(1);
		await expect(load(`${header}\r\n${id},"a,2012-03-20T17:03:43Z,1,${hash}\r\n`, {format: 'csv'})).rejects.toThrow(InventoryFormatError);
		await expect(load('ArchiveId,Size\r\n', {format: 'csv'})).rejects.toThrow(/no CreationDate column/);
	});
});

describe('format detection', () => {
	it('tells the formats apart', () => {
		const detect = (text: string) => detectFormat(Buffer.from(text));
		expect(detect(' \n{"ArchiveList":[]}')).toBe('json');
		expect(detect('\uFEFF{}')).toBe('json');
		expect(detect(`${header}\n${id},plain,2012-03-20T17:03:43Z,1,${hash}\n`)).toBe('glacier-csv');
		expect(detect(`${header}\n${id},"a\\"b",2012-03-20T17:03:43Z,1,${hash}\n`)).toBe('glacier-csv');
		expect(detect(`${header}\n${id},"\\"",2012-03-20T17:03:43Z,1,${hash}\n`)).toBe('glacier-csv');
		expect(detect(`${header}\n${id},"a""b",2012-03-20T17:03:43Z,1,${hash}\n`)).toBe('csv');
		expect(detect(`"ArchiveId","ArchiveDescription","CreationDate","Size","SHA256TreeHash"\n`)).toBe('csv');
		expect(detect(`archiveid,archivedescription,creationdate,size,sha256treehash\n`)).toBe('csv');
		expect(() => detect('hello,world\n')).toThrow(/not a Glacier inventory/);
		expect(() => detect('')).toThrow(/not a Glacier inventory/);
	});

	it('can be overridden', async () => {
		// Glacier CSV read as generic CSV fails (that is why the Glacier reader exists).
		const text = `${header}\n${id},"a,1\\"2",2012-03-20T17:03:43Z,1,${hash}\n`;
		expect((await descriptionsOf(text))[0]).toBe('a,1"2');
		await expect(load(text, {format: 'csv'})).rejects.toThrow(InventoryFormatError);
		await expect(load(text, {format: 'json'})).rejects.toThrow(/expected '\{'/);
	});
});

describe('progress', () => {
	it('reports bytes consumed', async () => {
		const text = Buffer.from(jsonInventory(Array.from({length: 50}, (_, n) => record(n, `d${n}`))));
		const seen: number[] = [];
		await load(text, {onProgress: p => seen.push(p.bytes)}, 1000);
		expect(seen.at(-1)).toBe(text.length);
		expect(seen).toEqual([...seen].sort((a, b) => a - b));
	});
});
