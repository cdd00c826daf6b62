import {useCallback, useReducer} from 'react';

export type Sort = {column: number; descending: boolean};
export type SortAction = {type: 'next'; columns: number; shown?: readonly number[]} | {type: 'reverse'};

/** Named sort actions: the next column (ascending), or the same column the other way. */
export function sortReducer(sort: Sort, action: SortAction): Sort {
	switch (action.type) {
		case 'next': {
			// Only the columns the table shows at this width: s never sorts by one you cannot see.
			const order = action.shown && action.shown.length > 0 ? action.shown : Array.from({length: action.columns}, (_v, i) => i);
			const next = order.find(i => i > sort.column) ?? order[0];
			return {column: next, descending: false};
		}
		case 'reverse': return {...sort, descending: !sort.descending};
	}
}

/** A list's sort state, and the one handler for the sortNext / sortReverse commands. */
export function useSort(initial: Sort, columns: number, shown?: readonly number[]) {
	const [sort, dispatch] = useReducer(sortReducer, initial);
	const key = shown?.join(',');
	const command = useCallback((command: 'sortNext' | 'sortReverse') => {
		dispatch(command === 'sortNext' ? {type: 'next', columns, shown: key === undefined ? undefined : key.split(',').map(Number)} : {type: 'reverse'});
	}, [columns, key]);
	return {sort, command};
}
