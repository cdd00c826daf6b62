/** Numbers, sizes, dates and durations as people read them. */

import {formatBytes} from '../format.js';

export {formatBytes};

export function formatRate(bytesPerSecond: number): string {
	return bytesPerSecond > 0 ? `${formatBytes(bytesPerSecond)}/s` : '-';
}

export function formatDuration(seconds: number | undefined): string {
	if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '-';
	const s = Math.round(seconds);
	if (s < 60) return `${s}s`;
	if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
	if (s < 86_400) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
	return `${Math.floor(s / 86_400)}d${String(Math.floor((s % 86_400) / 3600)).padStart(2, '0')}h`;
}

/** ISO date-time as 'YYYY-MM-DD HH:MM' (UTC), or '-'. */
export function formatDate(iso: string | undefined | null): string {
	if (!iso) return '-';
	const time = Date.parse(iso);
	if (Number.isNaN(time)) return '?';
	return new Date(time).toISOString().slice(0, 16).replace('T', ' ');
}

export function formatCount(n: number): string {
	return n.toLocaleString('en-US');
}
