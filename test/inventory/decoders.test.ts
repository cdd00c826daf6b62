import {describe, expect, it} from 'vitest';
import {decodeDescription, decodeUtf7, encodeUtf7, safeRelativePath} from '../../source/inventory/index.js';

const mtime = '20140131T120000Z';
const mtimeMs = Date.UTC(2014, 0, 31, 12, 0, 0);
const names = ['Fotos/Ähre 日本.jpg', 'emoji/😀 party 🎉.png', 'plain/file.txt', 'C:\\Users\\me\\doc.pdf', 'a+b-c~d\\e.txt'];

function mt2(filename: string, time = mtime): string {
	return 'mt2 ' + Buffer.from(JSON.stringify({mtime: time, filename}), 'utf8').toString('base64url');
}

function mt1(filename: string): string {
	// UTF-8 encoded twice: the UTF-8 bytes read as latin1, encoded to UTF-8 again.
	const once = Buffer.from(JSON.stringify({filename, mtime}), 'utf8').toString('latin1');
	return 'mt1 ' + Buffer.from(once, 'utf8').toString('base64url');
}

function fastGlacier(path: string, extra = ''): string {
	return `<m><v>4</v><p>${Buffer.from(path, 'utf8').toString('base64')}</p><lm>${mtime}</lm>${extra}</m>`;
}

describe('decodeDescription', () => {
	it('decodes mt-aws-glacier mt2 and mt1', () => {
		for (const name of names) {
			expect(decodeDescription(mt2(name))).toEqual({tool: 'mt-aws-glacier', path: name, lastModified: mtimeMs});
			expect(decodeDescription(mt1(name))).toEqual({tool: 'mt-aws-glacier', path: name, lastModified: mtimeMs});
		}

		expect(decodeDescription(mt2('x', 'garbage'))).toEqual({tool: 'mt-aws-glacier', path: 'x'});
		expect(decodeDescription('mt2 !!!')).toBeNull();
		expect(decodeDescription('mt2 ' + Buffer.from('not json').toString('base64url'))).toBeNull();
		expect(decodeDescription('mt2 ' + Buffer.from('{"mtime":"x"}').toString('base64url'))).toBeNull();
	});

	it('decodes FastGlacier v2-v4 and v1', () => {
		for (const name of names) {
			expect(decodeDescription(fastGlacier(name))).toEqual({tool: 'fastglacier', path: name, lastModified: mtimeMs});
			expect(decodeDescription(fastGlacier(name, '<ce>1234</ce>'))).toEqual({tool: 'fastglacier', path: name, lastModified: mtimeMs});
		}

		const v1 = `<ArchiveMetadata><Version>1</Version><Path>${Buffer.from('old/Ähre.txt').toString('base64')}</Path></ArchiveMetadata>`;
		expect(decodeDescription(v1)).toEqual({tool: 'fastglacier', path: 'old/Ähre.txt'});
		expect(decodeDescription('<m><v>4</v><p>@@@</p></m>')).toBeNull();
		expect(decodeDescription('<m><v>4</v></m>')).toBeNull();
		expect(decodeDescription('<m>unclosed')).toBeNull();
	});

	it('decodes CloudBerry (UTF-7 paths) and QNAP', () => {
		for (const name of names) {
			const cloudberry = JSON.stringify({Path: encodeUtf7(name), UTCDateModified: mtime, Flags: 0});
			expect(decodeDescription(cloudberry)).toEqual({tool: 'cloudberry', path: name, lastModified: mtimeMs});
			expect(decodeDescription(JSON.stringify({path: '/' + name, type: 'file'}))).toEqual({tool: 'qnap', path: '/' + name});
		}

		expect(decodeDescription('{"something": "else"}')).toBeNull();
		expect(decodeDescription('{broken')).toBeNull();
	});

	it('leaves anything else alone', () => {
		for (const raw of ['', 'my backup', 'mt3 abc', '<x>y</x>', '[1]', 'mt2', '{"path": 5, "type": "file"}']) expect(decodeDescription(raw)).toBeNull();
	});
});

describe('UTF-7', () => {
	it('decodes RFC 2152 examples and round-trips', () => {
		expect(decodeUtf7('Hi Mom -+Jjo--!')).toBe('Hi Mom -☺-!');
		expect(decodeUtf7('A+ImIDkQ.')).toBe('A≢Α.');
		expect(decodeUtf7('+ZeVnLIqe-')).toBe('日本語');
		expect(decodeUtf7('1 +- 1')).toBe('1 + 1');
		for (const name of [...names, '++', 'x+-y', '~\\']) expect(decodeUtf7(encodeUtf7(name))).toBe(name);
	});
});

describe('safeRelativePath', () => {
	it('keeps ordinary relative paths', () => {
		expect(safeRelativePath('Fotos/Ähre 日本.jpg')).toBe('Fotos/Ähre 日本.jpg');
		expect(safeRelativePath('a/b/😀.txt')).toBe('a/b/😀.txt');
	});

	it('never leaves the folder', () => {
		expect(safeRelativePath('../../etc/passwd')).toBe('etc/passwd');
		expect(safeRelativePath('/etc/passwd')).toBe('etc/passwd');
		expect(safeRelativePath('a/../../b')).toBe('a/b');
		expect(safeRelativePath('C:\\Windows\\System32\\x.dll')).toBe('Windows/System32/x.dll');
		expect(safeRelativePath('..\\..\\boot.ini')).toBe('boot.ini');
		expect(safeRelativePath('//server/share/f')).toBe('server/share/f');
		expect(safeRelativePath('./a/./b//c')).toBe('a/b/c');
		for (const hostile of ['../../etc/passwd', '/abs', '..', 'C:..\\x', '\\\\?\\C:\\x']) {
			const safe = safeRelativePath(hostile);
			expect(safe === null || !safe.split('/').some(s => s === '..' || s === '' || s === '.')).toBe(true);
		}
	});

	it('replaces control characters and gives null for nothing', () => {
		expect(safeRelativePath('evil\u001B]0;x\u0007/name\n.txt')).toBe('evil_]0;x_/name_.txt');
		expect(safeRelativePath('rtl\u202Etxt.exe')).toBe('rtl_txt.exe');
		expect(safeRelativePath('')).toBeNull();
		expect(safeRelativePath('/')).toBeNull();
		expect(safeRelativePath('../..')).toBeNull();
	});
});
