import {createContext, useContext, useEffect, useState} from 'react';
import {useStdout} from 'ink';

export type Size = {columns: number; rows: number};

/** Tests (and embedders) fix the size here; otherwise the real terminal's size is used. */
export const SizeContext = createContext<Size | undefined>(undefined);

/** The terminal's columns and rows, following resizes. */
export function useTerminalSize(): Size {
	const fixed = useContext(SizeContext);
	const {stdout} = useStdout();
	const read = (): Size => ({columns: stdout.columns || 80, rows: stdout.rows || 24});
	const [size, setSize] = useState(read);
	useEffect(() => {
		if (fixed) return undefined;
		const onResize = () => {
			setSize(read());
		};

		stdout.on('resize', onResize);
		return () => {
			stdout.off('resize', onResize);
		};
	// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [stdout, fixed]);
	return fixed ?? size;
}
