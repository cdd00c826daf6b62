/**
 * The screens registry: for each route, the component that draws it, its
 * title in the header, and the key-map scopes it answers to (the `?` help
 * lists exactly those). A new screen is one route in routes.ts and one entry
 * here.
 */
import type {ReactNode} from 'react';
import {inert} from '../../inert.js';
import type {Scope} from '../keymap.js';
import type {Route} from '../routes.js';
import {Download} from './Download.js';
import {DownloadSetup} from './DownloadSetup.js';
import {Help} from './Help.js';
import {Inventory} from './inventory/Inventory.js';
import {inventoryTitle} from './inventory/inventory-status.js';
import {Jobs} from './jobs/Jobs.js';
import {NewJob} from './NewJob.js';
import {Purge} from './purge/Purge.js';
import {Dashboard} from './restore/Dashboard.js';
import {Preview} from './restore/Preview.js';
import {Restores} from './restore/Restores.js';
import {Retrieve} from './Retrieve.js';
import {Vaults} from './vaults/Vaults.js';

export type ScreenProps = {width: number; height: number; active: boolean};

type Entry<R extends Route> = {
	component: (props: ScreenProps & {route: R}) => ReactNode;
	title: (route: R) => string;
	scopes: Scope[];
};

type Registry = {[K in Route['screen']]: Entry<Extract<Route, {screen: K}>>};

const job = (route: {vaultName: string; jobId: string}) => `Vault ${route.vaultName} › Job ${route.jobId.slice(0, 8)}…`;

export const screens: Registry = {
	vaults: {title: () => 'Vaults', scopes: ['list', 'vaults', 'text'], component: props => <Vaults {...props} />},
	jobs: {
		title: route => `Vault ${route.vaultName} › Jobs`,
		scopes: ['list', 'jobs', 'text'],
		component: ({route, ...props}) => <Jobs {...props} vaultName={route.vaultName} notice={route.notice} />,
	},
	'new-job': {
		title: route => `Vault ${route.vaultName} › New ${route.kind} job`,
		scopes: ['setup', 'text', 'confirm'],
		component: ({route, ...props}) => <NewJob {...props} vaultName={route.vaultName} kind={route.kind} onStarted={route.onStarted} />,
	},
	'download-setup': {
		title: route => `${job(route)} › Setup`,
		scopes: ['setup', 'text', 'confirm'],
		component: ({route, ...props}) => <DownloadSetup {...props} vaultName={route.vaultName} jobId={route.jobId} job={route.job} />,
	},
	download: {title: route => `${job(route)} › Download`, scopes: ['download', 'confirm'], component: props => <Download {...props} />},
	inventory: {
		title: route => inventoryTitle(route.spec),
		scopes: ['list', 'inventory', 'details', 'text', 'setup', 'confirm'],
		component: ({route, ...props}) => <Inventory {...props} spec={route.spec} />,
	},
	retrieve: {
		title: route => `Vault ${route.vaultName} › Retrieve ${route.archives.length} archive${route.archives.length === 1 ? '' : 's'}`,
		scopes: ['setup', 'text', 'confirm', 'pager'],
		component: ({route, ...props}) => <Retrieve {...props} vaultName={route.vaultName} archives={route.archives} onStarted={route.onStarted} />,
	},
	purge: {title: route => `Restore ${inert(route.planDir)} › Purge`, scopes: ['text', 'pager'], component: ({route, ...props}) => <Purge {...props} planDir={route.planDir} />},
	'restore-preview': {
		title: route => `Vault ${route.selection.vaultName} › Restore preview`,
		scopes: ['preview', 'text', 'confirm'],
		component: ({route, ...props}) => <Preview {...props} selection={route.selection} />,
	},
	restore: {
		title: route => `${route.vaultName ? `Vault ${route.vaultName} › ` : ''}Restore`,
		scopes: ['restore', 'text', 'confirm'],
		component: ({route, ...props}) => <Dashboard {...props} planDir={route.planDir} />,
	},
	restores: {title: () => 'Restores', scopes: ['list', 'restores', 'text'], component: props => <Restores {...props} />},
	help: {title: () => 'Help', scopes: ['pager'], component: ({route, ...props}) => <Help {...props} scopes={route.scopes} />},
};

/** The registry entry of a route, typed for it. */
export function screenOf<R extends Route>(route: R): Entry<R> {
	return screens[route.screen] as unknown as Entry<R>;
}
