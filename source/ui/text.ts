/**
 * Fitting text into terminal cells: every line the UI draws is cut to the
 * width it is given (never wrapped), so a frame is exactly as tall as planned.
 */

/** Cells one code point takes: 0 for combining marks, 2 for wide East Asian and emoji, else 1. */
export function charWidth(code: number): number {
	if (code < 0x300) return 1;
	if ((code >= 0x300 && code <= 0x36f) || (code >= 0x200b && code <= 0x200f) || (code >= 0xfe00 && code <= 0xfe0f)) return 0;
	if ((code >= 0x1100 && code <= 0x115f) || (code >= 0x2e80 && code <= 0xa4cf) || (code >= 0xac00 && code <= 0xd7a3)
		|| (code >= 0xf900 && code <= 0xfaff) || (code >= 0xfe30 && code <= 0xfe4f) || (code >= 0xff00 && code <= 0xff60)
		|| (code >= 0xffe0 && code <= 0xffe6) || (code >= 0x1f300 && code <= 0x1faff) || (code >= 0x20000 && code <= 0x3fffd)) return 2;
	return 1;
}

export function textWidth(text: string): number {
	let width = 0;
	for (const ch of text) width += charWidth(ch.codePointAt(0)!);
	return width;
}

/** Cut to at most `width` cells, ending in … when cut. */
export function truncate(text: string, width: number): string {
	if (width <= 0) return '';
	if (textWidth(text) <= width) return text;
	let out = '';
	let used = 0;
	for (const ch of text) {
		const w = charWidth(ch.codePointAt(0)!);
		if (used + w > width - 1) break;
		out += ch;
		used += w;
	}

	return out + '…';
}

/** Exactly `width` cells: cut or padded (right-aligned when asked). */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
	const cut = truncate(text, width);
	const pad = ' '.repeat(Math.max(0, width - textWidth(cut)));
	return align === 'right' ? pad + cut : cut + pad;
}

/** Word-wrap into at most `maxLines` lines of `width` cells (the last one cut with … when needed). */
export function wrapText(text: string, width: number, maxLines: number): string[] {
	const lines: string[] = [];
	let current = '';
	for (const word of text.split(/\s+/).filter(Boolean)) {
		const candidate = current ? `${current} ${word}` : word;
		if (textWidth(candidate) <= width || current === '') {
			current = candidate;
		} else {
			lines.push(current);
			current = word;
		}
	}

	if (current) lines.push(current);
	if (lines.length > maxLines) {
		const kept = lines.slice(0, maxLines);
		kept[maxLines - 1] = truncate(`${kept[maxLines - 1]} ${lines.slice(maxLines).join(' ')}`, width);
		return kept.map(l => truncate(l, width));
	}

	return lines.map(l => truncate(l, width));
}
