import {useEffect, useMemo, useReducer, useRef, useState} from 'react';
import {jobPages, type Job} from '../../../glacier/api.js';
import {layoutColumns, sortRows} from '../../components/Table.js';
import {useServices} from '../../context.js';
import {useAsyncList} from '../../hooks/use-async-list.js';
import {useFilter} from '../../hooks/use-filter.js';
import {useListState} from '../../hooks/use-list-state.js';
import {useSort} from '../../hooks/use-sort.js';
import type {Tone} from '../../theme.js';
import {jobColumns} from './columns.js';
import {actionFilters, goneNotice, jobText, revealedNotice, statusFilters} from './jobs-status.js';

export type Notice = {text: string; tone: Tone};
export type JobsFilters = {statusFilter: number; actionFilter: number; notice?: Notice; details?: boolean};
export type JobsAction = {type: 'showAllOf'; status: boolean; action: boolean; notice: Notice} | {type: 'nextStatusFilter'} | {type: 'nextActionFilter'} | {type: 'notice'; notice: Notice} | {type: 'clearNotice'} | {type: 'toggleDetails'} | {type: 'closeDetails'};

/** The jobs screen's own state, by named actions: the status and type filters and the notice line. */
export function jobsReducer(state: JobsFilters, action: JobsAction): JobsFilters {
	switch (action.type) {
		case 'showAllOf': return {...state, statusFilter: action.status ? 0 : state.statusFilter, actionFilter: action.action ? 0 : state.actionFilter, notice: action.notice};
		case 'nextStatusFilter': return {...state, statusFilter: (state.statusFilter + 1) % statusFilters.length};
		case 'nextActionFilter': return {...state, actionFilter: (state.actionFilter + 1) % actionFilters.length};
		case 'notice': return {...state, notice: action.notice};
		case 'clearNotice': return state.notice ? {...state, notice: undefined} : state;
		case 'toggleDetails': return {...state, details: !state.details};
		case 'closeDetails': return state.details ? {...state, details: false} : state;
	}
}

/** A vault's jobs: loaded, reloaded quietly while any runs, filtered by status, type and text, sorted. */
export function useJobsState(vaultName: string, initialNotice: string | undefined, tableRows: number, width?: number) {
	const {connection, now: clock, refreshMs} = useServices();
	const list = useAsyncList(signal => jobPages(connection, vaultName, {signal}), [connection, vaultName]);
	const {reload} = list;
	const filter = useFilter();
	const [filters, dispatch] = useReducer(jobsReducer, {statusFilter: 0, actionFilter: 0, notice: initialNotice ? {text: initialNotice, tone: 'normal'} : undefined});
	const [, setTick] = useState(0);
	const now = clock();
	const columns = useMemo(() => jobColumns(now), [now]);
	const sort = useSort({column: 4, descending: true}, columns.length, width === undefined ? undefined : layoutColumns(columns, width).shown);

	// Jobs in progress: reload quietly until they finish; and keep the "Left" column current.
	const running = list.items.some(j => j.StatusCode === 'InProgress');
	useEffect(() => {
		if (!running || list.loading) return undefined;
		const timer = setTimeout(() => {
			reload({quiet: true});
		}, refreshMs);
		return () => {
			clearTimeout(timer);
		};
	}, [running, list.loading, refreshMs, list.items, reload]);
	useEffect(() => {
		const timer = setInterval(() => {
			setTick(t => t + 1);
		}, 30_000);
		return () => {
			clearInterval(timer);
		};
	}, []);

	const {matches} = filter;
	const {statusFilter, actionFilter} = filters;
	const rows = useMemo(() => sortRows(list.items.filter(j =>
		(statusFilters[statusFilter] === undefined || j.StatusCode === statusFilters[statusFilter])
		&& (actionFilters[actionFilter] === undefined || j.Action === actionFilters[actionFilter])
		&& matches(jobText(j))), columns[sort.sort.column], sort.sort.descending), [list.items, statusFilter, actionFilter, matches, sort.sort, columns]);
	const cursor = useListState(rows.length, tableRows);

	// Jobs just started (here, or from the inventory browser): once a load lists them, a filter that hides them
	// is cleared and the notice says so, so that a new job never seems missing.
	const [started, setStarted] = useState<{ids: readonly string[]; before: readonly Job[]; loads: number}>();
	// The rows listed now (a callback made renders ago must not compare with the rows of then: a quiet reload may have come since).
	const itemsNow = useRef(list.items);
	itemsNow.current = list.items;
	const {setText} = filter;
	useEffect(() => {
		if (!started || list.loading || list.items === started.before) return;
		const jobs = list.items.filter(j => started.ids.includes(j.JobId));
		// A load that began before the jobs did (a quiet reload in flight) does not list them yet: wait for the next few.
		if (jobs.length === 0 && started.loads < 3) {
			setStarted({...started, before: list.items, loads: started.loads + 1});
			return;
		}

		setStarted(undefined);
		const hidden = jobs.filter(j => !rows.includes(j));
		if (hidden.length === 0) return;
		const status = statusFilters[statusFilter] !== undefined && hidden.some(j => j.StatusCode !== statusFilters[statusFilter]);
		const action = actionFilters[actionFilter] !== undefined && hidden.some(j => j.Action !== actionFilters[actionFilter]);
		const text = filter.text !== '' && hidden.some(j => !matches(jobText(j)));
		dispatch({type: 'showAllOf', status, action, notice: revealedNotice(hidden, {statusFilter: status ? statusFilter : 0, actionFilter: action ? actionFilter : 0, text: text ? filter.text : ''})});
		if (text) setText('');
	}, [started, list.loading, list.items, rows, statusFilter, actionFilter, filter.text, matches, setText]);

	// A job that was listed and is not any more (Glacier drops a job some time after its output expires): say so, once.
	const lastComplete = useRef<readonly Job[]>(undefined);
	useEffect(() => {
		if (list.loading || list.error) return;
		const previous = lastComplete.current;
		lastComplete.current = list.items;
		if (!previous || previous === list.items) return;
		const ids = new Set(list.items.map(j => j.JobId));
		const gone = previous.filter(j => !ids.has(j.JobId) && !started?.ids.includes(j.JobId));
		if (gone.length > 0) dispatch({type: 'notice', notice: goneNotice(gone)});
	}, [list.loading, list.error, list.items, started]);

	return {list, filter, filters, dispatch, sort, columns, rows, cursor, job: rows[cursor.cursor], now, running, showStarted: (ids: readonly string[]) => setStarted({ids, before: itemsNow.current, loads: 0})};
}
