/**
 * Compact keys for a million paths: 32-bit hashes (FNV-1a over the UTF-16
 * units of the lower-cased path) in open-addressing tables of typed arrays
 * (slots hold ids, never strings), the paths compared only on a hash match --
 * on their bytes when both can be lower-cased as bytes (ASCII, Latin-1, CJK),
 * as strings otherwise. Clashes group by the lower-cased path (foldKey),
 * versions by the exact one within that, folders by lower-cased prefixes.
 *
 * Ids: a candidate k (its named path, see fast-name.ts) is id k; a generated
 * name (a suffixed version or clash) is id base + g, its text in `generated`.
 */
import {type NamedPaths, Named} from './fast-name.js';
import {foldKey} from './names.js';

const fnvOffset = 0x81_1C_9D_C5;
const fnvPrime = 0x01_00_01_93;

/** Murmur3's finaliser: FNV's low bits (the table slot) cluster on paths that differ only near their end. */
function finish(h: number): number {
	h ^= h >>> 16;
	h = Math.imul(h, 0x85_EB_CA_6B);
	h ^= h >>> 13;
	h = Math.imul(h, 0xC2_B2_AE_35);
	h ^= h >>> 16;
	return h >>> 0;
}

/**
 * Lower-casing on UTF-8 bytes, for byte-foldable paths (fast-name.ts's
 * Named.foldable: ASCII, U+00A1..U+00FF and CJK ideographs only): A-Z, and
 * U+00C0..U+00DE but U+00D7 (UTF-8 C3 80..C3 9E), which lower-case to the
 * character 0x20 on (C3 A0..C3 BE); nothing else there has a lower case.
 * That keeps the byte length, so prefixes stay where they were.
 */
function foldByte(b: number, previous: number): number {
	if (b >= 0x41 && b <= 0x5A) return b + 0x20;
	return previous === 0xC3 && b >= 0x80 && b <= 0x9E && b !== 0x97 ? b + 0x20 : b;
}

/** FNV-1a + finish over the UTF-16 units of foldKey(text) of a byte-foldable path's bytes[start..end), without the string: FNV over its UTF-16 units. */
function hashFoldedBytes(bytes: Uint8Array, start: number, end: number, states: number[] | undefined, ends: number[] | undefined): number {
	let h = fnvOffset;
	let depth = 0;
	for (let i = start; i < end; i++) {
		const b = bytes[i];
		if (b < 0x80) {
			if (b === 0x2F && states !== undefined) {
				states[depth] = h;
				ends![depth++] = i - start;
			}

			h = Math.imul(h ^ (b >= 0x41 && b <= 0x5A ? b + 0x20 : b), fnvPrime);
		} else if (b < 0xE0) {
			const unit = ((b & 0x1F) << 6) | (bytes[++i] & 0x3F);
			h = Math.imul(h ^ (unit >= 0xC0 && unit <= 0xDE && unit !== 0xD7 ? unit + 0x20 : unit), fnvPrime);
		} else {
			h = Math.imul(h ^ (((b & 0x0F) << 12) | ((bytes[i + 1] & 0x3F) << 6) | (bytes[i + 2] & 0x3F)), fnvPrime);
			i += 2;
		}
	}

	foldedDepth = depth;
	return finish(h);
}

let foldedDepth = 0;


/**
 * Open addressing over 32-bit hashes: slot s is (hash, id + 1) at [2s, 2s + 1]
 * of one array, so a probe touches one cache line. Sized for `expected`,
 * grows past it.
 */
export class HashIndex {
	private mask = 0;
	private slots = new Int32Array(0);
	private count = 0;

	constructor(expected: number) {
		let size = 1024;
		while (size < expected * 2) size *= 2;
		this.allocate(size);
	}

	/** The id stored for this hash that `same` accepts, or -1. */
	find(hash: number, same: (id: number) => boolean): number {
		const slots = this.slots;
		const key = hash | 0;
		for (let slot = hash & this.mask; slots[(slot * 2) + 1] !== 0; slot = (slot + 1) & this.mask) {
			if (slots[slot * 2] === key && same(slots[(slot * 2) + 1] - 1)) return slots[(slot * 2) + 1] - 1;
		}

		return -1;
	}

	insert(hash: number, id: number): void {
		if (++this.count * 2 > this.mask + 1) this.grow();
		this.place(hash | 0, id + 1);
	}

	private place(key: number, slotValue: number): void {
		const slots = this.slots;
		let slot = key & this.mask;
		while (slots[(slot * 2) + 1] !== 0) slot = (slot + 1) & this.mask;
		slots[slot * 2] = key;
		slots[(slot * 2) + 1] = slotValue;
	}

	private allocate(size: number): void {
		this.mask = size - 1;
		this.slots = new Int32Array(size * 2);
	}

	private grow(): void {
		const old = this.slots;
		this.allocate(old.length); // Twice the slots
		for (let k = 0; k < old.length; k += 2) if (old[k + 1] !== 0) this.place(old[k], old[k + 1]);
	}
}

export class PathKeys {
	/** Texts of generated names (id base + g). */
	readonly generated: string[] = [];
	readonly base: number;
	private foldedId = -1;
	private foldedText = '';

	constructor(readonly named: NamedPaths) {
		this.base = named.selected.length;
	}

	/** Can id's path be lower-cased on its bytes (and are they its path)? */
	isFoldable(id: number): boolean {
		return id < this.base && (this.named.flags[id] & (Named.foldable | Named.inText)) === Named.foldable;
	}

	text(id: number): string {
		return id < this.base ? this.named.text(id) : this.generated[id - this.base];
	}

	/** foldKey(text(id)), the last one remembered (the same path is asked for several times in a row). */
	folded(id: number): string {
		if (id !== this.foldedId) {
			this.foldedText = foldKey(this.text(id));
			this.foldedId = id;
		}

		return this.foldedText;
	}

	/** The first `length` of id's lower-cased path (-1: all): bytes for a foldable path, else UTF-16 units. */
	private foldedPrefix(id: number, length: number): string {
		if (length < 0) return this.folded(id);
		if (!this.isFoldable(id)) return this.folded(id).slice(0, length);
		const {buffer, start} = this.named.locate(id);
		return foldKey(buffer.toString('utf8', start, start + length));
	}

	/** What versions group by: the unshortened path when a name was shortened, else the named path. */
	versionKey(k: number): string {
		return this.named.unshortened.get(k) ?? this.named.text(k);
	}

	/** Is the version key of k its named path's bytes (well-formed UTF-8)? */
	private exactInBytes(k: number): boolean {
		return (this.named.flags[k] & (Named.inText | Named.shortened)) === 0;
	}

	sameExact(a: number, b: number): boolean {
		if (this.exactInBytes(a) && this.exactInBytes(b)) { // Equal strings, equal UTF-8
			const first = this.named.locate(a);
			const aBuffer = first.buffer;
			const aStart = first.start;
			const aEnd = first.end;
			const {buffer, start, end} = this.named.locate(b);
			return aEnd - aStart === end - start && aBuffer.compare(buffer, start, end, aStart, aEnd) === 0;
		}

		return this.versionKey(a) === this.versionKey(b);
	}

	/** Hash of the lower-cased path of id; with states and ends, also of its folders (foldedDepth of them), for FolderSet. */
	foldHash(id: number, states?: number[], ends?: number[]): number {
		if (this.isFoldable(id)) {
			const {buffer, start, end} = this.named.locate(id);
			return hashFoldedBytes(buffer, start, end, states, ends);
		}

		const folded = this.folded(id);
		let h = fnvOffset;
		let depth = 0;
		for (let i = 0; i < folded.length; i++) {
			const c = folded.charCodeAt(i);
			if (c === 0x2F && states !== undefined) {
				states[depth] = h;
				ends![depth++] = i;
			}

			h = Math.imul(h ^ c, fnvPrime);
		}

		foldedDepth = depth;
		return finish(h);
	}

	/**
	 * Does the lower-cased path of id a, its first aLength (-1: all of it),
	 * equal that of b (bLength likewise)? Lengths count bytes for foldable
	 * paths, UTF-16 units otherwise.
	 */
	sameFolded(a: number, aLength: number, b: number, bLength: number): boolean {
		if (this.isFoldable(a) && this.isFoldable(b)) {
			const first = this.named.locate(a);
			const aBuffer = first.buffer;
			const aStart = first.start;
			const aEnd = aLength < 0 ? first.end : aStart + aLength;
			const second = this.named.locate(b);
			const bBuffer = second.buffer;
			const bStart = second.start;
			const bEnd = bLength < 0 ? second.end : bStart + bLength;
			if (aEnd - aStart !== bEnd - bStart) return false;
			let previousA = 0;
			let previousB = 0;
			for (let i = aStart, j = bStart; i < aEnd; i++, j++) {
				const x = aBuffer[i];
				const y = bBuffer[j];
				if (x !== y && foldByte(x, previousA) !== foldByte(y, previousB)) return false;
				previousA = x;
				previousB = y;
			}

			return true;
		}

		return this.foldedPrefix(a, aLength) === this.foldedPrefix(b, bLength);
	}

	/** Drop the remembered foldKey of id (its generated text changed). */
	forget(id: number): void {
		if (id === this.foldedId) this.foldedId = -1;
	}

	/** Add a generated name; its id. */
	addGenerated(text: string): number {
		this.generated.push(text);
		return this.base + this.generated.length - 1;
	}
}

/**
 * The folders the planned files need (lower-cased), as (id, prefix length)
 * entries in a hash table: a file may not take a folder's name.
 */
export class FolderSet {
	private readonly index: HashIndex;
	private readonly ids: number[] = [];
	private readonly lengths: number[] = [];
	private readonly depthStates: number[] = [];
	private readonly depthEnds: number[] = [];

	constructor(private readonly keys: PathKeys, expected: number) {
		this.index = new HashIndex(Math.min(expected, 1 << 16));
	}

	private findPrefix(hash: number, id: number, length: number): boolean {
		return this.index.find(hash, entry => this.keys.sameFolded(this.ids[entry], this.lengths[entry], id, length)) !== -1;
	}

	/** Is the lower-cased path of id one of the folders? */
	has(id: number, hash: number): boolean {
		return this.findPrefix(hash, id, -1);
	}

	private depth = 0;
	private hashedId = -1;

	/**
	 * foldHash(id), remembering the hashes of its folders (the lower-cased
	 * prefixes before each '/') for addFolders().
	 */
	hashWithFolders(id: number): number {
		const hash = this.keys.foldHash(id, this.depthStates, this.depthEnds);
		this.depth = foldedDepth;
		this.hashedId = id;
		return hash;
	}

	/** Add the folders of the path hashWithFolders() hashed last (deepest first; stop at one already in: its parents are too). */
	addFolders(): void {
		const id = this.hashedId;
		const ends = this.depthEnds;
		for (let d = this.depth - 1; d >= 0; d--) {
			if (ends[d] === 0) break; // (Safe paths never start with '/')
			const hash = finish(this.depthStates[d]);
			if (this.findPrefix(hash, id, ends[d])) break;
			this.index.insert(hash, this.ids.length);
			this.ids.push(id);
			this.lengths.push(ends[d]);
		}
	}
}
