import {createContext, useContext} from 'react';
import type {SettingsStore} from '../config.js';
import type {Vault} from '../glacier/api.js';
import type {Connection} from '../glacier/client.js';
import type {RunnerOptions} from '../restore/runner/runner.js';
import type {Early} from './early.js';
import type {Route} from './routes.js';

export type AppServices = {
	connection: Connection;
	settings: SettingsStore;
	/** True when talking to the built-in demo emulator. */
	demo: boolean;
	/** Shown in the header instead of the connection, e.g. when browsing an inventory file. */
	source?: string;
	/** The clock used for job expiry (tests move it). */
	now: () => number;
	/** How often a jobs list with jobs in progress reloads itself, in ms. */
	refreshMs: number;
	/** How often progress (an inventory loading, a sort waiting for the index) may redraw, in ms. */
	frameMs: number;
	/** How often a download's counters may redraw, in ms (default frameMs): every frame costs bytes over SSH. */
	progressMs?: number;
	/** The vault list's first pages, asked for while the UI was still loading (taken once). */
	vaults?: Early<Vault[]>;
	/** Folder downloads go to when neither the user nor the settings say otherwise. */
	cwd: string;
	/** Runner settings for restores started in the TUI (the demo polls every few seconds; tests faster still). */
	restore?: Partial<Pick<RunnerOptions, 'pollMs' | 'concurrency' | 'retryBaseMs' | 'retryCapMs' | 'deferMs' | 'bandwidth'>>;
	/** Where the TUI keeps the restore plans it makes (default: a restores folder beside the settings file). */
	plansFolder?: string;
	/** Register a running download so leaving the app cancels it (resumably); returns the unregister function. */
	track(download: {cancel(): void; done: Promise<unknown>}, about?: TrackedDownload): () => void;
};

/** What thaw needs to print the command that resumes a download still running when it closes. */
export type TrackedDownload = {vaultName: string; jobId: string; outfile: string; progress?: () => {bytesDone: number; total: number}};

export type Navigation = {
	push(route: Route): void;
	pop(): void;
	replace(route: Route): void;
	/** Leave the app with this exit code. */
	exit(code?: number): void;
	/** While true the screen takes every key (text entry, a dialog): `q` and `?` are just keys. */
	setCapture(capture: boolean): void;
	/** Asked before `q` quits; return false to stay (the screen then asks the person itself). */
	setQuitGuard(guard: (() => boolean) | undefined): void;
};

export const ServicesContext = createContext<AppServices | undefined>(undefined);
export const NavigationContext = createContext<Navigation | undefined>(undefined);

export function useServices(): AppServices {
	const services = useContext(ServicesContext);
	if (!services) throw new Error('useServices outside <App>');
	return services;
}

export function useNavigation(): Navigation {
	const navigation = useContext(NavigationContext);
	if (!navigation) throw new Error('useNavigation outside <App>');
	return navigation;
}
