import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
// @ts-expect-error -- a plain .mjs helper shared with the TUI benches (a real pty through python3)
import {startInPty} from '../bench/tui-pty.mjs';
import {cli} from '../run-cli.js';

type Pty = {press(keys: string): void; waitFor(text: string, ms?: number): Promise<number>; exited: Promise<number>; kill(): void; screen: string};

describe('thaw --demo (issue 13 §6)', () => {
	it('keeps its settings apart: opening a demo vault does not become the real lastVault', async () => {
		const config = mkdtempSync(join(tmpdir(), 'thaw-demo-config-'));
		try {
			const env = {...process.env, THAW_CONFIG_DIR: config, TERM: 'xterm-256color', CI: undefined};
			const thaw = startInPty(process.execPath, [cli, '--demo'], {columns: 80, rows: 24, cwd: config, env}) as Pty;
			try {
				await thaw.waitFor('backups-mixed', 20_000);
				thaw.press('\r');
				await thaw.waitFor('Vault backups-mixed', 20_000);
				thaw.press('q');
				expect(await thaw.exited).toBe(0);
			} finally {
				thaw.kill();
			}

			const file = join(config, 'config.json');
			const saved = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown> : {};
			expect(saved.lastVault).toBeUndefined();
		} finally {
			rmSync(config, {recursive: true, force: true});
		}
	}, 40_000);
});
