import {useEffect, useMemo, useReducer, useState} from 'react';
import {jobPages} from '../../../glacier/api.js';
import {layoutColumns, sortRows} from '../../components/Table.js';
import {useServices} from '../../context.js';
import {useAsyncList} from '../../hooks/use-async-list.js';
import {useFilter} from '../../hooks/use-filter.js';
import {useListState} from '../../hooks/use-list-state.js';
import {useSort} from '../../hooks/use-sort.js';
import {actionLabel, statusLabel} from '../../job-info.js';
import type {Tone} from '../../theme.js';
import {jobColumns} from './columns.js';
import {actionFilters, statusFilters} from './jobs-status.js';

export type Notice = {text: string; tone: Tone};
export type JobsFilters = {statusFilter: number; actionFilter: number; notice?: Notice; details?: boolean};
export type JobsAction = {type: 'nextStatusFilter'} | {type: 'nextActionFilter'} | {type: 'notice'; notice: Notice} | {type: 'clearNotice'} | {type: 'toggleDetails'} | {type: 'closeDetails'};

/** The jobs screen's own state, by named actions: the status and type filters and the notice line. */
export function jobsReducer(state: JobsFilters, action: JobsAction): JobsFilters {
	switch (action.type) {
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
		&& matches(`${j.JobDescription ?? ''} ${j.JobId} ${j.ArchiveId ?? ''} ${actionLabel(j)} ${statusLabel(j)} ${j.Tier ?? ''}`)), columns[sort.sort.column], sort.sort.descending), [list.items, statusFilter, actionFilter, matches, sort.sort, columns]);
	const cursor = useListState(rows.length, tableRows);
	return {list, filter, filters, dispatch, sort, columns, rows, cursor, job: rows[cursor.cursor], now, running};
}
