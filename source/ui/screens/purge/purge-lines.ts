/**
 * The purge screen's text, from the core's own words (restore/purge
 * describe.ts: the same preview, question and verdict the headless command
 * prints), laid out for the screen.
 */
import {formatBytes} from '../../../format.js';
import {keptLines, previewLines, resultLines, type PurgeResult, type PurgePreview} from '../../../restore/purge/index.js';
import {textWidth, truncate} from '../../text.js';
import type {PurgeUi} from './use-purge-state.js';

/**
 * One line of the core's text, word-wrapped to the screen: continuation
 * lines hang under the text after a label ("  to delete       4 archives…"),
 * at most `maxLines` lines (the last cut with …).
 */
export function wrapLine(line: string, width: number, maxLines = 4): string[] {
	const labelled = /^ *\S[^:]*? {2,}(?=\S)/.exec(line)?.[0];
	const label = labelled ?? /^ */.exec(line)![0];
	// Under a label's text; else two more than the line's own indent.
	const hang = ' '.repeat(Math.min(labelled ? textWidth(label) : label.length + 2, Math.floor(width / 2)));
	const out: string[] = [];
	let current = label;
	let empty = true;
	for (const word of line.slice(label.length).split(' ').filter(Boolean)) {
		const candidate = empty ? current + word : `${current} ${word}`;
		if (textWidth(candidate) <= width || empty) {
			current = candidate;
			empty = false;
		} else {
			out.push(current);
			current = hang + word;
		}
	}

	out.push(current);
	if (out.length > maxLines) {
		const kept = out.slice(0, maxLines);
		kept[maxLines - 1] = `${kept[maxLines - 1]} ${out.slice(maxLines).map(l => l.trim()).join(' ')}`;
		return kept.map(l => truncate(l, width));
	}

	return out.map(l => truncate(l, width));
}

/** The scrolling body, wrapped to the width: the verdict once there is one, then the preview (and what is kept). */
export function purgeBody(ui: Pick<PurgeUi, 'preview' | 'result'>, width: number): string[] {
	const lines: string[] = [];
	if (ui.result) lines.push(...verdictLines(ui.result), '');
	// The first preview line names the plan and the folder: the title and the header already do.
	if (ui.preview) lines.push(...previewLines(ui.preview).slice(1), ...(ui.preview.kept.list.length > 0 ? ['', ...keptLines(ui.preview, 50)] : []));
	return lines.flatMap(line => (line === '' ? [''] : wrapLine(line, width)));
}

/** The verdict without the headless "thaw: " prefix. */
export function verdictLines(result: PurgeResult): string[] {
	return resultLines(result).map(line => line.replace(/^thaw: /, ''));
}

/** The question, as the typed confirmation asks it. */
export function questionText(preview: PurgePreview): string {
	return `Delete ${preview.toDelete.archives.toLocaleString('en-US')} archives (${formatBytes(preview.toDelete.bytes)}) for good? Type ${preview.toDelete.archives} and Enter`;
}

/** The key hints of each phase. */
export function hintText(phase: PurgeUi['phase']): string {
	switch (phase) {
		case 'checking': {
			return 'checking every verified file again (nothing is deleted yet)  Esc back';
		}

		case 'confirm': {
			return 'type the count  Enter delete  ↑/↓ PgUp/PgDn scroll  Esc back';
		}

		case 'deleting': {
			return 'Esc stop (deletions in flight finish; run the purge again to continue)';
		}

		default: {
			return 'j/k scroll  Esc back';
		}
	}
}
