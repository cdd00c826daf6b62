/**
 * thaw verify FILE --tree-hash H [--size N]: check a file against an expected
 * Glacier tree hash (and size). Exit 0 and `verified  FILE` when it matches,
 * 3 with expected and actual values when not.
 */
import {stat} from 'node:fs/promises';
import process from 'node:process';
import {ExitCode, ThawError, UsageError} from '../errors.js';
import {inert} from '../inert.js';
import {parse} from './args.js';
import {describeFileError, hashPath} from './tree-hash.js';

const help = `Usage:
  thaw verify FILE --tree-hash HASH [--size BYTES]

Checks that FILE (- for standard input) has the SHA-256 tree hash HASH, e.g.
DescribeJob's SHA256TreeHash or an inventory's SHA256TreeHash, and, with
--size, exactly BYTES bytes (checked first, before reading the file).

Options:
  --tree-hash HASH  the expected tree hash: 64 hexadecimal digits
  --size BYTES      the expected size in bytes
  -h, --help        show this help

Prints "verified  FILE" and exits 0 on a match. Exit codes: 2 bad usage or a
malformed hash, 3 the file does not match, 6 the file cannot be read.`;

export async function run(args: string[]): Promise<number> {
	const {values, positionals} = parse('verify', args, {
		help: {type: 'boolean', short: 'h'},
		'tree-hash': {type: 'string'},
		size: {type: 'string'},
		debug: {type: 'boolean'},
	}, true);
	if (values.help) {
		process.stdout.write(help + '\n');
		return ExitCode.ok;
	}

	if (positionals.length !== 1) throw new UsageError(`give exactly one FILE to verify${positionals.length > 1 ? `, not ${positionals.length}` : ''}. Run 'thaw verify --help' for usage.`);
	const file = positionals[0];
	const expectedHash = values['tree-hash'];
	if (expectedHash === undefined) throw new UsageError('--tree-hash HASH is required (64 hexadecimal digits). Run \'thaw verify --help\' for usage.');
	if (!/^[\da-f]{64}$/i.test(expectedHash)) {
		const length = expectedHash.length === 64 ? 'has characters that are not hexadecimal digits' : `is ${expectedHash.length} characters long`;
		throw new UsageError(`--tree-hash '${inert(expectedHash)}' is not a tree hash: it ${length}, and must be 64 hexadecimal digits`);
	}

	let expectedSize: number | undefined;
	if (values.size !== undefined) {
		if (!/^\d+$/.test(values.size) || !Number.isSafeInteger(Number(values.size))) throw new UsageError(`--size takes a whole number of bytes, not '${inert(values.size)}'`);
		expectedSize = Number(values.size);
	}

	const shown = inert(file);
	if (expectedSize !== undefined && file !== '-') {
		// A wrong size is known without reading the whole file.
		const info = await stat(file).catch((error: unknown) => {
			throw new ThawError(describeFileError(file, error), ExitCode.local);
		});
		if (info.isFile() && info.size !== expectedSize) throw new ThawError(`size mismatch for '${file}': expected ${expectedSize} bytes, got ${info.size}`, ExitCode.verification);
	}

	const got = await hashPath(file).catch((error: unknown) => {
		throw new ThawError(describeFileError(file, error), ExitCode.local);
	});
	if (expectedSize !== undefined && got.bytes !== expectedSize) throw new ThawError(`size mismatch for '${file}': expected ${expectedSize} bytes, got ${got.bytes}`, ExitCode.verification);
	if (got.hash !== expectedHash.toLowerCase()) throw new ThawError(`tree hash mismatch for '${file}': expected ${expectedHash.toLowerCase()}, got ${got.hash}`, ExitCode.verification);
	process.stdout.write(`verified  ${shown}\n`);
	return ExitCode.ok;
}
