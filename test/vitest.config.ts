import {defineConfig} from 'vitest/config';

export default defineConfig({
	test: {
		root: new URL('..', import.meta.url).pathname,
		include: ['test/**/*.test.{ts,tsx}'],
		exclude: ['node_modules/**', 'build/**', 'test/bench/**'],
		testTimeout: 30_000,
		hookTimeout: 30_000,
	},
});
