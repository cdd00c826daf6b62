import {Box, Text} from 'ink';
import type {InventoryStore} from '../../inventory/store.js';
import type {InventoryColumn, SortKey} from '../inventory/columns.js';
import type {Marks} from '../inventory/marks.js';
import {fit} from '../text.js';
import {layoutColumns} from './Table.js';

export type InventoryTableProps = {
	store: InventoryStore;
	/** Row numbers of the store, in the order shown (filtered and sorted). */
	view: Uint32Array;
	columns: InventoryColumn[];
	width: number;
	/** Lines for the table, including its heading line. */
	height: number;
	cursor: number;
	offset: number;
	marks?: Marks;
	sortKey?: SortKey;
	sortDescending?: boolean;
	empty: string;
};

/** Mark column: a dot for marked rows. */
const markWidth = 2;

/**
 * The inventory as a table windowed to the terminal: only the rows that fit
 * are decoded (store.get), each drawn as one prepared string. Columns that do
 * not fit are dropped by priority; cells are cut with … . (The screen shows
 * the position, e.g. 'row 12 of 2,400', on its totals line.)
 */
export function InventoryTable({store, view, columns, width, height, cursor, offset, marks, sortKey, sortDescending, empty}: InventoryTableProps) {
	const inner = Math.max(1, width - markWidth);
	const {shown, flex} = layoutColumns(columns, inner);
	const cell = (text: string, i: number) => fit(text, columns[i].width ?? flex, columns[i].align);
	const heading = shown.map(i => cell(columns[i].title + (columns[i].sortKey === sortKey ? (sortDescending ? '▼' : '▲') : ''), i)).join(' ');
	const bodyHeight = Math.max(0, height - 1);
	const end = Math.min(view.length, offset + bodyHeight);
	const headingLine = ' '.repeat(markWidth) + heading;
	const lines = [];
	for (let k = offset; k < end; k++) {
		const index = view[k];
		const row = store.get(index);
		const marked = marks?.has(index) === true;
		const text = fit(`${marked ? '●' : ' '} ${shown.map(i => cell(columns[i].text(row), i)).join(' ')}`, width);
		lines.push(<Text key={k} inverse={k === cursor} color={marked ? 'cyan' : undefined} bold={marked} wrap="truncate-end">{text}</Text>);
	}

	return (
		<Box flexDirection="column" width={width} height={height}>
			<Text bold wrap="truncate-end">{fit(headingLine, width)}</Text>
			{view.length === 0 ? <Text color="gray" wrap="truncate-end">{fit(empty, width)}</Text> : undefined}
			{lines}
		</Box>
	);
}
