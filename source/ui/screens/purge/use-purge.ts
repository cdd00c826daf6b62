import {dirname, join} from 'node:path';
import {useEffect, useMemo, useRef, useState, useSyncExternalStore} from 'react';
import {confirmationMatches, ledgerFileName, openPurge, PurgeStore, type PurgeSession, type PurgeSnapshot, type PurgeStoreView} from '../../../restore/purge/index.js';
import {useServices} from '../../context.js';
import {errorLine} from '../../error-line.js';
import {usePurgeState} from './use-purge-state.js';

/** Coalesce the store's notifications to one per `ms` (a burst of deletions is a few renders, not one per archive). */
function throttled(subscribe: (listener: () => void) => () => void, ms: number) {
	return (listener: () => void) => {
		let timer: NodeJS.Timeout | undefined;
		const unsubscribe = subscribe(() => {
			timer ??= setTimeout(() => {
				timer = undefined;
				listener();
			}, ms);
		});
		return () => {
			unsubscribe();
			if (timer) clearTimeout(timer);
		};
	};
}

const idle = new PurgeStore();

/**
 * One purge of a plan, driven by the screen: open it (the plan's purge lock
 * and journal), check every file (the preview), and, once the typed count
 * matches, delete through the app's connection. Leaving the screen (or the
 * app) stops it; a later purge continues where it stopped.
 */
export function usePurge(planDir: string) {
	const services = useServices();
	const [ui, dispatch] = usePurgeState();
	const session = useRef<PurgeSession | undefined>(undefined);
	const [store, setStore] = useState<PurgeStoreView>(idle);
	const closing = useRef<Promise<void> | undefined>(undefined);
	const running = useRef<Promise<unknown> | undefined>(undefined);

	useEffect(() => {
		let cancelled = false;
		const ledgerFile = join(dirname(services.settings.path), ledgerFileName);
		(async () => {
			const opened = await openPurge({planDir, ledgerFile});
			if (cancelled) {
				await opened.close();
				return;
			}

			session.current = opened;
			setStore(opened.store);
			const preview = await opened.preview();
			if (!cancelled) dispatch({type: 'previewed', preview});
		})().catch((error: unknown) => {
			if (!cancelled) dispatch({type: 'failed', message: errorLine(error)});
		});
		return () => {
			cancelled = true;
			const current = session.current;
			if (current) {
				current.cancel();
				closing.current = (running.current ?? Promise.resolve()).catch(() => undefined).then(async () => current.close());
			}
		};
	}, [planDir, services.settings, dispatch]);

	const subscribe = useMemo(() => throttled(listener => store.subscribe(listener), services.frameMs), [store, services.frameMs]);
	const getSnapshot = useMemo(() => () => store.getSnapshot(), [store]);
	const snapshot: PurgeSnapshot = useSyncExternalStore(subscribe, getSnapshot);

	/**
	 * Enter at the question: delete when the typed count matches. The text
	 * field hands over what was typed: keys that arrive in one chunk ("391\r"
	 * pasted, or over SSH) reach it before React renders again, so the
	 * rendered `ui.typed` may still be behind.
	 */
	const submit = (typed: string) => {
		const current = session.current;
		if (!current || !ui.preview || ui.phase !== 'confirm') return;
		if (!confirmationMatches(typed, ui.preview)) {
			dispatch({type: 'wrongCount', typed});
			return;
		}

		dispatch({type: 'deleting'});
		const done = current.run(services.connection);
		running.current = done;
		const untrack = services.track({cancel: () => current.cancel(), done});
		done.then(result => {
			dispatch({type: 'done', result});
		}, (error: unknown) => {
			dispatch({type: 'failed', message: errorLine(error)});
		}).finally(untrack);
	};

	const stop = () => {
		session.current?.cancel();
	};

	return {ui, dispatch, snapshot, submit, stop};
}
