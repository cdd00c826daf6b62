import {Box, Text} from 'ink';
import {inert} from '../../inert.js';
import {fit, textWidth, truncate} from '../text.js';
import {useServices} from '../context.js';
import {colourEnabled} from '../theme.js';

export type HeaderProps = {width: number; title: string};

/** One line: where we are connected (endpoint, region, profile, or the demo) and where we are. */
export function Header({width, title}: HeaderProps) {
	const {connection, demo, source} = useServices();
	const where = source ?? (demo
		? `DEMO · emulator ${connection.endpointLabel} · no AWS account`
		: `${connection.endpointLabel} · ${connection.region} · profile ${connection.profile ?? 'default'}`);
	// Where we are matters more than the connection, which the screen before showed: when both do not
	// fit, the connection is cut first (to no less than 20 cells), then the title.
	const full = ` thaw  ${inert(where)}`;
	const left = truncate(full, Math.max(Math.min(20, textWidth(full)), width - textWidth(inert(title)) - 2));
	const right = truncate(inert(title), Math.max(0, width - textWidth(left) - 2));
	const line = fit(left, Math.max(0, width - textWidth(right) - 1)) + right + ' ';
	// The demo's yellow bar says "not AWS"; without colour (NO_COLOR) it is inverse like the real one, and says DEMO.
	const yellow = demo && colourEnabled();
	return (
		<Box height={1} width={width}>
			<Text inverse={!yellow} backgroundColor={yellow ? 'yellow' : undefined} color={yellow ? 'black' : undefined} wrap="truncate-end">{fit(line, width)}</Text>
		</Box>
	);
}
