/**
 * thaw tree-hash FILE...: print the SHA-256 tree hash of each file, like
 * sha256sum (`<hash>  <file>`), or a JSON array with --json. `-` is standard
 * input. A file that cannot be read gets one line on stderr; the others are
 * still hashed, and the exit code is then 6.
 */
import process from 'node:process';
import {treeHashFile, treeHashStream} from '../engine/tree-hash.js';
import {ExitCode, UsageError} from '../errors.js';
import {inert} from '../inert.js';
import {parse} from './args.js';

const help = `Usage:
  thaw tree-hash [--json] FILE...   print the SHA-256 tree hash of each FILE

Glacier's tree hash: SHA-256 over 1 MiB leaves, paired up to one root (what
ArchiveSHA256TreeHash, SHA256TreeHash and x-amz-sha256-tree-hash hold).
Prints "<hash>  <file>" per file. FILE may be - for standard input.

Options:
  --json      print a JSON array of {"file", "treeHash", "bytes"}
  -h, --help  show this help

Exit codes: 0 all hashed, 2 bad usage, 6 a file could not be read (the
others are still hashed).`;

/** One line saying why a file could not be read, e.g. `cannot read 'x': no such file or directory`. */
export function describeFileError(file: string, error: unknown): string {
	const code = (error as NodeJS.ErrnoException | undefined)?.code;
	const reasons: Record<string, string> = {
		ENOENT: 'no such file or directory',
		EACCES: 'permission denied',
		EPERM: 'operation not permitted',
		EISDIR: 'it is a directory',
		ENOTDIR: 'a part of the path is not a directory',
		ELOOP: 'too many symbolic links',
		ENAMETOOLONG: 'the name is too long',
		EIO: 'input/output error',
		EMFILE: 'too many open files',
	};
	const reason = (code && reasons[code]) ?? (error instanceof Error ? error.message : String(error));
	return `cannot read '${file}': ${reason}`;
}

/** JSON with every character inert() would escape written as \uXXXX: still exact JSON, safe on a terminal. */
export function inertJson(value: unknown): string {
	return JSON.stringify(value, null, '\t').replace(/[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, ch => `\\u${ch.codePointAt(0)!.toString(16).padStart(4, '0')}`);
}

/** Tree hash of a file, or of standard input for `-`. */
export async function hashPath(file: string): Promise<{hash: string; bytes: number}> {
	return file === '-' ? treeHashStream(process.stdin) : treeHashFile(file);
}

export async function run(args: string[]): Promise<number> {
	const {values, positionals} = parse('tree-hash', args, {
		help: {type: 'boolean', short: 'h'},
		json: {type: 'boolean'},
		debug: {type: 'boolean'},
	}, true);
	if (values.help) {
		process.stdout.write(help + '\n');
		return ExitCode.ok;
	}

	if (positionals.length === 0) throw new UsageError('give at least one FILE to hash (- for standard input). Run \'thaw tree-hash --help\' for usage.');

	const results: Array<{file: string; treeHash: string; bytes: number}> = [];
	let failed = 0;
	for (const file of positionals) {
		try {
			const {hash, bytes} = await hashPath(file);
			if (values.json) results.push({file, treeHash: hash, bytes});
			else process.stdout.write(`${hash}  ${inert(file)}\n`);
		} catch (error) {
			failed++;
			process.stderr.write(`thaw: ${inert(describeFileError(file, error))}\n`);
		}
	}

	if (values.json) process.stdout.write(inertJson(results) + '\n');
	return failed > 0 ? ExitCode.local : ExitCode.ok;
}
