/**
 * Compact keys for a million paths: 32-bit hashes in open-addressing
 * tables of typed arrays (slots hold ids, never strings), the paths compared
 * only on a hash match -- on their bytes when both are ASCII (folding A-Z),
 * as strings otherwise. Versions group by the exact path, clashes by the
 * lower-cased one (foldKey), folders by lower-cased prefixes.
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

/** FNV-1a over UTF-16 code units. */
export function hashText(text: string): number {
	let h = fnvOffset;
	for (let k = 0; k < text.length; k++) h = Math.imul(h ^ text.charCodeAt(k), fnvPrime);
	return finish(h);
}

/** hashText() of the latin1 text of bytes[start..end), A-Z lower-cased when fold. */
function hashBytes(bytes: Uint8Array, start: number, end: number, fold: boolean): number {
	let h = fnvOffset;
	for (let k = start; k < end; k++) {
		let c = bytes[k];
		if (fold && c >= 0x41 && c <= 0x5A) c += 0x20;
		h = Math.imul(h ^ c, fnvPrime);
	}

	return finish(h);
}

/** hashText() of the UTF-16 form of well-formed UTF-8 bytes[start..end), without making the string. */
function hashUtf8(bytes: Uint8Array, start: number, end: number): number {
	let h = fnvOffset;
	for (let i = start; i < end; i++) {
		const b = bytes[i];
		if (b < 0x80) {
			h = Math.imul(h ^ b, fnvPrime);
		} else if (b < 0xE0) {
			h = Math.imul(h ^ (((b & 0x1F) << 6) | (bytes[++i] & 0x3F)), fnvPrime);
		} else if (b < 0xF0) {
			const unit = ((b & 0x0F) << 12) | ((bytes[i + 1] & 0x3F) << 6) | (bytes[i + 2] & 0x3F);
			i += 2;
			h = Math.imul(h ^ unit, fnvPrime);
		} else {
			const cp = (((b & 0x07) << 18) | ((bytes[i + 1] & 0x3F) << 12) | ((bytes[i + 2] & 0x3F) << 6) | (bytes[i + 3] & 0x3F)) - 0x1_00_00;
			i += 3;
			h = Math.imul(h ^ (0xD8_00 + (cp >> 10)), fnvPrime);
			h = Math.imul(h ^ (0xDC_00 + (cp & 0x3_FF)), fnvPrime);
		}
	}

	return finish(h);
}

const lower = (c: number) => (c >= 0x41 && c <= 0x5A ? c + 0x20 : c);

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

	private isAsciiBytes(id: number): boolean {
		return id < this.base && (this.named.flags[id] & (Named.ascii | Named.inText)) === Named.ascii;
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

	/** What versions group by: the unshortened path when a name was shortened, else the named path. */
	versionKey(k: number): string {
		return this.named.unshortened.get(k) ?? this.named.text(k);
	}

	/** Is the version key of k its named path's bytes (well-formed UTF-8)? */
	private exactInBytes(k: number): boolean {
		return (this.named.flags[k] & (Named.inText | Named.shortened)) === 0;
	}

	exactHash(k: number): number {
		if (this.exactInBytes(k)) {
			const {buffer, start, end} = this.named.locate(k);
			return (this.named.flags[k] & Named.ascii) === 0 ? hashUtf8(buffer, start, end) : hashBytes(buffer, start, end, false);
		}

		return hashText(this.versionKey(k));
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

	/** Hash of the lower-cased path of id. */
	foldHash(id: number): number {
		if (this.isAsciiBytes(id)) {
			const {buffer, start, end} = this.named.locate(id);
			return hashBytes(buffer, start, end, true);
		}

		return hashText(this.folded(id));
	}

	/** Do the first `length` units of id a's lower-cased path equal the lower-cased path of b up to bLength (-1: all of it)? */
	sameFolded(a: number, aLength: number, b: number, bLength: number): boolean {
		if (this.isAsciiBytes(a) && this.isAsciiBytes(b)) {
			const first = this.named.locate(a);
			const aBuffer = first.buffer;
			const aStart = first.start;
			const aEnd = aLength < 0 ? first.end : aStart + aLength;
			const second = this.named.locate(b);
			const bEnd = bLength < 0 ? second.end : second.start + bLength;
			if (aEnd - aStart !== bEnd - second.start) return false;
			for (let i = aStart, j = second.start; i < aEnd; i++, j++) if (lower(aBuffer[i]) !== lower(second.buffer[j])) return false;
			return true;
		}

		const left = this.folded(a);
		const leftPart = aLength < 0 ? left : left.slice(0, aLength);
		const right = this.folded(b);
		return leftPart === (bLength < 0 ? right : right.slice(0, bLength));
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
		const states = this.depthStates;
		const ends = this.depthEnds;
		let depth = 0;
		let h = fnvOffset;
		const keys = this.keys;
		if (id < keys.base && (keys.named.flags[id] & (Named.ascii | Named.inText)) === Named.ascii) {
			const {buffer, start, end} = keys.named.locate(id);
			for (let i = start; i < end; i++) {
				const c = buffer[i];
				if (c === 0x2F) {
					states[depth] = h;
					ends[depth++] = i - start;
				}

				h = Math.imul(h ^ lower(c), fnvPrime);
			}
		} else {
			const folded = keys.folded(id);
			for (let i = 0; i < folded.length; i++) {
				const c = folded.charCodeAt(i);
				if (c === 0x2F) {
					states[depth] = h;
					ends[depth++] = i;
				}

				h = Math.imul(h ^ c, fnvPrime);
			}
		}

		this.depth = depth;
		this.hashedId = id;
		return finish(h);
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
