/**
 * Archive descriptions as the popular backup tools write them (mt-aws-glacier,
 * FastGlacier, CloudBerry, QNAP): for the demo data and the tests.
 */

/** mt-aws-glacier: `mt2 ` + base64url (no padding) of UTF-8 JSON. */
export function mt2(filename: string, mtime: string): string {
	return `mt2 ${Buffer.from(JSON.stringify({filename, mtime}), 'utf8').toString('base64url')}`;
}

/** mt-aws-glacier's older form: the JSON was UTF-8-encoded twice. */
export function mt1(filename: string, mtime: string): string {
	const once = Buffer.from(JSON.stringify({filename, mtime}), 'utf8').toString('latin1');
	return `mt1 ${Buffer.from(once, 'utf8').toString('base64url')}`;
}

/** FastGlacier v2-v4. */
export function fastGlacier(path: string, lastModified: string, version = 4): string {
	return `<m><v>${version}</v><p>${Buffer.from(path, 'utf8').toString('base64')}</p><lm>${lastModified}</lm></m>`;
}

/** UTF-7 (RFC 2152) as CloudBerry writes paths: non-ASCII as +base64(UTF-16BE)-. */
export function utf7(text: string): string {
	return text.replace(/[^\x20-\x7e]+|\+/g, run => {
		if (run === '+') return '+-';
		const utf16 = Buffer.alloc(run.length * 2);
		for (let i = 0; i < run.length; i++) utf16.writeUInt16BE(run.charCodeAt(i), i * 2);
		return `+${utf16.toString('base64').replace(/=+$/, '')}-`;
	});
}

export function cloudBerry(path: string, modified: string): string {
	return JSON.stringify({Path: utf7(path), UTCDateModified: modified, Flags: 0});
}

export function qnap(path: string): string {
	return JSON.stringify({path, type: 'file'});
}
