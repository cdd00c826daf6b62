import {describe, expect, it} from 'vitest';
import {sortReducer} from '../../source/ui/hooks/use-sort.js';
import {explainJob, filtersText, jobDetailLine, jobsEmptyText, jobsInfoLine, type JobsView} from '../../source/ui/screens/jobs/jobs-status.js';
import {jobsReducer} from '../../source/ui/screens/jobs/use-jobs-state.js';
import {vaultsEmptyText, vaultsInfoLine} from '../../source/ui/screens/vaults/vaults-status.js';

const hour = 3_600_000;
const now = Date.parse('2026-11-21T12:00:00Z');
const jobs: JobsView = {vaultName: 'photos', shown: 3, total: 3, statusFilter: 0, actionFilter: 0, text: '', loading: false, pages: 1, running: false};

describe('the vaults status line', () => {
	it('counts, says what is loading, what is filtered, or what went wrong', () => {
		const view = {shown: 2, total: 2, filter: '', loading: false, pages: 1};
		expect(vaultsInfoLine(view)).toBe('2 vaults');
		expect(vaultsInfoLine({...view, total: 1, shown: 1})).toBe('1 vault');
		expect(vaultsInfoLine({...view, loading: true})).toBe('2 vaults so far, loading page 2…');
		expect(vaultsInfoLine({...view, shown: 1, total: 12_000, filter: 'ph\u001B'})).toBe('1 of 12,000 vaults matching \'ph\\x1b\' (Esc clears)');
		expect(vaultsInfoLine({...view, error: 'AccessDenied'})).toBe('Could not list vaults: AccessDenied');
		expect(vaultsEmptyText({...view, shown: 0, total: 0})).toBe('No vaults in this region for this account.');
		expect(vaultsEmptyText({...view, shown: 0, filter: 'x'})).toBe('No vault matches the filter.');
	});
});

describe('the jobs status lines', () => {
	it('name the filters and counts', () => {
		expect(jobsInfoLine(jobs)).toBe('3 jobs in photos');
		expect(jobsInfoLine({...jobs, shown: 1, statusFilter: 2, actionFilter: 1, running: true})).toBe('1 of 3 jobs in photos (status succeeded, type archive) · refreshing while jobs run');
		expect(filtersText({statusFilter: 0, actionFilter: 2, text: 'x'})).toBe('type inventory, text \'x\'');
		expect(jobsEmptyText({...jobs, shown: 0, total: 0})).toMatch(/start one with i/);
		expect(jobsInfoLine({...jobs, error: 'throttled'})).toBe('Could not list jobs: throttled');
	});

	it('explain the job under the cursor and what Enter does', () => {
		const ready = {JobId: 'j1', Action: 'ArchiveRetrieval', StatusCode: 'Succeeded', CreationDate: new Date(now - (5 * hour)).toISOString(), CompletionDate: new Date(now - hour).toISOString()};
		expect(explainJob(ready, now)).toEqual({text: 'Ready, 23h00m left to download. Enter downloads it.', tone: 'normal'});
		expect(explainJob({...ready, CompletionDate: new Date(now - (23 * hour)).toISOString()}, now).tone).toBe('warn');
		expect(explainJob({...ready, CompletionDate: new Date(now - (30 * hour)).toISOString()}, now).tone).toBe('error');
		expect(explainJob({...ready, StatusCode: 'Failed', StatusMessage: 'boom.'}, now)).toEqual({text: 'Failed: boom. Start a new retrieval (a).', tone: 'error'});
		expect(jobDetailLine({...ready, ArchiveId: 'a1', RetrievalByteRange: '0-1'})).toBe('archive job j1 · archive a1 · bytes 0-1');
	});
});

describe('screen state by named actions', () => {
	it('the jobs filters cycle and the notice clears', () => {
		let state = jobsReducer({statusFilter: 0, actionFilter: 0}, {type: 'nextStatusFilter'});
		for (let k = 0; k < 3; k++) state = jobsReducer(state, {type: 'nextStatusFilter'});
		expect(state.statusFilter).toBe(0);
		state = jobsReducer(state, {type: 'notice', notice: {text: 'hi', tone: 'warn'}});
		expect(jobsReducer(state, {type: 'clearNotice'}).notice).toBeUndefined();
	});

	it('sorting: next column ascending, reverse flips', () => {
		expect(sortReducer({column: 4, descending: true}, {type: 'next', columns: 5})).toEqual({column: 0, descending: false});
		expect(sortReducer({column: 1, descending: false}, {type: 'reverse'})).toEqual({column: 1, descending: true});
	});
});
