/** Dependency order of a prompt's nodes, and the cycles that make an order impossible. */
import { isPromptLink, type Prompt } from '../protocol/index.js';

export function dependenciesOf(prompt: Prompt, nodeId: string): string[] {
  const node = prompt[nodeId];
  if (!node) return [];
  const deps: string[] = [];
  for (const value of Object.values(node.inputs)) {
    if (isPromptLink(value) && prompt[value[0]] && !deps.includes(value[0])) deps.push(value[0]);
  }
  return deps;
}

/** The given roots and everything they depend on. */
export function ancestorsOf(prompt: Prompt, roots: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const stack = [...roots];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id) || !prompt[id]) continue;
    seen.add(id);
    stack.push(...dependenciesOf(prompt, id));
  }
  return seen;
}

export type OrderResult = { ok: true; order: string[] } | { ok: false; cycle: string[] };

/**
 * Depth-first topological sort over the given nodes. Dependencies come before dependants; among
 * independent nodes the prompt's own order is kept, so runs are reproducible.
 */
export function topologicalOrder(prompt: Prompt, nodes: ReadonlySet<string>): OrderResult {
  const state = new Map<string, 'visiting' | 'done'>();
  const order: string[] = [];
  const path: string[] = [];

  const visit = (id: string): string[] | null => {
    const current = state.get(id);
    if (current === 'done') return null;
    if (current === 'visiting') return path.slice(path.indexOf(id));
    state.set(id, 'visiting');
    path.push(id);
    for (const dep of dependenciesOf(prompt, id)) {
      if (!nodes.has(dep)) continue;
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(id, 'done');
    order.push(id);
    return null;
  };

  for (const id of Object.keys(prompt)) {
    if (!nodes.has(id)) continue;
    const cycle = visit(id);
    if (cycle) return { ok: false, cycle };
  }
  return { ok: true, order };
}
