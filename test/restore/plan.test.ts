import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {GlacierClient, GetDataRetrievalPolicyCommand} from '@aws-sdk/client-glacier';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {cloudBerry, fastGlacier, mt1, mt2, qnap} from '../../source/emulator/demo.js';
import {startEmulator, type Emulator} from '../../source/emulator/index.js';
import {connect} from '../../source/glacier/client.js';
import {makePlan} from '../../source/restore/plan/make.js';
import {maxNameBytes} from '../../source/restore/plan/names.js';
import {readPlanSizes} from '../../source/restore/plan-file.js';
import {decisions, inventoryFile, planLines, thaw} from './plan-helpers.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'thaw-restore-plan-'));
afterAll(() => {
	rmSync(root, {recursive: true, force: true});
});
let n = 0;
const fresh = (name: string) => {
	const dir = path.join(root, `${name}-${n++}`);
	mkdirSync(dir, {recursive: true});
	return dir;
};

const GiB = 2 ** 30;

describe('thaw restore plan: names', () => {
	it('decodes every format, keeps non-ASCII, and keeps hostile names inside --to', async () => {
		const dir = fresh('names');
		const to = path.join(dir, 'out');
		const file = inventoryFile(path.join(dir, 'inv.json'), [
			{id: 'ID-mt2', description: mt2('Fotos/Ähre 日本.jpg', '20140102T030405Z')},
			{id: 'ID-mt1', description: mt1('docs/tax 2013.pdf', '20130101T000000Z')},
			{id: 'ID-fg', description: fastGlacier('Projects/budget,final "v2".xlsx', '20150315T120000Z')},
			{id: 'ID-cb', description: cloudBerry('CBB/Ünïcødé/notes.txt', '20160101T101010Z')},
			{id: 'ID-qnap', description: qnap('/share/Multimedia/clip.mov')},
			{id: 'ID-plain', description: 'backups/2019/home.tar.gz'},
			{id: 'ID-dotdot', description: '../../../etc/passwd'},
			{id: 'ID-abs', description: '/etc/shadow'},
			{id: 'ID-drive', description: 'C:\\Users\\me\\secret.doc'},
			{id: 'ID-ctl', description: 'evil\u001B]0;title\u0007name.txt'},
			{id: 'ID-mt2-evil', description: mt2('../../../../root/.ssh/authorized_keys', '20200101T000000Z')},
			{id: 'ID-empty', description: ''},
			{id: 'ID-broken', description: 'mt2 !!!not-base64!!!'},
			{id: 'ID-dots', description: '../..'},
		]);
		const result = await thaw('restore', 'plan', path.join(dir, 'P'), '--vault-name', 'photos', '--inventory', file, '--to', to, '--endpoint-url', 'http://127.0.0.1:1');
		expect(result.stderr).toBe('');
		expect(result.code).toBe(0);
		const lines = planLines(path.join(dir, 'P'));
		const byId = Object.fromEntries(lines.map(line => [line[0], line]));
		expect(byId['ID-mt2'][3]).toBe('Fotos/Ähre 日本.jpg');
		expect(byId['ID-mt2'][4]).toBe(Date.UTC(2014, 0, 2, 3, 4, 5));
		expect(byId['ID-mt1'][3]).toBe('docs/tax 2013.pdf');
		expect(byId['ID-fg'][3]).toBe('Projects/budget,final "v2".xlsx');
		expect(byId['ID-fg'][4]).toBe(Date.UTC(2015, 2, 15, 12));
		expect(byId['ID-cb'][3]).toBe('CBB/Ünïcødé/notes.txt');
		expect(byId['ID-qnap'][3]).toBe('share/Multimedia/clip.mov');
		expect(byId['ID-plain'][3]).toBe('backups/2019/home.tar.gz');
		expect(byId['ID-plain'][4]).toBeNull();
		expect(byId['ID-dotdot'][3]).toBe('etc/passwd');
		expect(byId['ID-abs'][3]).toBe('etc/shadow');
		expect(byId['ID-drive'][3]).toBe('Users/me/secret.doc');
		expect(byId['ID-ctl'][3]).toBe('evil_]0;title_name.txt');
		expect(byId['ID-mt2-evil'][3]).toBe('root/.ssh/authorized_keys');
		expect(byId['ID-empty'][3]).toBe('_by-archive-id/ID-empty');
		expect(byId['ID-broken'][3]).toBe('_by-archive-id/ID-broken');
		expect(byId['ID-dots'][3]).toBe('_by-archive-id/ID-dots');
		for (const line of lines) {
			const target = path.resolve(to, line[3]);
			expect(target.startsWith(to + path.sep)).toBe(true);
			// eslint-disable-next-line no-control-regex
			expect(line[3]).not.toMatch(/[\u0000-\u001F\u007F]|(^|\/)\.\.?(\/|$)|^\//);
		}

		const plan = JSON.parse(readFileSync(path.join(dir, 'P', 'plan.json'), 'utf8'));
		expect(plan.totals).toMatchObject({archives: 14, undecodable: 3});
		expect(plan.to).toBe(to);
		expect(decisions(path.join(dir, 'P')).filter(d => d.reason === 'made safe').map(d => d.archiveId).sort()).toEqual(['ID-ctl', 'ID-dotdot', 'ID-mt2-evil']);
		// The table never prints a control character from a description.
		// eslint-disable-next-line no-control-regex
		expect(result.stdout).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F]/);
	});

	it('versions: latest keeps the newest (decoded mtime first, else CreationDate), all keeps every one with its date', async () => {
		const dir = fresh('versions');
		const file = inventoryFile(path.join(dir, 'inv.json'), [
			{id: 'old-mtime', description: mt2('a/report.pdf', '20200101T000000Z'), created: '2024-01-01T00:00:00Z'},
			{id: 'new-mtime', description: mt2('a/report.pdf', '20210101T000000Z'), created: '2022-01-01T00:00:00Z'},
			{id: 'plain-old', description: 'b/notes.txt', created: '2019-05-01T12:00:00Z'},
			{id: 'plain-new', description: 'b/notes.txt', created: '2020-05-01T12:00:00Z'},
			{id: 'single', description: 'c/only.txt'},
		]);
		let result = await thaw('restore', 'plan', path.join(dir, 'L'), '--vault-name', 'photos', '--inventory', file, '--to', path.join(dir, 'out'), '--output', 'json', '--endpoint-url', 'http://127.0.0.1:1');
		expect(result.code).toBe(0);
		let json = JSON.parse(result.stdout);
		expect(json).toMatchObject({archives: 3, skippedVersions: 2, versions: 'latest'});
		expect(planLines(path.join(dir, 'L')).map(line => [line[0], line[3]])).toEqual([['new-mtime', 'a/report.pdf'], ['plain-new', 'b/notes.txt'], ['single', 'c/only.txt']]);
		expect(decisions(path.join(dir, 'L')).filter(d => d.kind === 'skipped-version').map(d => [d.archiveId, d.kept])).toEqual([['old-mtime', 'new-mtime'], ['plain-old', 'plain-new']]);

		result = await thaw('restore', 'plan', path.join(dir, 'A'), '--vault-name', 'photos', '--inventory', file, '--to', path.join(dir, 'out'), '--versions', 'all', '--output', 'json', '--endpoint-url', 'http://127.0.0.1:1');
		expect(result.code).toBe(0);
		json = JSON.parse(result.stdout);
		expect(json).toMatchObject({archives: 5, skippedVersions: 0, renamed: 2});
		expect(planLines(path.join(dir, 'A')).map(line => [line[0], line[3]])).toEqual([
			['old-mtime', 'a/report (2020-01-01T00-00-00Z).pdf'],
			['new-mtime', 'a/report.pdf'],
			['plain-old', 'b/notes (2019-05-01T12-00-00Z).txt'],
			['plain-new', 'b/notes.txt'],
			['single', 'c/only.txt'],
		]);
	});

	it('clashes on a case-insensitive file system, a file named like a folder, and ids differing in case', async () => {
		const dir = fresh('clashes');
		const file = inventoryFile(path.join(dir, 'inv.json'), [
			{id: 'upper', description: 'Photos/IMG_1.JPG', created: '2020-02-02T00:00:00Z'},
			{id: 'lower', description: 'photos/img_1.jpg', created: '2021-03-03T00:00:00Z'},
			{id: 'folder-file', description: 'photos', created: '2022-04-04T00:00:00Z'},
			{id: 'abcDEF', description: ''},
			{id: 'ABCdef', description: ''},
			{id: 'suffix-taken', description: 'photos/img_1 (2021-03-03T00-00-00Z).jpg'},
		]);
		const result = await thaw('restore', 'plan', path.join(dir, 'P'), '--vault-name', 'photos', '--inventory', file, '--to', path.join(dir, 'out'), '--output', 'json', '--endpoint-url', 'http://127.0.0.1:1');
		expect(result.code).toBe(0);
		const paths = planLines(path.join(dir, 'P')).map(line => line[3]);
		expect(paths).toEqual([
			'Photos/IMG_1.JPG',
			'photos/img_1 (2021-03-03T00-00-00Z 2).jpg',
			'photos (2022-04-04T00-00-00Z)',
			'_by-archive-id/abcDEF',
			expect.stringMatching(/^_by-archive-id\/ABCdef \(.*\)$/),
			'photos/img_1 (2021-03-03T00-00-00Z).jpg',
		]);
		expect(new Set(paths.map(p => p.toLowerCase())).size).toBe(paths.length);
		const reasons = decisions(path.join(dir, 'P')).filter(d => d.kind === 'renamed').map(d => d.reason);
		expect(reasons).toEqual(expect.arrayContaining(['case-insensitive clash', 'name of a folder']));
		expect(JSON.parse(result.stdout).renamed).toBe(3);
	});

	it('never gives a file a runner\'s name in any case, and sees folders whose lower case is longer (İ)', async () => {
		const dir = fresh('runner-names');
		const file = inventoryFile(path.join(dir, 'inv.json'), [
			{id: 'part', description: 'a/x.Part'},
			{id: 'journal', description: 'a/y.part.JOURNAL'},
			{id: 'in-folder', description: 'İstanbul/photo.jpg'},
			{id: 'folder-name', description: 'i̇stanbul'}, // 'İstanbul' lower-cased: the folder's name on a case-insensitive disk
		]);
		const result = await thaw('restore', 'plan', path.join(dir, 'P'), '--vault-name', 'photos', '--inventory', file, '--to', path.join(dir, 'out'), '--output', 'json', '--endpoint-url', 'http://127.0.0.1:1');
		expect(result.code).toBe(0);
		const paths = planLines(path.join(dir, 'P')).map(line => line[3]);
		expect(paths[0]).toBe('a/x.Part_');
		expect(paths[1]).toBe('a/y.part.JOURNAL_');
		expect(paths[2]).toBe('İstanbul/photo.jpg');
		expect(paths[3]).toMatch(/^i̇stanbul \(2020-01-01T00-00-00Z\)$/);
		expect(decisions(path.join(dir, 'P')).find(d => d.archiveId === 'folder-name')).toMatchObject({kind: 'renamed', reason: 'name of a folder'});
	});

	it('shortens names over 255 bytes (room left for .part.journal), keeping the extension and whole characters', async () => {
		const dir = fresh('long');
		const longAscii = 'x'.repeat(300);
		const longUnicode = 'ä'.repeat(200); // 400 bytes
		const file = inventoryFile(path.join(dir, 'inv.json'), [
			{id: 'ascii', description: `deep/${longAscii}.jpg`},
			{id: 'ascii-2', description: `deep/${longAscii}y.jpg`},
			{id: 'unicode', description: mt2(`${longUnicode}/${longUnicode}.tar.gz`, '20200101T000000Z')},
		]);
		const result = await thaw('restore', 'plan', path.join(dir, 'P'), '--vault-name', 'photos', '--inventory', file, '--to', path.join(dir, 'out'), '--output', 'json', '--endpoint-url', 'http://127.0.0.1:1');
		expect(result.code).toBe(0);
		const paths = planLines(path.join(dir, 'P')).map(line => line[3]);
		for (const p of paths) for (const segment of p.split('/')) expect(Buffer.byteLength(segment)).toBeLessThanOrEqual(maxNameBytes);
		expect(maxNameBytes + Buffer.byteLength('.part.journal')).toBe(255);
		expect(paths[0]).toMatch(/^deep\/x+\.jpg$/);
		expect(paths[1]).toMatch(/^deep\/x+ \(2020-01-01T00-00-00Z\)\.jpg$/); // Cut to the same name: a clash, renamed
		expect(paths[2]).toMatch(/^ä+\/ä+\.gz$/);
		expect(paths[2]).not.toContain('\uFFFD');
		expect(JSON.parse(result.stdout).renamed).toBe(3);
	});

	it('applies --filter with the inventory filter language', async () => {
		const dir = fresh('filter');
		const file = inventoryFile(path.join(dir, 'inv.json'), [
			{id: 'a', description: 'photos/a.jpg', size: 10},
			{id: 'b', description: 'docs/b.pdf', size: 5000},
			{id: 'c', description: 'photos/c.jpg', size: 3000},
		]);
		const result = await thaw('restore', 'plan', path.join(dir, 'P'), '--vault-name', 'photos', '--inventory', file, '--filter', 'photos size>100', '--output', 'json', '--to', path.join(dir, 'out'), '--endpoint-url', 'http://127.0.0.1:1');
		expect(result.code).toBe(0);
		expect(JSON.parse(result.stdout)).toMatchObject({archives: 1, bytes: 3000, filter: 'photos size>100', inventoryArchives: 3});
		expect(planLines(path.join(dir, 'P')).map(line => line[0])).toEqual(['c']);
		const bad = await thaw('restore', 'plan', path.join(dir, 'Q'), '--vault-name', 'photos', '--inventory', file, '--filter', 'size>>', '--endpoint-url', 'http://127.0.0.1:1');
		expect(bad.code).toBe(2);
		expect(bad.stderr.trim().split('\n')).toHaveLength(1);
	});
});

describe('thaw restore plan: prices', () => {
	it('estimates every tier with exact figures (GB = 2^30 bytes), writes plan.json and sizes.bin', async () => {
		const dir = fresh('prices');
		const file = inventoryFile(path.join(dir, 'inv.json'), [
			{id: 'one', description: 'a.bin', size: GiB},
			{id: 'two', description: 'b.bin', size: GiB / 2},
			{id: 'three', description: 'c.bin', size: GiB / 2},
			{id: 'young', description: 'd.bin', size: 0, created: new Date(Date.now() - (10 * 86_400_000)).toISOString().replace(/\.\d+Z$/, 'Z')},
		]);
		const result = await thaw('restore', 'plan', path.join(dir, 'P'), '--vault-name', 'photos', '--inventory', file, '--output', 'json', '--to', path.join(dir, 'out'), '--endpoint-url', 'http://127.0.0.1:1');
		expect(result.code).toBe(0);
		const json = JSON.parse(result.stdout);
		expect(json).toMatchObject({archives: 4, bytes: 2 * GiB, youngerThan90Days: 1});
		// 2 GB, 4 requests: Bulk 2 x 0.0025 + 0.004 x 0.025 + 2 x 0.09
		expect(json.estimate.Bulk).toEqual({retrievalUSD: 0.005, requestsUSD: 0.0001, transferUSD: 0.18, totalUSD: 0.1851});
		expect(json.estimate.Standard).toEqual({retrievalUSD: 0.02, requestsUSD: 0.0002, transferUSD: 0.18, totalUSD: 0.2002});
		expect(json.estimate.Expedited).toEqual({retrievalUSD: 0.06, requestsUSD: 0.04, transferUSD: 0.18, totalUSD: 0.28});
		expect(json.prices).toMatchObject({region: 'us-east-1', date: '2026-12-01', Bulk: {perGB: 0.0025, per1000Requests: 0.025}, Standard: {perGB: 0.01, per1000Requests: 0.05}, Expedited: {perGB: 0.03, per1000Requests: 10}, transferOutPerGB: 0.09});
		expect(json.prices.source).toContain('https://aws.amazon.com/s3/glacier/pricing/');
		const plan = JSON.parse(readFileSync(path.join(dir, 'P', 'plan.json'), 'utf8'));
		expect(plan).toMatchObject({format: 'thaw-restore-plan', version: 1, vaultName: 'photos', region: 'us-east-1', accountId: '012345678901', tier: 'Bulk', versions: 'latest', filter: null});
		expect(plan.estimate).toEqual(json.estimate);
		expect(plan.inventory).toMatchObject({source: 'file', path: file, inventoryDate: '2026-11-01T00:00:00Z'});
		expect([...await readPlanSizes(path.join(dir, 'P'), 4)]).toEqual([GiB, GiB / 2, GiB / 2, 0]);
		expect(readdirSync(path.join(dir, 'P')).sort()).toEqual(['archives.jsonl', 'decisions.jsonl', 'offsets.bin', 'plan.json', 'sizes.bin']);
		// The table says it is an estimate and where the figures are from.
		const table = await thaw('restore', 'plan', path.join(dir, 'T'), '--vault-name', 'photos', '--inventory', file, '--to', path.join(dir, 'out'), '--endpoint-url', 'http://127.0.0.1:1');
		expect(table.stdout).toMatch(/Bulk \*\s+\$0\.0050\s+\$0\.0001\s+\$0\.18\s+\$0\.19/);
		expect(table.stdout).toContain('estimate');
	});

	it('labels the us-east-1 table when the region has no built-in one', async () => {
		const dir = fresh('region');
		const file = inventoryFile(path.join(dir, 'inv.json'), [{description: 'a', size: GiB}], 'photos', 'ap-south-2');
		const result = await thaw('restore', 'plan', path.join(dir, 'P'), '--vault-name', 'photos', '--inventory', file, '--output', 'json', '--to', path.join(dir, 'out'), '--endpoint-url', 'http://127.0.0.1:1');
		expect(result.code).toBe(0);
		expect(JSON.parse(result.stdout).prices.region).toMatch(/^us-east-1 \(no built-in table for ap-south-2/);
	});

	it('--prices FILE replaces the table; a bad one is one line, exit 2', async () => {
		const dir = fresh('prices-file');
		const file = inventoryFile(path.join(dir, 'inv.json'), [{description: 'a', size: 4 * GiB}, {description: 'b', size: 0}]);
		const prices = path.join(dir, 'prices.json');
		writeFileSync(prices, JSON.stringify({Bulk: {perGB: 1, per1000Requests: 500}, Standard: {perGB: 2, per1000Requests: 1000}, Expedited: {perGB: 3, per1000Requests: 2000}, transferOutPerGB: 0.5}));
		const result = await thaw('restore', 'plan', path.join(dir, 'P'), '--vault-name', 'photos', '--inventory', file, '--prices', prices, '--output', 'json', '--to', path.join(dir, 'out'), '--endpoint-url', 'http://127.0.0.1:1');
		expect(result.code).toBe(0);
		const json = JSON.parse(result.stdout);
		expect(json.estimate.Bulk).toEqual({retrievalUSD: 4, requestsUSD: 1, transferUSD: 2, totalUSD: 7});
		expect(json.estimate.Expedited.totalUSD).toBe(12 + 4 + 2);
		expect(json.prices.source).toContain(prices);
		for (const [content, why] of [['not json', /not JSON/], ['[]', /not a JSON object/], [JSON.stringify({Bulk: {perGB: 1, per1000Requests: 1}}), /"Standard" is missing/], [JSON.stringify({Bulk: {perGB: -1, per1000Requests: 1}, Standard: {perGB: 1, per1000Requests: 1}, Expedited: {perGB: 1, per1000Requests: 1}, transferOutPerGB: 0}), /Bulk\.perGB/]] as const) {
			writeFileSync(prices, content);
			const bad = await thaw('restore', 'plan', path.join(dir, 'Q'), '--vault-name', 'photos', '--inventory', file, '--prices', prices, '--endpoint-url', 'http://127.0.0.1:1');
			expect(bad.code).toBe(2);
			expect(bad.stderr).toMatch(why);
			expect(bad.stderr.trim().split('\n')).toHaveLength(1);
			expect(existsSync(path.join(dir, 'Q', 'plan.json'))).toBe(false);
		}

		const missing = await thaw('restore', 'plan', path.join(dir, 'Q'), '--vault-name', 'photos', '--inventory', file, '--prices', path.join(dir, 'nope.json'));
		expect(missing.code).toBe(2);
		expect(missing.stderr).toMatch(/no such file/);
	});
});

describe('thaw restore plan: refusals', () => {
	it('refuses an inventory of another vault (exit 2), bad options (exit 2), an unreadable inventory (exit 6)', async () => {
		const dir = fresh('refuse');
		const file = inventoryFile(path.join(dir, 'inv.json'), [{description: 'a'}], 'other-vault');
		let result = await thaw('restore', 'plan', path.join(dir, 'P'), '--vault-name', 'photos', '--inventory', file, '--endpoint-url', 'http://127.0.0.1:1');
		expect(result.code).toBe(2);
		expect(result.stderr).toMatch(/^thaw: the inventory .* is of vault 'other-vault' .*not 'photos'/);
		expect(result.stderr.trim().split('\n')).toHaveLength(1);
		expect(existsSync(path.join(dir, 'P', 'plan.json'))).toBe(false);
		result = await thaw('restore', 'plan', path.join(dir, 'P'), '--vault-name', 'photos', '--inventory', file, '--inventory-job-id', 'J');
		expect(result.code).toBe(2);
		result = await thaw('restore', 'plan', path.join(dir, 'P'), '--vault-name', 'other-vault', '--inventory', file, '--tier', 'Fast');
		expect(result.code).toBe(2);
		expect(result.stderr).toMatch(/--tier must be Bulk, Standard or Expedited/);
		result = await thaw('restore', 'plan', path.join(dir, 'P'), '--vault-name', 'other-vault', '--inventory', path.join(dir, 'missing.json'));
		expect(result.code).toBe(6);
		result = await thaw('restore', 'plan', '--vault-name', 'other-vault', '--inventory', file);
		expect(result.code).toBe(2);
		result = await thaw('restore', 'run-everything');
		expect(result.code).toBe(2);
	});

	it('re-planning into a PLAN that runners started: identical -> unchanged, different -> exit 6; no temp files left', async () => {
		const dir = fresh('replan');
		const file = inventoryFile(path.join(dir, 'inv.json'), [{id: 'a', description: 'a.txt'}, {id: 'b', description: 'b.txt'}]);
		const planDir = path.join(dir, 'P');
		const args = ['restore', 'plan', planDir, '--vault-name', 'photos', '--inventory', file, '--to', path.join(dir, 'out'), '--output', 'json', '--endpoint-url', 'http://127.0.0.1:1'];
		let result = await thaw(...args);
		expect(result.code).toBe(0);
		const planJson = readFileSync(path.join(planDir, 'plan.json'));
		// Re-planning with no runner state simply replaces the plan.
		result = await thaw(...args);
		expect(result.code).toBe(0);
		expect(JSON.parse(result.stdout).unchanged).toBe(false);
		const current = readFileSync(path.join(planDir, 'plan.json'));
		expect(current.equals(planJson)).toBe(false); // A new createdAt
		mkdirSync(path.join(planDir, 'shards', '0-of-1'), {recursive: true});
		writeFileSync(path.join(planDir, 'shards', '0-of-1', 'journal.log'), '');
		result = await thaw(...args);
		expect(result.code).toBe(0);
		expect(JSON.parse(result.stdout).unchanged).toBe(true);
		expect(readFileSync(path.join(planDir, 'plan.json')).equals(current)).toBe(true); // planId kept
		result = await thaw(...args, '--filter', 'a.txt');
		expect(result.code).toBe(6);
		expect(result.stderr).toMatch(/runners have started/);
		expect(result.stderr.trim().split('\n')).toHaveLength(1);
		expect(readFileSync(path.join(planDir, 'plan.json')).equals(current)).toBe(true);
		expect(readdirSync(planDir).filter(name => name.includes('.tmp-'))).toEqual([]);
	});
});

describe('thaw restore plan against the emulator (real HTTP)', () => {
	let emulator: Emulator;
	let policySupported = false;
	const jobs: Record<string, string> = {};
	beforeAll(async () => {
		emulator = await startEmulator({hashCacheDir: false, retrievalPolicy: {Strategy: 'BytesPerHour', BytesPerHour: 1_073_741_824}} as Parameters<typeof startEmulator>[0]);
		emulator.createVault('family');
		emulator.addArchive('family', {size: 2048, description: mt2('Fotos/Ähre.jpg', '20140102T030405Z')});
		emulator.addArchive('family', {size: 4096, description: fastGlacier('Docs/letter.pdf', '20150315T120000Z')});
		emulator.addArchive('family', {size: 100, description: 'notes/plain.txt'});
		emulator.addArchive('family', {size: 1, description: ''});
		jobs.json = await emulator.addJob('family', {type: 'inventory-retrieval', format: 'JSON'});
		jobs.csv = await emulator.addJob('family', {type: 'inventory-retrieval', format: 'CSV'});
		const client = new GlacierClient({endpoint: emulator.url, region: 'us-east-1', credentials: {accessKeyId: 'test', secretAccessKey: 'test'}, maxAttempts: 1});
		try {
			await client.send(new GetDataRetrievalPolicyCommand({accountId: '-'}));
			policySupported = true;
		} catch {
			policySupported = false;
		} finally {
			client.destroy();
		}
	});
	afterAll(async () => emulator.close());

	it('plans straight from a succeeded inventory job (JSON and CSV) and never starts a job', async () => {
		const dir = fresh('job');
		for (const format of ['json', 'csv']) {
			const before = emulator.requests.length;
			const planDir = path.join(dir, format);
			const result = await thaw('restore', 'plan', planDir, '--vault-name', 'family', '--inventory-job-id', jobs[format], '--to', path.join(dir, 'out'), '--output', 'json', '--endpoint-url', emulator.url);
			expect(result.stderr).toBe('');
			expect(result.code).toBe(0);
			const json = JSON.parse(result.stdout);
			expect(json).toMatchObject({archives: 4, bytes: 2048 + 4096 + 100 + 1, undecodable: 1});
			expect(planLines(planDir).map(line => line[3]).slice(0, 3)).toEqual(['Fotos/Ähre.jpg', 'Docs/letter.pdf', 'notes/plain.txt']);
			const plan = JSON.parse(readFileSync(path.join(planDir, 'plan.json'), 'utf8'));
			expect(plan.inventory).toMatchObject({source: 'job', jobId: jobs[format]});
			const ops = emulator.requests.slice(before).map(request => request.op);
			expect(ops).toContain('GetJobOutput');
			expect(ops).not.toContain('InitiateJob');
		}

		expect(emulator.requests.some(request => request.op === 'InitiateJob')).toBe(false);
	});

	it('reads the data retrieval policy and says what it means (unknown when the emulator cannot answer)', async () => {
		const dir = fresh('policy');
		const result = await thaw('restore', 'plan', path.join(dir, 'P'), '--vault-name', 'family', '--inventory-job-id', jobs.json, '--tier', 'Standard', '--to', path.join(dir, 'out'), '--output', 'json', '--endpoint-url', emulator.url);
		expect(result.code).toBe(0);
		const {policy} = JSON.parse(result.stdout);
		if (policySupported) {
			expect(policy).toMatchObject({strategy: 'BytesPerHour', bytesPerHour: 1_073_741_824});
			expect(policy.note).toMatch(/takes at least/);
		} else {
			expect(policy.strategy).toBe('unknown');
			expect(policy.note).toMatch(/could not read it/);
		}

		const table = await thaw('restore', 'plan', path.join(dir, 'T'), '--vault-name', 'family', '--inventory-job-id', jobs.json, '--to', path.join(dir, 'out'), '--endpoint-url', emulator.url);
		expect(table.stdout).toMatch(/^Policy: data retrieval policy /m);
	});

	it('plans from a file when Glacier cannot be reached: policy unknown', async () => {
		const dir = fresh('offline');
		const file = inventoryFile(path.join(dir, 'inv.json'), [{description: 'a.txt'}], 'family');
		const result = await thaw('restore', 'plan', path.join(dir, 'P'), '--vault-name', 'family', '--inventory', file, '--to', path.join(dir, 'out'), '--output', 'json', '--endpoint-url', 'http://127.0.0.1:1');
		expect(result.code).toBe(0);
		expect(JSON.parse(result.stdout).policy.strategy).toBe('unknown');
		expect(existsSync(path.join(dir, 'P', 'plan.json'))).toBe(true);
		// From a job, Glacier is needed: a clear exit 5.
		const fromJob = await thaw('restore', 'plan', path.join(dir, 'Q'), '--vault-name', 'family', '--inventory-job-id', 'JOB', '--endpoint-url', 'http://127.0.0.1:1', '--cli-connect-timeout', '2');
		expect(fromJob.code).toBe(5);
		expect(fromJob.stderr.trim().split('\n')).toHaveLength(1);
	});

	it('in process: makePlan over a real connection gives the same plan as the CLI', async () => {
		const dir = fresh('in-process');
		const connection = connect({endpointUrl: emulator.url, region: 'us-east-1', demoCredentials: true, maxAttempts: 1});
		try {
			const made = await makePlan({planDir: path.join(dir, 'P'), vaultName: 'family', inventory: {jobId: jobs.json}, connection, to: path.join(dir, 'out'), tier: 'Expedited'});
			expect(made.header.totals.archives).toBe(4);
			expect(made.header.tier).toBe('Expedited');
			expect(made.header.vaultARN).toMatch(/:vaults\/family$/);
			expect(made.write.unchanged).toBe(false);
			expect(planLines(path.join(dir, 'P'))).toHaveLength(4);
		} finally {
			connection.close();
		}

		expect(emulator.requests.some(request => request.op === 'InitiateJob')).toBe(false);
	});
});
