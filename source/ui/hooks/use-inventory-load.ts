import {useCallback, useEffect, useRef, useState} from 'react';
import {InventoryFormatError} from '../../inventory/format-error.js';
import {openJobInventory} from '../../inventory/job-source.js';
import {loadInventory, type LoadResult} from '../../inventory/load.js';
import type {LoadProgress} from '../../inventory/types.js';
import {useServices} from '../context.js';
import {errorLine} from '../error-line.js';
import type {InventorySpec} from '../routes.js';

export type InventoryLoad = {
	result?: LoadResult;
	/** Bytes and rows read so far (updated at most every frameMs while loading). */
	progress: LoadProgress;
	loading: boolean;
	/** One inert line when loading failed. */
	error?: string;
	/** True when the failure was a malformed record (loading again with skipBad may help). */
	malformed: boolean;
	/** Load again (e.g. skipping malformed records). */
	reload(options?: {skipBad?: boolean}): void;
	skipBad: boolean;
	/** True once the loaded store's search index is built (in the background, in steps, right after loading). */
	searchReady: boolean;
};

/** Rows per background step: about 20 ms each at 1 M rows (see test/bench/inventory-ui.bench.mjs). */
export const searchStepRows = 16_384;
export const modifiedStepRows = 8192;

/**
 * Loads an inventory into a row store: a file, or an inventory job's output
 * streamed straight from GetJobOutput. Progress redraws are capped to the
 * app's frame rate; leaving the screen stops the load.
 */
export function useInventoryLoad(spec: InventorySpec): InventoryLoad {
	const services = useServices();
	const [generation, setGeneration] = useState(0);
	const [skipBad, setSkipBad] = useState(spec.skipBad === true);
	const [state, setState] = useState<{result?: LoadResult; loading: boolean; error?: string; malformed: boolean}>({loading: true, malformed: false});
	const [progress, setProgress] = useState<LoadProgress>({bytes: 0, rows: 0});
	const latest = useRef<LoadProgress>({bytes: 0, rows: 0});
	const [indexed, setIndexed] = useState<LoadResult['store']>();

	useEffect(() => {
		const controller = new AbortController();
		let cancel: (() => void) | undefined;
		latest.current = {bytes: 0, rows: 0};
		setProgress(latest.current);
		setState(s => ({result: s.result, loading: true, malformed: false}));
		const timer = setInterval(() => {
			setProgress(latest.current);
		}, Math.max(20, services.frameMs));
		(async () => {
			const {source} = spec;
			let input: string | AsyncIterable<Uint8Array> = '';
			let totalBytes: number | undefined;
			let format = spec.format;
			if (source.kind === 'file') {
				input = source.path;
			} else {
				const opened = await openJobInventory(services.connection, source.vaultName, source.jobId, {job: source.job, signal: controller.signal});
				cancel = opened.cancel;
				input = opened.body;
				totalBytes = opened.totalBytes;
				format ??= opened.format;
			}

			const result = await loadInventory(input, {
				format,
				skipBad,
				totalBytes,
				signal: controller.signal,
				onProgress(p) {
					latest.current = p;
				},
			});
			if (controller.signal.aborted) return;
			setProgress(latest.current);
			setState({result, loading: false, malformed: false});
			// In the background: the search index (so the first filter does not wait), then the modified times (for sorting).
			await result.store.index.prepareSearchInSteps(searchStepRows, controller.signal);
			if (controller.signal.aborted) return;
			setIndexed(result.store);
			await result.store.index.buildModifiedInSteps(modifiedStepRows, controller.signal);
		})().catch((error: unknown) => {
			if (controller.signal.aborted) return;
			setState(s => ({result: s.result, loading: false, error: errorLine(error), malformed: error instanceof InventoryFormatError}));
		}).finally(() => {
			clearInterval(timer);
		});
		return () => {
			controller.abort();
			cancel?.();
			clearInterval(timer);
		};
	// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [generation, skipBad]);

	const reload = useCallback((options: {skipBad?: boolean} = {}) => {
		if (options.skipBad !== undefined) setSkipBad(options.skipBad);
		setGeneration(g => g + 1);
	}, []);

	const store = state.result?.store;
	const searchReady = store !== undefined && (indexed === store || store.index.built);
	return {...state, progress, reload, skipBad, searchReady};
}
