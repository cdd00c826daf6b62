import {Text} from 'ink';
import type {Job} from '../../glacier/api.js';

export type DownloadSetupProps = {width: number; height: number; active: boolean; vaultName: string; jobId: string; job?: Job};

export function DownloadSetup(_props: DownloadSetupProps) {
	return <Text>setup</Text>;
}
