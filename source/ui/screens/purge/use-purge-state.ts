import {useReducer} from 'react';
import {inert} from '../../../inert.js';
import type {PurgePreview, PurgeResult} from '../../../restore/purge/index.js';

/** Where the purge screen is: checking files, asking for the typed count, deleting, the verdict, or an error that stopped it. */
export type PurgePhase = 'checking' | 'confirm' | 'deleting' | 'done' | 'error';

export type PurgeUi = {
	phase: PurgePhase;
	preview?: PurgePreview;
	result?: PurgeResult;
	/** What the person has typed at the question. */
	typed: string;
	/** One line under the question: a wrong count, a stop, an error. */
	notice?: {text: string; tone: 'normal' | 'warn' | 'error'};
	/** First body line shown (the preview and verdict scroll with j/k). */
	offset: number;
};

export type PurgeAction =
	| {type: 'previewed'; preview: PurgePreview}
	| {type: 'type'; text: string}
	| {type: 'wrongCount'; typed: string}
	| {type: 'deleting'}
	| {type: 'done'; result: PurgeResult}
	| {type: 'failed'; message: string}
	| {type: 'scroll'; by: number; max: number};

export function purgeReducer(state: PurgeUi, action: PurgeAction): PurgeUi {
	switch (action.type) {
		case 'previewed': {
			// Nothing to delete: straight to the verdict screen (nothing to confirm).
			return {...state, preview: action.preview, phase: action.preview.toDelete.archives > 0 ? 'confirm' : 'done', notice: action.preview.toDelete.archives > 0 ? undefined : {text: 'Nothing to delete.', tone: 'normal'}};
		}

		case 'type': {
			return {...state, typed: action.text, notice: undefined};
		}

		case 'wrongCount': {
			return {...state, notice: {text: `'${inert(action.typed.trim())}' is not ${state.preview?.toDelete.archives ?? 0}: type the count to delete, or Esc to go back (nothing deleted)`, tone: 'warn'}, typed: ''};
		}

		case 'deleting': {
			return {...state, phase: 'deleting', notice: undefined, offset: 0};
		}

		case 'done': {
			return {...state, phase: 'done', result: action.result, offset: 0};
		}

		case 'failed': {
			return {...state, phase: 'error', notice: {text: action.message, tone: 'error'}};
		}

		case 'scroll': {
			return {...state, offset: Math.max(0, Math.min(action.max, state.offset + action.by))};
		}
	}
}

export function usePurgeState() {
	return useReducer(purgeReducer, {phase: 'checking', typed: '', offset: 0});
}
