import {useNavigation} from '../../context.js';
import {useListKeys} from '../../hooks/use-list-keys.js';
import type {useVaultsState} from './use-vaults-state.js';

/** The vault list's keys: the shared list keys, and Enter opens a vault's jobs. */
export function useVaultsKeys(state: ReturnType<typeof useVaultsState>, active: boolean): void {
	const navigation = useNavigation();
	const {list, filter, sort, rows, cursor, settings} = state;
	useListKeys({
		scopes: ['vaults'],
		active,
		list: cursor,
		filter,
		sort: sort.command,
		reload: () => list.reload(),
		command(command) {
			if (command === 'restores') {
				navigation.push({screen: 'restores'});
				return;
			}

			if (command !== 'open') return;
			const vault = rows[cursor.cursor];
			if (!vault) return;
			settings.set('lastVault', vault.VaultName);
			navigation.push({screen: 'jobs', vaultName: vault.VaultName});
		},
	});
}
