/**
 * Byte-level validation of the four fields with a fixed shape (ArchiveId,
 * CreationDate, Size, SHA256TreeHash). Shared by every reader so that no
 * reader can let a wrong value through: each throws FieldError saying what
 * was wrong.
 */
import {FieldError} from './format-error.js';

const idChar = new Uint8Array(256);
for (const ch of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-') idChar[ch.charCodeAt(0)] = 1;

const hexValue = new Int8Array(256).fill(-1);
for (let i = 0; i < 10; i++) hexValue[48 + i] = i;
for (let i = 0; i < 6; i++) {
	hexValue[97 + i] = 10 + i;
	hexValue[65 + i] = 10 + i;
}

function show(bytes: Uint8Array, start: number, end: number): string {
	const text = Buffer.from(bytes.buffer, bytes.byteOffset + start, Math.min(end - start, 80)).toString('utf8');
	return JSON.stringify(end - start > 80 ? text + '...' : text);
}

/** ArchiveId: URL-safe base64, [A-Za-z0-9_-]+. */
export function checkArchiveId(bytes: Uint8Array, start: number, end: number): void {
	if (end <= start) throw new FieldError('ArchiveId is empty');
	for (let i = start; i < end; i++) {
		if (idChar[bytes[i]] === 0) throw new FieldError(`ArchiveId ${show(bytes, start, end)} has a character outside A-Z a-z 0-9 _ -`);
	}
}

/** True when the bytes are exactly 64 lower-case hex digits; fills out with the 32 raw bytes. Throws when not hex. */
export function parseTreeHash(bytes: Uint8Array, start: number, end: number, out: Uint8Array): boolean {
	if (end - start !== 64) throw new FieldError(`SHA256TreeHash ${show(bytes, start, end)} is not 64 hex digits`);
	let lower = true;
	for (let i = 0; i < 32; i++) {
		const a = bytes[start + 2 * i];
		const b = bytes[start + 2 * i + 1];
		const high = hexValue[a];
		const low = hexValue[b];
		if (high < 0 || low < 0) throw new FieldError(`SHA256TreeHash ${show(bytes, start, end)} is not 64 hex digits`);
		if (a <= 70 && a >= 65) lower = false;
		if (b <= 70 && b >= 65) lower = false;
		out[i] = (high << 4) | low;
	}

	return lower;
}

/** Size written as decimal digits (CSV, or a JSON string). */
export function parseSizeDigits(bytes: Uint8Array, start: number, end: number): number {
	if (end <= start) throw new FieldError('Size is empty');
	let value = 0;
	for (let i = start; i < end; i++) {
		const d = bytes[i] - 48;
		if (d < 0 || d > 9) throw new FieldError(`Size ${show(bytes, start, end)} is not a whole number of bytes`);
		value = value * 10 + d;
	}

	if (!Number.isSafeInteger(value)) throw new FieldError(`Size ${show(bytes, start, end)} is too large`);
	return value;
}

/** Size given as a JSON number. */
export function checkSizeNumber(value: number, text: string): number {
	if (!Number.isSafeInteger(value) || value < 0) throw new FieldError(`Size ${text} is not a whole number of bytes`);
	return value === 0 ? 0 : value; // Turn -0 into 0
}

const daysInMonth = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function digits(bytes: Uint8Array, at: number, count: number): number {
	let value = 0;
	for (let i = at; i < at + count; i++) {
		const d = bytes[i] - 48;
		if (d < 0 || d > 9) return -1;
		value = value * 10 + d;
	}

	return value;
}

export type ParsedDate = {ms: number; canonical: boolean};

const parsed: ParsedDate = {ms: 0, canonical: true};

/**
 * ISO-8601 date and time: YYYY-MM-DDTHH:MM:SS[.fff...](Z|±HH:MM|±HHMM).
 * Returns a shared object (copy what you need). `canonical` is true for
 * Glacier's own form YYYY-MM-DDTHH:MM:SSZ, which formatGlacierDate() gives back exactly.
 */
export function parseCreationDate(bytes: Uint8Array, start: number, end: number): ParsedDate {
	const length = end - start;
	const bad = (): never => {
		throw new FieldError(`CreationDate ${show(bytes, start, end)} is not an ISO-8601 date and time (like 2014-01-31T12:00:00Z)`);
	};

	if (length < 20) bad();
	const year = digits(bytes, start, 4);
	const month = digits(bytes, start + 5, 2);
	const day = digits(bytes, start + 8, 2);
	const hour = digits(bytes, start + 11, 2);
	const minute = digits(bytes, start + 14, 2);
	const second = digits(bytes, start + 17, 2);
	const t = bytes[start + 10];
	if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59
		|| bytes[start + 4] !== 45 || bytes[start + 7] !== 45 || (t !== 84 && t !== 116) || bytes[start + 13] !== 58 || bytes[start + 16] !== 58) bad();
	const leap = month === 2 && ((year % 4 === 0 && year % 100 !== 0) || year % 400 === 0);
	if (day > daysInMonth[month - 1] + (leap ? 1 : 0)) bad();
	let at = start + 19;
	let ms = 0;
	if (bytes[at] === 46) { // '.'
		at++;
		const fractionStart = at;
		let scale = 100;
		while (at < end && bytes[at] >= 48 && bytes[at] <= 57) {
			ms += (bytes[at] - 48) * scale;
			scale /= 10;
			at++;
		}

		if (at === fractionStart) bad();
		ms = Math.floor(ms);
	}

	let offsetMinutes = 0;
	const zone = bytes[at];
	if (zone === 90 || zone === 122) { // Z z
		at++;
	} else if (zone === 43 || zone === 45) { // + -
		const oh = digits(bytes, at + 1, 2);
		let om: number;
		if (bytes[at + 3] === 58) {
			om = digits(bytes, at + 4, 2);
			at += 6;
		} else {
			om = digits(bytes, at + 3, 2);
			at += 5;
		}

		if (oh < 0 || oh > 23 || om < 0 || om > 59 || at > end) bad();
		offsetMinutes = (zone === 43 ? 1 : -1) * (oh * 60 + om);
	} else {
		bad();
	}

	if (at !== end) bad();
	let utc = Date.UTC(year, month - 1, day, hour, minute, second, ms);
	if (year < 100) { // Date.UTC reads years 0-99 as 1900-1999
		const date = new Date(utc);
		date.setUTCFullYear(year);
		utc = date.getTime();
	}

	parsed.ms = utc - offsetMinutes * 60_000;
	parsed.canonical = length === 20 && zone === 90 && t === 84;
	return parsed;
}

function pad(value: number, width: number): string {
	return String(value).padStart(width, '0');
}

/** Glacier's own date form, YYYY-MM-DDTHH:MM:SSZ (with .mmm only if there are milliseconds). */
export function formatGlacierDate(ms: number): string {
	const date = new Date(ms);
	const base = `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}T${pad(date.getUTCHours(), 2)}:${pad(date.getUTCMinutes(), 2)}:${pad(date.getUTCSeconds(), 2)}`;
	const millis = date.getUTCMilliseconds();
	return millis === 0 ? `${base}Z` : `${base}.${pad(millis, 3)}Z`;
}

export function hexOf(bytes: Uint8Array, start: number, length: number): string {
	// One flat string (concatenation builds a rope of 64 nodes).
	return Buffer.from(bytes.buffer, bytes.byteOffset + start, length).toString('hex');
}
