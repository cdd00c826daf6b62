import {createContext, useContext, useEffect, useId, useRef} from 'react';
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
		for (const entry of [...this.handlers.values()]) {
			if (entry.active) entry.handler(input, key);
		}
	}
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
	useEffect(() => {
		const current = registryRef.current;
		return () => {
			current.delete(id);
		};
	}, [id]);
}
