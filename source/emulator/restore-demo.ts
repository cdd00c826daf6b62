/**
 * The demo vault `restore-demo`: a few thousand small archives to restore
 * whole (`thaw restore plan` from its succeeded inventory job, then `thaw
 * restore run`). Their descriptions are what real vaults hold: mt-aws-glacier
 * (mt2, a few mt1), FastGlacier (v4 and v2), CloudBerry, QNAP and plain
 * relative paths; non-ASCII names; the same path several times with later
 * dates (versions); hostile names (`..`, absolute paths, drive letters,
 * control characters, names over 255 bytes, empty); a few 0- and 1-byte
 * archives and one over 32 MiB (so it downloads in several chunks).
 * Deterministic: same ids, names and bytes on every start.
 */
import {MiB} from '../engine/tree-hash.js';
import {cloudBerry, fastGlacier, mt1, mt2, qnap} from './descriptions.js';
import {random} from './random.js';
import type {EmulatorState} from './state.js';

const hour = 60 * 60 * 1000;
const day = 24 * hour;

export const restoreDemoVault = 'restore-demo';
/** How many archives come from the generator (the hand-written ones below come on top). */
const generated = 3000;

const folders = [
	'Photos/2014/Summer',
	'Photos/2015/Urlaub Öland',
	'Documents/Taxes',
	'Documents/Letters',
	'Music/Björk',
	'写真/京都 2016',
	'Музыка/Кино',
	'Projects/thaw/src',
	'Backups/db',
	'Scans/Ελληνικά',
	'Home/anna/notes',
	'Código/señales',
];
const stems = ['IMG', 'report', 'scan', 'track', 'notes', 'invoice', 'draft', 'backup', 'Übersicht', 'фото', '写真', 'résumé'];
const extensions = ['.jpg', '.pdf', '.txt', '.flac', '.tar.gz', '.docx', '.png', '.sql'];

/** Hand-written hostile names, each wrapped the way some tool writes it. */
const hostile: Array<[string, (path: string, mtime: string) => string]> = [
	['../../outside/escape.txt', mt2],
	['../../../etc/passwd', fastGlacier],
	['/etc/absolute.conf', mt2],
	['/home/anna/absolute/in-home.txt', plain],
	['C:\\Users\\anna\\Desktop\\windows-path.txt', fastGlacier],
	['D:/Music/drive-letter.flac', (path, mtime) => cloudBerry(`CBB_HOST/${path}`, mtime)],
	['evil/\u001B]0;pwned\u0007title.txt', mt2],
	['evil/line\nbreak\r.txt', fastGlacier],
	['evil/tab\tand\u0000nul.txt', mt2],
	['evil/bidi-\u202Egnp.exe', mt2],
	[`long/${'a'.repeat(300)}.txt`, mt2],
	[`long/${'ü'.repeat(140)}.txt`, mt2],
	[`${'deep/'.repeat(40)}file.txt`, mt2],
	['./dot/./segments/../file.txt', plain],
	['', mt2],
	['..', plain],
	['Case/Readme.TXT', plain],
	['case/readme.txt', plain],
	['trailing-slash/', plain],
	['spaces /  name  .txt', fastGlacier],
];

/** Sizes 0 and 1, each under a plain name. */
const tiny: number[] = [0, 0, 0, 1, 1, 1];

export const restoreDemoNote = `${(generated + hostile.length + tiny.length + 1).toLocaleString('en-US')} small archives to restore whole: mt2, FastGlacier, CloudBerry, QNAP, plain and non-ASCII names, versions, hostile names; a succeeded inventory`;

function plain(path: string): string {
	return path;
}

/** yyyyMMddTHHmmssZ. */
function compact(ms: number): string {
	return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

function describe(kind: number, path: string, mtime: number): string {
	switch (kind) {
		case 0:
		case 1:
		case 2:
		case 3:
		case 4: {
			return mt2(path, compact(mtime));
		}

		case 5: {
			return mt1(path, compact(mtime));
		}

		case 6:
		case 7:
		case 8: {
			return fastGlacier(path, compact(mtime));
		}

		case 9: {
			return fastGlacier(path, compact(mtime), 2);
		}

		case 10:
		case 11: {
			return cloudBerry(`CBB_HOST/C:/${path}`, compact(mtime));
		}

		case 12: {
			// AWS keeps descriptions printable ASCII: a JSON writer escapes the rest.
			return qnap(`/${path}`).replace(/[^\x20-\x7E]/g, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
		}

		default: {
			// Plain descriptions are written by AWS: printable ASCII only.
			return /^[\x20-\x7E]*$/.test(path) ? path : mt2(path, compact(mtime));
		}
	}
}

export function loadRestoreDemo(store: EmulatorState): void {
	const now = store.now;
	const next = random(10);
	const vault = restoreDemoVault;
	const created = Date.parse('2013-06-01T08:00:00.000Z');
	store.createVault(vault, created);
	let uploaded = created + day;
	let index = 0;
	const add = (size: number, description: string, creationDate: number): void => {
		store.addArchive(vault, {size, description, creationDate: new Date(creationDate).toISOString(), seed: `demo:${vault}:${index++}`});
	};

	const paths: string[] = [];
	for (let i = 0; i < generated; i++) {
		uploaded += Math.round(next() * 9 * hour);
		const mtime = uploaded - Math.round(next() * 30 * day);
		// Every 25th archive is a later version of a file uploaded before.
		const version = i % 25 === 24;
		const path = version
			? paths[Math.floor(next() * paths.length)]
			: `${folders[Math.floor(next() * folders.length)]}/${stems[i % stems.length]}_${String(i).padStart(4, '0')}${extensions[Math.floor(next() * extensions.length)]}`;
		if (!version) paths.push(path);
		const size = 1024 + Math.floor(next() * 7 * 1024);
		add(size, describe(i % 20, path, mtime), uploaded);
	}

	for (const [path, wrap] of hostile) {
		uploaded += hour;
		add(512 + Math.floor(next() * 2048), wrap(path, compact(uploaded - day)), uploaded);
	}

	for (const [i, size] of tiny.entries()) {
		uploaded += hour;
		add(size, `tiny/${size}-byte-${i}.bin`, uploaded);
	}

	uploaded += hour;
	add((33 * MiB) + 4321, mt2('Videos/2016/holiday film.mov', compact(uploaded - (2 * day))), uploaded);

	store.addJob(vault, {
		type: 'inventory-retrieval',
		format: 'JSON',
		createdAt: new Date(now - (6 * hour)).toISOString(),
		completedAt: new Date(now - (2 * hour)).toISOString(),
		description: `Succeeded: inventory in JSON of ${index.toLocaleString('en-US')} archives, ready to plan a restore`,
	}, 'inventory', true);
}
