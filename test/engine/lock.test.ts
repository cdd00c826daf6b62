/**
 * The exclusive lock file: atomic creation, who holds it in one line, stale
 * locks of dead processes taken over, other hosts refused, links never
 * followed, release removing only its own lock.
 */
import {spawnSync} from 'node:child_process';
import {lstat, mkdtemp, readFile, readlink, rm, symlink, writeFile} from 'node:fs/promises';
import {hostname, tmpdir} from 'node:os';
import {join} from 'node:path';
import process from 'node:process';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {acquireLock, lockHolder} from '../../source/engine/lock.js';
import {ThawError} from '../../source/errors.js';

let dir: string;
let n = 0;
const path = () => join(dir, `l-${++n}.lock`);

beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'thaw-lock-'));
});
afterAll(async () => rm(dir, {recursive: true, force: true}));

async function refusal(promise: Promise<unknown>): Promise<ThawError> {
	try {
		await promise;
	} catch (error) {
		if (error instanceof ThawError) return error;
		throw error;
	}

	throw new Error('expected the lock to be refused');
}

/** A pid that is surely not running: a child that has exited. */
function deadPid(): number {
	const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {encoding: 'utf8'});
	return Number(child.stdout);
}

describe('acquireLock', () => {
	it('creates the file holding {pid, host, startedAt, what}, and release removes it', async () => {
		const file = path();
		const lock = await acquireLock(file, {what: 'x.tar is being downloaded'});
		const held = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
		expect(held).toMatchObject({pid: process.pid, host: hostname(), what: 'x.tar is being downloaded'});
		expect(Number.isNaN(Date.parse(String(held.startedAt)))).toBe(false);
		await lock.release();
		await lock.release();
		await expect(lstat(file)).rejects.toThrow();
	});

	it('a second acquire while held (here, this same process) exits 6 with one line naming the holder', async () => {
		const file = path();
		const lock = await acquireLock(file, {what: 'x.tar is being downloaded'});
		const error = await refusal(acquireLock(file, {what: 'x.tar is being downloaded'}));
		expect(error.exitCode).toBe(6);
		expect(error.message).toMatch(new RegExp(`^x\\.tar is being downloaded by this thaw \\(pid ${process.pid}\\) since \\d\\d:\\d\\d; wait for it or stop it$`));
		expect((await lockHolder(file))?.message).toBe(error.message);
		await lock.release();
		expect(await lockHolder(file)).toBeUndefined();
	});

	it('names another live process by pid and host', async () => {
		const file = path();
		// pid 1 is alive on every Linux machine (init), so the lock is held.
		await writeFile(file, JSON.stringify({pid: 1, host: hostname(), startedAt: new Date().toISOString(), what: 'y.bin is being downloaded'}));
		const error = await refusal(acquireLock(file, {what: 'y.bin is being downloaded'}));
		expect(error.exitCode).toBe(6);
		expect(error.message).toMatch(new RegExp(`^y\\.bin is being downloaded by thaw pid 1 on host ${hostname().replaceAll('.', '\\.')} since \\d\\d:\\d\\d; wait for it or stop it$`));
	});

	it('takes over the lock of a dead process on this host', async () => {
		const file = path();
		await writeFile(file, JSON.stringify({pid: deadPid(), host: hostname(), startedAt: '2026-01-01T00:00:00.000Z', what: 'old'}));
		const lock = await acquireLock(file, {what: 'new'});
		expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({pid: process.pid, what: 'new'});
		await lock.release();
	});

	it('takes over a lock from an earlier boot whatever its pid', async () => {
		const file = path();
		await writeFile(file, JSON.stringify({pid: 1, host: hostname(), startedAt: '2026-01-01T00:00:00.000Z', what: 'old', bootId: 'an-earlier-boot'}));
		const lock = await acquireLock(file, {what: 'new'});
		await lock.release();
	});

	it('refuses a lock held on another host (it cannot tell if that runs) and says which file to delete', async () => {
		const file = path();
		await writeFile(file, JSON.stringify({pid: deadPid(), host: 'other-host', startedAt: '2026-01-01T10:03:00.000Z', what: 'z.bin is being downloaded'}));
		const error = await refusal(acquireLock(file, {what: 'z.bin is being downloaded'}));
		expect(error.exitCode).toBe(6);
		expect(error.message).toContain('by thaw pid');
		expect(error.message).toContain('on host other-host since 2026-01-01');
		expect(error.message).toContain(`if it is no longer running there, delete ${file}`);
	});

	it('never follows a symlink at the lock path, and never writes through it', async () => {
		const file = path();
		const target = join(dir, 'victim.txt');
		await writeFile(target, 'precious');
		await symlink(target, file);
		const error = await refusal(acquireLock(file, {what: 'w'}));
		expect(error.exitCode).toBe(6);
		expect(error.message).toContain('symbolic link');
		expect(await readFile(target, 'utf8')).toBe('precious');
		expect(await readlink(file)).toBe(target);
	});

	it('refuses a lock file it cannot read, naming it', async () => {
		const file = path();
		await writeFile(file, 'not json');
		const error = await refusal(acquireLock(file, {what: 'w'}));
		expect(error.exitCode).toBe(6);
		expect(error.message).toContain(`${file} is a lock file thaw cannot read`);
	});

	it('release leaves alone a lock that someone else holds by now', async () => {
		const file = path();
		const lock = await acquireLock(file, {what: 'mine'});
		const theirs = JSON.stringify({pid: 1, host: hostname(), startedAt: new Date().toISOString(), what: 'theirs'});
		await writeFile(file, theirs);
		await lock.release();
		expect(await readFile(file, 'utf8')).toBe(theirs);
	});

	it('shows holder text inert (a hostile lock file cannot reach the terminal raw)', async () => {
		const file = path();
		await writeFile(file, JSON.stringify({pid: 1, host: 'h\u001b[2J', startedAt: new Date().toISOString(), what: 'x\u001b]0;pwned\u0007'}));
		const error = await refusal(acquireLock(file, {what: 'w'}));
		// eslint-disable-next-line no-control-regex
		expect(error.message).not.toMatch(/[\u0000-\u001f]/);
		expect(error.message).toContain('\\x1b');
	});
});
