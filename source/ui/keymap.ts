/**
 * The one key map: it drives the key handling of every screen AND the `?`
 * help screen, so the two can never disagree.
 */
import type {Key} from 'ink';

export type Scope = 'global' | 'list' | 'vaults' | 'jobs' | 'inventory' | 'details' | 'setup' | 'text' | 'confirm' | 'download' | 'pager' | 'preview' | 'restore' | 'restores';

export type CommandId =
	| 'help' | 'quit' | 'interrupt' | 'back'
	| 'up' | 'down' | 'top' | 'bottom' | 'pageUp' | 'pageDown' | 'open' | 'filter' | 'sortNext' | 'sortReverse' | 'reload'
	| 'statusFilter' | 'actionFilter' | 'newInventory' | 'newArchive' | 'saveOutput' | 'details'
	| 'mark' | 'markAll' | 'unmarkAll' | 'export' | 'retrieve' | 'skipBad'
	| 'nextField' | 'prevField' | 'start' | 'choose'
	| 'accept' | 'deleteChar' | 'clearText'
	| 'yes' | 'no' | 'other'
	| 'left' | 'right' | 'pause' | 'cancel'
	| 'restores' | 'restorePlan' | 'tierNext' | 'editTo' | 'decisions' | 'failures' | 'retry' | 'runHere' | 'purge';

type Matcher = (input: string, key: Key) => boolean;

type Binding = {
	id: CommandId;
	scope: Scope;
	/** Space-separated keys as the help shows them; they are also what matches (parsed once, below). */
	keys: string;
	help: string;
};

const named: Record<string, Matcher> = {
	Esc: (_i, k) => k.escape,
	Enter: (_i, k) => k.return,
	Tab: (_i, k) => k.tab && !k.shift,
	'S-Tab': (_i, k) => k.tab && k.shift,
	Backspace: (_i, k) => k.backspace || k.delete,
	'↑': (_i, k) => k.upArrow,
	'↓': (_i, k) => k.downArrow,
	'←': (_i, k) => k.leftArrow,
	'→': (_i, k) => k.rightArrow,
	Home: (_i, k) => k.home,
	End: (_i, k) => k.end,
	PgUp: (_i, k) => k.pageUp,
	PgDn: (_i, k) => k.pageDown,
	space: (i, k) => !k.ctrl && !k.meta && i === ' ',
};

/** One key as written in the map: a name above, ^x (Ctrl-x), or one character typed as is. */
export function parseKey(token: string): Matcher {
	const byName = named[token];
	if (byName) return byName;
	if (/^\^[a-z]$/.test(token)) return (i, k) => k.ctrl && i === token[1];
	if ([...token].length === 1) return (i, k) => !k.ctrl && !k.meta && !k.escape && i === token;
	throw new Error(`keymap: cannot read the key '${token}'`);
}

/** All the keys of one binding: any of them matches. */
export function parseKeys(keys: string): Matcher {
	const matchers = keys.split(' ').filter(Boolean).map(token => parseKey(token));
	return (input, key) => matchers.some(match => match(input, key));
}

const bindings: readonly Binding[] = [
	{id: 'help', scope: 'global', keys: '?', help: 'this help'},
	{id: 'quit', scope: 'global', keys: 'q', help: 'quit (asks first while a download runs)'},
	{id: 'interrupt', scope: 'global', keys: '^c', help: 'quit as q (exit 130); twice in a second stops a download now'},
	{id: 'back', scope: 'global', keys: 'Esc', help: 'back out (never cancels a download without asking)'},

	{id: 'up', scope: 'list', keys: 'k ↑', help: 'move up'},
	{id: 'down', scope: 'list', keys: 'j ↓', help: 'move down'},
	{id: 'top', scope: 'list', keys: 'g Home', help: 'first row'},
	{id: 'bottom', scope: 'list', keys: 'G End', help: 'last row'},
	{id: 'pageUp', scope: 'list', keys: 'PgUp ^u', help: 'page up'},
	{id: 'pageDown', scope: 'list', keys: 'PgDn ^d', help: 'page down'},
	{id: 'open', scope: 'list', keys: 'Enter l →', help: 'open'},
	{id: 'back', scope: 'list', keys: 'h ←', help: 'back where l/→ opened (Esc too; a filter is cleared first)'},
	{id: 'filter', scope: 'list', keys: '/', help: 'filter rows by text (Esc clears)'},
	{id: 'sortNext', scope: 'list', keys: 's >', help: 'sort by the next column'},
	{id: 'sortReverse', scope: 'list', keys: 'S <', help: 'reverse the sort'},
	{id: 'reload', scope: 'list', keys: 'r', help: 'reload'},

	{id: 'restores', scope: 'vaults', keys: 'R', help: 'every restore plan thaw knows and its state (open one to resume)'},

	{id: 'statusFilter', scope: 'jobs', keys: 'f', help: 'filter by status: all, in progress, succeeded, failed'},
	{id: 'actionFilter', scope: 'jobs', keys: 't', help: 'filter by type: all, archive, inventory'},
	{id: 'newInventory', scope: 'jobs', keys: 'i', help: 'start an inventory retrieval (billed)'},
	{id: 'newArchive', scope: 'jobs', keys: 'a', help: 'start an archive retrieval by archive id (billed)'},
	{id: 'details', scope: 'jobs', keys: 'd', help: 'the job in full, whole ids (d or Esc closes)'},
	{id: 'saveOutput', scope: 'jobs', keys: 'w', help: 'save a job\'s output to a file (Enter browses an inventory)'},

	{id: 'mark', scope: 'inventory', keys: 'space', help: 'mark / unmark the archive and move down'},
	{id: 'markAll', scope: 'inventory', keys: '*', help: 'mark every archive the filter shows (again: unmark them)'},
	{id: 'unmarkAll', scope: 'inventory', keys: 'u', help: 'clear all marks'},
	{id: 'export', scope: 'inventory', keys: 'e', help: 'export marked (else filtered) archives to CSV or JSON'},
	{id: 'retrieve', scope: 'inventory', keys: 'a', help: 'start retrievals of the marked archives (billed; asks first)'},
	{id: 'restorePlan', scope: 'inventory', keys: 'R', help: 'restore marked (else shown) archives: priced preview, then asks'},
	{id: 'skipBad', scope: 'inventory', keys: 'b', help: 'load again, skipping (and counting) malformed records'},

	{id: 'back', scope: 'details', keys: 'Esc Enter h ←', help: 'back to the table'},
	{id: 'down', scope: 'details', keys: 'j ↓', help: 'next archive'},
	{id: 'up', scope: 'details', keys: 'k ↑', help: 'previous archive'},
	{id: 'mark', scope: 'details', keys: 'space', help: 'mark / unmark this archive'},

	{id: 'nextField', scope: 'setup', keys: 'Tab ↓', help: 'next field'},
	{id: 'prevField', scope: 'setup', keys: 'S-Tab ↑', help: 'previous field'},
	{id: 'start', scope: 'setup', keys: 'Enter', help: 'go ahead with what is shown (a billed step asks first)'},
	{id: 'choose', scope: 'setup', keys: '← → space', help: 'change a choice (the tier)'},
	{id: 'back', scope: 'setup', keys: 'Esc', help: 'go back without starting anything'},

	{id: 'accept', scope: 'text', keys: 'Enter', help: 'accept the text'},
	{id: 'cancel', scope: 'text', keys: 'Esc', help: 'cancel (a filter is cleared)'},
	{id: 'deleteChar', scope: 'text', keys: 'Backspace', help: 'delete the last character'},
	{id: 'clearText', scope: 'text', keys: '^u', help: 'clear the field'},
	{id: 'help', scope: 'text', keys: '?', help: 'in the / filter: the filter language (typed inside /…/ or "…")'},

	{id: 'yes', scope: 'confirm', keys: 'y Y', help: 'yes: only y confirms (Enter never does)'},
	{id: 'no', scope: 'confirm', keys: 'n N Esc', help: 'no'},
	{id: 'other', scope: 'confirm', keys: 'o', help: 'the third choice, where a question offers one (start over)'},

	{id: 'left', scope: 'download', keys: 'h ←', help: 'cursor left on the grid'},
	{id: 'right', scope: 'download', keys: 'l →', help: 'cursor right on the grid'},
	{id: 'up', scope: 'download', keys: 'k ↑', help: 'cursor up a grid row'},
	{id: 'down', scope: 'download', keys: 'j ↓', help: 'cursor down a grid row'},
	{id: 'pause', scope: 'download', keys: 'p', help: 'pause / resume (not space: space marks in the inventory)'},
	{id: 'cancel', scope: 'download', keys: 'c', help: 'cancel, keeping a resumable partial file (asks first)'},
	{id: 'back', scope: 'download', keys: 'Enter', help: 'when it has finished: back to the jobs'},

	{id: 'tierNext', scope: 'preview', keys: 't', help: 'next retrieval tier: Bulk, Standard, Expedited (cost follows)'},
	{id: 'editTo', scope: 'preview', keys: 'd', help: 'edit the destination folder (Enter keeps it, Esc cancels)'},
	{id: 'decisions', scope: 'preview', keys: 'l', help: 'the renamed, skipped and undecodable names (again: close)'},
	{id: 'down', scope: 'preview', keys: 'j ↓', help: 'scroll the list down'},
	{id: 'up', scope: 'preview', keys: 'k ↑', help: 'scroll the list up'},
	{id: 'start', scope: 'preview', keys: 'Enter', help: 'start: asks first, naming the money (only y starts)'},
	{id: 'back', scope: 'preview', keys: 'Esc', help: 'back to the inventory, starting nothing'},

	{id: 'pause', scope: 'restore', keys: 'p', help: 'pause / resume initiation and downloads (this process\'s run)'},
	{id: 'failures', scope: 'restore', keys: 'f', help: 'list the failures (again: back)'},
	{id: 'filter', scope: 'restore', keys: '/', help: 'list the archives whose path holds a text, with their state'},
	{id: 'down', scope: 'restore', keys: 'j ↓', help: 'next download / failure / archive'},
	{id: 'up', scope: 'restore', keys: 'k ↑', help: 'previous download / failure / archive'},
	{id: 'open', scope: 'restore', keys: 'Enter', help: 'the full chunk grid of a download; a failure\'s details'},
	{id: 'retry', scope: 'restore', keys: 'r', help: 'retry the failure under the cursor (this process\'s run)'},
	{id: 'runHere', scope: 'restore', keys: 's', help: 'run a plan nobody runs, here (resumes; pays nothing twice)'},
	{id: 'purge', scope: 'restore', keys: 'D', help: 'once complete: delete proven archives from Glacier (asks first)'},
	{id: 'back', scope: 'restore', keys: 'Esc', help: 'back (this process\'s run keeps going; q asks before stopping it)'},

	{id: 'open', scope: 'restores', keys: 'Enter', help: 'the plan\'s dashboard: watch its runner, or run it here'},

	{id: 'back', scope: 'pager', keys: 'Esc Enter q ?', help: 'close'},
	{id: 'down', scope: 'pager', keys: 'j ↓', help: 'scroll down'},
	{id: 'up', scope: 'pager', keys: 'k ↑', help: 'scroll up'},
	{id: 'pageDown', scope: 'pager', keys: 'space PgDn', help: 'page down'},
	{id: 'pageUp', scope: 'pager', keys: 'PgUp', help: 'page up'},
];

/** The key map with each binding's matcher, parsed from its `keys`. */
export const keymap: ReadonlyArray<Binding & {match: Matcher}> = bindings.map(b => ({...b, match: parseKeys(b.keys)}));

export const scopeTitles: Record<Scope, string> = {
	global: 'Everywhere',
	list: 'Lists (vaults, jobs)',
	vaults: 'Vaults',
	jobs: 'Jobs',
	inventory: 'Inventory (r reloads; the filter language: thaw inventory --help)',
	details: 'Archive details',
	setup: 'Forms (download setup, new jobs, retrievals, export)',
	text: 'Text fields (filters, names)',
	confirm: 'Questions',
	download: 'Download',
	pager: 'Help and results',
	preview: 'Restore preview',
	restore: 'Restore dashboard',
	restores: 'Restores',
};

/** The command a key press means in these scopes (first match wins, in the order given). */
export function commandFor(scopes: readonly Scope[], input: string, key: Key): CommandId | undefined {
	for (const scope of scopes) {
		const binding = keymap.find(b => b.scope === scope && b.match(input, key));
		if (binding) return binding.id;
	}

	return undefined;
}

/** The first key of a command in a scope, as the help writes it (for labels like 'o start over'). */
export function keyOf(scope: Scope, id: CommandId): string {
	const binding = keymap.find(b => b.scope === scope && b.id === id);
	if (!binding) throw new Error(`keymap: no '${id}' in '${scope}'`);
	return binding.keys.split(' ')[0];
}

/** A short hint for the status bar: `keys help` for the given commands. */
export function hint(scope: Scope, ids: readonly CommandId[]): string {
	return ids.map(id => {
		const binding = keymap.find(b => b.id === id && (b.scope === scope || b.scope === 'global' || b.scope === 'list'));
		return binding ? `${binding.keys.split(' ')[0]} ${shortHelp[id] ?? id}` : '';
	}).filter(Boolean).join('  ');
}

const shortHelp: Partial<Record<CommandId, string>> = {
	help: 'help', quit: 'quit', back: 'back', open: 'open', filter: 'filter', sortNext: 'sort', reload: 'reload',
	statusFilter: 'status', actionFilter: 'type', details: 'details', newInventory: 'inventory job', newArchive: 'archive job', saveOutput: 'save',
	mark: 'mark', markAll: 'mark all', unmarkAll: 'unmark', export: 'export', retrieve: 'retrieve', sortReverse: 'reverse',
	pause: 'pause', cancel: 'cancel', start: 'start', nextField: 'next field',
	restores: 'restores', restorePlan: 'restore', tierNext: 'tier', editTo: 'destination', decisions: 'names', failures: 'failures', retry: 'retry', runHere: 'run here', purge: 'delete from Glacier',
};
