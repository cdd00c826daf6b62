import {useEffect, useMemo, useReducer, useRef, useState} from 'react';
import {FilterError} from '../../../inventory/filter/error.js';
import {parseFilter} from '../../../inventory/filter/parse.js';
import {applyFilter, applyMask, needsSearchIndex, sortedOrder, type AppliedFilter} from '../../../inventory/query.js';
import type {InventoryStore} from '../../../inventory/store.js';
import {confirmHeight} from '../../components/Confirm.js';
import {useNavigation, useServices} from '../../context.js';
import {errorLine} from '../../error-line.js';
import {useFilter} from '../../hooks/use-filter.js';
import {useInventoryLoad} from '../../hooks/use-inventory-load.js';
import {useListState} from '../../hooks/use-list-state.js';
import {inventoryColumns, type SortKey} from '../../inventory/columns.js';
import {deferral} from '../../inventory/deferral.js';
import {Marks} from '../../inventory/marks.js';
import type {InventorySpec} from '../../routes.js';
import {exportDialogHeight, type ExportDialogState} from './ExportDialog.js';
import {withExtension, type Notice} from './inventory-status.js';

export type InventoryUi = {
	sort: {key?: SortKey; descending: boolean};
	mode: 'table' | 'details' | 'export';
	/** The filter language shown over the table (? at the / prompt; the prompt keeps its text). */
	filterHelp?: {offset: number};
	dialog?: ExportDialogState;
	notice?: Notice;
	/** Bumped when the marks (a mutable set) change, so the screen draws again. */
	markVersion: number;
};
export type InventoryAction =
	| {type: 'sortNext'; keys: ReadonlyArray<SortKey | undefined>} | {type: 'sortReverse'}
	| {type: 'openDetails'} | {type: 'closeDetails'} | {type: 'filterHelp'; open: boolean} | {type: 'scrollFilterHelp'; by: number; max: number}
	| {type: 'notice'; notice: Notice} | {type: 'clearNotice'} | {type: 'marked'}
	| {type: 'openExport'; dialog: ExportDialogState} | {type: 'closeExport'}
	| {type: 'nextField'} | {type: 'prevField'} | {type: 'toggleRows'; canMark: boolean; shownLabel: string} | {type: 'toggleFormat'} | {type: 'editFile'; file: string}
	| {type: 'exportStarted'} | {type: 'exportFailed'; error: string} | {type: 'exportExists'; file: string} | {type: 'keepFile'}
	| {type: 'exported'; notice: Notice};

function withDialog(state: InventoryUi, change: (d: ExportDialogState) => ExportDialogState): InventoryUi {
	return state.dialog ? {...state, dialog: change(state.dialog)} : state;
}

/** The inventory browser's own state, by named actions: sort, mode, the export dialog, the notice line, marks drawn. */
export function inventoryReducer(state: InventoryUi, action: InventoryAction): InventoryUi {
	switch (action.type) {
		case 'sortNext': return {...state, sort: {key: action.keys[(action.keys.indexOf(state.sort.key) + 1) % action.keys.length], descending: false}};
		case 'sortReverse': return {...state, sort: {...state.sort, descending: !state.sort.descending}};
		case 'openDetails': return {...state, mode: 'details'};
		case 'closeDetails': return {...state, mode: 'table'};
		case 'filterHelp': return action.open ? {...state, filterHelp: state.filterHelp ?? {offset: 0}} : {...state, filterHelp: undefined};
		case 'scrollFilterHelp': return state.filterHelp ? {...state, filterHelp: {offset: Math.max(0, Math.min(action.max, state.filterHelp.offset + action.by))}} : state;
		case 'notice': return {...state, notice: action.notice};
		case 'clearNotice': return state.notice ? {...state, notice: undefined} : state;
		case 'marked': return {...state, markVersion: state.markVersion + 1};
		case 'openExport': return {...state, dialog: action.dialog, mode: 'export'};
		case 'closeExport': return {...state, dialog: undefined, mode: 'table'};
		case 'nextField': return withDialog(state, d => ({...d, focus: (d.focus + 1) % 3}));
		case 'prevField': return withDialog(state, d => ({...d, focus: (d.focus + 2) % 3}));
		case 'toggleRows': return withDialog(state, d => {
			const which = d.which === 'marked' || !action.canMark ? 'shown' : 'marked';
			// The name thaw proposed says which rows: it follows the choice (a name typed by hand stays).
			const [from, to] = which === 'shown' ? ['marked', action.shownLabel] : [action.shownLabel, 'marked'];
			return {...d, which, file: d.file.replace(new RegExp(`-${from}(\\.(?:csv|json))$`, 'i'), `-${to}$1`)};
		});
		case 'toggleFormat': return withDialog(state, d => {
			const format = d.format === 'csv' ? 'json' : 'csv';
			return {...d, format, file: withExtension(d.file, format)};
		});
		case 'editFile': return withDialog(state, d => ({...d, file: action.file}));
		case 'exportStarted': return withDialog(state, d => ({...d, busy: true, error: undefined, exists: undefined}));
		case 'exportFailed': return withDialog(state, d => ({...d, busy: false, error: action.error}));
		case 'exportExists': return withDialog(state, d => ({...d, busy: false, exists: action.file}));
		case 'keepFile': return withDialog(state, d => ({...d, exists: undefined}));
		case 'exported': return {...state, dialog: undefined, mode: 'table', notice: action.notice};
	}
}

type Order = {store: InventoryStore; key?: SortKey; descending: boolean; rows: Uint32Array};

/**
 * The inventory loaded, filtered live and sorted (big inventories: text
 * filters wait for the background search index, sorts run after a
 * "sorting…" frame), with marks and a cursor windowed to the table.
 */
export function useInventoryState(spec: InventorySpec, width: number, height: number, active: boolean) {
	const services = useServices();
	const {frameMs} = services;
	const navigation = useNavigation();
	const load = useInventoryLoad(spec);
	const store = load.result?.store;
	const filter = useFilter();
	const {setText} = filter;
	const columns = useMemo(() => inventoryColumns(width), [width]);
	const [ui, dispatch] = useReducer(inventoryReducer, {sort: spec.sort ? {key: spec.sort.field, descending: spec.sort.descending === true} : {descending: false}, mode: 'table', markVersion: 0});
	const {sort, mode, dialog} = ui;

	// The initial filter (thaw inventory --filter) is applied, not edited.
	const initialFilter = useRef(spec.filter);
	useEffect(() => {
		if (initialFilter.current) setText(initialFilter.current);
	}, [setText]);

	// Text fields and dialogs take every key.
	useEffect(() => {
		navigation.setCapture(active && mode === 'export');
		return () => {
			navigation.setCapture(false);
		};
	}, [navigation, active, mode]);

	// The filter: while typing, a text that does not parse (yet) keeps the last good one and shows why.
	const lastGood = useRef('');
	const parsed = useMemo(() => {
		try {
			return {filter: parseFilter(filter.text)};
		} catch (error) {
			return {error: errorLine(error)};
		}
	}, [filter.text]);
	if (parsed.filter) lastGood.current = filter.text;
	const applied = parsed.filter ? filter.text : lastGood.current;
	const big = store !== undefined && store.length >= deferral.rows;
	const {searchReady} = load;
	const appliedFilter = useMemo(() => parseFilter(applied), [applied]);
	const waitingForIndex = big && !searchReady && needsSearchIndex(appliedFilter.node);
	const lastFiltered = useRef<AppliedFilter & {problem?: string}>(undefined);
	const filtered = useMemo((): (AppliedFilter & {problem?: string}) | undefined => {
		if (!store) return undefined;
		const previous = lastFiltered.current?.columns === store ? lastFiltered.current : undefined;
		if (waitingForIndex) return previous;
		try {
			// Typing a longer word or another term only looks at the rows still shown.
			return applyFilter(store, appliedFilter, previous);
		} catch (error) {
			// A regex that ran out of its time budget (it was stopped): keep the rows shown and say why.
			if (!(error instanceof FilterError)) throw error;
			return {...(previous ?? {columns: store, filter: parseFilter(''), mask: undefined}), problem: errorLine(error)};
		}
	}, [store, appliedFilter, waitingForIndex]);
	lastFiltered.current = filtered;
	const mask = filtered?.mask;

	const [sorted, setSorted] = useState<Order>();
	const sortNow = !big || sort.key === undefined;
	const syncOrder = useMemo(() => (store && sortNow ? {store, key: sort.key, descending: sort.descending, rows: sortedOrder(store, {field: sort.key, descending: sort.descending})} : undefined), [store, sort, sortNow]);
	const sortDone = syncOrder !== undefined || (sorted?.store === store && sorted?.key === sort.key && sorted?.descending === sort.descending);
	const sortWaitsForIndex = !sortDone && sort.key === 'description' && !searchReady;
	useEffect(() => {
		if (!store || sortDone || sortWaitsForIndex) return;
		const {key, descending} = sort;
		const timer = setTimeout(() => {
			setSorted({store, key, descending, rows: sortedOrder(store, {field: key, descending})});
		}, Math.max(frameMs, deferral.delayMs, 20));
		return () => {
			clearTimeout(timer);
		};
	}, [store, sort, sortDone, sortWaitsForIndex, frameMs]);
	const fileOrder = useMemo(() => (store ? sortedOrder(store) : new Uint32Array(0)), [store]);
	const shownOrder: {key?: SortKey; descending: boolean; rows: Uint32Array} = syncOrder ?? (sorted?.store === store && sorted ? sorted : {descending: false, rows: fileOrder});
	const order = shownOrder.rows;
	const view = useMemo(() => applyMask(order, mask), [order, mask]);
	const busy = !store ? undefined : waitingForIndex || sortWaitsForIndex ? 'indexing…' : (sortDone ? undefined : 'sorting…');
	const marks = useMemo(() => (store ? new Marks(store.sizes, store.length) : undefined), [store]);

	const tableHeight = Math.max(2, height - 4 - (mode === 'export' ? (dialog?.exists ? confirmHeight(1) : exportDialogHeight) : 0));
	const list = useListState(view.length, tableHeight - 1);
	const current = view.length > 0 ? view[Math.min(list.cursor, view.length - 1)] : undefined;
	const {setCursor} = list;
	useEffect(() => {
		setCursor(0);
	}, [applied, setCursor]);

	return {load, store, filter, columns, ui, dispatch, parsed, applied, filtered, mask, filterPending: waitingForIndex, shownOrder, order, view, busy, marks, tableHeight, list, current};
}

export type InventoryState = ReturnType<typeof useInventoryState>;
