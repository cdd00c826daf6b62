import {Box, Text} from 'ink';
import {useMemo} from 'react';
import {fit, textWidth, truncate} from '../text.js';

export type Column<T> = {
	title: string;
	/** Fixed width in cells; omit for the one column that takes the rest. */
	width?: number;
	/** Smallest width of the flexible column before lower-priority columns are dropped. */
	minWidth?: number;
	align?: 'left' | 'right';
	/** Higher stays longer when the terminal is narrow (default 0). */
	priority?: number;
	/** The cell's text; must already be inert. */
	text(row: T): string;
	/** What sorting compares (defaults to the text). */
	sortValue?(row: T): string | number;
	/** Colour for this cell's row when it matters (e.g. a job about to expire). */
};

export type TableProps<T> = {
	columns: Array<Column<T>>;
	rows: readonly T[];
	width: number;
	/** Lines for the table, including its heading line. */
	height: number;
	cursor: number;
	offset: number;
	sortColumn?: number;
	sortDescending?: boolean;
	/** A colour for a row (e.g. yellow when a job expires soon). */
	rowColour?(row: T): string | undefined;
	empty?: string;
};

/** Which columns fit in `width`, and the flexible column's width. */
export function layoutColumns<T>(columns: Array<Column<T>>, width: number): {shown: number[]; flex: number} {
	const shown = columns.map((_c, i) => i);
	const flexIndex = columns.findIndex(c => c.width === undefined);
	const flexMin = flexIndex >= 0 ? columns[flexIndex].minWidth ?? 12 : 0;
	const used = () => shown.reduce((sum, i) => sum + (columns[i].width ?? 0), 0) + shown.length - 1;
	while (width - used() < flexMin && shown.length > 1) {
		const candidates = shown.filter(i => i !== flexIndex);
		if (candidates.length === 0) break;
		const drop = candidates.reduce((low, i) => ((columns[i].priority ?? 0) < (columns[low].priority ?? 0) ? i : low), candidates[candidates.length - 1]);
		shown.splice(shown.indexOf(drop), 1);
	}

	return {shown, flex: Math.max(1, width - used())};
}

/**
 * A table that windows itself: it draws only the rows that fit in `height`,
 * each row as one prepared string, so 5,000 rows cost what 20 do.
 */
export function Table<T>({columns, rows, width, height, cursor, offset, sortColumn, sortDescending, rowColour, empty = '(nothing here)'}: TableProps<T>) {
	const layout = layoutColumns(columns, width);
	const {shown} = layout;
	// On a wide terminal the flexible column (a vault's name, a job's description) is only as wide
	// as its longest cell: at 200 columns the numbers otherwise sit 150 cells from the names they
	// belong to. The room left over stays at the right.
	const flexIndex = columns.findIndex(c => c.width === undefined);
	const natural = useMemo(() => {
		if (flexIndex < 0) return 0;
		const column = columns[flexIndex];
		let widest = textWidth(column.title) + 1;
		for (const row of rows) widest = Math.max(widest, textWidth(column.text(row)));
		return widest;
	}, [columns, flexIndex, rows]);
	const flex = flexIndex < 0 ? layout.flex : Math.min(layout.flex, Math.max(natural + 1, columns[flexIndex].minWidth ?? 12));
	const cell = (text: string, i: number) => fit(text, columns[i].width ?? flex, columns[i].align);
	const heading = shown.map(i => {
		const mark = i === sortColumn ? (sortDescending ? '▼' : '▲') : '';
		// A narrow column shortens its title, never the sort arrow.
		const room = (columns[i].width ?? flex) - textWidth(mark);
		const title = (textWidth(columns[i].title) > room ? truncate(columns[i].title, room) : columns[i].title) + mark;
		return cell(title, i);
	}).join(' ');
	const bodyHeight = Math.max(0, height - 1);
	const visible = rows.slice(offset, offset + bodyHeight);
	const scroll = rows.length > bodyHeight ? ` ${offset + 1}-${offset + visible.length}/${rows.length}` : '';
	const headingLine = fit(heading, width - textWidth(scroll)) + scroll;
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Text bold wrap="truncate-end">{fit(headingLine, width)}</Text>
			{rows.length === 0 ? <Text color="gray" wrap="truncate-end">{fit(empty, width)}</Text> : undefined}
			{visible.map((row, n) => {
				const index = offset + n;
				const line = fit(shown.map(i => cell(columns[i].text(row), i)).join(' '), width);
				return <Text key={index} inverse={index === cursor} color={rowColour?.(row)} wrap="truncate-end">{line}</Text>;
			})}
		</Box>
	);
}

/** Sort rows by a column (stable; numbers before text). */
export function sortRows<T>(rows: readonly T[], column: Column<T> | undefined, descending: boolean): T[] {
	if (!column) return [...rows];
	const value = column.sortValue ?? column.text;
	const sign = descending ? -1 : 1;
	return rows.map((row, i) => ({row, i, v: value(row)})).sort((a, b) => {
		if (a.v < b.v) return -sign;
		if (a.v > b.v) return sign;
		return a.i - b.i;
	}).map(x => x.row);
}
