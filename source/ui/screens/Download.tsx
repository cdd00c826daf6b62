import {Text} from 'ink';
import type {Route} from '../routes.js';

export type DownloadProps = {width: number; height: number; active: boolean; route: Extract<Route, {screen: 'download'}>};

export function Download(_props: DownloadProps) {
	return <Text>download</Text>;
}
