import {useEffect, useLayoutEffect, useReducer, useState} from 'react';
import {readPlanArchives} from '../../../restore/plan-file.js';
import {readPlanStates} from '../../../restore/status.js';
import {useNavigation} from '../../context.js';
import type {Tone} from '../../theme.js';

export type DashboardMode = 'main' | 'failures' | 'failure' | 'grid' | 'archives';

export type DashboardUi = {
	mode: DashboardMode;
	/** Row under the cursor: a download (main), a failure (failures), an archive (archives). */
	cursor: number;
	/** The download whose full grid is shown (plan index). */
	gridIndex?: number;
	/** The archive filter ('/'): its text, and whether it is being typed. */
	filter: string;
	editing: boolean;
	ask?: 'quit';
	notice?: {text: string; tone: Tone};
};

export type DashboardAction =
	| {type: 'move'; by: number; count: number} | {type: 'mode'; mode: DashboardMode} | {type: 'grid'; index: number}
	| {type: 'editFilter'} | {type: 'filterText'; text: string} | {type: 'keepFilter'} | {type: 'clearFilter'}
	| {type: 'ask'} | {type: 'unask'} | {type: 'notice'; text: string; tone?: Tone} | {type: 'clearNotice'};

/** The dashboard's own state by named actions: which view, the cursor, the archive filter, the quit question, a notice. */
export function dashboardReducer(state: DashboardUi, action: DashboardAction): DashboardUi {
	switch (action.type) {
		case 'move': return {...state, cursor: Math.max(0, Math.min(Math.max(0, action.count - 1), state.cursor + action.by)), notice: undefined};
		case 'mode': return {...state, mode: action.mode, cursor: action.mode === 'failure' || (state.mode === 'failure' && action.mode === 'failures') ? state.cursor : 0, notice: undefined};
		case 'grid': return {...state, mode: 'grid', gridIndex: action.index, notice: undefined};
		case 'editFilter': return {...state, mode: 'archives', editing: true, cursor: 0, notice: undefined};
		case 'filterText': return {...state, filter: action.text, cursor: 0};
		case 'keepFilter': return {...state, editing: false};
		case 'clearFilter': return {...state, filter: '', editing: false, mode: 'main', cursor: 0};
		case 'ask': return {...state, ask: 'quit'};
		case 'unask': return {...state, ask: undefined};
		case 'notice': return {...state, notice: {text: action.text, tone: action.tone ?? 'warn'}};
		case 'clearNotice': return state.notice ? {...state, notice: undefined} : state;
	}
}

export type ArchiveRow = {index: number; path: string; state: number};

/**
 * The plan's archives for the '/' list: paths read once from archives.jsonl
 * when the list is first opened, states merged from every shard's journal
 * (as status reads them) every two seconds while it is shown.
 */
export function usePlanArchives(planDir: string, wanted: boolean): {paths?: string[]; states?: Uint8Array; error?: string} {
	const [paths, setPaths] = useState<string[]>();
	const [states, setStates] = useState<Uint8Array>();
	const [error, setError] = useState<string>();
	useEffect(() => {
		if (!wanted || paths) return undefined;
		let stopped = false;
		void (async () => {
			const all: string[] = [];
			try {
				for await (const archive of readPlanArchives(planDir)) all.push(archive[3]);
				if (!stopped) setPaths(all);
			} catch (error_) {
				if (!stopped) setError((error_ as Error).message);
			}
		})();
		return () => {
			stopped = true;
		};
	}, [planDir, wanted, paths]);

	useEffect(() => {
		if (!wanted || !paths) return undefined;
		let stopped = false;
		const read = () => {
			readPlanStates(planDir, paths.length).then(merged => {
				if (!stopped) setStates(merged.states);
			}, () => undefined);
		};

		read();
		const timer = setInterval(read, 2000);
		return () => {
			stopped = true;
			clearInterval(timer);
		};
	}, [planDir, wanted, paths]);

	return {paths, states, error};
}

/** Archives whose path holds `text` (case-insensitive), in plan order. */
export function filterArchives(paths: readonly string[], states: Uint8Array | undefined, text: string, limit = 100_000): ArchiveRow[] {
	const needle = text.toLowerCase();
	const rows: ArchiveRow[] = [];
	for (let i = 0; i < paths.length && rows.length < limit; i++) {
		if (needle === '' || paths[i].toLowerCase().includes(needle)) rows.push({index: i, path: paths[i], state: states?.[i] ?? 0});
	}

	return rows;
}

export function useDashboardState(active: boolean) {
	const navigation = useNavigation();
	const [ui, dispatch] = useReducer(dashboardReducer, {mode: 'main', cursor: 0, filter: '', editing: false});
	// The question and the filter field take every key; in the commit that shows them, so the next key reaches them.
	useLayoutEffect(() => {
		navigation.setCapture(active && (ui.ask !== undefined || ui.editing));
	}, [navigation, active, ui.ask, ui.editing]);
	useEffect(() => () => {
		navigation.setCapture(false);
	}, [navigation]);
	return {ui, dispatch};
}
