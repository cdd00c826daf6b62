/**
 * The proof a purge asks for before it deletes an archive: the restored file
 * is now at its recorded path under the plan's folder, reached through real
 * folders (no symbolic link anywhere below `to`: a link could point at
 * another copy, or at nothing the plan made), a regular file of exactly the
 * archive's size whose SHA-256 tree hash is the inventory's. The file is
 * opened without following links and checked to be the very file looked at.
 */
import {constants} from 'node:fs';
import {lstat, open, type FileHandle} from 'node:fs/promises';
import {join, relative} from 'node:path';
import {treeHashFile} from '../../engine/tree-hash.js';

/** Why an archive is kept (not deleted). */
export type KeepReason = 'not-verified' | 'missing' | 'symlink' | 'not-a-file' | 'size' | 'hash' | 'unreadable' | 'delete-failed';

export const keepReasonText: Record<KeepReason, string> = {
	'not-verified': 'not verified by the restore',
	missing: 'file missing',
	symlink: 'reached through a symbolic link',
	'not-a-file': 'not a regular file',
	size: 'size differs',
	hash: 'content differs (tree hash)',
	unreadable: 'file unreadable',
	'delete-failed': 'DeleteArchive kept failing',
};

/** What a check saw of the file: a later quick look tells whether it changed since. */
export type FileIdentity = {dev: number; ino: number; size: number; mtimeMs: number; ctimeMs: number};

export type Proof = {ok: true; identity: FileIdentity} | {ok: false; reason: KeepReason; detail: string};

function identityOf(info: {dev: number; ino: number; size: number; mtimeMs: number; ctimeMs: number}): FileIdentity {
	return {dev: info.dev, ino: info.ino, size: info.size, mtimeMs: info.mtimeMs, ctimeMs: info.ctimeMs};
}

function sameIdentity(a: FileIdentity, b: FileIdentity): boolean {
	return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs;
}

/** What went wrong at `where` ("the file", "its folder a/b"), in the words of a kept archive's detail. */
function errorProof(error: unknown, where: string): Proof {
	const code = (error as NodeJS.ErrnoException).code;
	if (code === 'ENOENT' || code === 'ENOTDIR') return {ok: false, reason: 'missing', detail: `${where} is not there`};
	if (code === 'ELOOP') return {ok: false, reason: 'symlink', detail: `${where} is a symbolic link`};
	return {ok: false, reason: 'unreadable', detail: `cannot read ${where}: ${code ?? (error as Error).message}`};
}

/** Every folder from `to` down to the file's own: real folders, not links. Undefined when they are. */
async function checkFolders(to: string, segments: string[]): Promise<Proof | undefined> {
	let dir = to;
	for (const segment of segments.slice(0, -1)) {
		dir = join(dir, segment);
		try {
			const info = await lstat(dir);
			if (info.isSymbolicLink()) return {ok: false, reason: 'symlink', detail: `its folder ${relative(to, dir)} is a symbolic link`};
			if (!info.isDirectory()) return {ok: false, reason: 'missing', detail: `${relative(to, dir)} is not a folder`};
		} catch (error) {
			return errorProof(error, `its folder ${relative(to, dir)}`);
		}
	}

	return undefined;
}

/** Prove one restored file against the archive it came from (size in bytes, tree hash as 64 hex). */
export async function proveFile(to: string, relativePath: string, size: number, treeHash: string): Promise<Proof> {
	const segments = relativePath.split('/');
	const file = join(to, ...segments);
	const folders = await checkFolders(to, segments);
	if (folders) return folders;
	let before;
	try {
		before = await lstat(file);
	} catch (error) {
		return errorProof(error, 'the file');
	}

	if (before.isSymbolicLink()) return {ok: false, reason: 'symlink', detail: 'the file is a symbolic link'};
	if (!before.isFile()) return {ok: false, reason: 'not-a-file', detail: 'it is not a regular file'};
	if (before.size !== size) return {ok: false, reason: 'size', detail: `the file is ${before.size.toLocaleString('en-US')} bytes, the archive ${size.toLocaleString('en-US')}`};
	let handle: FileHandle;
	try {
		handle = await open(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
	} catch (error) {
		return errorProof(error, 'the file');
	}

	try {
		const opened = identityOf(await handle.stat());
		// Replaced between the look and the open: not the file that was looked at.
		if (!sameIdentity(opened, identityOf(before))) return {ok: false, reason: 'hash', detail: 'the file changed while it was being checked'};
		// Read buffers sized to the file: the default two 8 MiB buffers per call dominate the time of small files.
		const {hash, bytes} = await treeHashFile(handle, {bufferSize: Math.min(8 * 1024 * 1024, Math.max(64 * 1024, size + 1))});
		const after = identityOf(await handle.stat());
		if (bytes !== size || !sameIdentity(after, opened)) return {ok: false, reason: 'hash', detail: 'the file changed while it was being hashed'};
		if (hash !== treeHash.toLowerCase()) return {ok: false, reason: 'hash', detail: `the file's tree hash is ${hash.slice(0, 16)}…, the inventory's ${treeHash.slice(0, 16)}…`};
		return {ok: true, identity: opened};
	} catch (error) {
		return errorProof(error, 'the file');
	} finally {
		await handle.close();
	}
}

/** Is the file still the one proved (same inode, size and times, nothing below `to` turned into a link)? Cheap: no hashing. */
export async function stillProved(to: string, relativePath: string, identity: FileIdentity): Promise<boolean> {
	const segments = relativePath.split('/');
	if (await checkFolders(to, segments)) return false;
	try {
		const info = await lstat(join(to, ...segments));
		return info.isFile() && sameIdentity(identityOf(info), identity);
	} catch {
		return false;
	}
}
