/**
 * Where an archive goes under --to: its decoded (or plain) description made
 * safe, each name short enough for the runner's `<name>.part.journal`, and
 * the suffixes that tell versions and clashes apart.
 *
 * Everything here is pure and cheap: the planner calls it once per archive.
 */
import {decodeDescription, safeRelativePath} from '../../inventory/decoders.js';

/** The folder for archives with no usable name: `_by-archive-id/<archive id>`. */
export const byIdFolder = '_by-archive-id';
/** What the runner appends while a file is in progress: every name must leave room for it. */
export const longestSuffix = '.part.journal';
/** Most file systems allow 255 bytes per name. */
export const maxNameBytes = 255 - Buffer.byteLength(longestSuffix);

export type NamedArchive = {
	/** Safe relative path ('/'-separated), before version / clash suffixes. */
	path: string;
	/** Decoded modification time (ms), or null. */
	mtime: number | null;
	/** True when no usable name was found (the path is under byIdFolder). */
	undecodable: boolean;
	/** True when a name was shortened to fit maxNameBytes. */
	shortened: boolean;
	/** True when the name had to be made safe ('..', absolute, drive letter, control characters): not just '\\' -> '/'. */
	madeSafe: boolean;
	/** The decoded path as written, when it was made safe or shortened (for the decision record). */
	original?: string;
	/** The safe path before names were shortened, when they were: what versions are grouped by (two long names cut alike are not versions). */
	unshortened?: string;
	/** The tool that wrote the description, or 'plain' / null. */
	tool: string | null;
};

const utf8Length = (text: string) => Buffer.byteLength(text, 'utf8');

/** Cut text to at most maxBytes of UTF-8 without splitting a code point (or a surrogate pair). */
export function cutUtf8(text: string, maxBytes: number): string {
	if (maxBytes <= 0) return '';
	if (utf8Length(text) <= maxBytes) return text;
	let bytes = 0;
	let end = 0;
	for (const ch of text) {
		const size = utf8Length(ch);
		if (bytes + size > maxBytes) break;
		bytes += size;
		end += ch.length;
	}

	return text.slice(0, end);
}

/** Split a file name into stem and extension ('.jpg', '.tar.gz' counts as '.gz'); a leading dot is part of the stem. */
export function splitExtension(name: string): [string, string] {
	const dot = name.lastIndexOf('.');
	if (dot <= 0 || name.length - dot > 16) return [name, ''];
	return [name.slice(0, dot), name.slice(dot)];
}

/** A name of at most maxNameBytes, keeping its extension and the given suffix (inserted before the extension). */
export function fitName(name: string, suffix = ''): string {
	const [stem, extension] = splitExtension(name);
	const whole = stem + suffix + extension;
	if (utf8Length(whole) <= maxNameBytes) return whole;
	const room = maxNameBytes - utf8Length(suffix) - utf8Length(extension);
	if (room >= 8) return cutUtf8(stem, room) + suffix + extension;
	// Absurdly long extension or suffix: cut the whole thing.
	return cutUtf8(whole, maxNameBytes);
}

function lastSegment(path: string): [string, string] {
	const slash = path.lastIndexOf('/');
	return slash === -1 ? ['', path] : [path.slice(0, slash + 1), path.slice(slash + 1)];
}

/** The path with a suffix inserted before the last name's extension, still fitting maxNameBytes. */
export function withSuffix(path: string, suffix: string): string {
	const [folder, name] = lastSegment(path);
	return folder + fitName(name, suffix);
}

/** A version's date for its suffix: `2019-05-01T12-00-00Z` (no colons: Windows forbids them). */
export function dateSuffix(ms: number): string {
	const iso = Number.isFinite(ms) ? new Date(ms).toISOString() : 'unknown-date';
	return ` (${iso.replace(/\.\d{3}Z$/, 'Z').replaceAll(':', '-')})`;
}

/** Names the runner uses for its own files are never given to an archive. */
function avoidRunnerNames(path: string): string {
	return /\.part(\.journal)?$/i.test(path) ? `${path}_` : path;
}

/** Normalise to NFC (what most file systems and people mean by "the same name"); ASCII needs nothing. */
function nfc(text: string): string {
	// eslint-disable-next-line no-control-regex
	return /^[\u0000-\u007F]*$/.test(text) ? text : text.normalize('NFC');
}

/**
 * Shorten every segment of a safe path to maxNameBytes. Directories are cut
 * the same way for every archive in them, so they stay one directory.
 */
function fitSegments(path: string): {path: string; shortened: boolean} {
	if (utf8Length(path) <= maxNameBytes) return {path, shortened: false};
	const segments = path.split('/');
	let shortened = false;
	for (let k = 0; k < segments.length; k++) {
		if (utf8Length(segments[k]) > maxNameBytes) {
			segments[k] = k === segments.length - 1 ? fitName(segments[k]) : cutUtf8(segments[k], maxNameBytes);
			shortened = true;
		}
	}

	return {path: segments.join('/'), shortened};
}

/** What decodeDescription() could recognise (the string twin of the inventory's mightBeEncoded). */
function looksEncoded(description: string): boolean {
	const first = description.charCodeAt(0);
	if (first === 0x7B) return true; // {
	if (first === 0x6D) return description.startsWith('mt2 ') || description.startsWith('mt1 ');
	if (first === 0x3C) return description.startsWith('<m>') || description.startsWith('<ArchiveMetadata>');
	return false;
}

/**
 * A path that needs no work: printable ASCII without '\\', no leading,
 * trailing or doubled '/', no '.' or '..' segment, no name over
 * maxNameBytes and not a runner's name. Most descriptions and decoded paths
 * are like this; they skip the general path (split, regexes, NFC, byte counts).
 */
function isPlainSafe(path: string): boolean {
	const length = path.length;
	if (length === 0 || path.charCodeAt(0) === 0x2F || path.charCodeAt(length - 1) === 0x2F) return false;
	let segmentStart = 0;
	for (let k = 0; k <= length; k++) {
		const c = k === length ? 0x2F : path.charCodeAt(k);
		if (c === 0x2F) {
			const segment = k - segmentStart;
			if (segment === 0 || segment > maxNameBytes) return false;
			if (path.charCodeAt(segmentStart) === 0x2E && (segment === 1 || (segment === 2 && path.charCodeAt(segmentStart + 1) === 0x2E))) return false;
			segmentStart = k + 1;
		} else if (c < 0x20 || c > 0x7E || c === 0x5C) {
			return false;
		}
	}

	// A drive letter ('C:x') and the runner's own names (in any case, as avoidRunnerNames sees them) go the general way.
	return !(length >= 2 && path.charCodeAt(1) === 0x3A) && !endsLikeRunnerName(path);
}

/** Ends in '.part' or '.journal', in any case: avoidRunnerNames() may have work to do. */
function endsLikeRunnerName(path: string): boolean {
	const dot = path.lastIndexOf('.');
	if (dot === -1) return false;
	const extension = path.slice(dot + 1).toLowerCase();
	return extension === 'part' || extension === 'journal';
}

/**
 * An archive's destination from its description: a decoded path (mt2,
 * FastGlacier, CloudBerry, QNAP) or a plain description that is a usable
 * relative path; otherwise `_by-archive-id/<id>`. Never absolute, never `..`.
 */
export function nameArchive(description: string, archiveId: string): NamedArchive {
	let raw: string | null = null;
	let mtime: number | null = null;
	let tool: string | null = null;
	if (looksEncoded(description)) {
		const decoded = decodeDescription(description);
		if (decoded) {
			raw = decoded.path;
			mtime = decoded.lastModified ?? null;
			tool = decoded.tool;
		} else if (!/^(mt[12] |<m>|<ArchiveMetadata>)/.test(description)) {
			raw = description; // A '{' that is not one of the JSON formats: plain text
			tool = 'plain';
		}
	} else if (description.length > 0) {
		raw = description;
		tool = 'plain';
	}

	return nameRaw(raw, mtime, tool, archiveId);
}

/** The general way from a decoded (or plain) path, null when there is none, to the destination. */
export function nameRaw(raw: string | null, mtime: number | null, tool: string | null, archiveId: string): NamedArchive {
	if (raw !== null && isPlainSafe(raw)) return {path: raw, mtime, undecodable: false, shortened: false, madeSafe: false, tool};
	const safe = raw === null ? null : safeRelativePath(raw.trim() === '' ? '' : raw);
	if (safe === null) {
		return {path: `${byIdFolder}/${fitName(safeRelativePath(archiveId) ?? 'archive')}`, mtime, undecodable: true, shortened: false, madeSafe: false, tool};
	}

	// Backslashes, a drive letter and leading slashes are how tools write paths; '..' and control characters are what "made safe" means.
	const benign = raw!.replaceAll('\\', '/').replace(/^[A-Za-z]:/, '').split('/').filter(segment => segment !== '' && segment !== '.').join('/');
	const madeSafe = safe !== benign;
	const whole = avoidRunnerNames(nfc(safe));
	const fitted = fitSegments(whole);
	const named: NamedArchive = {path: fitted.path, mtime, undecodable: false, shortened: fitted.shortened, madeSafe, tool};
	if (madeSafe || fitted.shortened) named.original = raw!.slice(0, 1024);
	if (fitted.shortened) named.unshortened = whole;
	return named;
}

/** The key two paths clash on, on a case-insensitive file system. */
export function foldKey(path: string): string {
	return path.toLowerCase();
}
