import {inert} from '../../../inert.js';
import {formatCount} from '../../format.js';

export type VaultsView = {shown: number; total: number; filter: string; loading: boolean; pages: number; error?: string};

/** The line under the vault table: how many, what is loading, or what went wrong. */
export function vaultsInfoLine(v: VaultsView): string {
	const count = `${formatCount(v.shown)}${v.filter ? ` of ${formatCount(v.total)}` : ''} vault${v.total === 1 ? '' : 's'}`;
	if (v.error) return `Could not list vaults: ${v.error}`;
	if (v.loading) return `${count} so far, loading page ${v.pages + 1}…`;
	return `${count}${v.filter ? ` matching '${inert(v.filter)}' (Esc clears)` : ''}`;
}

/** What the empty table says. */
export function vaultsEmptyText(v: VaultsView): string {
	if (v.loading) return 'Loading vaults…';
	if (v.error) return '';
	return v.filter ? 'No vault matches the filter.' : 'No vaults in this region for this account.';
}
