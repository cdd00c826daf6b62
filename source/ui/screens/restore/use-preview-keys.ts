import {useNavigation, useServices} from '../../context.js';
import {errorLine} from '../../error-line.js';
import {useKeys} from '../../hooks/use-keys.js';
import {commandFor} from '../../keymap.js';
import {writeRestorePlan} from '../../../restore/preview.js';
import {startRun} from '../../restore-runs.js';
import type {RestoreSelection} from '../../routes.js';
import type {PreviewState} from './use-preview-state.js';

/**
 * The preview's keys, all through the key map (preview scope): t tier, d the
 * destination, l the list of names, Enter asks (the Confirm's y writes the
 * plan, starts the run in this process and shows its dashboard).
 */
export function usePreviewKeys(state: PreviewState, selection: RestoreSelection, active: boolean, listRows: number): {start: () => void} {
	const services = useServices();
	const navigation = useNavigation();
	const {ui, dispatch, preview, planDir} = state;

	const start = () => {
		if (!preview) return;
		dispatch({type: 'starting'});
		writeRestorePlan({planDir, store: selection.store, preview, tier: ui.tier, to: ui.to, connection: services.connection}).then(() => {
			startRun(services, planDir);
			navigation.replace({screen: 'restore', planDir, vaultName: selection.vaultName});
		}, (error: unknown) => {
			dispatch({type: 'failed', error: errorLine(error)});
		});
	};

	useKeys((input, key) => {
		const command = commandFor(['preview', 'global'], input, key);
		if (command === 'back') {
			if (ui.list) dispatch({type: 'toggleList'});
			else navigation.pop();
			return;
		}

		if (!preview) return;
		const max = Math.max(0, preview.plan.decisions.length - listRows);
		switch (command) {
			case 'tierNext': {
				dispatch({type: 'nextTier'});
				break;
			}

			case 'editTo': {
				dispatch({type: 'editTo'});
				break;
			}

			case 'decisions': {
				dispatch({type: 'toggleList'});
				break;
			}

			case 'down':
			case 'up': {
				if (ui.list) dispatch({type: 'scroll', by: command === 'down' ? 1 : -1, max});
				break;
			}

			case 'start': {
				if (preview.plan.totals.archives > 0) dispatch({type: 'ask'});
				break;
			}

			default: {
				break;
			}
		}
	}, active && ui.draft === undefined && ui.phase === 'form');

	return {start};
}
