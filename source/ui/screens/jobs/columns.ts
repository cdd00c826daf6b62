import type {Job} from '../../../glacier/api.js';
import {inert} from '../../../inert.js';
import type {Column} from '../../components/Table.js';
import {formatBytes, formatDate, formatDuration} from '../../format.js';
import {actionLabel, expiryOf, outputSize, statusLabel, type Expiry} from '../../job-info.js';

function leftText(expiry: Expiry): string {
	switch (expiry.kind) {
		case 'left': return formatDuration(expiry.ms / 1000);
		case 'expired': return 'EXPIRED';
		case 'unknown': return '?';
		default: return '-';
	}
}

export function jobColumns(now: number): Array<Column<Job>> {
	return [
		{title: 'Type', width: 9, priority: 5, text: actionLabel},
		{title: 'Status', width: 11, priority: 6, text: statusLabel},
		{title: 'Tier', width: 9, priority: 1, text: j => inert(j.Tier ?? '-')},
		{title: 'Size', width: 9, align: 'right', priority: 3, text: j => formatBytes(outputSize(j)), sortValue: j => outputSize(j) ?? -1},
		{title: 'Created', width: 11, priority: 0, text: j => formatDate(j.CreationDate).slice(5), sortValue: j => j.CreationDate ?? ''},
		{title: 'Completed', width: 11, priority: 2, text: j => formatDate(j.CompletionDate).replace(/^\d{4}-/, ''), sortValue: j => j.CompletionDate ?? ''},
		{title: 'Left', width: 7, align: 'right', priority: 4, text: j => leftText(expiryOf(j, now)), sortValue: j => {
			const e = expiryOf(j, now);
			return e.kind === 'left' ? e.ms : e.kind === 'expired' ? -e.agoMs : Number.MAX_SAFE_INTEGER;
		}},
		{title: 'Description', minWidth: 14, text: j => inert(j.JobDescription ?? '')},
	];
}
