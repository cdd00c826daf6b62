import {Box, Text} from 'ink';
import type {ChunkState, ChunkView} from '../../engine/download-state.js';
import {chunkRank, chunkStyle, colourEnabled, paint} from '../theme.js';

export type GridLayout = {
	/** Chunks each cell stands for (1 when every chunk has its own cell). */
	perCell: number;
	cells: number;
	columns: number;
	rows: number;
};

/** One cell per chunk while they fit in width x maxRows; else each cell covers several chunks. */
export function gridLayout(chunkCount: number, width: number, maxRows: number): GridLayout {
	const columns = Math.max(1, width);
	const capacity = columns * Math.max(1, maxRows);
	const perCell = Math.max(1, Math.ceil(chunkCount / capacity));
	const cells = Math.ceil(chunkCount / perCell);
	return {perCell, cells, columns, rows: Math.max(1, Math.ceil(cells / columns))};
}

/** The chunks a cell covers, [first, last]. */
export function cellChunks(layout: GridLayout, cell: number, chunkCount: number): [number, number] {
	const first = cell * layout.perCell;
	return [first, Math.min(chunkCount, first + layout.perCell) - 1];
}

/** The least finished state among the chunks of a cell. */
export function cellState(chunks: readonly ChunkView[], first: number, last: number): ChunkState {
	let state: ChunkState = 'verified';
	for (let i = first; i <= last; i++) {
		const s = chunks[i].state;
		if (chunkRank[s] < chunkRank[state]) state = s;
		if (state === 'failed') break;
	}

	return state;
}

/** Grid rows as prepared strings (colour runs joined, cursor in inverse video): one <Text> per row, never one per cell. */
export function gridRows(chunks: readonly ChunkView[], layout: GridLayout, cursor: number | undefined, colour: boolean): string[] {
	const rows: string[] = [];
	for (let r = 0; r < layout.rows; r++) {
		let line = '';
		let run = '';
		let runState: ChunkState | undefined;
		const flush = () => {
			if (runState) line += paint(run, chunkStyle[runState].colour, colour);
			run = '';
		};

		for (let c = 0; c < layout.columns; c++) {
			const cell = (r * layout.columns) + c;
			if (cell >= layout.cells) break;
			const [first, last] = cellChunks(layout, cell, chunks.length);
			const state = cellState(chunks, first, last);
			if (cell === cursor) {
				flush();
				runState = undefined;
				line += `\u001B[7m${paint(chunkStyle[state].glyph, chunkStyle[state].colour, colour)}\u001B[27m`;
				continue;
			}

			if (state !== runState) {
				flush();
				runState = state;
			}

			run += chunkStyle[state].glyph;
		}

		flush();
		rows.push(line);
	}

	return rows;
}

export type ChunkGridProps = {chunks: readonly ChunkView[]; width: number; maxRows: number; cursor?: number};

export function ChunkGrid({chunks, width, maxRows, cursor}: ChunkGridProps) {
	const layout = gridLayout(chunks.length, width, maxRows);
	const rows = gridRows(chunks, layout, cursor, colourEnabled());
	return (
		<Box flexDirection="column" width={width} height={layout.rows}>
			{rows.map((row, i) => <Text key={i} wrap="truncate-end">{row}</Text>)}
		</Box>
	);
}

/** The legend: every state's glyph and name (it reads without colour too). */
export function legend(colour: boolean): string {
	return (Object.keys(chunkStyle) as ChunkState[]).map(s => `${paint(chunkStyle[s].glyph, chunkStyle[s].colour, colour)} ${chunkStyle[s].label}`).join('  ');
}
