import {readdirSync, readFileSync} from 'node:fs';
import {dirname, join, relative, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {describe, expect, it} from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../source/inventory');

function files(folder: string): string[] {
	return readdirSync(folder, {withFileTypes: true}).flatMap(entry => {
		const path = join(folder, entry.name);
		if (entry.isDirectory()) return files(path);
		return /\.tsx?$/.test(entry.name) ? [path] : [];
	});
}

/** Relative imports of a file (type-only ones too: a circle of types is still a circle), as source paths. */
function importsOf(file: string): string[] {
	const text = readFileSync(file, 'utf8');
	const found: string[] = [];
	for (const match of text.matchAll(/^(?:import|export)\b[^'";]*?from\s+'(\.[^']+)'/gm)) found.push(resolve(dirname(file), match[1].replace(/\.js$/, '.ts')));
	return found;
}

describe('source/inventory imports', () => {
	it('have no circles between files (type imports count) and never reach the ui, headless or cli rooms', () => {
		const all = files(root);
		const graph = new Map(all.map(file => [file, importsOf(file)]));
		for (const [file, imports] of graph) {
			for (const target of imports) expect(relative(root, target), `${relative(root, file)} imports ${target}`).not.toMatch(/^\.\.\/(ui|headless|cli)\//);
		}

		const circles: string[] = [];
		const state = new Map<string, 'open' | 'done'>();
		const visit = (file: string, path: string[]) => {
			if (state.get(file) === 'done') return;
			if (state.get(file) === 'open') {
				circles.push([...path.slice(path.indexOf(file)), file].map(f => relative(root, f)).join(' -> '));
				return;
			}

			state.set(file, 'open');
			for (const target of graph.get(file) ?? []) if (graph.has(target)) visit(target, [...path, file]);
			state.set(file, 'done');
		};

		for (const file of all) visit(file, []);
		expect(circles).toEqual([]);
		expect(graph.size).toBeGreaterThan(20);
	});
});
