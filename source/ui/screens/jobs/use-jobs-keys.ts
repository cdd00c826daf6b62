import {inert} from '../../../inert.js';
import {useNavigation} from '../../context.js';
import {useListKeys} from '../../hooks/use-list-keys.js';
import {expiryOf, isInventory} from '../../job-info.js';
import {explainJob} from './jobs-status.js';
import type {useJobsState} from './use-jobs-state.js';

/** The jobs screen's keys: the shared list keys, then open, save, the two filters and new retrievals. */
export function useJobsKeys(state: ReturnType<typeof useJobsState>, vaultName: string, active: boolean): void {
	const navigation = useNavigation();
	const {list, filter, dispatch, sort, cursor, job, now, showStarted} = state;
	const newJob = (kind: 'inventory' | 'archive') => {
		navigation.push({screen: 'new-job', vaultName, kind, onStarted(jobId) {
			dispatch({type: 'notice', notice: {text: `Started ${kind} retrieval ${inert(jobId.slice(0, 20))}…; it shows here as in progress and refreshes on its own.`, tone: 'normal'}});
			showStarted([jobId]);
			list.reload();
		}});
	};

	/** Whether the job's output can be read now; otherwise says why. */
	const ready = (): boolean => {
		if (!job) return false;
		if (job.StatusCode === 'Succeeded' && expiryOf(job, now).kind !== 'expired') return true;
		dispatch({type: 'notice', notice: explainJob(job, now)});
		return false;
	};

	useListKeys({
		scopes: ['jobs'],
		active,
		list: cursor,
		filter,
		sort: sort.command,
		reload: () => list.reload(),
		back: () => {
			if (state.filters.details) dispatch({type: 'closeDetails'});
			else navigation.pop();
		},
		moved: () => dispatch({type: 'clearNotice'}),
		command(command) {
			switch (command) {
				case 'open': {
					if (!job || !ready()) return;
					if (isInventory(job)) navigation.push({screen: 'inventory', spec: {source: {kind: 'job', vaultName, jobId: job.JobId, job}, onJobsStarted(jobIds) {
						showStarted(jobIds);
						list.reload();
					}}});
					else navigation.push({screen: 'download-setup', vaultName, jobId: job.JobId, job});
					break;
				}

				case 'saveOutput': {
					if (job && ready()) navigation.push({screen: 'download-setup', vaultName, jobId: job.JobId, job});
					break;
				}

				case 'details': {
					if (job) dispatch({type: 'toggleDetails'});
					break;
				}

				case 'statusFilter': {
					dispatch({type: 'nextStatusFilter'});
					break;
				}

				case 'actionFilter': {
					dispatch({type: 'nextActionFilter'});
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

				default: {
					break;
				}
			}
		},
	});
}
