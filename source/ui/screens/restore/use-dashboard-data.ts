import process from 'node:process';
import {useEffect, useMemo, useState, useSyncExternalStore} from 'react';
import {readRecentActivity, type RecentActivity} from '../../../restore/events.js';
import {readPlanHeader, type PlanHeader} from '../../../restore/plan-file.js';
import {planRunners, type PlanRunner} from '../../../restore/plans.js';
import type {Run} from '../../../restore/runner/runner.js';
import type {RunSnapshot} from '../../../restore/runner/store.js';
import {readPlanStatus, type PlanStatus} from '../../../restore/status.js';
import {useServices} from '../../context.js';
import {errorLine} from '../../error-line.js';
import {throttledSubscribe} from '../../hooks/use-download-store.js';
import type {ActiveDownloadView, DashboardData} from './dashboard-lines.js';

type Disk = {header?: PlanHeader; status?: PlanStatus; runners: PlanRunner[]; activity?: RecentActivity; error?: string};

const noSubscribe = () => () => undefined;
const noSnapshot = () => undefined;

/**
 * What the dashboard draws, from the same sources as `thaw restore status`:
 * the plan's files and journals, read again about once a second (slower when
 * a read takes long: a plan of a million archives), plus, when this process
 * runs the plan, its RunStore (redraws coalesced to one per frameMs) and the
 * chunk grids of its active downloads (sampled on a half-second tick).
 */
export function useDashboardData(planDir: string, run: Run | undefined, active: boolean): DashboardData {
	const services = useServices();
	const [disk, setDisk] = useState<Disk>({runners: []});
	const [now, setNow] = useState(() => Date.now());

	useEffect(() => {
		let stopped = false;
		let timer: NodeJS.Timeout | undefined;
		let header: PlanHeader | undefined;
		const read = async () => {
			const started = Date.now();
			try {
				header ??= await readPlanHeader(planDir);
				const [status, runners, activity] = await Promise.all([
					readPlanStatus(planDir),
					planRunners(planDir),
					readRecentActivity(planDir, header.totals.archives),
				]);
				if (!stopped) setDisk({header, status, runners, activity});
			} catch (error) {
				if (!stopped) setDisk(d => ({...d, error: errorLine(error)}));
			}

			if (stopped) return;
			const took = Date.now() - started;
			timer = setTimeout(() => {
				void read();
			}, Math.max(active ? 1000 : 5000, took * 4));
		};

		void read();
		return () => {
			stopped = true;
			if (timer) clearTimeout(timer);
		};
	}, [planDir, active]);

	const store = run?.store;
	const subscribe = useMemo(() => (store ? throttledSubscribe(store, Math.max(100, services.frameMs)) : noSubscribe), [store, services.frameMs]);
	const get = useMemo(() => (store ? () => store.getSnapshot() : noSnapshot), [store]);
	const snapshot: RunSnapshot | undefined = useSyncExternalStore(subscribe, get, get);

	// The clock (expiry, next poll) and the download grids move on a tick while the screen is shown.
	useEffect(() => {
		if (!active) return undefined;
		const timer = setInterval(() => {
			setNow(Date.now());
		}, 500);
		return () => {
			clearInterval(timer);
		};
	}, [active]);

	const downloads: ActiveDownloadView[] = store ? store.activeDownloads().map(d => ({index: d.index, path: d.path, snapshot: d.store.getSnapshot()})) : [];
	return {...disk, run: snapshot, downloads, pid: process.pid, now};
}
