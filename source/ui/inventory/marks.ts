/**
 * Marked archives: one byte per row of the store, with a running count and
 * byte total, so marking all of a million filtered rows costs one pass and
 * the totals line never has to add them up again.
 */
export class Marks {
	private flags: Uint8Array;
	count = 0;
	bytes = 0;

	constructor(readonly sizes: ArrayLike<number>, length: number) {
		this.flags = new Uint8Array(length);
	}

	has(row: number): boolean {
		return this.flags[row] === 1;
	}

	toggle(row: number): void {
		this.set(row, !this.has(row));
	}

	set(row: number, marked: boolean): void {
		if (this.has(row) === marked) return;
		this.flags[row] = marked ? 1 : 0;
		this.count += marked ? 1 : -1;
		this.bytes += marked ? this.sizes[row] : -this.sizes[row];
	}

	/** Mark every row of the view, or unmark them all when every one is already marked. Returns true when it marked. */
	toggleAll(view: ArrayLike<number>): boolean {
		let all = true;
		for (let k = 0; k < view.length; k++) {
			if (this.flags[view[k]] === 0) {
				all = false;
				break;
			}
		}

		for (let k = 0; k < view.length; k++) this.set(view[k], !all);
		return !all;
	}

	clear(): void {
		this.flags.fill(0);
		this.count = 0;
		this.bytes = 0;
	}

	/** Marked rows in the order of `order` (a view of all rows), so an export follows the table's sort. */
	rows(order: ArrayLike<number>): Uint32Array {
		const out = new Uint32Array(this.count);
		let k = 0;
		for (let j = 0; j < order.length && k < out.length; j++) if (this.flags[order[j]] === 1) out[k++] = order[j];
		return out;
	}
}
