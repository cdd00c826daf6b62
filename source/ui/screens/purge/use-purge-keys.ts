import {useEffect} from 'react';
import {useNavigation} from '../../context.js';
import {useKeys} from '../../hooks/use-keys.js';
import {commandFor} from '../../keymap.js';
import type {PurgeAction, PurgeUi} from './use-purge-state.js';

/**
 * The purge screen's keys, through the key map: while it asks, the text
 * field has every key (q and ? are text; Enter submits, Esc goes back);
 * while it checks, Esc goes back (nothing deleted); while it deletes, Esc
 * stops; after, the pager's keys scroll the verdict and leave.
 */
export function usePurgeKeys(options: {ui: PurgeUi; dispatch: (action: PurgeAction) => void; stop: () => void; active: boolean; maxOffset: number; page: number}): void {
	const navigation = useNavigation();
	const {ui, dispatch, stop, active, maxOffset, page} = options;
	const asking = ui.phase === 'confirm';

	useEffect(() => {
		navigation.setCapture(active && asking);
		return () => {
			navigation.setCapture(false);
		};
	}, [active, asking, navigation]);

	useKeys((input, key) => {
		if (ui.phase === 'checking') {
			if (commandFor(['global'], input, key) === 'back') {
				stop();
				navigation.pop();
			}

			return;
		}

		if (ui.phase === 'deleting') {
			if (commandFor(['global'], input, key) === 'back') stop();
			return;
		}

		const command = commandFor(['pager'], input, key);
		if (command === 'back') navigation.pop();
		else if (command === 'down') dispatch({type: 'scroll', by: 1, max: maxOffset});
		else if (command === 'up') dispatch({type: 'scroll', by: -1, max: maxOffset});
		else if (command === 'pageDown') dispatch({type: 'scroll', by: page, max: maxOffset});
		else if (command === 'pageUp') dispatch({type: 'scroll', by: -page, max: maxOffset});
	}, active && !asking);

	// While it asks, the text field takes what is typed; the arrows and PgUp/PgDn (which type nothing) still scroll the preview.
	useKeys((input, key) => {
		const command = commandFor(['pager'], input, key);
		if (input !== '') return;
		if (command === 'down') dispatch({type: 'scroll', by: 1, max: maxOffset});
		else if (command === 'up') dispatch({type: 'scroll', by: -1, max: maxOffset});
		else if (command === 'pageDown') dispatch({type: 'scroll', by: page, max: maxOffset});
		else if (command === 'pageUp') dispatch({type: 'scroll', by: -page, max: maxOffset});
	}, active && asking);
}
