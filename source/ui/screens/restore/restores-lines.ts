/** The Restores list's columns and lines as pure functions of the known plans (unit-tested without Ink). */
import {hostname} from 'node:os';
import {basename, dirname} from 'node:path';
import {inert} from '../../../inert.js';
import type {KnownPlan} from '../../../restore/plans.js';
import {formatUsd} from '../../../restore/prices.js';
import type {Column} from '../../components/Table.js';
import {formatBytes, formatCount, formatDate} from '../../format.js';

/** A plan's state in a word or three: who runs it, or how far it got. */
export function planState(plan: KnownPlan, pid: number, runningHere: boolean): string {
	if (runningHere) return 'running here';
	const other = plan.runners.find(r => !(r.holder && r.holder.pid === pid && r.holder.host === hostname()));
	if (other) return other.holder ? `running, pid ${other.holder.pid}` : 'running';
	const s = plan.status;
	if (!s) return 'unreadable';
	if (s.verified === s.total) return 'done';
	if (s.verified + s.failed === s.total) return 'done, failures';
	if (s.shards.length === 0) return 'not started';
	return 'stopped';
}

export type PlanRow = {plan: KnownPlan; state: string};

export const restoreColumns: Array<Column<PlanRow>> = [
	{title: 'Plan', minWidth: 14, text: r => inert(basename(dirname(r.plan.dir)) === '.thaw' ? `.thaw/${basename(r.plan.dir)}` : basename(r.plan.dir)), sortValue: r => r.plan.dir},
	{title: 'State', width: 15, priority: 5, text: r => r.state, sortValue: r => r.state},
	{title: 'Vault', width: 16, priority: 0, text: r => inert(r.plan.status?.vaultName ?? '?'), sortValue: r => r.plan.status?.vaultName ?? ''},
	{title: 'Verified', width: 15, align: 'right', priority: 4, text: r => (r.plan.status ? `${formatCount(r.plan.status.verified)}/${formatCount(r.plan.status.total)}` : '-'), sortValue: r => (r.plan.status ? r.plan.status.verified / Math.max(1, r.plan.status.total) : -1)},
	{title: 'Size', width: 10, align: 'right', priority: 3, text: r => formatBytes(r.plan.status?.bytesTotal), sortValue: r => r.plan.status?.bytesTotal ?? -1},
	{title: 'Committed', width: 10, align: 'right', priority: 2, text: r => (r.plan.status ? formatUsd(r.plan.status.committed.totalUSD) : '-'), sortValue: r => r.plan.status?.committed.totalUSD ?? -1},
	{title: 'Updated', width: 16, priority: 1, text: r => formatDate(r.plan.status?.updatedAt ?? undefined), sortValue: r => r.plan.status?.updatedAt ?? ''},
];

/** The line under the list: how many, where it looked, or what went wrong with the plan under the cursor. */
export function restoresInfoLine(count: number, folders: readonly string[], loading: boolean, current?: PlanRow): string {
	if (loading && count === 0) return 'Looking for restore plans…';
	if (current?.plan.error) return `Cannot read ${inert(current.plan.dir)}: ${current.plan.error}`;
	if (count === 0) return `No restore plans in ${folders.map(f => inert(f)).join(' or ')}: R in an inventory plans one`;
	if (current) return `${formatCount(count)} plan${count === 1 ? '' : 's'} · ${inert(current.plan.dir)}`;
	return `${formatCount(count)} plan${count === 1 ? '' : 's'} in ${folders.map(f => inert(f)).join(', ')}`;
}
