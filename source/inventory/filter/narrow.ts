/**
 * Does one filter narrow another (every row matching the next matches the
 * previous)? Then typing on only needs to look at the rows still shown.
 */
import type {FilterNode} from './node.js';

/** The terms of a conjunction (undefined for an `or`). */
function conjuncts(node: FilterNode): FilterNode[] | undefined {
	if (node.kind === 'or') return undefined;
	if (node.kind === 'and') return node.nodes.some(child => child.kind === 'or') ? undefined : node.nodes;
	return node.kind === 'all' ? [] : [node];
}

/** Does term a imply term b (every row matching a matches b)? */
function implies(a: FilterNode, b: FilterNode): boolean {
	if (a.kind === 'text' && b.kind === 'text') return a.field === b.field && a.needle.includes(b.needle);
	if (a.kind === 'not' && b.kind === 'not') return implies(b.node, a.node);
	if ((a.kind === 'id' && b.kind === 'id') || (a.kind === 'hash' && b.kind === 'hash')) return a.prefix.startsWith(b.prefix);
	if (a.kind === 'regex' && b.kind === 'regex') return a.regex.source === b.regex.source && a.regex.flags === b.regex.flags;
	return JSON.stringify(a) === JSON.stringify(b) && a.kind !== 'and' && a.kind !== 'or';
}

/** Every row matching next matches previous: each term of previous is implied by a term of next. */
export function narrows(next: FilterNode, previous: FilterNode): boolean {
	const after = conjuncts(next);
	const before = conjuncts(previous);
	if (after === undefined || before === undefined) return false;
	return before.every(term => after.some(candidate => implies(candidate, term)));
}

