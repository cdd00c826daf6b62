import {useEffect, useRef} from 'react';
import type {Run} from '../../../restore/runner/runner.js';
import {useNavigation, useServices} from '../../context.js';
import {errorLine} from '../../error-line.js';
import {useKeys} from '../../hooks/use-keys.js';
import {commandFor} from '../../keymap.js';
import {startRun} from '../../restore-runs.js';
import {otherRunners, runsHere, type DashboardData} from './dashboard-lines.js';
import type {DashboardAction, DashboardUi} from './use-dashboard-state.js';

export type DashboardKeys = {
	ui: DashboardUi;
	dispatch: (action: DashboardAction) => void;
	data: DashboardData;
	planDir: string;
	run: Run | undefined;
	setRun: (run: Run) => void;
	/** Rows in the current list (downloads, failures, archives) and the plan index under the cursor where it has one. */
	rows: number;
	currentIndex?: number;
	active: boolean;
};

/**
 * The dashboard's keys, all through the key map (restore scope): p pauses
 * this process's run, f the failures (Enter details, r retry), / the archive
 * list, Enter a download's full grid, s runs a plan nobody runs. q asks only
 * while this process runs the plan (the quit guard); a watcher just leaves.
 */
export function useDashboardKeys(options: DashboardKeys): {stopAndQuit: () => void} {
	const services = useServices();
	const navigation = useNavigation();
	const {ui, dispatch, data, planDir, run, setRun, rows, currentIndex, active} = options;
	const here = runsHere(data);
	const hereRef = useRef(here);
	hereRef.current = here;

	useEffect(() => {
		if (!active) return undefined;
		navigation.setQuitGuard(() => {
			if (!hereRef.current) return true;
			dispatch({type: 'ask'});
			return false;
		});
		return () => {
			navigation.setQuitGuard(undefined);
		};
	}, [active, navigation, dispatch]);

	const notHere = (what: string) => {
		const other = otherRunners(data)[0];
		dispatch({type: 'notice', text: other?.holder
			? `${what}: thaw pid ${other.holder.pid} on ${other.holder.host} runs this plan; this screen only watches it`
			: `${what}: this plan is not running in this process (s runs it here)`});
	};

	const retry = (index: number | undefined) => {
		if (index === undefined) return;
		if (!run || !here) {
			notHere('Cannot retry');
			return;
		}

		run.retry(index).then(done => {
			dispatch({type: 'notice', text: done ? `Archive ${index}: trying again` : `Archive ${index} has not failed for good (the runner retries it itself)`, tone: 'normal'});
		}, (error: unknown) => {
			dispatch({type: 'notice', text: errorLine(error), tone: 'error'});
		});
	};

	const runHere = () => {
		if (here) return;
		if (otherRunners(data).length > 0) {
			notHere('Not started');
			return;
		}

		const {status} = data;
		if (status && status.verified === status.total) {
			dispatch({type: 'notice', text: 'Every archive is verified: nothing to run', tone: 'normal'});
			return;
		}

		setRun(startRun(services, planDir, {retryFailed: status !== undefined && status.failed > 0 && ui.mode === 'failures'}));
	};

	// D: once nothing of the restore is on its way, the purge screen (issue 12): its preview, then the typed count.
	const purge = () => {
		const {status} = data;
		if (!status) return;
		if (here || otherRunners(data).length > 0) {
			dispatch({type: 'notice', text: 'Not now: the restore is running; delete from Glacier once it has ended', tone: 'warn'});
			return;
		}

		const left = status.total - status.verified - status.failed;
		if (left > 0) {
			dispatch({type: 'notice', text: `Not yet: ${left.toLocaleString('en-US')} archive(s) are not restored yet; delete from Glacier once the restore is complete`, tone: 'warn'});
			return;
		}

		navigation.push({screen: 'purge', planDir});
	};

	useKeys((input, key) => {
		const command = commandFor(['restore', 'global'], input, key);
		if (!command) return;
		switch (command) {
			case 'back': {
				if (ui.mode === 'failure') dispatch({type: 'mode', mode: 'failures'});
				else if (ui.mode === 'archives') dispatch({type: 'clearFilter'});
				else if (ui.mode !== 'main') dispatch({type: 'mode', mode: 'main'});
				else if (ui.notice) dispatch({type: 'clearNotice'});
				else navigation.pop();
				break;
			}

			case 'up':
			case 'down': {
				dispatch({type: 'move', by: command === 'down' ? 1 : -1, count: rows});
				break;
			}

			case 'open': {
				if (ui.mode === 'main' && currentIndex !== undefined) dispatch({type: 'grid', index: currentIndex});
				else if (ui.mode === 'failures' && rows > 0) dispatch({type: 'mode', mode: 'failure'});
				else if (ui.mode === 'grid' || ui.mode === 'failure') dispatch({type: 'mode', mode: ui.mode === 'grid' ? 'main' : 'failures'});
				break;
			}

			case 'failures': {
				dispatch({type: 'mode', mode: ui.mode === 'failures' || ui.mode === 'failure' ? 'main' : 'failures'});
				break;
			}

			case 'filter': {
				dispatch({type: 'editFilter'});
				break;
			}

			case 'pause': {
				if (!run || !here) notHere('Cannot pause');
				else if (data.run?.paused) run.resume();
				else run.pause();
				break;
			}

			case 'retry': {
				if (ui.mode === 'failures' || ui.mode === 'failure') retry(currentIndex);
				break;
			}

			case 'runHere': {
				runHere();
				break;
			}

			case 'purge': {
				purge();
				break;
			}

			default: {
				break;
			}
		}
	}, active && ui.ask === undefined && !ui.editing);

	return {
		stopAndQuit() {
			run?.cancel();
			navigation.exit(0);
		},
	};
}
