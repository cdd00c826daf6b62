import type {Download} from '../engine/download.js';
import type {Job} from '../glacier/api.js';
import type {Scope} from './keymap.js';

export type Route =
	| {screen: 'vaults'}
	| {screen: 'jobs'; vaultName: string; notice?: string}
	| {screen: 'new-job'; vaultName: string; kind: 'inventory' | 'archive'; onStarted: (jobId: string) => void}
	| {screen: 'download-setup'; vaultName: string; jobId: string; job?: Job}
	| {screen: 'download'; vaultName: string; jobId: string; job?: Job; download: Download; outfile: string}
	| {screen: 'help'; scopes: Scope[]};

export function scopesOf(route: Route): Scope[] {
	switch (route.screen) {
		case 'vaults': return ['list', 'vaults'];
		case 'jobs': return ['list', 'jobs'];
		case 'new-job':
		case 'download-setup': return ['setup'];
		case 'download': return ['download'];
		case 'help': return [];
	}
}
