import {Box} from 'ink';
import {useCallback, useMemo, useRef, useState} from 'react';
import {Header} from './components/Header.js';
import {NavigationContext, ServicesContext, type AppServices, type Navigation} from './context.js';
import {KeyRegistry, KeyRegistryContext, useKeyRegistryInput, useKeys} from './hooks/use-keys.js';
import {SizeContext, useTerminalSize, type Size} from './hooks/use-terminal-size.js';
import {commandFor} from './keymap.js';
import type {Route} from './routes.js';
import {screenOf} from './screens/registry.js';
import {inert} from '../inert.js';

export type AppProps = {
	services: AppServices;
	/** Where to start: the vault list unless --vault-name / --job-id said otherwise. */
	initial?: Route[];
	/** Fixed size (tests); otherwise the terminal's, following resizes. */
	size?: Size;
	onExit(code: number): void;
};

function Screen({route, width, height, active}: {route: Route; width: number; height: number; active: boolean}) {
	const Component = screenOf(route).component;
	return <Component route={route} width={width} height={height} active={active} />;
}

/** Every screen of the stack stays mounted (a list keeps its rows and cursor); only the top one is shown and takes keys. */
function Screens({stack, width, height}: {stack: Route[]; width: number; height: number}) {
	return (
		<>
			{stack.map((route, i) => (
				<Box key={`${i}:${route.screen}`} display={i === stack.length - 1 ? 'flex' : 'none'} width={width} height={height}>
					<Screen route={route} width={width} height={height} active={i === stack.length - 1} />
				</Box>
			))}
		</>
	);
}

function Frame({initial, onExit}: Omit<AppProps, 'services' | 'size'>) {
	const {columns, rows} = useTerminalSize();
	const [stack, setStack] = useState<Route[]>(initial?.length ? initial : [{screen: 'vaults'}]);
	const captureRef = useRef(false);
	const guardRef = useRef<(() => boolean) | undefined>(undefined);
	// Ctrl-C: when it came, and whether the question it raised (quit while a download runs?) is still open.
	const interruptRef = useRef({at: Number.NEGATIVE_INFINITY, asking: false});
	const stackRef = useRef(stack);
	stackRef.current = stack;

	const navigation = useMemo<Navigation>(() => ({
		push(route) {
			captureRef.current = false;
			setStack(s => [...s, route]);
		},
		pop() {
			captureRef.current = false;
			setStack(s => (s.length > 1 ? s.slice(0, -1) : s));
		},
		replace(route) {
			captureRef.current = false;
			setStack(s => [...s.slice(0, -1), route]);
		},
		exit(code = 0) {
			// Yes to the question Ctrl-C raised: the exit is still an interrupt's (130), as a shell expects.
			onExit(code === 0 && interruptRef.current.asking ? 130 : code);
		},
		setCapture(capture) {
			captureRef.current = capture;
		},
		setQuitGuard(guard) {
			guardRef.current = guard;
		},
	}), [onExit]);

	const top = stack[stack.length - 1];
	useKeys(useCallback((input, key) => {
		const command = commandFor(['global'], input, key);
		const interrupt = interruptRef.current;
		if (command === 'interrupt') {
			// Ctrl-C as q (a running download asks first), in any screen, text fields too; a second one
			// within a second stops at once (the download is cancelled resumably on the way out).
			const now = Date.now();
			const again = now - interrupt.at < 1000;
			interrupt.at = now;
			if (again || !guardRef.current || guardRef.current()) onExit(130);
			else interrupt.asking = true;
			return;
		}

		if (!(interrupt.asking && (input === 'y' || input === 'Y'))) interrupt.asking = false;
		if (captureRef.current) return;
		const current = stackRef.current[stackRef.current.length - 1];
		if (command === 'quit' && current.screen !== 'help') {
			if (guardRef.current && !guardRef.current()) return;
			onExit(0);
		} else if (command === 'help' && current.screen !== 'help') {
			setStack(s => [...s, {screen: 'help', scopes: screenOf(current).scopes}]);
		}
	}, [onExit]));

	// Never draw a frame as tall as the terminal: that makes Ink clear the screen and wipes scrollback.
	const height = Math.max(3, rows - 1);
	const width = Math.max(20, columns);
	return (
		<NavigationContext.Provider value={navigation}>
			<Box flexDirection="column" width={width} height={height} overflow="hidden">
				<Header width={width} title={inert(screenOf(top).title(top))} />
				<Screens stack={stack} width={width} height={height - 1} />
			</Box>
		</NavigationContext.Provider>
	);
}

export function App({services, initial, size, onExit}: AppProps) {
	const registry = useMemo(() => new KeyRegistry(), []);
	useKeyRegistryInput(registry);
	return (
		<ServicesContext.Provider value={services}>
			<SizeContext.Provider value={size}>
				<KeyRegistryContext.Provider value={registry}>
					<Frame initial={initial} onExit={onExit} />
				</KeyRegistryContext.Provider>
			</SizeContext.Provider>
		</ServicesContext.Provider>
	);
}
