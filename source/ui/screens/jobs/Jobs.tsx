import {Box} from 'ink';
import {useEffect, useMemo, useState} from 'react';
import {jobPages, type Job} from '../../glacier/api.js';
import {inert} from '../../inert.js';
import {Line} from '../components/Line.js';
import {StatusBar} from '../components/StatusBar.js';
import {sortRows, Table, type Column} from '../components/Table.js';
import {TextInput} from '../components/TextInput.js';
import {useNavigation, useServices} from '../context.js';
import {formatBytes, formatCount, formatDate, formatDuration} from '../format.js';
import {useAsyncList} from '../hooks/use-async-list.js';
import {useFilter} from '../hooks/use-filter.js';
import {useKeys} from '../hooks/use-keys.js';
import {useListState} from '../hooks/use-list-state.js';
import {actionLabel, expiryOf, isInventory, outputSize, statusLabel, type Expiry} from '../job-info.js';
import {commandFor, hint} from '../keymap.js';
import {wrapText} from '../text.js';
import {theme, toneColour, type Tone} from '../theme.js';

const statusFilters = [undefined, 'InProgress', 'Succeeded', 'Failed'] as const;
const actionFilters = [undefined, 'ArchiveRetrieval', 'InventoryRetrieval'] as const;

function leftText(expiry: Expiry): string {
	switch (expiry.kind) {
		case 'left': return formatDuration(expiry.ms / 1000);
		case 'expired': return 'EXPIRED';
		case 'unknown': return '?';
		default: return '-';
	}
}

function jobColumns(now: number): Array<Column<Job>> {
	return [
		{title: 'Type', width: 9, priority: 5, text: actionLabel},
		{title: 'Status', width: 11, priority: 6, text: statusLabel},
		{title: 'Tier', width: 9, priority: 1, text: j => inert(j.Tier ?? '-')},
		{title: 'Size', width: 9, align: 'right', priority: 3, text: j => formatBytes(outputSize(j)), sortValue: j => outputSize(j) ?? -1},
		{title: 'Created', width: 11, priority: 0, text: j => formatDate(j.CreationDate).slice(5), sortValue: j => j.CreationDate ?? ''},
		{title: 'Completed', width: 11, priority: 2, text: j => formatDate(j.CompletionDate).replace(/^\d{4}-/, ''), sortValue: j => j.CompletionDate ?? ''},
		{title: 'Left', width: 7, align: 'right', priority: 4, text: j => leftText(expiryOf(j, now)), sortValue: j => {
			const e = expiryOf(j, now);
			return e.kind === 'left' ? e.ms : e.kind === 'expired' ? -e.agoMs : Number.MAX_SAFE_INTEGER;
		}},
		{title: 'Description', minWidth: 14, text: j => inert(j.JobDescription ?? '')},
	];
}

/** One line explaining the job under the cursor, and what Enter will do with it. */
export function explainJob(job: Job, now: number): {text: string; tone: Tone} {
	const expiry = expiryOf(job, now);
	if (job.StatusCode === 'InProgress') return {text: `In progress since ${formatDate(job.CreationDate)} UTC (${inert(job.Tier ?? 'Standard')} tier); this list refreshes on its own.`, tone: 'normal'};
	if (job.StatusCode === 'Failed') return {text: `Failed: ${inert(job.StatusMessage ?? 'no reason given').replace(/\.+$/, '')}. Start a new retrieval (${isInventory(job) ? 'i' : 'a'}).`, tone: 'error'};
	if (expiry.kind === 'expired') {
		return {text: `Expired ${formatDuration(expiry.agoMs / 1000)} ago: Glacier keeps job output 24 hours after the job completes. A new retrieval is needed (${isInventory(job) ? 'i' : 'a'}).`, tone: 'error'};
	}

	const left = expiry.kind === 'left' ? `${formatDuration(expiry.ms / 1000)} left to download` : 'expiry unknown';
	const what = isInventory(job) ? 'Enter browses the inventory, w saves it to a file' : 'Enter downloads it';
	return {text: `Ready, ${left}${expiry.kind === 'left' && expiry.soon ? ' (less than 2 hours!)' : ''}. ${what}.`, tone: expiry.kind === 'left' && expiry.soon ? 'warn' : 'normal'};
}

export type JobsProps = {width: number; height: number; active: boolean; vaultName: string; notice?: string};

export function Jobs({width, height, active, vaultName, notice: initialNotice}: JobsProps) {
	const {connection, now: clock, refreshMs} = useServices();
	const navigation = useNavigation();
	const list = useAsyncList(signal => jobPages(connection, vaultName, {signal}), [connection, vaultName]);
	const {reload} = list;
	const filter = useFilter();
	const [statusFilter, setStatusFilter] = useState(0);
	const [actionFilter, setActionFilter] = useState(0);
	const [sort, setSort] = useState({column: 4, descending: true});
	const [notice, setNotice] = useState<{text: string; tone: Tone} | undefined>(initialNotice ? {text: initialNotice, tone: 'normal'} : undefined);
	const [tick, setTick] = useState(0);
	const now = clock();
	const columns = useMemo(() => jobColumns(now), [now]);

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
	void tick;

	const {matches} = filter;
	const rows = useMemo(() => sortRows(list.items.filter(j =>
		(statusFilters[statusFilter] === undefined || j.StatusCode === statusFilters[statusFilter])
		&& (actionFilters[actionFilter] === undefined || j.Action === actionFilters[actionFilter])
		&& matches(`${j.JobDescription ?? ''} ${j.JobId} ${j.ArchiveId ?? ''} ${actionLabel(j)} ${statusLabel(j)} ${j.Tier ?? ''}`)), columns[sort.column], sort.descending), [list.items, statusFilter, actionFilter, matches, sort, columns]);
	const tableHeight = Math.max(2, height - 5);
	const state = useListState(rows.length, tableHeight - 1);
	const job = rows[state.cursor];

	const newJob = (kind: 'inventory' | 'archive') => {
		navigation.push({screen: 'new-job', vaultName, kind, onStarted(jobId) {
			setNotice({text: `Started ${kind} retrieval ${inert(jobId.slice(0, 20))}…; it shows here as in progress and refreshes on its own.`, tone: 'normal'});
			list.reload();
		}});
	};

	useKeys((input, key) => {
		const command = commandFor(['list', 'jobs', 'global'], input, key);
		if (!command) return;
		if (state.move(command)) {
			setNotice(undefined);
			return;
		}

		switch (command) {
			case 'open': {
				if (!job) return;
				const expiry = expiryOf(job, now);
				if (job.StatusCode !== 'Succeeded' || expiry.kind === 'expired') {
					setNotice(explainJob(job, now));
					return;
				}

				if (isInventory(job)) navigation.push({screen: 'inventory', spec: {source: {kind: 'job', vaultName, jobId: job.JobId, job}, onJobsStarted: () => list.reload()}});
				else navigation.push({screen: 'download-setup', vaultName, jobId: job.JobId, job});
				break;
			}

			case 'saveOutput': {
				if (!job) return;
				if (job.StatusCode !== 'Succeeded' || expiryOf(job, now).kind === 'expired') {
					setNotice(explainJob(job, now));
					return;
				}

				navigation.push({screen: 'download-setup', vaultName, jobId: job.JobId, job});
				break;
			}

			case 'filter': {
				filter.start();
				break;
			}

			case 'statusFilter': {
				setStatusFilter(f => (f + 1) % statusFilters.length);
				break;
			}

			case 'actionFilter': {
				setActionFilter(f => (f + 1) % actionFilters.length);
				break;
			}

			case 'sortNext': {
				setSort(s => ({column: (s.column + 1) % columns.length, descending: false}));
				break;
			}

			case 'sortReverse': {
				setSort(s => ({...s, descending: !s.descending}));
				break;
			}

			case 'reload': {
				list.reload();
				break;
			}

			case 'newInventory': {
				newJob('inventory');
				break;
			}

			case 'newArchive': {
				newJob('archive');
				break;
			}

			case 'back': {
				if (filter.text) filter.finish(false);
				else navigation.pop();
				break;
			}

			default: {
				break;
			}
		}
	}, active && !filter.editing);

	const filters = [
		statusFilters[statusFilter] ? `status ${statusLabel({JobId: '', StatusCode: statusFilters[statusFilter]})}` : '',
		actionFilters[actionFilter] ? `type ${actionLabel({JobId: '', Action: actionFilters[actionFilter]})}` : '',
		filter.text ? `text '${inert(filter.text)}'` : '',
	].filter(Boolean).join(', ');
	const count = `${formatCount(rows.length)}${filters ? ` of ${formatCount(list.items.length)}` : ''} job${list.items.length === 1 ? '' : 's'} in ${inert(vaultName)}`;
	const info = list.error
		? `Could not list jobs: ${list.error}`
		: `${count}${list.loading ? `, loading page ${list.pages + 1}…` : ''}${filters ? ` (${filters})` : ''}${running ? ' · refreshing while jobs run' : ''}`;
	const detail = job
		? `${actionLabel(job)} job ${inert(job.JobId)}${job.ArchiveId ? ` · archive ${inert(job.ArchiveId)}` : ''}${job.RetrievalByteRange ? ` · bytes ${inert(job.RetrievalByteRange)}` : ''}`
		: '';
	const explanation = notice ?? (job ? explainJob(job, now) : {text: '', tone: 'normal' as const});
	const explanationLines = wrapText(explanation.text, width, 2);
	while (explanationLines.length < 2) explanationLines.push('');
	return (
		<Box flexDirection="column" width={width} height={height}>
			<Table columns={columns} rows={rows} width={width} height={tableHeight} cursor={state.cursor} offset={state.offset} sortColumn={sort.column} sortDescending={sort.descending}
				rowColour={j => {
					const e = expiryOf(j, now);
					return e.kind === 'expired' ? 'gray' : e.kind === 'left' && e.soon ? 'yellow' : j.StatusCode === 'Failed' ? 'red' : undefined;
				}}
				empty={list.loading ? 'Loading jobs…' : list.error ? '' : (filters ? 'No job matches the filters.' : 'No jobs in this vault: start one with i (inventory) or a (archive).')} />
			<Line width={width} color="gray">{detail}</Line>
			{explanationLines.map((text, i) => <Line key={i} width={width} color={toneColour(explanation.tone)}>{text}</Line>)}
			{filter.editing
				? <TextInput label="Filter jobs /" value={filter.text} width={width} active={active} onChange={filter.setText} onSubmit={() => filter.finish(true)} onCancel={() => filter.finish(false)} />
				: <Line width={width} color={list.error ? theme.error : undefined}>{info}</Line>}
			<StatusBar width={width} text={hint('jobs', ['open', 'back', 'filter', 'statusFilter', 'actionFilter', 'newInventory', 'newArchive', 'saveOutput', 'help'])} />
		</Box>
	);
}
