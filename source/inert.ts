/**
 * Make untrusted text safe to print to a terminal: no control characters,
 * no escape sequences (CSI, OSC, DCS...), no bidirectional overrides.
 * Each offending code point is shown as a visible escape (`\x1b`, `\u202e`),
 * so the text stays readable and can never move the cursor, retitle the
 * window, ring the bell or write the clipboard.
 */
// C0 controls, DEL, C1 controls, bidi embeddings/overrides/isolates, line/paragraph separators.
// eslint-disable-next-line no-control-regex
const unsafe = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escapeCodePoint(ch: string): string {
	const code = ch.codePointAt(0)!;
	return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

export function inert(text: string): string {
	unsafe.lastIndex = 0;
	if (!unsafe.test(text)) return text;
	unsafe.lastIndex = 0;
	return text.replace(unsafe, escapeCodePoint);
}

/** True when the text would reach a terminal unchanged. */
export function isInert(text: string): boolean {
	unsafe.lastIndex = 0;
	return !unsafe.test(text);
}

// What JSON.stringify leaves raw but a terminal acts on: DEL, C1 controls (U+009B is CSI), bidi controls, line separators.
// (It already writes C0 controls as \u00XX, so any raw C0 in its output is structure: newlines and indents.)
const unsafeInJson = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * JSON text (from JSON.stringify) that is safe on a terminal and still the
 * same JSON: each unsafe code point becomes its \uXXXX escape, which parses
 * back to the very same value.
 */
export function inertJson(json: string): string {
	unsafeInJson.lastIndex = 0;
	if (!unsafeInJson.test(json)) return json;
	unsafeInJson.lastIndex = 0;
	return json.replace(unsafeInJson, ch => `\\u${ch.codePointAt(0)!.toString(16).padStart(4, '0')}`);
}

/**
 * Shorten already-inert text to at most `max` characters (ending in '…' when
 * cut), never inside one of inert()'s escapes (`\x1b`, `\u202e`) nor inside a
 * surrogate pair: half an escape would show as something that is not there.
 */
export function cutInert(text: string, max: number): string {
	if (text.length <= max) return text;
	let end = Math.max(0, max - 1);
	const backslash = text.lastIndexOf('\\', end - 1);
	if (backslash !== -1 && end - backslash < 6) {
		const escape = /^\\(?:x[0-9a-f]{2}|u[0-9a-f]{4})/.exec(text.slice(backslash, backslash + 6));
		if (escape && backslash + escape[0].length > end) end = backslash;
	}

	const last = text.charCodeAt(end - 1);
	if (last >= 0xd8_00 && last <= 0xdb_ff) end--;
	return `${text.slice(0, end)}…`;
}
