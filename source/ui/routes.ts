import type {Download} from '../engine/download/index.js';
import type {Job} from '../glacier/api.js';
import type {InventoryStore} from '../inventory/store.js';
import type {InventoryFormat} from '../inventory/types.js';
import type {SortSpec} from '../inventory/sort.js';
import type {Scope} from './keymap.js';

/** Where the inventory browser reads from: a job's output, streamed from GetJobOutput, or a file. */
export type InventorySpec = {
	source: {kind: 'job'; vaultName: string; jobId: string; job?: Job} | {kind: 'file'; path: string};
	/** The vault the archives are in (retrievals need it): the job's, or given for a file. */
	vaultName?: string;
	format?: InventoryFormat;
	skipBad?: boolean;
	/** Start with this filter and sort (thaw inventory --filter / --sort). */
	filter?: string;
	sort?: SortSpec;
	/** Called after archive retrievals were started from the browser, with their job ids (the jobs screen reloads and shows them). */
	onJobsStarted?: (jobIds: string[]) => void;
};

/** What the restore preview plans: inventory rows of a loaded store (the browser's marked rows, else those shown). */
export type RestoreSelection = {
	vaultName: string;
	store: InventoryStore;
	rows: Uint32Array;
	which: 'marked' | 'shown';
	/** The browser's filter when the rows are those it shows. */
	filter: string | null;
	inventory: {source: 'file'; path: string} | {source: 'job'; jobId: string};
};

/** One archive to retrieve, as the retrieval screen shows it. */
export type ArchiveToRetrieve = {archiveId: string; size: number; name: string};

/** What came of a retrieval screen: archive ids whose jobs started (and the job ids), and those skipped because a job was already there. */
export type RetrieveOutcome = {started: string[]; jobIds: string[]; skipped: string[]};

export type Route =
	| {screen: 'vaults'}
	| {screen: 'jobs'; vaultName: string; notice?: string}
	| {screen: 'new-job'; vaultName: string; kind: 'inventory' | 'archive'; onStarted: (jobId: string) => void}
	| {screen: 'download-setup'; vaultName: string; jobId: string; job?: Job}
	| {screen: 'download'; vaultName: string; jobId: string; job?: Job; download: Download; outfile: string}
	| {screen: 'inventory'; spec: InventorySpec}
	| {screen: 'retrieve'; vaultName: string; archives: ArchiveToRetrieve[]; onStarted?: (outcome: RetrieveOutcome) => void}
	| {screen: 'purge'; planDir: string}
	| {screen: 'restore-preview'; selection: RestoreSelection}
	| {screen: 'restore'; planDir: string; vaultName?: string}
	| {screen: 'restores'}
	| {screen: 'help'; scopes: Scope[]};
