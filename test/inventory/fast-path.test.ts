import {describe, expect, it} from 'vitest';
import {decodePath} from '../../source/inventory/decoders.js';
import {decodedPath, decodePathBytes, isWellFormedUtf8} from '../../source/inventory/fast-path.js';

/** What decodePathBytes says, as text: undefined when it leaves the row to decodePath(). */
function fast(raw: string | Buffer): string | undefined {
	const bytes = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
	// Surrounded by other bytes, as rows sit in a page.
	const page = Buffer.concat([Buffer.from('xx<m>'), bytes, Buffer.from('</m>yy')]);
	const out = Buffer.alloc(bytes.length + 8, 0xAA); // Stale bytes after the decoded text must not matter
	const length = decodePathBytes(page, 5, 5 + bytes.length, out);
	return length < 0 ? undefined : out.toString('utf8', decodedPath.start, decodedPath.start + length);
}

const b64 = (text: string | Buffer, encoding: BufferEncoding = 'base64') => (typeof text === 'string' ? Buffer.from(text, 'utf8') : text).toString(encoding);
const mt2 = (json: string | Buffer, encoding: BufferEncoding = 'base64url') => 'mt2 ' + b64(json, encoding);

describe('decodePathBytes (the search index fast path)', () => {
	const names = ['Projects/2019/holiday_0002.JPG', 'Fotos/Ähre 日本.jpg', 'emoji/😀.png', 'a', 'C:\\x\\y.txt', 'a b "c"'];

	it('decodes plain mt2 and <m> descriptions', () => {
		for (const name of names) {
			const json = JSON.stringify({filename: name, mtime: '20190303T120000Z'});
			if (!json.includes('\\')) expect(fast(mt2(json))).toBe(name);
			const m = `<m><v>4</v><p>${b64(name)}</p><lm>20190303T120000Z</lm></m>`;
			expect(fast(m)).toBe(name);
			expect(decodePath(m)).toBe(name);
		}
	});

	// Every case: the fast path either agrees with decodePath() or leaves the row to it.
	const cases: Array<string | Buffer> = [
		mt2('{"filename":"a/b"}'), mt2('{"filename":"a/b"}', 'base64'), mt2(' {\t"mtime" : "x" ,\n"filename":"p/q" } '),
		mt2('{"filename":"first","filename":"last"}'), mt2('{"filename":""}'), mt2('{"mtime":"x"}'), mt2('{}'), mt2(''),
		mt2('{"filename":"a\\"b"}'), mt2('{"filename":"a\\u0041"}'), mt2('{"filename":5}'), mt2('{"filename":"a"'), mt2('{"filename":"a"}x'),
		mt2('{"filename":"a",}'), mt2('{"filename" "a"}'), mt2('{"filename":"tab\there"}'), mt2('["filename","a"]'),
		mt2(Buffer.from([0xEF, 0xBB, 0xBF, ...Buffer.from('{"filename":"bom"}')])), mt2(Buffer.from([...Buffer.from('{"filename":"'), 0xC3, 0x28, ...Buffer.from('"}')])),
		mt2(Buffer.from([...Buffer.from('{"filename":"'), 0xED, 0xA0, 0x80, ...Buffer.from('"}')])), mt2(Buffer.from([...Buffer.from('{"filename":"'), 0xF4, 0x90, 0x80, 0x80, ...Buffer.from('"}')])),
		mt2(Buffer.from([...Buffer.from('{"filename":"'), 0xE0, 0x80, 0x80, ...Buffer.from('"}')])), mt2(Buffer.from([...Buffer.from('{"filename":"'), 0xC3, ...Buffer.from('"}')])),
		mt2('{"filename":"x"}') + '=', mt2('{"filename":"x"}') + '===', 'mt2 ' + b64('{"filename":"x"}').slice(0, -1) + '!', 'mt2 ', 'mt2  ',
		'mt1 ' + b64('{"filename":"x"}', 'base64url'), 'mt2 ' + b64('{"filename":"x"}', 'base64url') + 'A',
		'<m><p>' + b64('x/y') + '</p></m>', '<m><p>' + b64('x/yz') + '</p></m>', '<m><p>' + b64('x/yzw') + '</p></m>', '<m><p>' + b64('ab').replace(/=+$/, '') + '</p></m>',
		'<m><p>' + b64('a') + '=</p></m>', '<m><p>QUJD=</p></m>', '<m><p>Q==</p></m>', '<m><p>QQ=</p></m>', '<m><p>QQ</p></m>', '<m><p> QQ== </p></m>',
		'<m><p>' + b64(Buffer.from([0xfb, 0xff, 0xbf, 0x41])) + '</p></m>', '<m><p>' + b64(Buffer.from([0xfb, 0xff, 0xbf, 0x41]), 'base64url') + '</p></m>', '<m><p>+-AA</p></m>',
		'<m><p>' + b64('one') + '</p><p>' + b64('two') + '</p></m>', '<m><P>' + b64('upper') + '</P></m>', '<m><p>' + b64('x') + '</q></m>', '<m><p>' + b64('x') + '</p>junk</m>',
		'<m><p>' + b64('x') + '</p><lm></lm></m>', '<m><v>4<p>' + b64('x') + '</p></v></m>', '<m><p></p></m>', '<m></m>', '<m><p>' + b64('x') + '</p>', '<m><p>' + b64('x') + '</p></m></m>',
		'<m><p>' + b64('x') + '</m>', '<m><lm>20190303T120000Z</lm><p>' + b64('late') + '</p></m>', '<m><ab1>x</ab1><p>' + b64('x') + '</p></m>',
		'<m><p>' + b64(Buffer.from([0xEF, 0xBB, 0xBF, 0x41])) + '</p></m>', '<m><p>' + b64(Buffer.from([0xC0, 0x80])) + '</p></m>', '<m><p>' + b64(Buffer.from([0xF0, 0x9F, 0x98])) + '</p></m>',
		'<m><p>' + b64('x') + '</p><n>Ähre</n></m>', '<m><p>' + b64('x') + '</p>\n</m>', '{"Path":"x","Flags":0}', '<ArchiveMetadata><Path>eA==</Path></ArchiveMetadata>', 'plain text',
	];

	it('agrees with decodePath() or leaves the row to it', () => {
		let decided = 0;
		for (const raw of cases) {
			const text = typeof raw === 'string' ? raw : raw.toString('utf8');
			const answer = fast(raw);
			if (answer !== undefined) {
				decided++;
				expect(answer, text).toBe(decodePath(text));
			}
		}

		expect(decided).toBeGreaterThan(10);
	});

	it('agrees on random mutations of encoded descriptions', () => {
		let seed = 7;
		const random = () => {
			seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
			return seed / 4_294_967_296;
		};

		const bases = names.flatMap(name => [mt2(JSON.stringify({filename: name, mtime: '20190303T120000Z'})), `<m><v>4</v><p>${b64(name)}</p><lm>20190303T120000Z</lm></m>`]);
		const alphabet = 'A/+-_=<>pm{}" \\\u00C4x';
		let decided = 0;
		for (let k = 0; k < 4000; k++) {
			let text = bases[k % bases.length];
			const edits = 1 + Math.floor(random() * 3);
			for (let e = 0; e < edits; e++) {
				const at = Math.floor(random() * text.length);
				const kind = random();
				const ch = alphabet[Math.floor(random() * alphabet.length)];
				text = kind < 0.4 ? text.slice(0, at) + ch + text.slice(at + 1) : kind < 0.7 ? text.slice(0, at) + text.slice(at + 1) : text.slice(0, at) + ch + text.slice(at);
			}

			const answer = fast(text);
			if (answer !== undefined) {
				decided++;
				expect(answer, text).toBe(decodePath(text));
			}
		}

		expect(decided).toBeGreaterThan(100);
	});

	it('checks UTF-8 like TextDecoder with fatal: true', () => {
		const strict = new TextDecoder('utf-8', {fatal: true});
		let seed = 3;
		for (let k = 0; k < 20_000; k++) {
			const bytes = new Uint8Array(1 + (k % 5));
			for (let j = 0; j < bytes.length; j++) {
				seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
				const r = seed >>> 24;
				bytes[j] = j === 0 ? r : (r & 1 ? 0x80 | (r & 0x3F) : r); // Often continuation bytes
			}

			let valid = true;
			try {
				strict.decode(bytes);
			} catch {
				valid = false;
			}

			expect(isWellFormedUtf8(bytes, 0, bytes.length), String([...bytes])).toBe(valid);
		}
	});
});
