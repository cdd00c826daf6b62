/**
 * Start an async sequence now and read it later: the first page is asked for
 * at once (thaw's start-up sends ListVaults before it loads Ink), and the one
 * consumer that takes it reads what has arrived. Taken once; after that
 * (a reload) the caller starts afresh.
 */
export type Early<T> = {take(): AsyncIterable<T> | undefined};

export function startEarly<T>(sequence: AsyncIterable<T>): Early<T> {
	const iterator = sequence[Symbol.asyncIterator]();
	const first = iterator.next();
	// The consumer sees a failure; nobody taking it must not crash the process.
	first.catch(() => undefined);
	let taken = false;
	return {
		take() {
			if (taken) return undefined;
			taken = true;
			return {
				async * [Symbol.asyncIterator]() {
					let result = await first;
					while (!result.done) {
						yield result.value;
						result = await iterator.next();
					}
				},
			};
		},
	};
}
