import {Box} from 'ink';
import {Line} from '../../components/Line.js';
import {StatusBar} from '../../components/StatusBar.js';
import {Table} from '../../components/Table.js';
import {TextInput} from '../../components/TextInput.js';
import {expiryOf} from '../../job-info.js';
import {hint} from '../../keymap.js';
import {wrapText} from '../../text.js';
import {theme, toneColour} from '../../theme.js';
import {explainJob, jobDetailLine, jobDetails, jobsEmptyText, jobsInfoLine} from './jobs-status.js';
import {useJobsKeys} from './use-jobs-keys.js';
import {useJobsState} from './use-jobs-state.js';

export type JobsProps = {width: number; height: number; active: boolean; vaultName: string; notice?: string};

export function Jobs({width, height, active, vaultName, notice: initialNotice}: JobsProps) {
	const tableHeight = Math.max(2, height - 5);
	const state = useJobsState(vaultName, initialNotice, tableHeight - 1, width);
	useJobsKeys(state, vaultName, active);
	const {list, filter, filters, sort, columns, rows, cursor, job, now, running} = state;
	const view = {vaultName, shown: rows.length, total: list.items.length, statusFilter: filters.statusFilter, actionFilter: filters.actionFilter, text: filter.text, loading: list.loading, pages: list.pages, running, error: list.error};
	const notice = filters.notice;
	const explanation = notice ?? (job ? explainJob(job, now) : {text: '', tone: 'normal' as const});
	// A listing error wraps over the explanation's two lines and the info line, never cut.
	const errorLines = list.error && !filter.editing ? wrapText(jobsInfoLine(view), width, 3) : undefined;
	const explanationLines = errorLines ? errorLines.slice(0, -1) : wrapText(explanation.text, width, 2);
	while (explanationLines.length < 2) {
		if (errorLines) explanationLines.unshift('');
		else explanationLines.push('');
	}
	return (
		<Box flexDirection="column" width={width} height={height}>
			{filters.details && job
				? (
					<Box flexDirection="column" width={width} height={tableHeight}>
						{jobDetails(job, width).slice(0, tableHeight).map((text, i) => <Line key={i} width={width} bold={i === 0}>{text}</Line>)}
					</Box>
				)
				: (
					<Table columns={columns} rows={rows} width={width} height={tableHeight} cursor={cursor.cursor} offset={cursor.offset} sortColumn={sort.sort.column} sortDescending={sort.sort.descending}
						rowColour={j => {
							const e = expiryOf(j, now);
							return e.kind === 'expired' ? 'gray' : e.kind === 'left' && e.soon ? 'yellow' : j.StatusCode === 'Failed' ? 'red' : undefined;
						}}
						empty={jobsEmptyText(view)} />
				)}
			<Line width={width} color="gray">{jobDetailLine(job)}</Line>
			{explanationLines.map((text, i) => <Line key={i} width={width} color={errorLines ? theme.error : toneColour(explanation.tone)}>{text}</Line>)}
			{filter.editing
				? <TextInput label="Filter jobs /" value={filter.text} width={width} active={active} onChange={filter.setText} onSubmit={() => filter.finish(true)} onCancel={() => filter.finish(false)} />
				: <Line width={width} color={list.error ? theme.error : undefined}>{errorLines ? errorLines.at(-1) ?? '' : jobsInfoLine(view)}</Line>}
			<StatusBar width={width} text={hint('jobs', ['open', 'back', 'details', 'filter', 'statusFilter', 'actionFilter', 'newInventory', 'newArchive', 'saveOutput', 'help'])} />
		</Box>
	);
}
