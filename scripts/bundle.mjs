#!/usr/bin/env node
/**
 * The TUI as one file: build/tui.js bundles build/source/ui/run.js (tsc's
 * output) with Ink, React, the AWS SDK and conf, so `thaw` reads and compiles
 * one file at start instead of resolving hundreds of small modules (measured
 * in test/bench/demo-startup.bench.mjs). Runs after tsc in `npm run build`
 * (and so from `prepare` on a fresh clone). source/cli/tui.ts loads it when
 * it is there and source/ui/run.js otherwise (tests run from source).
 *
 * The bundler is rolldown, already installed with vitest (no new download).
 * react-devtools-core is Ink's development-only import: a stub here.
 */
import {rmSync} from 'node:fs';
import {rolldown} from 'rolldown';

const started = performance.now();
const bundle = await rolldown({
	input: 'build/source/ui/run.js',
	platform: 'node',
	logLevel: 'warn',
	plugins: [{
		name: 'no-devtools',
		resolveId(id) {
			return id === 'react-devtools-core' ? '\0no-devtools' : undefined;
		},
		load(id) {
			return id === '\0no-devtools' ? 'export default {connectToDevTools() {}};' : undefined;
		},
	}],
	transform: {define: {'process.env.NODE_ENV': '"production"'}},
});
rmSync('build/tui', {recursive: true, force: true});
// Dynamic imports (the demo emulator, the SDK's credential providers) stay separate chunks, loaded when used.
await bundle.write({dir: 'build/tui', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js', format: 'esm', minify: process.env.THAW_BUNDLE_MINIFY === '1'});
await bundle.close();
console.log(`build/tui/run.js bundled in ${((performance.now() - started) / 1000).toFixed(1)} s`);
