import {describe, expect, it} from 'vitest';
import {formatBytes} from '../source/format.js';
import {humanSize} from '../source/inventory/export.js';
import {formatBytes as uiFormatBytes} from '../source/ui/format.js';

describe('formatBytes, the one byte-size formatter', () => {
	it('prints three significant digits in binary units', () => {
		expect([0, 10, 1023, 1024, 1536, 30.6 * 1024, 734_003, 2.3 * 1024 * 1024, 5 * 1024 * 1024, 3 * 2 ** 30].map(n => formatBytes(n)))
			.toEqual(['0 B', '10 B', '1023 B', '1.00 KiB', '1.50 KiB', '30.6 KiB', '717 KiB', '2.30 MiB', '5.00 MiB', '3.00 GiB']);
	});

	it('rounds bytes (a rate) and never prints 1024 of a unit', () => {
		expect(formatBytes(115.819_209_039_548_01)).toBe('116 B');
		expect(formatBytes((1024 * 1024) - 1)).toBe('1.00 MiB');
	});

	it('prints - for no size', () => {
		expect(formatBytes(undefined)).toBe('-');
		expect(formatBytes(null)).toBe('-');
		expect(formatBytes(Number.NaN)).toBe('-');
	});

	it('is the one the browser, the inventory printer and the TUI use', () => {
		expect(humanSize).toBe(formatBytes);
		expect(uiFormatBytes).toBe(formatBytes);
	});
});
