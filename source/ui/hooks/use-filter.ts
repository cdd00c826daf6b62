import {useState} from 'react';
import {useNavigation} from '../context.js';

/** The `/` filter of a list: editing (keys captured) or applied. */
export function useFilter() {
	const navigation = useNavigation();
	const [text, setText] = useState('');
	const [editing, setEditing] = useState(false);
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
		matches(haystack: string): boolean {
			return text === '' || haystack.toLowerCase().includes(text.toLowerCase());
		},
	};
}
