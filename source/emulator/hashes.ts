/**
 * Per-MiB leaf hashes of generated archives, computed once, lazily and
 * cooperatively: one leaf at a time, always for the archive with the least
 * left to do, yielding to the event loop between leaves so the server keeps
 * answering while a 10 GiB archive is hashed. Leaves of big archives are
 * cached on disk (keyed by generator version, seed and size), so only the
 * first run pays. Any megabyte-aligned range's tree hash is the combination
 * of its leaves.
 */
import {createHash} from 'node:crypto';
import {mkdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {setImmediate as yieldToLoop} from 'node:timers/promises';
import {combineTreeHashes, MiB} from '../engine/tree-hash.js';
import {ContentReader, GENERATOR_VERSION} from './content.js';

const diskCacheMinSize = 64 * MiB;

type Task = {
	key: Buffer;
	size: number;
	done: number; // bytes hashed
	leaves: Buffer[];
	reader: ContentReader;
	cacheFile?: string;
	resolve: (leaves: Buffer[]) => void;
};

export class LeafHashes {
	private readonly results = new Map<string, Promise<Buffer[]>>();
	private readonly tasks = new Set<Task>();
	private running = false;
	private stopped = false;

	constructor(private readonly cacheDir: string | false) {}

	/** The leaf digests of the content for `key` (from the seed) of `size` bytes. */
	async leaves(seed: string, key: Buffer, size: number): Promise<Buffer[]> {
		const id = `${GENERATOR_VERSION}\0${seed}\0${size}`;
		let result = this.results.get(id);
		if (!result) {
			result = this.start(id, key, size);
			this.results.set(id, result);
		}

		return result;
	}

	/** Stop hashing (pending promises stay pending). */
	stop(): void {
		this.stopped = true;
		this.tasks.clear();
	}

	private async start(id: string, key: Buffer, size: number): Promise<Buffer[]> {
		let cacheFile: string | undefined;
		if (this.cacheDir !== false && size >= diskCacheMinSize) {
			cacheFile = join(this.cacheDir, `${createHash('sha256').update(id).digest('hex').slice(0, 32)}.leaves`);
			const cached = readCache(cacheFile, Math.ceil(size / MiB));
			if (cached) return cached;
		}

		if (size === 0) return [];
		if (size <= MiB) return [createHash('sha256').update(new ContentReader(key, 0).read(size)).digest()];
		return new Promise<Buffer[]>(resolve => {
			this.tasks.add({key, size, done: 0, leaves: [], reader: new ContentReader(key, 0), cacheFile, resolve});
			void this.run();
		});
	}

	private async run(): Promise<void> {
		if (this.running) return;
		this.running = true;
		try {
			while (this.tasks.size > 0 && !this.stopped) {
				let next: Task | undefined;
				for (const task of this.tasks) if (!next || task.size - task.done < next.size - next.done) next = task;
				const task = next!;
				// A few leaves per turn: enough to amortise the yield, little enough to keep the server responsive.
				for (let i = 0; i < 4 && task.done < task.size; i++) {
					const take = Math.min(MiB, task.size - task.done);
					task.leaves.push(createHash('sha256').update(task.reader.read(take)).digest());
					task.done += take;
				}

				if (task.done >= task.size) {
					this.tasks.delete(task);
					if (task.cacheFile) writeCache(task.cacheFile, task.leaves);
					task.resolve(task.leaves);
				}

				await yieldToLoop();
			}
		} finally {
			this.running = false;
		}
	}
}

function readCache(file: string, count: number): Buffer[] | undefined {
	try {
		const data = readFileSync(file);
		if (data.length !== count * 32) return undefined;
		const leaves: Buffer[] = [];
		for (let i = 0; i < count; i++) leaves.push(data.subarray(i * 32, (i + 1) * 32));
		return leaves;
	} catch {
		return undefined;
	}
}

function writeCache(file: string, leaves: Buffer[]): void {
	try {
		mkdirSync(join(file, '..'), {recursive: true});
		const temporary = `${file}.${process.pid}.tmp`;
		writeFileSync(temporary, Buffer.concat(leaves));
		renameSync(temporary, file);
	} catch {
		// The cache is an optimisation only.
	}
}

/**
 * Tree hash (hex) of the megabyte-aligned range [start, endInclusive] of the
 * data whose leaves are given: start is a multiple of 1 MiB, and endInclusive+1
 * is a multiple of 1 MiB or the end of the data.
 */
export function rangeTreeHash(leaves: readonly Buffer[], start: number, endInclusive: number): string {
	return combineTreeHashes(leaves.slice(start / MiB, Math.ceil((endInclusive + 1) / MiB))).toString('hex');
}
