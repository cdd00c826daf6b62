/**
 * ESLint 9 (flat config) with typescript-eslint's recommended rules, not
 * type-aware so a whole-tree run stays a few seconds, and React's rules of
 * hooks. `npm run lint`; .ci/run runs it before the tests.
 *
 * typescript-eslint parses with TypeScript's JavaScript API, which the
 * native TypeScript 7 that builds thaw does not have (its peer range ends
 * before 6.1). So the parser gets TypeScript 5.9, installed under the name
 * typescript-for-eslint: its `require('typescript')` is pointed there, and
 * only while ESLint runs (package.json's override lets npm accept the peer).
 */
import Module from 'node:module';

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
	return resolveFilename.call(this, request === 'typescript' ? 'typescript-for-eslint' : request, ...rest);
};

const {default: js} = await import('@eslint/js');
const {default: tseslint} = await import('typescript-eslint');
const {default: reactHooks} = await import('eslint-plugin-react-hooks');

export default tseslint.config(
	{ignores: ['build/**', 'node_modules/**', 'coverage/**']},
	js.configs.recommended,
	...tseslint.configs.recommended,
	{
		languageOptions: {
			globals: {
				process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly',
				setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly', queueMicrotask: 'readonly', performance: 'readonly',
				AbortController: 'readonly', AbortSignal: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', structuredClone: 'readonly',
				NodeJS: 'readonly', fetch: 'readonly', require: 'readonly', globalThis: 'readonly', SharedArrayBuffer: 'readonly', Atomics: 'readonly',
			},
		},
		// A stale disable comment is an error: it would excuse nothing and mislead the reader.
		linterOptions: {reportUnusedDisableDirectives: 'error'},
		rules: {
			// `_name` marks a parameter kept for its position.
			'@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', caughtErrors: 'none'}],
			// `let x!: T` assigned once after closures that read it (parts that refer to each other) stays `let`.
			'prefer-const': ['error', {ignoreReadBeforeAssign: true}],
		},
	},
	{
		// Being split right now by the inventory room (issue 9 §2): sort.ts keeps an unused helper until then.
		// Remove this block when the split lands.
		files: ['source/inventory/sort.ts'],
		rules: {'@typescript-eslint/no-unused-vars': 'off'},
	},
	{
		files: ['source/ui/**/*.{ts,tsx}', 'test/ui/**/*.{ts,tsx}'],
		plugins: {'react-hooks': reactHooks},
		// The two classic rules of hooks; v7's React Compiler rules assume the compiler, which thaw does not use.
		rules: {
			'react-hooks/rules-of-hooks': 'error',
			'react-hooks/exhaustive-deps': 'error',
		},
	},
);
