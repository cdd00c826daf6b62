/**
 * The planner's byte-level fast paths (issue 10's scale work) against the
 * planner as it was (plan-reference.ts): the same archives.jsonl and
 * decisions.jsonl, byte for byte, over the emulator's demo descriptions and
 * thousands of random hostile ones (versions, case clashes, folders, long
 * names, every description format, invalid UTF-8, lone surrogates).
 */
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {cloudBerry, fastGlacier, mt1, mt2, qnap} from '../../source/emulator/descriptions.js';
import {loadDemo} from '../../source/emulator/demo.js';
import {loadRestoreDemo} from '../../source/emulator/restore-demo.js';
import type {EmulatorState} from '../../source/emulator/state.js';
import {parseCompactDate} from '../../source/inventory/decoders.js';
import {parseCompactDateBytes} from '../../source/inventory/fast-path.js';
import {loadInventory} from '../../source/inventory/load.js';
import {keepAsIs} from '../../source/restore/plan/fast-name.js';
import {makePlan} from '../../source/restore/plan/make.js';
import {referenceFiles} from './plan-reference.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'thaw-plan-scale-'));
afterAll(() => {
	rmSync(root, {recursive: true, force: true});
});
let planCount = 0;

type Entry = {id: string; description: string | Buffer; created: string; size: number; hash: string};

/** A JSON inventory; a Buffer description is put in as the raw bytes of the JSON string's content (invalid UTF-8 included). */
function inventoryBytes(entries: Entry[]): Buffer {
	const raw: Buffer[] = [];
	const list = entries.map(entry => ({
		ArchiveId: entry.id,
		ArchiveDescription: typeof entry.description === 'string' ? entry.description : `@@RAW${raw.push(entry.description) - 1}@@`,
		CreationDate: entry.created,
		Size: entry.size,
		SHA256TreeHash: entry.hash,
	}));
	const text = JSON.stringify({VaultARN: 'arn:aws:glacier:us-east-1:012345678901:vaults/photos', InventoryDate: '2026-11-01T00:00:00Z', ArchiveList: list});
	const parts: Buffer[] = [];
	let at = 0;
	for (const match of text.matchAll(/@@RAW(\d+)@@/g)) {
		parts.push(Buffer.from(text.slice(at, match.index), 'utf8'), raw[Number(match[1])]);
		at = match.index + match[0].length;
	}

	parts.push(Buffer.from(text.slice(at), 'utf8'));
	return Buffer.concat(parts);
}

/** The first line where two files differ, with both versions (undefined: none). */
function firstDifference(got: string, want: string): {line: number; got: string; want: string} | undefined {
	if (got === want) return undefined;
	const gotLines = got.split('\n');
	const wantLines = want.split('\n');
	for (let k = 0; ; k++) if (gotLines[k] !== wantLines[k]) return {line: k + 1, got: gotLines[k], want: wantLines[k]};
}

/** Plan the inventory both ways; expect the same files. */
async function expectSamePlans(entries: Entry[]): Promise<void> {
	const bytes = inventoryBytes(entries);
	const file = path.join(root, `inventory-${planCount}.json`);
	writeFileSync(file, bytes);
	const {store} = await loadInventory(file);
	const now = Date.parse('2026-12-01T00:00:00Z');
	for (const versions of ['latest', 'all'] as const) {
		const planDir = path.join(root, `plan-${planCount++}`);
		mkdirSync(planDir);
		const made = await makePlan({planDir, vaultName: 'photos', inventory: {file}, to: path.join(root, 'out'), versions, now});
		const reference = referenceFiles(store, store.view(null), versions, now);
		const archives = readFileSync(path.join(planDir, 'archives.jsonl'), 'utf8');
		const decisions = readFileSync(path.join(planDir, 'decisions.jsonl'), 'utf8');
		expect(firstDifference(archives, reference.archives), `archives.jsonl (${versions})`).toBeUndefined();
		expect(firstDifference(decisions, reference.decisions), `decisions.jsonl (${versions})`).toBeUndefined();
		expect(made.header.totals).toEqual(reference.totals);
		// offsets.bin: where each line starts, and the end.
		const offsets = new Float64Array(new Uint8Array(readFileSync(path.join(planDir, 'offsets.bin'))).buffer);
		const raw = readFileSync(path.join(planDir, 'archives.jsonl'));
		const starts = [0];
		for (let at = raw.indexOf(0x0A); at !== -1; at = raw.indexOf(0x0A, at + 1)) starts.push(at + 1);
		expect([...offsets]).toEqual(starts);
	}
}

/** The descriptions the emulator's demo vaults hold (its state's archive adder, nothing else). */
function demoDescriptions(): string[] {
	const descriptions: string[] = [];
	const collect = {
		now: Date.parse('2026-12-01T00:00:00Z'),
		createVault() {},
		addArchive(_vault: string, spec: {description?: string}) {
			descriptions.push(spec.description ?? '');
			return {id: 'x'};
		},
		addJob() {
			return 'job';
		},
	} as unknown as EmulatorState;
	loadRestoreDemo(collect);
	try {
		loadDemo(collect);
	} catch {
		// The demo's other vaults may need more of the state; the restore demo's are the ones that matter.
	}

	return descriptions;
}

function random(seed: number): () => number {
	return () => {
		seed = (seed + 0x6D_2B_79_F5) | 0;
		let t = seed;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	};
}

const idAlphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
// Pieces of hostile paths: separators, dots, drive letters, controls, C1, bidi, line separators, white space,
// combining marks and characters whose case or NFC form changes length, CJK, emoji, a lone surrogate.
const pieces = ['a', 'B', 'photos', 'Photos', 'IMG_1.JPG', 'img_1.jpg', 'x.tar.gz', '/', '/', '/', '\\', '.', '..', './', '../', 'C:', 'c:\\', ':', ' ', '  ',
	'\u0000', '\u001B', '\u007F', '\u0085', '\u009F', '\u00A0', '\u202E', '\u2028', '\u2066', '\uFEFF', 'Ähre', 'ähre', 'A\u0308hre', 'é', 'e\u0301', 'İ', 'ß', 'ẞ', '\u212A', 'Σ', 'σς',
	'日本', '写真', 'ｶ', 'ÀÉÎÕÜ', 'àéîõü', '×÷ÿ', 'Þþ', 'µª', 'ß/SS', 'Ÿ', '\uF900', '😀', '\uD800', 'x.part', 'y.PART', 'z.Journal', '.part.journal', '"', '"q"', ',', '+', '-', '~', 'Ǆ', 'ǅ', 'ǆ', '\u0300'];

function randomPath(next: () => number): string {
	const roll = next();
	if (roll < 0.03) return 'x'.repeat(230 + Math.floor(next() * 40)) + (next() < 0.5 ? '.jpg' : '');
	if (roll < 0.05) return `${'ü'.repeat(100 + Math.floor(next() * 40))}/${'長'.repeat(70 + Math.floor(next() * 30))}.txt`;
	let text = '';
	const count = 1 + Math.floor(next() * 6);
	for (let k = 0; k < count; k++) text += pieces[Math.floor(next() * pieces.length)];
	return text;
}

function compactDate(next: () => number): string {
	const roll = next();
	if (roll < 0.05) return ['20190230T000000Z', '20191301T000000Z', '00500101T000000Z', '20200101T240000Z', '2020-01-01', 'x', '20200229T235959Z', '21000229T000000Z', '00000229T000000Z'][Math.floor(next() * 9)];
	const ms = Date.UTC(1995, 0, 1) + Math.floor(next() * 30 * 365 * 86_400_000);
	return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

function wrap(next: () => number, path: string): string | Buffer {
	const mtime = compactDate(next);
	const roll = Math.floor(next() * 14);
	switch (roll) {
		case 0: case 1: case 2: return mt2(path, mtime);
		case 3: return mt1(path, mtime);
		case 4: case 5: return fastGlacier(path, mtime, next() < 0.8 ? 4 : 2);
		case 6: return cloudBerry(path, mtime);
		case 7: return qnap(path);
		case 8: return `mt2 ${Buffer.from(`{"mtime":"20010101T000000Z", "filename":${JSON.stringify(path)},"mtime" :"${mtime}"}`).toString('base64')}`; // The last mtime wins
		case 9: return `<m><lm>${mtime}</lm><p>${Buffer.from(path).toString('base64')}</p><lm>20000101T000000Z</lm></m>`;
		case 10: return next() < 0.5 ? `{${path}` : `<ArchiveMetadata><Path>${Buffer.from(path).toString('base64')}</Path><LastModified>${mtime}</LastModified></ArchiveMetadata>`;
		case 11: { // Invalid UTF-8 in a plain description (the JSON string's content, escaped around it)
			const escaped = (text: string) => Buffer.from(JSON.stringify(text).slice(1, -1), 'utf8');
			return Buffer.concat([escaped(path.slice(0, 3)), Buffer.from([[0xC3, 0x28], [0xED, 0xA0, 0x80], [0xE0, 0x80, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC3]][Math.floor(next() * 5)]), escaped(path.slice(3))]);
		}

		default: return path; // Plain
	}
}

function entries(next: () => number, descriptions: Array<string | Buffer>): Entry[] {
	return descriptions.map(description => {
		let id = '';
		const roll = next();
		const length = roll < 0.02 ? 1 + Math.floor(next() * 5) : roll < 0.04 ? 139 + Math.floor(next() * 200) : 138;
		for (let c = 0; c < length; c++) id += idAlphabet[Math.floor(next() * 64)];
		let hash = '';
		for (let c = 0; c < 64; c++) hash += '0123456789abcdef'[Math.floor(next() * 16)];
		if (next() < 0.05) hash = hash.toUpperCase();
		const day = Math.floor(next() * 4) * 86_400_000; // Few distinct dates: ties between versions
		const base = next() < 0.05 ? Date.UTC(1965, 5, 1) : Date.UTC(2015, 0, 1);
		const dateRoll = next();
		const anyDay = Date.UTC(1, 0, 1) + Math.floor(next() * (Date.UTC(9999, 11, 31) - Date.UTC(1, 0, 1))); // Any date of 4-digit years, any millisecond
		const created = dateRoll < 0.05 ? new Date(base + day + 123).toISOString() : dateRoll < 0.1 ? new Date(base + day).toISOString()
			: dateRoll < 0.15 ? new Date(anyDay).toISOString() : dateRoll < 0.2 ? new Date(anyDay - (anyDay % 1000)).toISOString().replace('.000Z', 'Z')
				: new Date(base + day).toISOString().replace('.000Z', 'Z');
		return {id, description, created, size: Math.floor(next() * 2 ** (next() < 0.1 ? 50 : 20)), hash};
	});
}

describe('restore plan fast paths agree with the reference planner', () => {
	it('keepAsIs takes only characters NFC never changes', () => {
		for (let cp = 0xA1; cp < 0x300; cp++) expect(String.fromCodePoint(cp).normalize('NFC')).toBe(String.fromCodePoint(cp));
		for (let cp = 0x4E00; cp <= 0x9FFF; cp += 7) expect(String.fromCodePoint(cp).normalize('NFC')).toBe(String.fromCodePoint(cp));
		const next = random(5);
		for (let k = 0; k < 2000; k++) {
			let text = '';
			for (let c = 0; c < 8; c++) {
				const r = next();
				text += String.fromCodePoint(r < 0.4 ? 0x20 + Math.floor(next() * 0x5F) : r < 0.8 ? 0xA1 + Math.floor(next() * 0x25F) : 0x4E00 + Math.floor(next() * 0x5200));
			}

			const bytes = Buffer.from(text);
			if (keepAsIs(bytes, 0, bytes.length) !== 0) expect(text.normalize('NFC')).toBe(text);
		}

		// keys.ts lower-cases byte-foldable paths (U+00A1..U+00FF, CJK) on their bytes: U+00C0..U+00DE but U+00D7, +0x20; nothing else.
		for (let cp = 0xA1; cp <= 0xFF; cp++) expect(String.fromCharCode(cp).toLowerCase()).toBe(String.fromCharCode(cp >= 0xC0 && cp <= 0xDE && cp !== 0xD7 ? cp + 0x20 : cp));
		for (let cp = 0x4E00; cp <= 0x9FFF; cp += 7) expect(String.fromCodePoint(cp).toLowerCase()).toBe(String.fromCodePoint(cp));
		for (const text of ['a\u0301', '\uF900', 'ｶ', '\u00A0', ' \u3000', 'a/./b', 'a//b', '/a', 'a/', 'C:x', 'x.Part', 'x.JOURNAL', '\uFEFFx', 'a\\b', 'a\u0085b', 'a\u2028b']) {
			const bytes = Buffer.from(text);
			expect(keepAsIs(bytes, 0, bytes.length), text).toBe(0);
		}
	});

	it('parses compact dates like parseCompactDate', () => {
		const next = random(9);
		const samples = ['20190303T120000Z', '20190230T000000Z', '20200229T000000Z', '21000229T000000Z', '20000229T000000Z', '00000229T000000Z', '00040229T000000Z', '00500101T000000Z',
			'20191301T000000Z', '20190001T000000Z', '20190100T000000Z', '20190101T240000Z', '20190101T236000Z', '20190101T235960Z', '2019010 T000000Z', '20190101T000000z', '20190101T000000Z ', '+0190101T000000Z', ''];
		for (let k = 0; k < 5000; k++) {
			const d = () => String(Math.floor(next() * 10));
			samples.push(`${d()}${d()}${d()}${d()}${d()}${d()}${d()}${d()}T${d()}${d()}${d()}${d()}${d()}${d()}Z`);
		}

		for (const text of samples) {
			const bytes = Buffer.from(`xx${text}yy`, 'latin1');
			expect(parseCompactDateBytes(bytes, 2, 2 + text.length), text).toEqual(parseCompactDate(text) ?? Number.NaN);
		}
	});

	it('the emulator demo vaults (restore-demo and the browser demo)', async () => {
		const next = random(1);
		const descriptions = demoDescriptions();
		expect(descriptions.length).toBeGreaterThan(3000);
		await expectSamePlans(entries(next, [...descriptions, ...descriptions.slice(0, 200), '', '', 'mt2 !!!', '<m></m>']));
	});

	it('random hostile descriptions, with versions and case-insensitive clashes', async () => {
		const next = random(2);
		// A pool of paths, each used a few times (versions), some in another case (clashes), under every wrapper.
		const pool: string[] = [];
		for (let k = 0; k < 700; k++) pool.push(randomPath(next));
		const descriptions: Array<string | Buffer> = [];
		for (let k = 0; k < 4000; k++) {
			let chosen = pool[Math.floor(next() * pool.length)];
			const roll = next();
			if (roll < 0.15) chosen = chosen.toUpperCase();
			else if (roll < 0.3) chosen = chosen.toLowerCase();
			else if (roll < 0.35) chosen = `${chosen}/${pool[Math.floor(next() * pool.length)]}`; // A file under another's name
			descriptions.push(next() < 0.03 ? '' : wrap(next, chosen));
		}

		await expectSamePlans(entries(next, descriptions));
	});

	it('plain ASCII paths that clash with folders and each other (the common case, in bulk)', async () => {
		const next = random(3);
		const words = ['photos', 'Photos', 'IMG', 'img', 'backup', 'a', 'A', 'b'];
		const descriptions: Array<string | Buffer> = [];
		for (let k = 0; k < 5000; k++) {
			const depth = Math.floor(next() * 4);
			const parts: string[] = [];
			for (let d = 0; d <= depth; d++) parts.push(words[Math.floor(next() * words.length)]);
			const text = parts.join('/') + (next() < 0.5 ? `.${words[Math.floor(next() * words.length)]}` : '');
			descriptions.push(next() < 0.3 ? mt2(text, compactDate(next)) : next() < 0.3 ? fastGlacier(text, compactDate(next)) : text);
		}

		await expectSamePlans(entries(next, descriptions));
	});
});
