import {existsSync} from 'node:fs';
import {basename, extname, resolve} from 'node:path';
import {Box} from 'ink';
import {useEffect, useMemo, useRef, useState} from 'react';
import {ThawError} from '../../errors.js';
import {inert} from '../../inert.js';
import {humanSize} from '../../inventory/export.js';
import {FilterError} from '../../inventory/filter/error.js';
import {parseFilter} from '../../inventory/filter/parse.js';
import type {InventoryStore} from '../../inventory/store.js';
import {ExportExistsError, exportRows, type ExportFormat} from '../../inventory/export-file.js';
import {applyFilter, applyMask, needsSearchIndex, sortedOrder, type AppliedFilter} from '../../inventory/query.js';
import {ArchiveDetails} from '../components/ArchiveDetails.js';
import {Confirm, confirmHeight} from '../components/Confirm.js';
import {InventoryTable} from '../components/InventoryTable.js';
import {Line} from '../components/Line.js';
import {StatusBar} from '../components/StatusBar.js';
import {TextInput} from '../components/TextInput.js';
import {useNavigation, useServices} from '../context.js';
import {formatBytes, formatCount} from '../format.js';
import {useFilter} from '../hooks/use-filter.js';
import {useInventoryLoad} from '../hooks/use-inventory-load.js';
import {useKeys} from '../hooks/use-keys.js';
import {useListState} from '../hooks/use-list-state.js';
import {inventoryColumns, type SortKey} from '../inventory/columns.js';
import {deferral} from '../inventory/deferral.js';
import {Marks} from '../inventory/marks.js';
import {commandFor, hint} from '../keymap.js';
import type {InventorySpec} from '../routes.js';
import {fit} from '../text.js';

export type InventoryProps = {width: number; height: number; active: boolean; spec: InventorySpec};

type Tone = 'normal' | 'warn' | 'error';
type Order = {store: InventoryStore; key?: SortKey; descending: boolean; rows: Uint32Array};
type ExportDialog = {which: 'marked' | 'shown'; format: ExportFormat; file: string; focus: number; error?: string; busy?: boolean; exists?: string};

export function inventoryTitle(spec: InventorySpec): string {
	return spec.source.kind === 'job'
		? `Vault ${spec.source.vaultName} › Inventory ${spec.source.jobId.slice(0, 8)}…`
		: `Inventory ${basename(spec.source.path)}`;
}

function vaultOf(spec: InventorySpec): string | undefined {
	return spec.vaultName ?? (spec.source.kind === 'job' ? spec.source.vaultName : undefined);
}

function plural(n: number, word: string): string {
	return `${formatCount(n)} ${word}${n === 1 ? '' : 's'}`;
}

/** A file name in `folder` that does not exist yet: base.ext, else base-2.ext, base-3.ext... */
function freeName(folder: string, base: string, ext: string): string {
	for (let n = 1; ; n++) {
		const path = resolve(folder, `${base}${n === 1 ? '' : `-${n}`}.${ext}`);
		if (!existsSync(path)) return path;
	}
}

/** Swap a .csv/.json ending for the other format's. */
function withExtension(file: string, format: ExportFormat): string {
	const ext = extname(file).toLowerCase();
	return ext === '.csv' || ext === '.json' ? file.slice(0, -ext.length) + '.' + format : file;
}

function message(error: unknown): string {
	return inert(error instanceof ThawError ? error.message : error instanceof Error ? error.message : String(error));
}

/**
 * The inventory browser: the archives of a vault in a table windowed to the
 * terminal, a live filter, a sort per column, details, marks with totals,
 * export to CSV or JSON, and archive retrievals of the marked rows.
 */
export function Inventory({width, height, active, spec}: InventoryProps) {
	const services = useServices();
	const navigation = useNavigation();
	const load = useInventoryLoad(spec);
	const store = load.result?.store;
	const filter = useFilter();
	const columns = useMemo(() => inventoryColumns(width), [width]);
	const [sort, setSort] = useState<{key?: SortKey; descending: boolean}>(spec.sort ? {key: spec.sort.field, descending: spec.sort.descending === true} : {descending: false});
	const [mode, setMode] = useState<'table' | 'details' | 'export'>('table');
	const [dialog, setDialog] = useState<ExportDialog>();
	const [notice, setNotice] = useState<{text: string; tone: Tone}>();
	const [, setMarkVersion] = useState(0);

	// The initial filter (thaw inventory --filter) is applied, not edited.
	useEffect(() => {
		if (spec.filter) filter.setText(spec.filter);
	}, []);

	// Text fields and dialogs take every key.
	useEffect(() => {
		navigation.setCapture(active && mode === 'export');
		return () => {
			navigation.setCapture(false);
		};
	}, [active, mode]);

	// The filter: while typing, a text that does not parse (yet) keeps the last good one and shows why.
	const lastGood = useRef('');
	const parsed = useMemo(() => {
		try {
			return {filter: parseFilter(filter.text)};
		} catch (error) {
			return {error: message(error)};
		}
	}, [filter.text]);
	if (parsed.filter) lastGood.current = filter.text;
	const applied = parsed.filter ? filter.text : lastGood.current;
	// Big inventories: text filters wait for the background search index, sorts run after a "sorting…" frame.
	const big = store !== undefined && store.length >= deferral.rows;
	const searchReady = load.searchReady;
	const appliedFilter = useMemo(() => parseFilter(applied), [applied]);
	const waitingForIndex = big && !searchReady && needsSearchIndex(appliedFilter.node);
	const lastFiltered = useRef<AppliedFilter & {problem?: string}>(undefined);
	const filtered = useMemo((): (AppliedFilter & {problem?: string}) | undefined => {
		if (!store) return undefined;
		const previous = lastFiltered.current?.columns === store ? lastFiltered.current : undefined;
		if (waitingForIndex) return previous;
		try {
			// Typing a longer word or another term only looks at the rows still shown.
			return applyFilter(store, appliedFilter, previous);
		} catch (error) {
			// A regex that ran out of its time budget (it was stopped): keep the rows shown and say why.
			if (!(error instanceof FilterError)) throw error;
			return {...(previous ?? {columns: store, filter: parseFilter(''), mask: undefined}), problem: message(error)};
		}
	}, [store, appliedFilter, waitingForIndex]);
	lastFiltered.current = filtered;
	const mask = filtered?.mask;
	const filterPending = waitingForIndex;

	const [sorted, setSorted] = useState<Order>();
	const sortNow = !big || sort.key === undefined;
	const syncOrder = useMemo(() => (store && sortNow ? {store, key: sort.key, descending: sort.descending, rows: sortedOrder(store, {field: sort.key, descending: sort.descending})} : undefined), [store, sort, sortNow]);
	const sortDone = syncOrder !== undefined || (sorted?.store === store && sorted?.key === sort.key && sorted?.descending === sort.descending);
	const sortWaitsForIndex = !sortDone && sort.key === 'description' && !searchReady;
	useEffect(() => {
		if (!store || sortDone || sortWaitsForIndex) return;
		const {key, descending} = sort;
		const timer = setTimeout(() => {
			setSorted({store, key, descending, rows: sortedOrder(store, {field: key, descending})});
		}, Math.max(services.frameMs, deferral.delayMs, 20));
		return () => {
			clearTimeout(timer);
		};
	}, [store, sort, sortDone, sortWaitsForIndex]);
	const fileOrder = useMemo(() => (store ? sortedOrder(store) : new Uint32Array(0)), [store]);
	const shownOrder: {key?: SortKey; descending: boolean; rows: Uint32Array} = syncOrder ?? (sorted?.store === store && sorted ? sorted : {descending: false, rows: fileOrder});
	const order = shownOrder.rows;
	const view = useMemo(() => applyMask(order, mask), [order, mask]);
	const busy = !store ? undefined : filterPending || sortWaitsForIndex ? 'indexing…' : (sortDone ? undefined : 'sorting…');
	const marks = useMemo(() => (store ? new Marks(store.sizes, store.length) : undefined), [store]);

	const tableHeight = Math.max(2, height - 4 - (mode === 'export' ? (dialog?.exists ? confirmHeight(1) : 5) : 0));
	const state = useListState(view.length, tableHeight - 1);
	const current = view.length > 0 ? view[Math.min(state.cursor, view.length - 1)] : undefined;
	useEffect(() => {
		state.setCursor(0);
	}, [applied]);

	const vaultName = vaultOf(spec);
	const marked = () => setMarkVersion(v => v + 1);

	const openExport = () => {
		if (!store) return;
		const which = marks && marks.count > 0 ? 'marked' : 'shown';
		const folder = services.settings.get().downloadFolder ?? services.cwd;
		const base = (vaultName ?? (spec.source.kind === 'file' ? basename(spec.source.path, extname(spec.source.path)) : 'inventory')).replace(/[^\w.-]+/g, '_');
		setDialog({which, format: 'csv', file: freeName(folder, `${base}-${which === 'marked' ? 'marked' : (mask ? 'filtered' : 'all')}`, 'csv'), focus: 2});
		setMode('export');
	};

	const runExport = (overwrite: boolean) => {
		if (!store || !marks || !dialog) return;
		const rows = dialog.which === 'marked' ? marks.rows(order) : view;
		const file = resolve(dialog.file.trim());
		if (dialog.file.trim() === '') {
			setDialog({...dialog, error: 'give a file name'});
			return;
		}

		setDialog({...dialog, busy: true, error: undefined, exists: undefined});
		exportRows(store, rows, dialog.format, file, {overwrite}).then(({bytes}) => {
			setDialog(undefined);
			setMode('table');
			setNotice({text: `Exported ${plural(rows.length, 'archive')} as ${dialog.format.toUpperCase()} (${formatBytes(bytes)}) to ${inert(file)}`, tone: 'normal'});
		}, (error: unknown) => {
			if (error instanceof ExportExistsError) setDialog(d => d && {...d, busy: false, exists: file});
			else setDialog(d => d && {...d, busy: false, error: message(error)});
		});
	};

	const retrieve = () => {
		if (!store || !marks) return;
		if (!vaultName) {
			setNotice({text: 'Opened from a file: to start retrievals, give --vault-name V (the vault it lists).', tone: 'warn'});
			return;
		}

		if (marks.count === 0) {
			setNotice({text: 'Mark the archives to retrieve first: space marks one, * marks every archive shown.', tone: 'warn'});
			return;
		}

		const rows = marks.rows(order);
		const archives = Array.from(rows, i => ({archiveId: store.archiveId(i), size: store.sizes[i], name: inert(store.displayName(i))}));
		navigation.push({screen: 'retrieve', vaultName, archives, onStarted: spec.onJobsStarted});
	};

	useKeys((input, key) => {
		const command = commandFor(['list', 'inventory', 'global'], input, key);
		if (!store) {
			if (command === 'back') navigation.pop();
			else if (command === 'reload') load.reload();
			else if (command === 'skipBad' && load.malformed) load.reload({skipBad: true});
			return;
		}

		if (!command || !marks) return;
		if (state.move(command)) {
			setNotice(undefined);
			return;
		}

		switch (command) {
			case 'open': {
				if (current !== undefined) setMode('details');
				break;
			}

			case 'filter': {
				setNotice(undefined);
				filter.start();
				break;
			}

			case 'sortNext': {
				const keys: Array<SortKey | undefined> = [undefined, ...columns.map(c => c.sortKey)];
				setSort(s => ({key: keys[(keys.indexOf(s.key) + 1) % keys.length], descending: false}));
				break;
			}

			case 'sortReverse': {
				setSort(s => ({...s, descending: !s.descending}));
				break;
			}

			case 'reload': {
				load.reload();
				break;
			}

			case 'mark': {
				if (current === undefined) return;
				marks.toggle(current);
				state.move('down');
				marked();
				break;
			}

			case 'markAll': {
				const did = marks.toggleAll(view);
				setNotice({text: did ? `Marked all ${plural(view.length, 'archive')} shown.` : `Unmarked the ${plural(view.length, 'archive')} shown.`, tone: 'normal'});
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

			case 'back': {
				if (notice) setNotice(undefined);
				else if (filter.text) filter.finish(false);
				else navigation.pop();
				break;
			}

			default: {
				break;
			}
		}
	}, active && !filter.editing && mode === 'table');

	useKeys((input, key) => {
		const command = commandFor(['details', 'global'], input, key);
		if (command === 'back') setMode('table');
		else if (command === 'down' || command === 'up') state.move(command);
		else if (command === 'mark' && current !== undefined && marks) {
			marks.toggle(current);
			marked();
		}
	}, active && mode === 'details');

	useKeys((input, key) => {
		if (!dialog || dialog.busy) return;
		if (key.escape) {
			setDialog(undefined);
			setMode('table');
		} else if (key.return) {
			runExport(false);
		} else if ((key.tab && !key.shift) || key.downArrow) {
			setDialog({...dialog, focus: (dialog.focus + 1) % 3});
		} else if ((key.tab && key.shift) || key.upArrow) {
			setDialog({...dialog, focus: (dialog.focus + 2) % 3});
		} else if (dialog.focus < 2 && (key.leftArrow || key.rightArrow || input === ' ')) {
			if (dialog.focus === 0) {
				setDialog({...dialog, which: dialog.which === 'marked' || !marks?.count ? 'shown' : 'marked'});
			} else {
				const format = dialog.format === 'csv' ? 'json' : 'csv';
				setDialog({...dialog, format, file: withExtension(dialog.file, format)});
			}
		}
	}, active && mode === 'export' && !dialog?.exists);

	// ---- drawing ----
	const all = store ? store.totals() : {count: 0, bytes: 0};
	const shown = store && mask ? store.totals(view) : all;
	const position = store && view.length > 0 ? `${formatCount(state.cursor + 1)}/${formatCount(view.length)} · ` : '';
	const totals = store
		? `${plural(all.count, 'archive')}, ${humanSize(all.bytes)}${mask ? ` · shown ${formatCount(shown.count)}, ${humanSize(shown.bytes)}` : ''} · marked ${formatCount(marks?.count ?? 0)}, ${humanSize(marks?.bytes ?? 0)}`
		: '';
	const progress = load.progress;
	const percent = progress.totalBytes ? ` (${Math.floor((progress.bytes / progress.totalBytes) * 100)}%)` : '';
	const from = spec.source.kind === 'job' ? `inventory job ${inert(spec.source.jobId.slice(0, 12))}… of '${inert(spec.source.vaultName)}'` : inert(spec.source.path);
	const loadingLine = `Reading ${from}: ${formatBytes(progress.bytes)}${progress.totalBytes ? ` of ${formatBytes(progress.totalBytes)}` : ''}${percent}, ${plural(progress.rows, 'archive')}…`;
	const skipped = load.result && load.result.skipped > 0
		? `Skipped ${plural(load.result.skipped, 'malformed record')}${load.result.problems[0] ? ` (first: ${inert(load.result.problems[0].message)})` : ''}`
		: '';
	let info: {text: string; tone: Tone};
	if (load.error) info = {text: `Could not read ${from}: ${load.error}`, tone: 'error'};
	else if (load.loading) info = {text: loadingLine, tone: 'normal'};
	else if (filter.text) info = {text: `Filter: ${inert(filter.text)}   (/ edits, Esc clears)`, tone: 'normal'};
	else if (skipped) info = {text: skipped, tone: 'warn'};
	else info = {text: `${load.result ? `${load.result.format === 'glacier-csv' ? 'Glacier CSV' : load.result.format.toUpperCase()} ` : ''}from ${from}. / filters: size>1GiB created<2015 -tmp`, tone: 'normal'};

	let third: {text: string; tone: Tone};
	if (busy) third = {text: `${busy}${filterPending ? ` (the filter '${inert(applied)}' applies when it is done)` : ''}`, tone: 'warn'};
	else if (parsed.error && filter.text) third = {text: `${parsed.error} (showing '${inert(lastGood.current)}')`, tone: 'error'};
	else if (filtered?.problem && filter.text) third = {text: `${filtered.problem} (showing '${inert(filtered.filter.text)}')`, tone: 'error'};
	else if (notice) third = notice;
	else if (load.error) third = {text: load.malformed ? 'b loads again skipping malformed records (they are counted)  r tries again  Esc back' : 'r tries again  Esc back', tone: 'normal'};
	else if (store && current !== undefined) {
		const row = store.get(current);
		third = {text: `${position}${row.path === undefined ? 'Description' : `${row.tool} path`}: ${inert(row.path ?? row.description)}${row.path === undefined ? '' : `   (raw: ${inert(row.description)})`}`, tone: 'normal'};
	} else third = {text: '', tone: 'normal'};

	const colour = (tone: Tone) => (tone === 'error' ? 'red' : tone === 'warn' ? 'yellow' : undefined);
	const empty = load.loading ? 'Reading the inventory…' : load.error ? 'Nothing to show.' : mask ? 'No archive matches the filter.' : 'This inventory lists no archives.';
	const hints = mode === 'details'
		? hint('details', ['back', 'down', 'up', 'mark', 'help'])
		: hint('inventory', width >= 120 ? ['open', 'filter', 'sortNext', 'sortReverse', 'mark', 'markAll', 'export', 'retrieve', 'back', 'help'] : ['open', 'filter', 'sortNext', 'mark', 'export', 'retrieve', 'help']);
	const choice = (label: string, options: string[], selected: string, focused: boolean) => fit(`${label} ${options.map(o => (o === selected ? `[${o}]` : ` ${o} `)).join(' ')}${focused ? '   ←/→ changes' : ''}`, width);

	return (
		<Box flexDirection="column" width={width} height={height}>
			{mode === 'details' && store && current !== undefined
				? <ArchiveDetails row={store.get(current)} position={state.cursor} count={view.length} marked={marks?.has(current) === true} width={width} height={tableHeight} />
				: (store
					? <InventoryTable store={store} view={view} columns={columns} width={width} height={tableHeight} cursor={state.cursor} offset={state.offset} marks={marks} sortKey={shownOrder.key} sortDescending={shownOrder.descending} empty={empty} />
					: <Box flexDirection="column" width={width} height={tableHeight}><Line width={width} color="gray">{empty}</Line></Box>)}
			{mode === 'export' && dialog && !dialog.exists
				? (
					<Box flexDirection="column" width={width} height={5}>
						<Line width={width} bold color="cyan">{`Export ${dialog.which === 'marked' ? plural(marks?.count ?? 0, 'marked archive') : plural(view.length, 'archive') + ' shown'}: exact values, plus decoded Path/LastModified`}</Line>
						<Line width={width} color={dialog.focus === 0 ? 'cyan' : undefined} bold={dialog.focus === 0}>{choice('Rows:  ', marks?.count ? ['marked', 'shown'] : ['shown'], dialog.which, dialog.focus === 0)}</Line>
						<Line width={width} color={dialog.focus === 1 ? 'cyan' : undefined} bold={dialog.focus === 1}>{choice('Format:', ['csv', 'json'], dialog.format, dialog.focus === 1)}</Line>
						<TextInput label="File:  " value={dialog.file} width={width} active={active && dialog.focus === 2 && !dialog.busy} onChange={file => setDialog(d => d && {...d, file})} />
						<Line width={width} color={dialog.error ? 'red' : 'gray'}>{dialog.error ?? (dialog.busy ? 'Writing…' : 'Enter exports  Tab/↓ next field  Esc cancels')}</Line>
					</Box>
				)
				: undefined}
			{mode === 'export' && dialog?.exists
				? <Confirm width={width} title="This file already exists." lines={[`Replace ${inert(dialog.exists)}?`]} yes="replace it" no="go back" onYes={() => runExport(true)} onNo={() => setDialog(d => d && {...d, exists: undefined})} />
				: undefined}
			<Line width={width} bold>{totals}</Line>
			{filter.editing
				? <TextInput label="Filter /" value={filter.text} width={width} active={active} onChange={filter.setText} onSubmit={() => filter.finish(true)} onCancel={() => filter.finish(false)} />
				: <Line width={width} color={colour(info.tone)}>{info.text}</Line>}
			<Line width={width} color={colour(third.tone) ?? 'gray'}>{third.text}</Line>
			<StatusBar width={width} text={filter.editing ? 'type to filter (live)  Enter keeps it  Esc clears  e.g. size>1MiB created<2015 path:photos -tmp' : hints} />
		</Box>
	);
}
