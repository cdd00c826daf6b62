import {useMemo, useSyncExternalStore} from 'react';
import type {DownloadSnapshot, DownloadStore} from '../../engine/download-state.js';

/**
 * The engine's snapshot, read through useSyncExternalStore, with change
 * notifications coalesced to at most one per `intervalMs` (10 per second by
 * default): a flood of progress events costs ten renders a second, not one
 * per event. The last change is always delivered.
 */
export function throttledSubscribe(store: Pick<DownloadStore, 'subscribe'>, intervalMs: number) {
	return (listener: () => void) => {
		let timer: NodeJS.Timeout | undefined;
		let last = 0;
		const unsubscribe = store.subscribe(() => {
			if (timer) return;
			const wait = Math.max(0, last + intervalMs - Date.now());
			timer = setTimeout(() => {
				timer = undefined;
				last = Date.now();
				listener();
			}, wait);
		});
		return () => {
			unsubscribe();
			if (timer) clearTimeout(timer);
		};
	};
}

export function useDownloadStore(store: DownloadStore, intervalMs = 100): DownloadSnapshot {
	const subscribe = useMemo(() => throttledSubscribe(store, intervalMs), [store, intervalMs]);
	return useSyncExternalStore(subscribe, store.getSnapshot, store.getSnapshot);
}
