/**
 * Suggested download names that always work (issue 8 §6): never only
 * spaces, never longer than 255 bytes with `.part.journal` added, cut by
 * bytes at whole UTF-8 characters, the extension kept.
 */
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {checkFileName, defaultFileName, fitName, MAX_NAME_BYTES} from '../../source/ui/download-name.js';
import type {Job} from '../../source/glacier/api.js';

const job: Job = {JobId: 'J'.repeat(92), Action: 'ArchiveRetrieval', ArchiveId: 'A'.repeat(138)};
let dir: string;
beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'thaw-names-'));
});
afterAll(async () => rm(dir, {recursive: true, force: true}));

describe('suggested file names', () => {
	it('a whitespace-only description falls back to the archive id', () => {
		for (const description of ['   ', '\t', ' / ', '/   /']) {
			const name = defaultFileName(job, 'v', description);
			expect(name, JSON.stringify(description)).toBe('A'.repeat(138));
			expect(checkFileName(name)).toBeUndefined();
		}
	});

	it('a long UTF-8 name is cut to fit 255 bytes with .part.journal, at whole characters, keeping the extension', async () => {
		for (const stem of ['日本語'.repeat(40), 'é'.repeat(200), '🧊'.repeat(70), 'a'.repeat(300)]) {
			const name = defaultFileName(job, 'v', `backups/${stem}.tar.gz`);
			expect(Buffer.byteLength(`${name}.part.journal`)).toBeLessThanOrEqual(255);
			expect(name.endsWith('.gz')).toBe(true);
			expect(name).not.toContain('\uFFFD');
			expect(Buffer.from(name, 'utf8').toString('utf8')).toBe(name);
			expect(stem.startsWith(name.slice(0, -3))).toBe(true);
			expect(checkFileName(name)).toBeUndefined();
			// The files thaw makes with it can be created.
			 
			await writeFile(join(dir, `${name}.part.journal`), '');
		}
	});

	it('names that fit are left alone; a typed name too long is refused with its byte count', () => {
		expect(fitName('report.pdf')).toBe('report.pdf');
		expect(fitName('x'.repeat(MAX_NAME_BYTES))).toBe('x'.repeat(MAX_NAME_BYTES));
		expect(checkFileName('ä'.repeat(130))).toMatch(/^the file name is 260 bytes long: at most 242/);
		expect(checkFileName('   ')).toMatch(/give a file name/);
	});
});
