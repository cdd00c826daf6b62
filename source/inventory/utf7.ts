/**
 * UTF-7 (RFC 2152), as CloudBerry writes paths: `+` starts a run of
 * modified base64 holding UTF-16BE code units, ended by `-` (absorbed) or by
 * any character outside the base64 alphabet (kept); `+-` is a plain `+`.
 */
const base64Value = new Int8Array(128).fill(-1);
for (const [i, ch] of [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'].entries()) base64Value[ch.charCodeAt(0)] = i;

export function decodeUtf7(text: string): string {
	let out = '';
	let i = 0;
	while (i < text.length) {
		const ch = text[i];
		if (ch !== '+') {
			out += ch;
			i++;
			continue;
		}

		i++;
		if (text[i] === '-') {
			out += '+';
			i++;
			continue;
		}

		let bits = 0;
		let bitCount = 0;
		const units: number[] = [];
		while (i < text.length) {
			const code = text.charCodeAt(i);
			const value = code < 128 ? base64Value[code] : -1;
			if (value < 0) break;
			bits = ((bits << 6) | value) & 0xFF_FF_FF;
			bitCount += 6;
			if (bitCount >= 16) {
				bitCount -= 16;
				units.push((bits >> bitCount) & 0xFF_FF);
			}

			i++;
		}

		out += String.fromCharCode(...units);
		if (text[i] === '-') i++;
	}

	return out;
}

/** The UTF-7 form of a string (direct characters for printable ASCII except `+` and `\`), for tests and fixtures. */
export function encodeUtf7(text: string): string {
	let out = '';
	let run: number[] = [];
	const flush = () => {
		if (run.length === 0) return;
		const bytes = Buffer.alloc(run.length * 2);
		for (const [j, unit] of run.entries()) bytes.writeUInt16BE(unit, j * 2);
		out += '+' + bytes.toString('base64').replace(/=+$/, '') + '-';
		run = [];
	};

	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		if (code >= 0x20 && code < 0x7F && code !== 0x2B && code !== 0x5C && code !== 0x7E) {
			flush();
			out += text[i];
		} else if (code === 0x2B && run.length === 0) {
			out += '+-';
		} else {
			run.push(code);
		}
	}

	flush();
	return out;
}
