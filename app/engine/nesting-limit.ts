/**
 * Workflow JSON nested deeper than any real file: the ComfyUI import, the schema check and every
 * message that quotes a value walk it recursively, and a value nested some thousands of levels deep
 * (a damaged or hostile file) overflows the stack there. Found without recursion, so it cannot
 * overflow itself, and rejected before any of those walks.
 */

/** Real workflows nest about ten levels (subgraph definitions included); this leaves plenty of room. */
export const MAX_WORKFLOW_NESTING = 100;

/** The path of the first value nested deeper than `limit` levels, or undefined when none is. */
export function pathBeyondNesting(json: unknown, limit = MAX_WORKFLOW_NESTING): (string | number)[] | undefined {
  const pending: { value: unknown; path: (string | number)[] }[] = [{ value: json, path: [] }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value, path } = next;
    if (typeof value !== 'object' || value === null) continue;
    if (path.length > limit) return path;
    const children: [string | number, unknown][] = Array.isArray(value) ? value.map((child, index) => [index, child]) : Object.entries(value);
    for (const [key, child] of children.reverse()) pending.push({ value: child, path: [...path, key] });
  }
  return undefined;
}
