import {expect, it} from 'vitest';
import {errorLine} from '../../source/ui/error-line.js';

it('a screen\'s error line carries no credentials and no control characters, whatever the server quoted', () => {
	const token = 'IQoJb3JpZ2luX2VjEXAMPLETOKENaGFuZ3N0b2tlbnRoYXRpc2xvbmdlbm91Z2g=';
	const line = errorLine(new Error(`The request signature we calculated does not match.\nx-amz-security-token:${token}\nAuthorization: AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261201/us-east-1/glacier/aws4_request, Signature=0123456789abcdef0123456789abcdef \u001B]0;pwned\u0007`));
	expect(line).not.toContain(token);
	expect(line).not.toContain(token.slice(0, 24));
	expect(line).not.toContain('0123456789abcdef0123456789abcdef');
	expect(line).not.toContain('AKIAIOSFODNN7EXAMPLE');
	expect([...line].filter(c => c.codePointAt(0)! < 0x20 || (c.codePointAt(0)! >= 0x7F && c.codePointAt(0)! <= 0x9F))).toEqual([]);
});
