/**
 * Issue 8 §12: data output never acts on a terminal. Run under a real
 * pseudo-terminal (python3's pty module), every --output format of
 * `thaw inventory` and `thaw get-job-output` escapes control characters
 * (C0, DEL, C1 such as U+009B = CSI, bidi overrides); through a pipe the
 * bytes are the exact values.
 */
import {spawn} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {startEmulator, type Emulator} from '../../source/emulator/index.js';
import {jsonInventory, record} from '../inventory/helpers.js';

const cli = new URL('../../build/cli.js', import.meta.url).pathname;

// The child's stdout on a pty in raw mode (no \n -> \r\n), stderr into a file; prints what the pty saw.
const ptyRunner = `
import os, pty, sys, tty
err = open(sys.argv[1], 'wb')
pid, fd = pty.fork()
if pid == 0:
    tty.setraw(1)
    os.dup2(err.fileno(), 2)
    os.execvp(sys.argv[2], sys.argv[2:])
out = bytearray()
while True:
    try:
        data = os.read(fd, 65536)
    except OSError:
        break
    if not data:
        break
    out += data
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(bytes(out))
sys.exit(os.waitstatus_to_exitcode(status))
`;

type Run = {code: number | null; stdout: Buffer; stderr: string};

const env = {...process.env, CI: 'true', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null'};

function run(command: string, args: string[]): Promise<Run> {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, {env, stdio: ['ignore', 'pipe', 'pipe']});
		const out: Buffer[] = [];
		let stderr = '';
		child.stdout.on('data', (data: Buffer) => out.push(data));
		child.stderr.on('data', (data: Buffer) => {
			stderr += data.toString();
		});
		child.on('error', reject);
		child.on('close', code => {
			resolve({code, stdout: Buffer.concat(out), stderr});
		});
	});
}

let dir: string;
let counter = 0;

/** thaw with stdout on a terminal. */
async function onTerminal(...args: string[]): Promise<Run> {
	const errFile = path.join(dir, `stderr-${++counter}`);
	const result = await run('python3', ['-c', ptyRunner, errFile, process.execPath, cli, ...args]);
	return {...result, stderr: result.stderr + readFileSync(errFile, 'utf8')};
}

/** thaw with stdout a pipe. */
async function throughPipe(...args: string[]): Promise<Run> {
	return run(process.execPath, [cli, ...args]);
}

/** A raw control character a terminal would act on: C0 (but \n, \r, \t), DEL, C1, bidi controls. */
// eslint-disable-next-line no-control-regex
const active = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const hostile = 'evil \u001B]0;pwned\u0007 \u001B[2J \u009B2J \u009D0;c1\u009C \u202Egnp.exe';
let inventoryFile: string;

beforeAll(() => {
	dir = mkdtempSync(path.join(os.tmpdir(), 'thaw-terminal-'));
	inventoryFile = path.join(dir, 'inventory.json');
	writeFileSync(inventoryFile, jsonInventory([record(0, 'plain name'), record(1, hostile)]));
});

afterAll(() => {
	rmSync(dir, {recursive: true, force: true});
});

describe('thaw inventory output on a terminal and through a pipe', () => {
	it('csv: escaped on a terminal (no OSC, no CSI 2J, no C1), exact through a pipe', async () => {
		const [tty, pipe] = await Promise.all([onTerminal('inventory', inventoryFile, '--output', 'csv'), throughPipe('inventory', inventoryFile, '--output', 'csv')]);
		expect(tty.code, tty.stderr).toBe(0);
		const shown = tty.stdout.toString('utf8');
		expect(shown).not.toMatch(active);
		expect(shown).toContain('evil \\x1b]0;pwned\\x07 \\x1b[2J \\x9b2J \\x9d0;c1\\x9c \\u202egnp.exe');
		expect(shown).toContain('plain name');

		expect(pipe.code, pipe.stderr).toBe(0);
		expect(pipe.stdout.toString('utf8').split('\r\n')[2]).toContain(`,${hostile},`);
	});

	for (const output of ['json', 'jsonl'] as const) {
		it(`${output}: C1 and bidi controls as \\uXXXX on a terminal (the same JSON values), exact through a pipe`, async () => {
			const [tty, pipe] = await Promise.all([onTerminal('inventory', inventoryFile, '--output', output), throughPipe('inventory', inventoryFile, '--output', output)]);
			expect(tty.code, tty.stderr).toBe(0);
			const shown = tty.stdout.toString('utf8');
			expect(shown).not.toMatch(active);
			expect(shown).toContain('\\u009b2J');
			const parse = (text: string) => (output === 'json' ? JSON.parse(text) as Array<{ArchiveDescription: string}> : text.trim().split('\n').map(line => JSON.parse(line) as {ArchiveDescription: string}));
			// Escaped, yet the same values.
			expect(parse(shown).map(row => row.ArchiveDescription)).toEqual(['plain name', hostile]);

			expect(pipe.code, pipe.stderr).toBe(0);
			const bytes = pipe.stdout.toString('utf8');
			expect(bytes).toContain(JSON.stringify(hostile));
			expect(bytes).toContain('\u009B2J');
		});
	}
});

describe('thaw get-job-output stdout on a terminal and through a pipe', () => {
	let emulator: Emulator;
	let jobId: string;
	const description = 'backup \u009B2J \u009D0;title\u009C \u0085 end';

	beforeAll(async () => {
		emulator = await startEmulator();
		emulator.createVault('photos');
		const {archiveId} = emulator.addArchive('photos', {size: 64 * 1024, description});
		jobId = await emulator.addJob('photos', {type: 'archive-retrieval', archiveId});
		emulator.faults.add({kind: 'raw-description', times: Number.POSITIVE_INFINITY});
	});

	afterAll(async () => {
		await emulator?.close();
	});

	const args = (output: string) => ['get-job-output', '--endpoint-url', emulator.url, '--vault-name', 'photos', '--job-id', jobId, '--quiet', '--overwrite', '--output', output, path.join(dir, `out-${++counter}.bin`)];

	it('json: the server\'s C1 controls (archiveDescription) escaped on a terminal, exact through a pipe', async () => {
		const [tty, pipe] = await Promise.all([onTerminal(...args('json')), throughPipe(...args('json'))]);
		expect(tty.code, tty.stderr).toBe(0);
		const shown = tty.stdout.toString('utf8');
		expect(shown).not.toMatch(active);
		expect((JSON.parse(shown) as {archiveDescription: string}).archiveDescription).toBe(description);

		expect(pipe.code, pipe.stderr).toBe(0);
		expect(pipe.stdout.toString('utf8')).toContain(`"archiveDescription": ${JSON.stringify(description)}`);
		expect(pipe.stdout.toString('utf8')).toContain('\u009B2J');
	});

	it('text: values made inert on a terminal, exact through a pipe', async () => {
		const [tty, pipe] = await Promise.all([onTerminal(...args('text')), throughPipe(...args('text'))]);
		expect(tty.code, tty.stderr).toBe(0);
		const shown = tty.stdout.toString('utf8');
		expect(shown).not.toMatch(active);
		expect(shown).toContain('backup \\x9b2J \\x9d0;title\\x9c \\x85 end');

		expect(pipe.code, pipe.stderr).toBe(0);
		expect(pipe.stdout.toString('utf8').split('\t')).toContain(description);
	});
});
