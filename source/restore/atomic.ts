/**
 * Files that must never be seen half-written: written beside, fsynced, renamed
 * into place, the folder fsynced (the plan files, the shard journal and its
 * snapshot).
 */
import {open, rename, type FileHandle} from 'node:fs/promises';
import {join} from 'node:path';

/** fsync a folder so a rename in it survives a power loss. */
export async function syncDirectory(dir: string): Promise<void> {
	let handle: FileHandle | undefined;
	try {
		handle = await open(dir, 'r');
		await handle.sync();
	} catch {
		// Some file systems cannot fsync a directory; the rename itself is still atomic.
	} finally {
		await handle?.close();
	}
}

/** Write a file under its final name atomically: temp, fsync, rename, fsync the folder. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
	const temporary = `${path}.tmp-${process.pid}`;
	const handle = await open(temporary, 'w');
	try {
		await handle.writeFile(data);
		await handle.sync();
	} finally {
		await handle.close();
	}

	await rename(temporary, path);
	await syncDirectory(join(path, '..'));
}
