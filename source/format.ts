/**
 * The one byte-size formatter, for every room that prints a size (the TUI,
 * the headless commands, the emulator's summary): binary units, three
 * significant digits, so a column of sizes reads the same everywhere.
 * 1536 -> '1.50 KiB', 734003 -> '717 KiB', 10 -> '10 B' (a rate of 115.8 B/s -> '116 B');
 * no size -> '-'.
 */
const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

export function formatBytes(bytes: number | undefined | null): string {
	if (bytes === undefined || bytes === null || !Number.isFinite(bytes)) return '-';
	let value = bytes;
	let unit = 0;
	while (Math.abs(value) >= 1024 && unit < units.length - 1) {
		value /= 1024;
		unit++;
	}

	if (unit === 0) return `${Math.round(bytes)} B`;
	// 1023.5 KiB would print as '1024 KiB' with toFixed(0): round first, then choose the unit.
	const text = Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 10 ? value.toFixed(1) : value.toFixed(2);
	if (text === '1024' && unit < units.length - 1) return `1.00 ${units[unit + 1]}`;
	return `${text} ${units[unit]}`;
}

/** A duration as a clock reads it, for progress lines and ETAs: 65 -> '1:05', 3725 -> '1:02:05'; unknown -> '--:--'. */
export function formatClock(seconds: number): string {
	if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
	const s = Math.round(seconds);
	const h = Math.floor(s / 3600);
	const m = Math.floor((s % 3600) / 60);
	const rest = String(s % 60).padStart(2, '0');
	return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}
