/**
 * Credentials never leave thaw: every text that thaw prints and that may
 * carry what the SDK or a server said (error messages, causes, stack traces,
 * request logs) passes through redact() first. People paste `--debug` output
 * into bug reports, and AWS's signature-mismatch errors quote the signed
 * request, x-amz-security-token included.
 *
 * Two layers, because neither alone is enough:
 * - the values themselves: the secret key and session token of the
 *   environment (and any registered with registerSecret) are replaced
 *   wherever they appear, whatever quotes them;
 * - their shapes: what follows an x-amz-security-token, Authorization,
 *   Signature=, secret-key or session-token label, access key ids, and
 *   long base64 blobs like the ones STS hands out as session tokens.
 */

const known = new Set<string>();

/** Values thaw must never print. Short strings are ignored (they would blank out ordinary words). */
export function registerSecret(value: string | undefined): void {
	if (value !== undefined && value.length >= 8) known.add(value);
}

const environmentSecrets = ['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_SECURITY_TOKEN'];

function knownSecrets(): string[] {
	for (const name of environmentSecrets) registerSecret(process.env[name]);
	// Longest first, so a token containing a shorter secret is removed whole.
	return [...known].sort((a, b) => b.length - a.length);
}

const redacted = '[redacted]';

const shapes: Array<[RegExp, string]> = [
	// The header or query parameter, in a canonical request (`x-amz-security-token:VALUE`), a header dump or a URL.
	[/(x-amz-security-token["']?\s*[:=]\s*["']?)[^\s"'&,;]+/gi, `$1${redacted}`],
	// An Authorization header's whole value: the access key, signed headers and signature.
	[/(authorization["']?\s*[:=]\s*["']?)[^\r\n"']+/gi, `$1${redacted}`],
	// SigV4 signatures, in a header or a presigned URL (X-Amz-Signature=).
	[/(signature["']?\s*[:=]\s*["']?)[0-9a-f]{16,}/gi, `$1${redacted}`],
	// Secret keys and tokens as config files, JSON or the SDK's objects spell them.
	[/((?:aws_?)?(?:secret_?access_?key|session_?token|security_?token)["']?\s*[:=]\s*["']?)[^\s"',;}&]+/gi, `$1${redacted}`],
	// Access key ids (not secret alone, but they name the account: redacted as the AWS CLI's debug log does not).
	[/\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[A-Z0-9]{12,}\b/g, '[redacted key]'],
];

// A session token quoted without a label: 200+ characters of base64 with both cases, a digit and a '+' or '/'
// (archive and job ids are base64url: no '+' or '/'; paths break on '.', '-' and '_').
const blob = /[A-Za-z0-9+/]{200,}={0,2}/g;

function looksLikeToken(text: string): boolean {
	return /[+/]/.test(text) && /[a-z]/.test(text) && /[A-Z]/.test(text) && /\d/.test(text);
}

/** The text with every credential-like value replaced by a marker. */
export function redact(text: string): string {
	let result = text;
	for (const secret of knownSecrets()) if (result.includes(secret)) result = result.split(secret).join(redacted);
	for (const [pattern, replacement] of shapes) result = result.replace(pattern, replacement);
	return result.replace(blob, match => (looksLikeToken(match) ? '[redacted token]' : match));
}
