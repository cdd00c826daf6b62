/**
 * The one key map: it drives the key handling of every screen AND the `?`
 * help screen, so the two can never disagree.
 */
import type {Key} from 'ink';

export type Scope = 'global' | 'list' | 'vaults' | 'jobs' | 'inventory' | 'details' | 'setup' | 'download';

export type CommandId =
	| 'help' | 'quit' | 'back'
	| 'up' | 'down' | 'top' | 'bottom' | 'pageUp' | 'pageDown' | 'open' | 'filter' | 'sortNext' | 'sortReverse' | 'reload'
	| 'statusFilter' | 'actionFilter' | 'newInventory' | 'newArchive' | 'saveOutput'
	| 'mark' | 'markAll' | 'unmarkAll' | 'export' | 'retrieve' | 'skipBad'
	| 'nextField' | 'prevField' | 'start'
	| 'left' | 'right' | 'pause' | 'cancel';

type Binding = {
	id: CommandId;
	scope: Scope;
	keys: string;
	help: string;
	match: (input: string, key: Key) => boolean;
};

const is = (...chars: string[]) => (input: string, key: Key) => !key.ctrl && !key.meta && chars.includes(input);

export const keymap: readonly Binding[] = [
	{id: 'help', scope: 'global', keys: '?', help: 'this help', match: is('?')},
	{id: 'quit', scope: 'global', keys: 'q', help: 'quit (asks first while a download runs)', match: is('q')},
	{id: 'back', scope: 'global', keys: 'Esc', help: 'back out (never cancels a download without asking)', match: (_i, k) => k.escape},

	{id: 'up', scope: 'list', keys: 'k ↑', help: 'move up', match: (i, k) => k.upArrow || is('k')(i, k)},
	{id: 'down', scope: 'list', keys: 'j ↓', help: 'move down', match: (i, k) => k.downArrow || is('j')(i, k)},
	{id: 'top', scope: 'list', keys: 'g Home', help: 'first row', match: (i, k) => k.home || is('g')(i, k)},
	{id: 'bottom', scope: 'list', keys: 'G End', help: 'last row', match: (i, k) => k.end || is('G')(i, k)},
	{id: 'pageUp', scope: 'list', keys: 'PgUp ^u', help: 'page up', match: (i, k) => k.pageUp || (k.ctrl && i === 'u')},
	{id: 'pageDown', scope: 'list', keys: 'PgDn ^d', help: 'page down', match: (i, k) => k.pageDown || (k.ctrl && i === 'd')},
	{id: 'open', scope: 'list', keys: 'Enter l', help: 'open', match: (i, k) => k.return || k.rightArrow || is('l')(i, k)},
	{id: 'filter', scope: 'list', keys: '/', help: 'filter rows by text (Esc clears)', match: is('/')},
	{id: 'sortNext', scope: 'list', keys: 's >', help: 'sort by the next column', match: is('s', '>')},
	{id: 'sortReverse', scope: 'list', keys: 'S <', help: 'reverse the sort', match: is('S', '<')},
	{id: 'reload', scope: 'list', keys: 'r', help: 'reload', match: is('r')},

	{id: 'statusFilter', scope: 'jobs', keys: 'f', help: 'filter by status: all, in progress, succeeded, failed', match: is('f')},
	{id: 'actionFilter', scope: 'jobs', keys: 't', help: 'filter by type: all, archive, inventory', match: is('t')},
	{id: 'newInventory', scope: 'jobs', keys: 'i', help: 'start an inventory retrieval (billed)', match: is('i')},
	{id: 'newArchive', scope: 'jobs', keys: 'a', help: 'start an archive retrieval by archive id (billed)', match: is('a')},
	{id: 'saveOutput', scope: 'jobs', keys: 'w', help: 'save a succeeded job\'s output to a file (Enter browses an inventory)', match: is('w')},

	{id: 'mark', scope: 'inventory', keys: 'space', help: 'mark / unmark the archive and move down', match: is(' ')},
	{id: 'markAll', scope: 'inventory', keys: '*', help: 'mark every archive the filter shows (again: unmark them)', match: is('*')},
	{id: 'unmarkAll', scope: 'inventory', keys: 'u', help: 'clear all marks', match: is('u')},
	{id: 'export', scope: 'inventory', keys: 'e', help: 'export marked (else filtered) archives to CSV or JSON', match: is('e')},
	{id: 'retrieve', scope: 'inventory', keys: 'a', help: 'start archive retrievals of the marked archives (billed; asks first)', match: is('a')},
	{id: 'skipBad', scope: 'inventory', keys: 'b', help: 'when a malformed record stopped the load: load again, skipping (and counting) such records', match: is('b')},

	{id: 'back', scope: 'details', keys: 'Esc Enter h', help: 'back to the table', match: (i, k) => k.escape || k.return || k.leftArrow || is('h')(i, k)},
	{id: 'down', scope: 'details', keys: 'j ↓', help: 'next archive', match: (i, k) => k.downArrow || is('j')(i, k)},
	{id: 'up', scope: 'details', keys: 'k ↑', help: 'previous archive', match: (i, k) => k.upArrow || is('k')(i, k)},
	{id: 'mark', scope: 'details', keys: 'space', help: 'mark / unmark this archive', match: is(' ')},

	{id: 'nextField', scope: 'setup', keys: 'Tab ↓', help: 'next field', match: (_i, k) => (k.tab && !k.shift) || k.downArrow},
	{id: 'prevField', scope: 'setup', keys: 'S-Tab ↑', help: 'previous field', match: (_i, k) => (k.tab && k.shift) || k.upArrow},
	{id: 'start', scope: 'setup', keys: 'Enter', help: 'start the download with what is shown', match: (_i, k) => k.return},

	{id: 'left', scope: 'download', keys: 'h ←', help: 'cursor left on the grid', match: (i, k) => k.leftArrow || is('h')(i, k)},
	{id: 'right', scope: 'download', keys: 'l →', help: 'cursor right on the grid', match: (i, k) => k.rightArrow || is('l')(i, k)},
	{id: 'up', scope: 'download', keys: 'k ↑', help: 'cursor up a grid row', match: (i, k) => k.upArrow || is('k')(i, k)},
	{id: 'down', scope: 'download', keys: 'j ↓', help: 'cursor down a grid row', match: (i, k) => k.downArrow || is('j')(i, k)},
	{id: 'pause', scope: 'download', keys: 'p space', help: 'pause / resume', match: is('p', ' ')},
	{id: 'cancel', scope: 'download', keys: 'c', help: 'cancel, keeping a resumable partial file (asks first)', match: is('c')},
];

export const scopeTitles: Record<Scope, string> = {
	global: 'Everywhere',
	list: 'Lists (vaults, jobs)',
	vaults: 'Vaults',
	jobs: 'Jobs',
	inventory: 'Inventory (r reloads; the filter language: thaw inventory --help)',
	details: 'Archive details',
	setup: 'Download setup',
	download: 'Download',
};

/** The command a key press means in these scopes (first match wins, in the order given). */
export function commandFor(scopes: readonly Scope[], input: string, key: Key): CommandId | undefined {
	for (const scope of scopes) {
		const binding = keymap.find(b => b.scope === scope && b.match(input, key));
		if (binding) return binding.id;
	}

	return undefined;
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
	statusFilter: 'status', actionFilter: 'type', newInventory: 'inventory job', newArchive: 'archive job', saveOutput: 'save',
	mark: 'mark', markAll: 'mark all', unmarkAll: 'unmark', export: 'export', retrieve: 'retrieve', sortReverse: 'reverse',
	pause: 'pause', cancel: 'cancel', start: 'start', nextField: 'next field',
};
