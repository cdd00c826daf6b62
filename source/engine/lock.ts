/**
 * An exclusive lock between thaw processes (and within one), as a file:
 * `acquireLock(path, {what})` creates `path` atomically (O_CREAT|O_EXCL, so
 * an existing file or symlink there is never followed or reused) holding one
 * line of JSON {pid, host, startedAt, what, bootId?}, and gives back
 * `release()`, which removes it if it is still this holder's.
 *
 * When the file exists, its holder decides:
 * - this host, same boot, pid alive (this process included): held. ThawError
 *   exit 6 with one line: "<what> by thaw pid 1234 on host h since 12:03;
 *   wait for it or stop it".
 * - this host, pid not alive or an earlier boot: stale (a kill -9, a crash,
 *   a reboot): taken over.
 * - another host: thaw cannot tell whether it still runs, so it refuses and
 *   names the holder and the file to delete if that process is gone.
 * - not a lock thaw wrote (unreadable, not a regular file): refused, named.
 *
 * `what` is a phrase ending in a verb of the holder's work ("x.tar is being
 * downloaded", "shard 3 of plan p is being restored"): the second process
 * prints the holder's phrase, so the message names what is busy.
 *
 * Users: the download engine (a lock beside every `.part`), the restore
 * runner (one per shard).
 */
import {constants, readFileSync} from 'node:fs';
import {lstat, open, readFile, rename, unlink, link} from 'node:fs/promises';
import {hostname} from 'node:os';
import process from 'node:process';
import {ExitCode, ThawError} from '../errors.js';
import {inert} from '../inert.js';

export type LockHolder = {
	pid: number;
	host: string;
	/** ISO time the lock was taken. */
	startedAt: string;
	/** "x.tar is being downloaded". */
	what: string;
	/** Linux's boot id: a lock from an earlier boot is stale whatever its pid. */
	bootId?: string;
};

export type Lock = {
	readonly path: string;
	readonly holder: LockHolder;
	/** Remove the lock file if it is still ours; safe to call twice. */
	release(): Promise<void>;
};

export type LockOptions = {
	/** What the holder is doing, as the second process should read it: "x.tar is being downloaded". */
	what: string;
};

let cachedBootId: string | null | undefined;

function bootId(): string | undefined {
	if (cachedBootId === undefined) {
		try {
			cachedBootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
		} catch {
			cachedBootId = null;
		}
	}

	return cachedBootId ?? undefined;
}

export async function acquireLock(lockPath: string, options: LockOptions): Promise<Lock> {
	const holder: LockHolder = {pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), what: options.what, ...(bootId() ? {bootId: bootId()} : {})};
	// Again after taking over a stale lock (or after it vanished).
	for (let attempt = 0; attempt < 3; attempt++) {
		 
		if (await create(lockPath, holder)) return made(lockPath, holder);
		 
		const found = await readHolder(lockPath);
		if (found === 'gone') continue;
		const state = judgeHolder(found);
		if (state === 'held') throw heldError(lockPath, found);
		// Stale: move it aside (atomic), check it was the stale one we read, then create ours.
		 
		await takeOver(lockPath, found);
	}

	const found = await readHolder(lockPath);
	if (found !== 'gone') throw heldError(lockPath, found);
	throw new ThawError(`cannot take the lock ${inert(lockPath)}: it keeps changing; is another thaw starting on the same file?`, ExitCode.local);
}

/** Who holds a lock now, for a screen to show before starting; undefined when it is free or stale. */
export async function lockHolder(lockPath: string): Promise<{holder: LockHolder | undefined; message: string} | undefined> {
	const found = await readHolder(lockPath).catch((error: unknown) => error instanceof ThawError ? error : undefined);
	if (found === undefined || found === 'gone') return undefined;
	if (found instanceof ThawError) return {holder: undefined, message: found.message};
	if (judgeHolder(found) !== 'held') return undefined;
	return {holder: found, message: heldError(lockPath, found).message};
}

/** The one line for a held lock. */
export function describeHolder(lockPath: string, holder: LockHolder): string {
	const here = holder.host === hostname();
	const since = formatSince(holder.startedAt);
	const who = holder.pid === process.pid && here ? `this thaw (pid ${holder.pid})` : `thaw pid ${holder.pid} on host ${inert(holder.host)}`;
	const advice = here ? 'wait for it or stop it' : `wait for it or stop it; if it is no longer running there, delete ${inert(lockPath)}`;
	return `${inert(holder.what)} by ${who} since ${since}; ${advice}`;
}

function heldError(lockPath: string, holder: LockHolder): ThawError {
	return new ThawError(describeHolder(lockPath, holder), ExitCode.local);
}

function judgeHolder(holder: LockHolder): 'held' | 'stale' {
	if (holder.host !== hostname()) return 'held';
	const boot = bootId();
	if (boot && holder.bootId && holder.bootId !== boot) return 'stale';
	if (holder.pid === process.pid) return 'held';
	return alive(holder.pid) ? 'held' : 'stale';
}

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		// EPERM: it exists, owned by someone else.
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/** Create the lock file exclusively; false when something is already there. */
async function create(lockPath: string, holder: LockHolder): Promise<boolean> {
	let handle;
	try {
		handle = await open(lockPath, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | (constants.O_NOFOLLOW ?? 0), 0o644);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
		throw lockFileError(error, lockPath);
	}

	try {
		await handle.write(`${JSON.stringify(holder)}\n`);
	} catch (error) {
		await handle.close().catch(() => undefined);
		await unlink(lockPath).catch(() => undefined);
		throw lockFileError(error, lockPath);
	}

	await handle.close();
	return true;
}

function made(lockPath: string, holder: LockHolder): Lock {
	let released = false;
	return {
		path: lockPath,
		holder,
		async release() {
			if (released) return;
			released = true;
			// Only our own: a lock someone took over (ours judged stale) is theirs now.
			const found = await readHolder(lockPath).catch(() => 'gone' as const);
			if (found !== 'gone' && sameHolder(found, holder)) await unlink(lockPath).catch(() => undefined);
		},
	};
}

function sameHolder(a: LockHolder, b: LockHolder): boolean {
	return a.pid === b.pid && a.host === b.host && a.startedAt === b.startedAt;
}

/** The holder written in the lock file; 'gone' when there is none; ThawError when it is not a lock thaw wrote. */
async function readHolder(lockPath: string): Promise<LockHolder | 'gone'> {
	// A holder writes its line right after creating the file: an empty file is one being written, so look again briefly.
	for (let look = 0; ; look++) {
		let info;
		try {
			 
			info = await lstat(lockPath);
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
			throw lockFileError(error, lockPath);
		}

		if (!info.isFile()) {
			throw new ThawError(`${inert(lockPath)} is in the way of thaw's lock and is not a file thaw made (${info.isSymbolicLink() ? 'a symbolic link' : 'not a regular file'}): remove it if nothing else needs it`, ExitCode.local);
		}

		let text;
		try {
			 
			text = await readFile(lockPath, 'utf8');
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
			throw lockFileError(error, lockPath);
		}

		const holder = parseHolder(text);
		if (holder) return holder;
		if (look >= 5) {
			throw new ThawError(`${inert(lockPath)} is a lock file thaw cannot read${text.length === 0 ? ' (empty)' : ''}: if no thaw is working on this file, delete it`, ExitCode.local);
		}

		 
		await new Promise(resolve => {
			setTimeout(resolve, 20 * (look + 1));
		});
	}
}

function parseHolder(text: string): LockHolder | undefined {
	try {
		const value = JSON.parse(text) as Partial<LockHolder>;
		if (value && Number.isSafeInteger(value.pid) && typeof value.host === 'string' && typeof value.startedAt === 'string' && typeof value.what === 'string') {
			return {pid: value.pid!, host: value.host, startedAt: value.startedAt, what: value.what, ...(typeof value.bootId === 'string' ? {bootId: value.bootId} : {})};
		}
	} catch {
		// Not JSON: not a lock thaw wrote.
	}

	return undefined;
}

/**
 * Remove a stale lock without removing a fresh one: rename it to a name of
 * our own (atomic), and if what moved is not the stale holder we read (a
 * third process took over first), put it back with link() (which never
 * replaces) and let the caller read the new holder.
 */
async function takeOver(lockPath: string, stale: LockHolder): Promise<void> {
	const aside = `${lockPath}.stale-${process.pid}-${Date.now()}`;
	try {
		await rename(lockPath, aside);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
		throw lockFileError(error, lockPath);
	}

	const moved = parseHolder(await readFile(aside, 'utf8').catch(() => ''));
	if (!moved || !sameHolder(moved, stale)) await link(aside, lockPath).catch(() => undefined);
	await unlink(aside).catch(() => undefined);
}

function lockFileError(error: unknown, lockPath: string): ThawError {
	const code = (error as NodeJS.ErrnoException)?.code;
	const hints: Record<string, string> = {
		EACCES: 'permission denied: choose a folder you can write to',
		EPERM: 'permission denied: choose a folder you can write to',
		ENOENT: 'the folder does not exist: create it or choose another path',
		ENOTDIR: 'part of the path is not a directory',
		EROFS: 'the file system is read-only: choose another folder',
		ENOSPC: 'the disk is full: free some space, then run again',
	};
	const hint = (code && hints[code]) ?? inert(String((error as Error)?.message ?? error));
	return new ThawError(`cannot create the lock file ${inert(lockPath)}: ${hint}${code ? ` (${code})` : ''}`, ExitCode.local, {cause: error});
}

/** "12:03" today, "2026-11-30 12:03" another day (local time). */
function formatSince(iso: string): string {
	const at = new Date(iso);
	if (Number.isNaN(at.getTime())) return inert(iso);
	const pad = (n: number) => String(n).padStart(2, '0');
	const time = `${pad(at.getHours())}:${pad(at.getMinutes())}`;
	const now = new Date();
	const sameDay = at.getFullYear() === now.getFullYear() && at.getMonth() === now.getMonth() && at.getDate() === now.getDate();
	return sameDay ? time : `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${time}`;
}
