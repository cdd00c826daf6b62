import process from 'node:process';
import {useEffect, useMemo, useState} from 'react';
import {knownPlans, type KnownPlan} from '../../../restore/plans.js';
import {useNavigation, useServices} from '../../context.js';
import {useFilter} from '../../hooks/use-filter.js';
import {useListKeys} from '../../hooks/use-list-keys.js';
import {useListState} from '../../hooks/use-list-state.js';
import {useSort} from '../../hooks/use-sort.js';
import {sortRows} from '../../components/Table.js';
import {planFolders, runOf} from '../../restore-runs.js';
import {planState, restoreColumns, type PlanRow} from './restores-lines.js';

const live = new Set(['starting', 'adopting', 'running']);

/** Every plan thaw knows with its state, read again every few seconds; the list keys; Enter opens a plan's dashboard. */
export function useRestoresState(tableRows: number, active: boolean) {
	const services = useServices();
	const navigation = useNavigation();
	const folders = useMemo(() => planFolders(services), [services]);
	const [plans, setPlans] = useState<KnownPlan[]>([]);
	const [loading, setLoading] = useState(true);
	const [version, setVersion] = useState(0);
	const filter = useFilter();
	const sort = useSort({column: 6, descending: true}, restoreColumns.length);

	useEffect(() => {
		if (!active) return undefined;
		let stopped = false;
		let timer: NodeJS.Timeout | undefined;
		const read = () => {
			knownPlans(folders).then(found => {
				if (stopped) return;
				setPlans(found);
				setLoading(false);
				timer = setTimeout(read, 3000);
			}, () => {
				if (!stopped) setLoading(false);
			});
		};

		read();
		return () => {
			stopped = true;
			if (timer) clearTimeout(timer);
		};
	}, [folders, active, version]);

	const {matches} = filter;
	const rows: PlanRow[] = useMemo(() => {
		const all = plans.map(plan => {
			const run = runOf(plan.dir);
			return {plan, state: planState(plan, process.pid, run !== undefined && live.has(run.store.phase))};
		});
		return sortRows(all.filter(r => matches(`${r.plan.dir} ${r.plan.status?.vaultName ?? ''}`)), restoreColumns[sort.sort.column], sort.sort.descending);
	}, [plans, matches, sort.sort]);
	const cursor = useListState(rows.length, tableRows);

	useListKeys({
		scopes: ['restores'],
		active,
		list: cursor,
		filter,
		sort: sort.command,
		reload: () => setVersion(v => v + 1),
		back: () => navigation.pop(),
		command(command) {
			if (command !== 'open') return;
			const row = rows[cursor.cursor];
			if (row) navigation.push({screen: 'restore', planDir: row.plan.dir, vaultName: row.plan.status?.vaultName});
		},
	});

	return {folders, rows, loading, filter, sort, cursor};
}
