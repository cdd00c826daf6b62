/**
 * Making a download's writes durable without one fsync per caller: the .part's
 * data and its journal each have at most one fsync running and one queued
 * (everyone who asks meanwhile shares the queued one), and renames into one
 * folder share the folder's fsync the same way.
 */
import {open} from 'node:fs/promises';

/** One fsync at a time per file and kind; a call while one runs is covered by the next one, shared by all who asked meanwhile. */
export async function groupSync(state: SyncState, slot: 'data' | 'journal', sync: () => Promise<void>): Promise<void> {
	const start = async () => {
		const mine = sync();
		state[slot] = mine;
		try {
			await mine;
		} finally {
			if (state[slot] === mine) state[slot] = undefined;
		}
	};

	const running = state[slot];
	if (!running) return start();
	state[`${slot}Next`] ??= running.catch(() => undefined).then(async () => {
		state[`${slot}Next`] = undefined;
		await start();
	});
	return state[`${slot}Next`];
}

export type SyncState = {data?: Promise<void>; dataNext?: Promise<void>; journal?: Promise<void>; journalNext?: Promise<void>};

/**
 * fsync a file's folder so its rename is durable. Group commit: while one
 * fsync of a folder runs, every rename that asks meanwhile waits for the one
 * next fsync, which covers them all; dozens of small downloads finishing
 * into one folder cost two fsyncs at a time, not dozens.
 */
const folderSyncs = new Map<string, Array<() => void>>();

export async function syncDirectory(file: string): Promise<void> {
	const slash = file.lastIndexOf('/');
	const directory = slash === -1 ? '.' : (slash === 0 ? '/' : file.slice(0, slash));
	const waiting = folderSyncs.get(directory);
	return new Promise<void>(resolve => {
		if (waiting) {
			waiting.push(resolve);
			return;
		}

		const queue = [resolve];
		folderSyncs.set(directory, queue);
		void (async () => {
			while (queue.length > 0) {
				// Every rename that asked before this fsync started is covered by it.
				const batch = queue.splice(0);
				await syncFolder(directory);
				for (const done of batch) done();
			}

			folderSyncs.delete(directory);
		})();
	});
}

async function syncFolder(directory: string): Promise<void> {
	try {
		const handle = await open(directory, 'r');
		await handle.sync().catch(() => undefined);
		await handle.close();
	} catch {
		// Not every platform can open or fsync a directory; the rename itself is done.
	}
}
