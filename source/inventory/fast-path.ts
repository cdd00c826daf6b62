/**
 * The search index's fast path for the two commonest encoded descriptions,
 * on raw bytes and without allocating: mt-aws-glacier `mt2 <base64url JSON>`
 * and FastGlacier `<m>...<p>BASE64</p>...</m>`. It handles only the plain,
 * well-formed case and answers -1 for anything else, which then goes
 * to decodePath() (the reference): so it never decides differently from it.
 */

/** Base64 value of a byte (both alphabets), -1 for anything else. */
const base64Value = new Int8Array(256).fill(-1);
const standard = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
for (let v = 0; v < 62; v++) base64Value[standard.charCodeAt(v)] = v;
base64Value[0x2B] = 62; // +
base64Value[0x2D] = 62; // -
base64Value[0x2F] = 63; // /
base64Value[0x5F] = 63; // _

/**
 * Decode base64 bytes[start..end) (no padding) into out from 0; returns the
 * decoded length, -1 when a byte is not base64 (of either alphabet).
 */
function decodeBase64(bytes: Uint8Array, start: number, end: number, out: Uint8Array): number {
	let o = 0;
	let i = start;
	let invalid = 0;
	for (; i + 4 <= end; i += 4) {
		const a = base64Value[bytes[i]];
		const b = base64Value[bytes[i + 1]];
		const c = base64Value[bytes[i + 2]];
		const d = base64Value[bytes[i + 3]];
		invalid |= a | b | c | d; // -1 sets the sign bit
		const bits = (a << 18) | (b << 12) | (c << 6) | d;
		out[o] = bits >>> 16;
		out[o + 1] = (bits >>> 8) & 0xFF;
		out[o + 2] = bits & 0xFF;
		o += 3;
	}

	const rest = end - i;
	for (let k = i; k < end; k++) invalid |= base64Value[bytes[k]];
	if (invalid < 0) return -1;
	if (rest >= 2) {
		const bits = (base64Value[bytes[i]] << 18) | (base64Value[bytes[i + 1]] << 12) | (rest === 3 ? base64Value[bytes[i + 2]] << 6 : 0);
		out[o++] = bits >>> 16;
		if (rest === 3) out[o++] = (bits >>> 8) & 0xFF;
	}

	return o;
}

/** Is bytes[start..end) well-formed UTF-8 (as TextDecoder with fatal: true demands)? */
export function isWellFormedUtf8(bytes: Uint8Array, start: number, end: number): boolean {
	let i = start;
	while (i < end) {
		const b = bytes[i];
		if (b < 0x80) {
			i++;
			continue;
		}

		let more: number;
		let low = 0x80;
		let high = 0xBF;
		if (b >= 0xC2 && b <= 0xDF) {
			more = 1;
		} else if (b >= 0xE0 && b <= 0xEF) {
			more = 2;
			if (b === 0xE0) low = 0xA0;
			else if (b === 0xED) high = 0x9F;
		} else if (b >= 0xF0 && b <= 0xF4) {
			more = 3;
			if (b === 0xF0) low = 0x90;
			else if (b === 0xF4) high = 0x8F;
		} else {
			return false;
		}

		if (i + more >= end) return false;
		const second = bytes[i + 1];
		if (second < low || second > high) return false;
		for (let k = 2; k <= more; k++) if ((bytes[i + k] & 0xC0) !== 0x80) return false;
		i += more + 1;
	}

	return true;
}

/** Any byte >= 0x80 in bytes[start..end)? */
function hasHighBytes(bytes: Uint8Array, start: number, end: number): boolean {
	for (let k = start; k < end; k++) if (bytes[k] >= 0x80) return true;
	return false;
}

/** A UTF-8 byte order mark at bytes[start]? (TextDecoder drops it, so the reference decides.) */
function startsWithBom(bytes: Uint8Array, start: number, end: number): boolean {
	return end - start >= 3 && bytes[start] === 0xEF && bytes[start + 1] === 0xBB && bytes[start + 2] === 0xBF;
}

function isJsonSpace(b: number): boolean {
	return b === 0x20 || b === 0x09 || b === 0x0A || b === 0x0D;
}

/** Bytes 'filename' */
const filenameKey = [0x66, 0x69, 0x6C, 0x65, 0x6E, 0x61, 0x6D, 0x65];
/** Bytes 'mtime' */
const mtimeKey = [0x6D, 0x74, 0x69, 0x6D, 0x65];

/**
 * In a flat JSON object of string values without escapes in
 * json[0..length) (json[length] = 0), the filename value: its length
 * returned, its start in decodedPath.start; -1 when the object is anything else (or has no non-empty filename).
 */
function jsonFilename(json: Uint8Array, length: number): number {
	let i = 0;
	while (i < length && isJsonSpace(json[i])) i++;
	if (json[i++] !== 0x7B) return -1; // {
	let valueStart = -1;
	let valueEnd = -1;
	decodedPath.dateStart = -1;
	for (;;) {
		while (i < length && isJsonSpace(json[i])) i++;
		if (json[i++] !== 0x22) return -1; // "
		const keyStart = i;
		while (i < length && json[i] !== 0x22) {
			if (json[i] === 0x5C || json[i] < 0x20) return -1; // Escapes, control characters: the reference decides
			i++;
		}

		if (i >= length) return -1;
		const keyEnd = i++;
		while (i < length && isJsonSpace(json[i])) i++;
		if (json[i++] !== 0x3A) return -1; // :
		while (i < length && isJsonSpace(json[i])) i++;
		if (json[i++] !== 0x22) return -1; // Only string values
		const start = i;
		while (i < length && json[i] !== 0x22) {
			if (json[i] === 0x5C || json[i] < 0x20) return -1;
			i++;
		}

		if (i >= length) return -1;
		const end = i++;
		let isFilename = keyEnd - keyStart === 8;
		for (let k = 0; isFilename && k < 8; k++) isFilename = json[keyStart + k] === filenameKey[k];
		if (isFilename) { // The last one wins, as in JSON.parse
			valueStart = start;
			valueEnd = end;
		} else if (keyEnd - keyStart === 5 && json[keyStart] === 0x6D && json[keyStart + 1] === mtimeKey[1] && json[keyStart + 2] === mtimeKey[2] && json[keyStart + 3] === mtimeKey[3] && json[keyStart + 4] === mtimeKey[4]) {
			decodedPath.dateStart = start; // The last "mtime" wins too
			decodedPath.dateEnd = end;
		}

		while (i < length && isJsonSpace(json[i])) i++;
		const next = json[i++];
		if (next === 0x7D) break; // }
		if (next !== 0x2C) return -1; // ,
	}

	while (i < length && isJsonSpace(json[i])) i++;
	if (i !== length || valueEnd <= valueStart) return -1;
	decodedPath.start = valueStart;
	return valueEnd - valueStart;
}

function decodeMt2(bytes: Uint8Array, start: number, end: number, out: Uint8Array): number {
	let stop = end;
	while (stop > start + 4 && bytes[stop - 1] === 0x3D) stop--; // Trailing =
	const length = decodeBase64(bytes, start + 4, stop, out);
	if (length < 0) return -1;
	if (hasHighBytes(out, 0, length) && (startsWithBom(out, 0, length) || !isWellFormedUtf8(out, 0, length))) return -1;
	out[length] = 0; // A sentinel no JSON token matches: jsonFilename never reads stale bytes
	return jsonFilename(out, length);
}

/** `<m>` + `<tag>text</tag>`... + `</m>` exactly; the text of the first <p>, decoded. */
function decodeM(bytes: Uint8Array, start: number, end: number, out: Uint8Array): number {
	if (end - start < 7 || bytes[end - 4] !== 0x3C || bytes[end - 3] !== 0x2F || bytes[end - 2] !== 0x6D || bytes[end - 1] !== 0x3E) return -1; // </m>
	const stop = end - 4;
	let i = start + 3;
	let pStart = -1;
	let pEnd = -1;
	let lmStart = -1;
	let lmEnd = -1;
	while (i < stop) {
		if (bytes[i++] !== 0x3C) return -1; // <
		const nameStart = i;
		while (i < stop && ((bytes[i] | 0x20) >= 0x61 && (bytes[i] | 0x20) <= 0x7A)) i++;
		const nameEnd = i;
		if (nameEnd === nameStart || bytes[i++] !== 0x3E) return -1; // >
		const textStart = i;
		while (i < stop && bytes[i] !== 0x3C) i++;
		const textEnd = i;
		if (bytes[i++] !== 0x3C || bytes[i++] !== 0x2F) return -1; // </
		for (let k = nameStart; k < nameEnd; k++) if (bytes[i++] !== bytes[k]) return -1;
		if (bytes[i++] !== 0x3E) return -1;
		if (i > stop) return -1;
		if (pStart < 0 && nameEnd - nameStart === 1 && bytes[nameStart] === 0x70) { // The first <p>
			pStart = textStart;
			pEnd = textEnd;
		} else if (lmStart < 0 && nameEnd - nameStart === 2 && bytes[nameStart] === 0x6C && bytes[nameStart + 1] === 0x6D) { // The first <lm>
			lmStart = textStart;
			lmEnd = textEnd;
		}
	}

	if (pStart < 0) return -1;
	decodedPath.dateStart = lmStart;
	decodedPath.dateEnd = lmEnd;
	// Plain base64 of one alphabet, then at most two =.
	let bodyEnd = pEnd;
	while (bodyEnd > pStart && pEnd - bodyEnd < 2 && bytes[bodyEnd - 1] === 0x3D) bodyEnd--;
	let standardOnly = false;
	let urlOnly = false;
	for (let k = pStart; k < bodyEnd; k++) {
		const b = bytes[k];
		if (b === 0x2B || b === 0x2F) standardOnly = true;
		else if (b === 0x2D || b === 0x5F) urlOnly = true;
	}

	if (standardOnly && urlOnly) return -1;
	if ((bodyEnd - pStart) % 4 === 1 || (pEnd > bodyEnd && (pEnd - pStart) % 4 !== 0)) return -1; // Odd lengths and padding: the reference decides
	const length = decodeBase64(bytes, pStart, bodyEnd, out);
	if (length <= 0) return -1;
	decodedPath.start = 0;
	if (hasHighBytes(out, 0, length) && (startsWithBom(out, 0, length) || !isWellFormedUtf8(out, 0, length))) return -1;
	return length;
}

/**
 * Where the last path decodePathBytes() wrote starts in out; and the
 * modification time's text (mt2 "mtime", FastGlacier's first <lm>) at
 * [dateStart, dateEnd) -- in out for mt2, in the input for <m> (dateInOut) --
 * or dateStart -1 when there is none.
 */
export const decodedPath = {start: 0, dateStart: -1, dateEnd: -1, dateInOut: false};

/**
 * The decoded path of bytes[start..end) as well-formed UTF-8 in out (at
 * least end - start + 1 long), from decodedPath.start: its length, or -1
 * when decodePath() must decide.
 */
export function decodePathBytes(bytes: Uint8Array, start: number, end: number, out: Uint8Array): number {
	if (end - start < 5) return -1;
	const first = bytes[start];
	if (first === 0x6D && bytes[start + 1] === 0x74 && bytes[start + 2] === 0x32 && bytes[start + 3] === 0x20) {
		decodedPath.dateInOut = true;
		return decodeMt2(bytes, start, end, out);
	}

	if (first === 0x3C && bytes[start + 1] === 0x6D && bytes[start + 2] === 0x3E) {
		decodedPath.dateInOut = false;
		return decodeM(bytes, start, end, out);
	}

	return -1;
}

/**
 * parseCompactDate() (decoders.ts) on bytes[start..end): yyyyMMddTHHmmssZ
 * as ms, NaN when it is not one (the same answers, without a string or a regex).
 */
export function parseCompactDateBytes(bytes: Uint8Array, start: number, end: number): number {
	if (end - start !== 16 || bytes[start + 8] !== 0x54 || bytes[start + 15] !== 0x5A) return Number.NaN; // T, Z
	let year = 0;
	for (let k = 0; k < 4; k++) {
		const d = bytes[start + k] - 48;
		if (d < 0 || d > 9) return Number.NaN;
		year = (year * 10) + d;
	}

	const month = twoDigits(bytes, start + 4);
	const day = twoDigits(bytes, start + 6);
	const hour = twoDigits(bytes, start + 9);
	const minute = twoDigits(bytes, start + 11);
	const second = twoDigits(bytes, start + 13);
	if (month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return Number.NaN;
	// Date.UTC reads years 0..99 as 1900..1999: the day must exist in that year (a day past the month's end rolls over, which the reference refuses).
	const calendarYear = year <= 99 ? 1900 + year : year;
	const leap = calendarYear % 4 === 0 && (calendarYear % 100 !== 0 || calendarYear % 400 === 0);
	if (day > (month === 2 ? (leap ? 29 : 28) : daysInMonth[month])) return Number.NaN;
	return Date.UTC(year, month - 1, day, hour, minute, second);
}

const daysInMonth = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Two ASCII digits as a number, -1 when they are not. */
function twoDigits(bytes: Uint8Array, at: number): number {
	const a = bytes[at] - 48;
	const b = bytes[at + 1] - 48;
	return a < 0 || a > 9 || b < 0 || b > 9 ? -1 : (a * 10) + b;
}
