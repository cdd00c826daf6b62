import {Box} from 'ink';
import type {ExportFormat} from '../../../inventory/export-file.js';
import {Line} from '../../components/Line.js';
import {TextInput} from '../../components/TextInput.js';
import {theme} from '../../theme.js';
import {choiceLine, exportTitle} from './inventory-status.js';

export type ExportDialogState = {which: 'marked' | 'shown'; format: ExportFormat; file: string; focus: number; error?: string; busy?: boolean; exists?: string};

/** The lines the dialog takes under the table. */
export const exportDialogHeight = 5;

export type ExportDialogProps = {width: number; active: boolean; dialog: ExportDialogState; marked: number; shown: number; onFile: (file: string) => void};

/** The export form: which rows, which format, the file name, and a line for what went wrong or the keys. */
export function ExportDialog({width, active, dialog, marked, shown, onFile}: ExportDialogProps) {
	const focusColour = (field: number) => (dialog.focus === field ? theme.accent : undefined);
	return (
		<Box flexDirection="column" width={width} height={exportDialogHeight}>
			<Line width={width} bold color={theme.accent}>{exportTitle(dialog.which, marked, shown)}</Line>
			<Line width={width} color={focusColour(0)} bold={dialog.focus === 0}>{choiceLine('Rows:  ', marked ? ['marked', 'shown'] : ['shown'], dialog.which, dialog.focus === 0, width)}</Line>
			<Line width={width} color={focusColour(1)} bold={dialog.focus === 1}>{choiceLine('Format:', ['csv', 'json'], dialog.format, dialog.focus === 1, width)}</Line>
			<TextInput label="File:  " value={dialog.file} width={width} active={active && dialog.focus === 2 && !dialog.busy} onChange={onFile} />
			<Line width={width} color={dialog.error ? theme.error : theme.muted}>{dialog.error ?? (dialog.busy ? 'Writing…' : 'Enter exports  Tab/↓ next field  Esc cancels')}</Line>
		</Box>
	);
}
