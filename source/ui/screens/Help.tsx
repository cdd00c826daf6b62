import {Box} from 'ink';
import {useState} from 'react';
import {Line} from '../components/Line.js';
import {StatusBar} from '../components/StatusBar.js';
import {useNavigation} from '../context.js';
import {useKeys} from '../hooks/use-keys.js';
import {commandFor, keymap, scopeTitles, type Scope} from '../keymap.js';
import {fit, textWidth} from '../text.js';

export type HelpProps = {width: number; height: number; active: boolean; scopes: Scope[]};

/** The keys column: as wide as the widest keys (never cut: 'Esc Enter h ←'). */
const keysWidth = Math.max(...keymap.map(b => textWidth(b.keys)));

/** Drawn from the key map itself: what it says is what the keys do. Each line fits 80 columns (test/ui/help-fits.test.tsx). */
export function helpLines(scopes: Scope[]): Array<{text: string; heading: boolean}> {
	const lines: Array<{text: string; heading: boolean}> = [];
	for (const scope of ['global', ...scopes] as Scope[]) {
		const bindings = keymap.filter(b => b.scope === scope);
		if (bindings.length === 0) continue;
		lines.push({text: scopeTitles[scope], heading: true});
		for (const b of bindings) lines.push({text: `  ${fit(b.keys, keysWidth)} ${b.help}`, heading: false});
	}

	return lines;
}

export function Help({width, height, active, scopes}: HelpProps) {
	const navigation = useNavigation();
	const lines = helpLines(scopes);
	const [offset, setOffset] = useState(0);
	const room = Math.max(1, height - 1);
	const maxOffset = Math.max(0, lines.length - room);
	useKeys((input, key) => {
		const command = commandFor(['pager'], input, key);
		if (command === 'back') navigation.pop();
		else if (command === 'down') setOffset(o => Math.min(maxOffset, o + 1));
		else if (command === 'up') setOffset(o => Math.max(0, o - 1));
		else if (command === 'pageDown') setOffset(o => Math.min(maxOffset, o + room));
		else if (command === 'pageUp') setOffset(o => Math.max(0, o - room));
	}, active);
	return (
		<Box flexDirection="column" width={width} height={height}>
			{lines.slice(offset, offset + room).map((line, i) => <Line key={i} width={width} bold={line.heading} color={line.heading ? 'cyan' : undefined}>{line.text}</Line>)}
			<Box flexGrow={1} />
			<StatusBar width={width} text={`Esc or ? closes this help${maxOffset > 0 ? '  j/k scroll' : ''}`} />
		</Box>
	);
}
