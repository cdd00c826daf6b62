import {createContext, useContext, useId, useLayoutEffect, useRef} from 'react';
import {useInput, useStdin, type Key} from 'ink';

type Handler = (input: string, key: Key) => void;

/**
 * One stdin subscription for the whole app. Components register their key
 * handlers here while they render, so a key typed right after a screen
 * change already reaches the new screen (a handler subscribed in an effect
 * would miss keys that arrive before the effect runs).
 */
export class KeyRegistry {
	private readonly handlers = new Map<string, {handler: Handler; active: boolean}>();

	set(id: string, handler: Handler, active: boolean): void {
		this.handlers.set(id, {handler, active});
	}

	delete(id: string): void {
		this.handlers.delete(id);
	}

	dispatch(input: string, key: Key): void {
		// Keys typed fast (or repeated over a slow link) can arrive as one chunk, e.g. 'jj':
		// handle them one by one, as if typed slowly.
		// Two Ctrl-C's in a row over SSH come as one chunk, '\u0003\u0003': each is a Ctrl-C again.
		const chars = [...input];
		if (chars.length > 1 && !key.ctrl && !key.meta && !key.escape && !input.includes('\u001B')) {
			for (const ch of chars) {
				const code = ch.codePointAt(0)!;
				if (code >= 1 && code <= 26 && !'\b\t\n\r'.includes(ch)) this.dispatchOne(String.fromCodePoint(code + 96), {...single(ch, key), ctrl: true});
				else this.dispatchOne(ch, single(ch, key));
			}

			return;
		}

		this.dispatchOne(input, key);
	}

	private dispatchOne(input: string, key: Key): void {
		for (const entry of [...this.handlers.values()]) {
			if (entry.active) entry.handler(input, key);
		}
	}
}

function single(ch: string, key: Key): Key {
	const special = {return: ch === '\r' || ch === '\n', tab: ch === '\t', backspace: ch === '\u007F' || ch === '\b'};
	return {...key, ...special, shift: ch !== ch.toLowerCase()};
}

export const KeyRegistryContext = createContext<KeyRegistry | undefined>(undefined);

/**
 * Guarded stdin: on ink 6.8 useInput throws when stdin cannot be put in raw
 * mode (isRawModeSupported is then undefined, not false).
 */
export function useKeyRegistryInput(registry: KeyRegistry): void {
	const {isRawModeSupported} = useStdin();
	useInput((input, key) => {
		registry.dispatch(input, key);
	}, {isActive: isRawModeSupported === true});
}

/** Handle keys while `isActive`; the latest handler is always the one called. */
export function useKeys(handler: Handler, isActive = true): void {
	const registry = useContext(KeyRegistryContext);
	if (!registry) throw new Error('useKeys outside <App>');
	const id = useId();
	registry.set(id, handler, isActive);
	const registryRef = useRef(registry);
	registryRef.current = registry;
	const ref = useRef({handler, active: isActive});
	ref.current = {handler, active: isActive};
	// A layout effect: an unmounted component stops getting keys during the commit, not some time after it.
	useLayoutEffect(() => {
		const current = registryRef.current;
		current.set(id, ref.current.handler, ref.current.active);
		return () => {
			current.delete(id);
		};
	}, [id]);
}
