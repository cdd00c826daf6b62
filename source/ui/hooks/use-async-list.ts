import {useCallback, useEffect, useRef, useState} from 'react';
import {errorLine} from '../error-line.js';

export type AsyncList<T> = {
	items: T[];
	/** True until the last page arrived. */
	loading: boolean;
	/** Pages received so far. */
	pages: number;
	/** One inert line when loading failed. */
	error?: string;
	reload(options?: {quiet?: boolean}): void;
};

/**
 * Loads every page of an async generator, showing rows as pages arrive.
 * reload() starts over (a quiet reload keeps the old rows until the new ones are complete).
 */
export function useAsyncList<T>(load: (signal: AbortSignal) => AsyncIterable<T[]>, deps: readonly unknown[]): AsyncList<T> {
	const [state, setState] = useState<{items: T[]; loading: boolean; pages: number; error?: string}>({items: [], loading: true, pages: 0});
	const [generation, setGeneration] = useState(0);
	const quietRef = useRef(false);

	useEffect(() => {
		const controller = new AbortController();
		const quiet = quietRef.current;
		quietRef.current = false;
		if (!quiet) setState({items: [], loading: true, pages: 0});
		else setState(s => ({...s, loading: true}));
		(async () => {
			const items: T[] = [];
			let pages = 0;
			for await (const page of load(controller.signal)) {
				if (controller.signal.aborted) return;
				items.push(...page);
				pages++;
				if (!quiet) setState({items: [...items], loading: true, pages});
			}

			if (!controller.signal.aborted) setState({items, loading: false, pages});
		})().catch((error: unknown) => {
			if (controller.signal.aborted) return;
			setState(s => ({...s, loading: false, error: errorLine(error)}));
		});
		return () => {
			controller.abort();
		};
	// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [...deps, generation]);

	const reload = useCallback((options: {quiet?: boolean} = {}) => {
		quietRef.current = options.quiet === true;
		setGeneration(g => g + 1);
	}, []);

	return {...state, reload};
}
