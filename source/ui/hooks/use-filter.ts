import {useCallback, useState} from 'react';
import {useNavigation} from '../context.js';

/** The `/` filter of a list: editing (keys captured) or applied. */
export function useFilter() {
	const navigation = useNavigation();
	const [text, setText] = useState('');
	const [editing, setEditing] = useState(false);
	// Stable while the text stays the same, so lists can memoize on it.
	const matches = useCallback((haystack: string): boolean => text === '' || haystack.toLowerCase().includes(text.toLowerCase()), [text]);
	return {
		text,
		editing,
		setText,
		start() {
			setEditing(true);
			navigation.setCapture(true);
		},
		finish(keep: boolean) {
			if (!keep) setText('');
			setEditing(false);
			navigation.setCapture(false);
		},
		matches,
	};
}
