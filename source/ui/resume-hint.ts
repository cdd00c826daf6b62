/**
 * What thaw prints after the TUI closes while downloads were still running:
 * each one's partial file and the exact command that resumes it, so nobody
 * has to remember the vault, the job id or the file name they chose.
 */
import {formatBytes} from '../format.js';
import {inert} from '../inert.js';

export type ResumeInfo = {vaultName: string; jobId: string; outfile: string; bytesDone?: number; total?: number};

/** One shell word: left bare when plainly safe, else in single quotes (untrusted text made inert first). */
export function shellWord(text: string): string {
	const safe = inert(text);
	return /^[\w@%+=:,./-]+$/.test(safe) ? safe : `'${safe.replaceAll('\'', '\'\\\'\'')}'`;
}

/**
 * `flags`: the connection options as given to thaw (e.g. ['--endpoint-url', URL]); `demo`: the
 * in-process demo emulator is gone with thaw, so the way back is `thaw --demo` and its setup.
 */
export function resumeHint(download: ResumeInfo, flags: readonly string[], demo: boolean): string {
	const done = download.total ? ` with ${Math.floor(((download.bytesDone ?? 0) / download.total) * 100)}% (${formatBytes(download.bytesDone ?? 0)} of ${formatBytes(download.total)}) done` : '';
	const ids = `--vault-name ${shellWord(download.vaultName)} --job-id ${shellWord(download.jobId)}`;
	const command = demo
		? `thaw --demo ${ids}`
		: `thaw get-job-output ${ids}${flags.length > 0 ? ' ' + flags.map(f => shellWord(f)).join(' ') : ''} ${shellWord(download.outfile)}`;
	return `thaw: ${inert(download.outfile)} stopped${done}; the verified chunks are kept in its .part file. Resume with:\n  ${command}`;
}
