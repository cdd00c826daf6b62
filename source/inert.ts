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
