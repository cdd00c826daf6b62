import type {Key} from 'ink';
import {commandFor, type CommandId, type Scope} from '../keymap.js';
import {useKeys} from './use-keys.js';
import type {ListState} from './use-list-state.js';

export type ListKeys = {
	/** The screen's scopes after 'list' (e.g. ['jobs']); 'global' is added last. */
	scopes: Scope[];
	active: boolean;
	list: ListState;
	filter: {text: string; editing: boolean; start(): void; finish(keep: boolean): void};
	/** Sort by the next column, or reverse the sort. */
	sort(command: 'sortNext' | 'sortReverse'): void;
	reload(): void;
	/** Esc with no filter to clear (a list at the top of the stack ignores it). */
	back?: () => void;
	/** After the cursor moved. */
	moved?: () => void;
	/** Every other command of the screen's scopes (open, the screen's own keys). */
	command(command: CommandId, input: string, key: Key): void;
};

/** The keys every list screen shares (moving, /, s and S, r, Esc), in one place; the rest goes to `command`. */
export function useListKeys(options: ListKeys): void {
	const {list, filter} = options;
	useKeys((input, key) => {
		// While the / prompt is open, letters are the filter's; the arrows and page keys still move the selection.
		if (filter.editing && !(key.upArrow || key.downArrow || key.pageUp || key.pageDown)) return;
		const command = commandFor(['list', ...options.scopes, 'global'], input, key);
		if (!command) return;
		if (list.move(command)) {
			options.moved?.();
			return;
		}

		switch (command) {
			case 'filter': {
				filter.start();
				break;
			}

			case 'sortNext':
			case 'sortReverse': {
				options.sort(command);
				break;
			}

			case 'reload': {
				options.reload();
				break;
			}

			case 'back': {
				if (filter.text) filter.finish(false);
				else options.back?.();
				break;
			}

			default: {
				options.command(command, input, key);
			}
		}
	}, options.active);
}
