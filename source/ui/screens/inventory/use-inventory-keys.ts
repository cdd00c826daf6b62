import {existsSync} from 'node:fs';
import {extname, resolve} from 'node:path';
import {inert} from '../../../inert.js';
import {ExportExistsError, exportRows} from '../../../inventory/export-file.js';
import {openAtEnd} from '../../../inventory/filter/parse.js';
import {useNavigation, useServices} from '../../context.js';
import {errorLine} from '../../error-line.js';
import {useKeys} from '../../hooks/use-keys.js';
import type {SortKey} from '../../inventory/columns.js';
import {commandFor} from '../../keymap.js';
import type {InventorySpec} from '../../routes.js';
import {filterHelpText} from './FilterHelp.js';
import {exportBase, exportedNotice, markAllNotice, retrievalNotice, vaultOf} from './inventory-status.js';
import type {InventoryState} from './use-inventory-state.js';

/** A file name in `folder` that does not exist yet: base.ext, else base-2.ext, base-3.ext... */
function freeName(folder: string, base: string, ext: string): string {
	for (let n = 1; ; n++) {
		const path = resolve(folder, `${base}${n === 1 ? '' : `-${n}`}.${ext}`);
		if (!existsSync(path)) return path;
	}
}

/**
 * The inventory browser's keys, all through the key map: the table's (list
 * and inventory scopes), the details view's, and the export dialog's (the
 * setup scope). Returns the export itself, which the overwrite question runs.
 */
export function useInventoryKeys(state: InventoryState, spec: InventorySpec, active: boolean): {runExport: (overwrite: boolean) => void; openFilterHelp: (text: string) => boolean} {
	const services = useServices();
	const navigation = useNavigation();
	const {load, store, filter, columns, ui, dispatch, mask, order, view, marks, list, current} = state;
	const {mode, dialog, notice} = ui;
	const vaultName = vaultOf(spec);
	const marked = () => {
		dispatch({type: 'marked'});
	};

	const openExport = () => {
		if (!store) return;
		const which = marks && marks.count > 0 ? 'marked' : 'shown';
		const folder = services.settings.get().downloadFolder ?? services.cwd;
		dispatch({type: 'openExport', dialog: {which, format: 'csv', file: freeName(folder, `${exportBase(spec)}-${which === 'marked' ? 'marked' : (mask ? 'filtered' : 'all')}`, 'csv'), focus: 2}});
	};

	const runExport = (overwrite: boolean) => {
		if (!store || !marks || !dialog) return;
		const rows = dialog.which === 'marked' ? marks.rows(order) : view;
		const file = resolve(dialog.file.trim());
		if (dialog.file.trim() === '') {
			dispatch({type: 'exportFailed', error: 'give a file name'});
			return;
		}

		// JSON in a .csv name (or CSV in .json) is a mistake a later reader pays for: say so.
		const ext = extname(file).toLowerCase();
		if ((ext === '.csv' || ext === '.json') && ext !== `.${dialog.format}`) {
			dispatch({type: 'exportFailed', error: `the name ends in ${ext} but the format is ${dialog.format}: change the format (Tab, ←/→) or the name`});
			return;
		}

		dispatch({type: 'exportStarted'});
		exportRows(store, rows, dialog.format, file, {overwrite}).then(({bytes}) => {
			dispatch({type: 'exported', notice: exportedNotice(rows.length, dialog.format, bytes, file)});
		}, (error: unknown) => {
			if (error instanceof ExportExistsError) dispatch({type: 'exportExists', file});
			else dispatch({type: 'exportFailed', error: errorLine(error)});
		});
	};

	const retrieve = () => {
		if (!store || !marks) return;
		if (!vaultName) {
			dispatch({type: 'notice', notice: {text: 'Opened from a file: to start retrievals, give --vault-name V (the vault it lists).', tone: 'warn'}});
			return;
		}

		if (marks.count === 0) {
			dispatch({type: 'notice', notice: {text: 'Mark the archives to retrieve first: space marks one, * marks every archive shown.', tone: 'warn'}});
			return;
		}

		const rows = marks.rows(order);
		const archives = Array.from(rows, i => ({archiveId: store.archiveId(i), size: store.sizes[i], name: inert(store.displayName(i))}));
		navigation.push({screen: 'retrieve', vaultName, archives, onStarted(outcome) {
			// Archives with a job now (started, or skipped as they had one) are unmarked, so a again never offers to pay for them twice.
			const done = new Set([...outcome.started, ...outcome.skipped]);
			for (const [k, row] of rows.entries()) if (done.has(archives[k].archiveId)) marks.set(row, false);
			marked();
			dispatch({type: 'notice', notice: retrievalNotice(outcome, rows.length)});
			if (outcome.jobIds.length > 0) spec.onJobsStarted?.(outcome.jobIds);
		}});
	};

	const restore = () => {
		if (!store || !marks) return;
		if (!vaultName) {
			dispatch({type: 'notice', notice: {text: 'Opened from a file: to restore, give --vault-name V (the vault it lists).', tone: 'warn'}});
			return;
		}

		const which = marks.count > 0 ? 'marked' : 'shown';
		const rows = which === 'marked' ? marks.rows(order) : view;
		const inventory = spec.source.kind === 'job' ? {source: 'job' as const, jobId: spec.source.jobId} : {source: 'file' as const, path: spec.source.path};
		navigation.push({screen: 'restore-preview', selection: {vaultName, store, rows, which, filter: which === 'shown' && state.applied ? state.applied : null, inventory}});
	};

	/** ? at the / prompt: the filter language, unless the text ends inside a /regex/ or "quote" (then ? is typed). */
	const openFilterHelp = (text: string): boolean => {
		if (openAtEnd(text)) return false;
		dispatch({type: 'filterHelp', open: true});
		return true;
	};

	// The filter help over the table: Esc or ? (the pager's keys) go back to the prompt, its text kept.
	useKeys((input, key) => {
		const command = commandFor(['pager'], input, key);
		const max = Math.max(0, filterHelpText().length - state.tableHeight);
		if (command === 'back') dispatch({type: 'filterHelp', open: false});
		else if (command === 'down' || command === 'up') dispatch({type: 'scrollFilterHelp', by: command === 'down' ? 1 : -1, max});
	}, active && ui.filterHelp !== undefined && filter.editing);

	useKeys((input, key) => {
		if (ui.filterHelp) return;
		// While the / prompt is open, letters are the filter's; the arrows and page keys still move the selection.
		if (filter.editing && !(key.upArrow || key.downArrow || key.pageUp || key.pageDown)) return;
		const command = commandFor(['list', 'inventory', 'global'], input, key);
		if (!store) {
			if (command === 'back') navigation.pop();
			else if (command === 'reload') load.reload();
			else if (command === 'skipBad' && load.malformed) load.reload({skipBad: true});
			return;
		}

		if (!command || !marks) return;
		if (list.move(command)) {
			dispatch({type: 'clearNotice'});
			return;
		}

		switch (command) {
			case 'open': {
				if (current !== undefined) dispatch({type: 'openDetails'});
				break;
			}

			case 'filter': {
				dispatch({type: 'clearNotice'});
				filter.start();
				break;
			}

			case 'sortNext': {
				const keys: Array<SortKey | undefined> = [undefined, ...columns.map(c => c.sortKey)];
				dispatch({type: 'sortNext', keys});
				break;
			}

			case 'sortReverse': {
				dispatch({type: 'sortReverse'});
				break;
			}

			case 'reload': {
				load.reload();
				break;
			}

			case 'mark': {
				if (current === undefined) return;
				marks.toggle(current);
				list.move('down');
				marked();
				break;
			}

			case 'markAll': {
				dispatch({type: 'notice', notice: markAllNotice(marks.toggleAll(view), view.length)});
				marked();
				break;
			}

			case 'unmarkAll': {
				marks.clear();
				marked();
				break;
			}

			case 'export': {
				openExport();
				break;
			}

			case 'retrieve': {
				retrieve();
				break;
			}

			case 'restorePlan': {
				restore();
				break;
			}

			case 'back': {
				if (notice) dispatch({type: 'clearNotice'});
				else if (filter.text) filter.finish(false);
				else navigation.pop();
				break;
			}

			default: {
				break;
			}
		}
	}, active && mode === 'table');

	useKeys((input, key) => {
		const command = commandFor(['details', 'global'], input, key);
		if (command === 'back') dispatch({type: 'closeDetails'});
		else if (command === 'down' || command === 'up') list.move(command);
		else if (command === 'mark' && current !== undefined && marks) {
			marks.toggle(current);
			marked();
		}
	}, active && mode === 'details');

	// The dialog's keys are the forms' (setup scope); the file name field takes the rest.
	useKeys((input, key) => {
		if (!dialog || dialog.busy) return;
		const command = commandFor(['setup'], input, key);
		if (command === 'back') dispatch({type: 'closeExport'});
		else if (command === 'start') runExport(false);
		else if (command === 'nextField') dispatch({type: 'nextField'});
		else if (command === 'prevField') dispatch({type: 'prevField'});
		else if (command === 'choose' && dialog.focus < 2) {
			if (dialog.focus === 0) dispatch({type: 'toggleRows', canMark: (marks?.count ?? 0) > 0, shownLabel: mask ? 'filtered' : 'all'});
			else dispatch({type: 'toggleFormat'});
		}
	}, active && mode === 'export' && !dialog?.exists);

	return {runExport, openFilterHelp};
}
