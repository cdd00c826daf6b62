/**
 * The demo data: thirteen vaults (so ListVaults pages), one with a few thousand
 * archives and more than fifty jobs (so ListJobs and inventories page), one
 * whose descriptions come from the popular backup tools (and from people who
 * like commas, quotes and backslashes), jobs in every state relative to the
 * clock at start, and `restore-demo` (restore-demo.ts) to restore whole.
 * Everything is deterministic: same IDs, same bytes.
 */
import {MiB} from '../engine/tree-hash.js';
import {cloudBerry, fastGlacier, mt1, mt2, qnap} from './descriptions.js';
import {random} from './random.js';
import {loadRestoreDemo, restoreDemoNote} from './restore-demo.js';
import type {EmulatorState} from './state.js';
import type {JobSpec} from './types.js';

const hour = 60 * 60 * 1000;
const minute = 60 * 1000;
const GiB = 1024 * MiB;

export {cloudBerry, fastGlacier, mt1, mt2, qnap, utf7} from './descriptions.js';

export const demoVaultNotes: Record<string, string> = {
	'backups-mixed': 'descriptions from mt-aws-glacier, FastGlacier, CloudBerry, QNAP and tricky plain text; jobs in every state',
	'photos-2014': '2,400 archives and 63 jobs: ListJobs and inventories page',
	'video-archive-2016': 'a 10 GiB archive, retrieved',
	'empty-vault': 'no archives',
	'documents-2013': 'an inventory retrieval still in progress',
	'restore-demo': restoreDemoNote,
};

export function loadDemo(store: EmulatorState): void {
	const now = store.now;
	const next = random(2014);
	const date = (iso: string): number => Date.parse(iso);
	const add = (vault: string, name: string, spec: JobSpec): string => store.addJob(vault, spec, name, true).id;
	const at = (ms: number): string => new Date(ms).toISOString();

	// ---- backups-mixed ----
	store.createVault('backups-mixed', date('2013-02-11T09:30:00.000Z'));
	const mixed = (size: number, description: string, created: string): string => store.addArchive('backups-mixed', {size, description, creationDate: created, seed: `demo:backups-mixed:${description}:${size}`}).id;
	const toolDescriptions: Array<[string, number]> = [
		[mt2('Documents/report 2013.pdf', '20130405T060708Z'), 734_003],
		[mt2('Fotos/Ähre 日本.jpg', '20140102T030405Z'), 2_457_600],
		[mt2('../../outside/escape.txt', '20150101T000000Z'), 12_345],
		[mt2('/etc/absolute-path.conf', '20150101T000000Z'), 2048],
		[mt1('Música/canción ñ.mp3', '20120909T101010Z'), 4_194_304],
		[fastGlacier('Fotos/Ähre 日本.jpg', '20140102T030405Z'), 1_572_864],
		[fastGlacier('Projects/budget,final "v2".xlsx', '20150315T120000Z'), 88_000],
		[fastGlacier('Backups\\Windows\\C\\Users\\data.bin', '20160101T000000Z', 2), 65_536],
		[fastGlacier('evil/\u001B]0;pwned\u0007name.txt', '20160101T000000Z', 3), 512],
		[cloudBerry('CBB_HOST/C:/Users/anna/Ähre/notes.txt', '20150607T080910Z'), 31_337],
		[cloudBerry('CBB_HOST/D:/Music/Björk + friends.flac', '20150607T081011Z'), 3_000_000],
		[qnap('/Public/readme.txt'), 4096],
		[qnap('/Multimedia/Ünïcödé/clip.mp4'), 6_291_456],
		['backup-2014-01-01.tar.gz', 1_000_000],
		['', 777],
		['my archive description,1', 1000],
		['my archive description,1"2', 1001],
		['my archive description,1\\"2', 1002],
		['folder, with a comma\\', 1003],
		['C:\\Users\\data\\', 1004],
		['say "hello"', 1005],
	];
	let day = date('2013-03-01T10:00:00.000Z');
	for (const [description, size] of toolDescriptions) {
		mixed(size, description, at(day));
		day += 37 * 24 * hour;
	}

	const small = mixed((3 * MiB) + 1234, 'projects/thesis-final.tar', '2016-05-20T14:00:00.000Z');
	const big = mixed(300 * MiB, mt2('VM images/win7.vmdk', '20160601T080000Z'), '2016-06-02T09:00:00.000Z');
	const ranged = mixed(20 * MiB, fastGlacier('Scans/archive-box-3.tiff', '20160703T101500Z'), '2016-07-04T11:00:00.000Z');

	const b = 'backups-mixed';
	add(b, 'whole-3m', {type: 'archive-retrieval', archiveId: small, tier: 'Standard', completedAt: at(now - hour), createdAt: at(now - (5 * hour)), description: 'Succeeded: whole archive of 3 MiB + 1234 bytes (checksums for the whole and for aligned ranges)'});
	add(b, 'whole-300m', {type: 'archive-retrieval', archiveId: big, tier: 'Bulk', completedAt: at(now - (2 * hour)), createdAt: at(now - (9 * hour)), description: 'Succeeded: whole archive of 300 MiB'});
	add(b, 'ranged-aligned', {type: 'archive-retrieval', archiveId: ranged, range: `0-${(8 * MiB) - 1}`, completedAt: at(now - (30 * minute)), createdAt: at(now - (4 * hour)), description: 'Succeeded: ranged retrieval of the first 8 MiB of a 20 MiB archive (tree-hash aligned: checksums come back)'});
	add(b, 'ranged-unaligned', {type: 'archive-retrieval', archiveId: ranged, range: `${MiB}-${(4 * MiB) - 1}`, completedAt: at(now - (35 * minute)), createdAt: at(now - (4 * hour)), description: 'Succeeded: ranged retrieval of 3 MiB at 1 MiB (megabyte aligned, not tree-hash aligned: no checksum, sizes only)'});
	add(b, 'in-progress', {type: 'archive-retrieval', archiveId: small, status: 'InProgress', createdAt: at(now - (3 * hour)), completedAt: at(now + (3 * minute)), description: 'InProgress: completes about 3 minutes after the emulator started'});
	add(b, 'failed', {type: 'archive-retrieval', archiveId: small, tier: 'Expedited', status: 'Failed', completedAt: at(now - (20 * minute)), createdAt: at(now - (25 * minute)), statusMessage: 'InsufficientCapacity: Expedited retrieval capacity was not available', description: 'Failed: an Expedited retrieval that could not be served'});
	add(b, 'expiring', {type: 'archive-retrieval', archiveId: small, completedAt: at(now - (24 * hour) + (2 * minute)), createdAt: at(now - (28 * hour)), description: 'Succeeded 23h58m ago: expires about 2 minutes after the emulator started (then 404)'});
	add(b, 'last-hours', {type: 'archive-retrieval', archiveId: big, completedAt: at(now - (22 * hour) - (15 * minute)), createdAt: at(now - (26 * hour)), description: 'Succeeded 22h15m ago: under 2 hours left to download'});
	add(b, 'inventory-json', {type: 'inventory-retrieval', format: 'JSON', completedAt: at(now - (50 * minute)), createdAt: at(now - (5 * hour)), description: 'Succeeded: inventory in JSON'});
	add(b, 'inventory-csv', {type: 'inventory-retrieval', format: 'CSV', completedAt: at(now - (45 * minute)), createdAt: at(now - (5 * hour)), description: 'Succeeded: inventory in CSV (Glacier escaping: \\" inside quotes, backslashes as is)'});

	// ---- photos-2014: thousands of archives, more than 50 jobs ----
	store.createVault('photos-2014', date('2014-01-03T08:00:00.000Z'));
	const photos: string[] = [];
	let taken = date('2014-01-04T09:00:00.000Z');
	for (let i = 1; i <= 2400; i++) {
		const size = Math.round(16 * 1024 * ((1.5 * MiB / (16 * 1024)) ** next()));
		taken += Math.round(next() * 3.5 * hour);
		const month = new Date(taken).toISOString().slice(0, 7).replace('-', '/');
		photos.push(store.addArchive('photos-2014', {size, description: `${month}/IMG_${String(i).padStart(4, '0')}.JPG`, creationDate: at(taken), seed: `demo:photos-2014:${i}`}).id);
	}

	for (let i = 0; i < 62; i++) {
		const archiveId = photos[Math.floor(next() * photos.length)];
		const inProgress = i % 20 === 7;
		const completedAt = inProgress ? now + ((1 + i) * 7 * minute) : now - Math.round((0.5 + (next() * 20)) * hour);
		add('photos-2014', `photo-${i}`, {type: 'archive-retrieval', archiveId, tier: i % 3 === 0 ? 'Bulk' : 'Standard', status: inProgress ? 'InProgress' : 'Succeeded', createdAt: at(Math.min(completedAt - (5 * hour), now - ((15 + i) * minute))), completedAt: at(completedAt), description: `photo retrieval ${i + 1} of 62${inProgress ? ' (in progress)' : ''}`});
	}

	add('photos-2014', 'inventory', {type: 'inventory-retrieval', format: 'JSON', completedAt: at(now - (3 * hour)), createdAt: at(now - (7 * hour)), description: 'Succeeded: inventory in JSON of 2,400 archives'});

	// ---- video-archive-2016: the 10 GiB archive ----
	store.createVault('video-archive-2016', date('2016-09-01T12:00:00.000Z'));
	const huge = store.addArchive('video-archive-2016', {size: 10 * GiB, description: '2016-wedding-raw-footage.mov', creationDate: '2016-09-02T18:00:00.000Z', seed: 'demo:video-archive-2016:wedding'}).id;
	store.addArchive('video-archive-2016', {size: 5 * MiB, description: '2016-wedding-trailer.mp4', creationDate: '2016-09-02T19:00:00.000Z', seed: 'demo:video-archive-2016:trailer'});
	add('video-archive-2016', 'whole-10g', {type: 'archive-retrieval', archiveId: huge, tier: 'Bulk', completedAt: at(now - (3 * hour)), createdAt: at(now - (11 * hour)), description: 'Succeeded: whole archive of 10 GiB'});

	// ---- the rest ----
	store.createVault('empty-vault', date('2015-05-05T05:05:05.000Z'));
	const others: Array<[string, string, number]> = [
		['db-dumps', '2015-01-10T02:00:00.000Z', 14],
		['documents-2013', '2013-01-07T10:00:00.000Z', 40],
		['mail-export-2012', '2012-11-30T16:00:00.000Z', 6],
		['music-flac', '2014-08-01T20:00:00.000Z', 25],
		['projects-old', '2012-10-01T09:00:00.000Z', 9],
		['scans-2015', '2015-02-14T12:00:00.000Z', 18],
		['tax-records', '2013-04-15T08:00:00.000Z', 7],
		['website-backups', '2016-01-01T00:00:00.000Z', 12],
	];
	for (const [name, created, count] of others) {
		const createdMs = date(created);
		store.createVault(name, createdMs);
		for (let i = 1; i <= count; i++) {
			const size = Math.round(1024 * ((512 ** next())));
			store.addArchive(name, {size, description: `${name}/file-${String(i).padStart(3, '0')}.bin`, creationDate: at(createdMs + (i * 26 * hour)), seed: `demo:${name}:${i}`});
		}
	}

	loadRestoreDemo(store);

	add('documents-2013', 'inventory-in-progress', {type: 'inventory-retrieval', format: 'CSV', status: 'InProgress', createdAt: at(now - hour), completedAt: at(now + (3 * hour)), description: 'InProgress: inventory in CSV, ready 3 hours after the emulator started'});
}
