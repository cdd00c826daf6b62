import {defineConfig} from 'vitest/config';

export default defineConfig({
	test: {
		root: new URL('..', import.meta.url).pathname,
		include: ['test/**/*.test.{ts,tsx}'],
		exclude: ['node_modules/**', 'build/**', 'test/bench/**'],
		// Measured on 2 cores (the CI machine): most test time is waiting on real
		// sockets, processes and the emulator's clock, not CPU, and re-importing the
		// SDK and Ink for each of ~100 files cost more than the tests.
		// A worker per core (vitest's default here is 1) and modules kept between files:
		// test/ui alone went from 145 s to ~60 s. Nothing in the tests mocks
		// modules or changes process-wide state, so keeping modules is safe.
		isolate: false,
		maxWorkers: 2,
		testTimeout: 30_000,
		hookTimeout: 30_000,
	},
});
