/**
 * The shapes of a parsed filter (parse.ts makes them, evaluate.ts and
 * narrow.ts read them).
 */
import type {InventoryRow, QueryColumns} from '../types.js';

export type Op = '>' | '>=' | '<' | '<=' | '=';

export type FilterNode =
	| {kind: 'text'; field: 'any' | 'desc'; needle: string}
	| {kind: 'regex'; regex: RegExp; caseSensitive: boolean; text: string}
	| {kind: 'size'; op: Op; value: number}
	| {kind: 'created'; op: Op; from: number; to: number}
	| {kind: 'id'; prefix: string}
	| {kind: 'hash'; prefix: string}
	| {kind: 'not'; node: FilterNode}
	| {kind: 'and'; nodes: FilterNode[]}
	| {kind: 'or'; nodes: FilterNode[]}
	| {kind: 'all'};

export type EvaluateOptions = {
	/**
	 * How long a regex term may take on one page of rows (65,536) before it
	 * is stopped and the filter fails with RegexTooSlowError (default 1000 ms).
	 */
	regexBudgetMs?: number;
};

export type Filter = {
	readonly text: string;
	readonly node: FilterNode;
	/** True for an empty filter. */
	readonly matchesAll: boolean;
	/** Does one row match? (Reference semantics; evaluate() gives the same answers, column-wise.) */
	test(row: InventoryRow): boolean;
	/**
	 * One byte per row of the columns: 1 = matches. With within (a mask),
	 * only rows set in it are looked at and can match: pass the previous
	 * filter's mask when this.narrows(previous), as when typing. Throws
	 * RegexTooSlowError when a regex term runs out of its time budget.
	 */
	evaluate(columns: QueryColumns, within?: Uint8Array, options?: EvaluateOptions): Uint8Array;
	/**
	 * True when every row matching this filter matches previous too (this is
	 * previous with more terms, or a longer word), so that
	 * evaluate(columns, previous.evaluate(columns)) gives the same as evaluate(columns).
	 */
	narrows(previous: Filter): boolean;
};
