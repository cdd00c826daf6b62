import {join} from 'node:path';
import {useEffect, useLayoutEffect, useMemo, useReducer} from 'react';
import {demoTierDelayMs} from '../../../emulator/clock.js';
import {previewRestore, glacierRetrievalTimes, type RestorePreview, type RetrievalTimes} from '../../../restore/preview.js';
import {newPlanName} from '../../../restore/plans.js';
import type {PriceTier} from '../../../restore/prices.js';
import {tiers} from '../../../restore/prices.js';
import {ASSUMED_BYTES_PER_SECOND} from '../../../restore/runner/pacing.js';
import {useNavigation, useServices} from '../../context.js';
import {errorLine} from '../../error-line.js';
import {plansFolder} from '../../restore-runs.js';
import type {RestoreSelection} from '../../routes.js';

export type PreviewUi = {
	tier: PriceTier;
	to: string;
	/** The destination being edited (undefined: not editing). */
	draft?: string;
	/** The decisions list is shown instead of the cost table. */
	list: boolean;
	offset: number;
	phase: 'form' | 'confirm' | 'starting';
	error?: string;
};

export type PreviewAction =
	| {type: 'nextTier'} | {type: 'editTo'} | {type: 'draft'; text: string} | {type: 'keepTo'} | {type: 'cancelTo'}
	| {type: 'toggleList'} | {type: 'scroll'; by: number; max: number}
	| {type: 'ask'} | {type: 'unask'} | {type: 'starting'} | {type: 'failed'; error: string};

/** The preview's own state by named actions: tier, destination, the decisions list, the question. */
export function previewReducer(state: PreviewUi, action: PreviewAction): PreviewUi {
	switch (action.type) {
		case 'nextTier': return {...state, tier: tiers[(tiers.indexOf(state.tier) + 1) % tiers.length]};
		case 'editTo': return {...state, draft: state.to, error: undefined};
		case 'draft': return state.draft === undefined ? state : {...state, draft: action.text};
		case 'keepTo': return state.draft === undefined ? state : (state.draft.trim() === '' ? {...state, error: 'give a destination folder'} : {...state, to: state.draft.trim(), draft: undefined});
		case 'cancelTo': return {...state, draft: undefined};
		case 'toggleList': return {...state, list: !state.list, offset: 0};
		case 'scroll': return {...state, offset: Math.max(0, Math.min(action.max, state.offset + action.by))};
		case 'ask': return {...state, phase: 'confirm', error: undefined};
		case 'unask': return {...state, phase: 'form'};
		case 'starting': return {...state, phase: 'starting'};
		case 'failed': return {...state, phase: 'form', error: action.error};
	}
}

/**
 * The restore preview: the selection planned (names, versions, prices; in a
 * timer after the first frame, so a big selection shows "Planning…" first),
 * and the choices before anything is paid for.
 */
export function usePreviewState(selection: RestoreSelection, active: boolean) {
	const services = useServices();
	const navigation = useNavigation();
	const [ui, dispatch] = useReducer(previewReducer, {tier: 'Bulk', to: services.cwd, list: false, offset: 0, phase: 'form'});
	const [planned, setPlanned] = useReducer((_s: {preview?: RestorePreview; error?: string}, next: {preview?: RestorePreview; error?: string}) => next, {});

	useEffect(() => {
		const timer = setTimeout(() => {
			try {
				setPlanned({preview: previewRestore({
					store: selection.store, rows: selection.rows, vaultName: selection.vaultName, inventory: selection.inventory,
					filter: selection.filter, region: services.connection.region, accountId: services.connection.accountId,
				})});
			} catch (error) {
				setPlanned({error: errorLine(error)});
			}
		}, 0);
		return () => {
			clearTimeout(timer);
		};
	}, [selection, services.connection]);

	// Editing the destination and the question take every key (q and ? are letters there).
	useLayoutEffect(() => {
		navigation.setCapture(active && (ui.draft !== undefined || ui.phase !== 'form'));
	}, [navigation, active, ui.draft, ui.phase]);
	useEffect(() => () => {
		navigation.setCapture(false);
	}, [navigation]);

	const planDir = useMemo(() => join(plansFolder(services), newPlanName(selection.vaultName)), [services, selection.vaultName]);
	const times: RetrievalTimes = useMemo(() => (services.demo
		? {Expedited: {min: demoTierDelayMs.Expedited / 1000, max: demoTierDelayMs.Expedited / 1000}, Standard: {min: demoTierDelayMs.Standard / 1000, max: demoTierDelayMs.Standard / 1000}, Bulk: {min: demoTierDelayMs.Bulk / 1000, max: demoTierDelayMs.Bulk / 1000}}
		: glacierRetrievalTimes), [services.demo]);
	return {ui, dispatch, preview: planned.preview, planError: planned.error, planDir, times, rate: services.restore?.bandwidth ?? ASSUMED_BYTES_PER_SECOND};
}

export type PreviewState = ReturnType<typeof usePreviewState>;
