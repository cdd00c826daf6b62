import {useCallback, useReducer} from 'react';

export type Sort = {column: number; descending: boolean};
export type SortAction = {type: 'next'; columns: number} | {type: 'reverse'};

/** Named sort actions: the next column (ascending), or the same column the other way. */
export function sortReducer(sort: Sort, action: SortAction): Sort {
	switch (action.type) {
		case 'next': return {column: (sort.column + 1) % action.columns, descending: false};
		case 'reverse': return {...sort, descending: !sort.descending};
	}
}

/** A list's sort state, and the one handler for the sortNext / sortReverse commands. */
export function useSort(initial: Sort, columns: number) {
	const [sort, dispatch] = useReducer(sortReducer, initial);
	const command = useCallback((command: 'sortNext' | 'sortReverse') => {
		dispatch(command === 'sortNext' ? {type: 'next', columns} : {type: 'reverse'});
	}, [columns]);
	return {sort, command};
}
