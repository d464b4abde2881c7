/**
 * Run marks of the nodes inside a subgraph instance, as the instance shows them on the graph that
 * holds it. The engine names an expanded inner node by its path of instance ids (`12:3`, and `12:7:3`
 * one level deeper: ComfyUI's execution ids), so the marks of instance `12` are those under `12:`.
 * The instance runs while any inner node runs (with that node's steps), has failed when one failed
 * (naming it), and is done or cached once its inner nodes are.
 */
/** A run mark on a node (drawn by node-decorations.ts). */
export type NodeDecoration =
  | { kind: 'running'; value?: number; max?: number }
  | { kind: 'cached' }
  | { kind: 'done'; seconds?: number }
  | { kind: 'failed'; lines: string[] };

/** The execution id of a node shown inside the instances `instanceIds` (outermost first); the node's own id at the root. */
export function executionIdOf(instanceIds: readonly (number | string)[], nodeId: number | string): string {
  return [...instanceIds, nodeId].join(':');
}

/**
 * What instance `instanceKey` shows for the marks of its inner nodes; undefined when none has one.
 * `innerName(nodeId)` names an inner node of the instance's definition (its title and id).
 */
export function instanceMark(marks: ReadonlyMap<string, NodeDecoration>, instanceKey: string, innerName: (nodeId: string) => string): NodeDecoration | undefined {
  const inner = [...marks].filter(([key]) => key.startsWith(`${instanceKey}:`));
  if (inner.length === 0) return undefined;
  const running = inner.find(([, mark]) => mark.kind === 'running');
  if (running) return running[1];
  const failed = inner.filter(([, mark]) => mark.kind === 'failed');
  if (failed.length > 0) {
    const lines = failed.flatMap(([key, mark]) => (mark.kind === 'failed' ? [`${innerName(key.slice(instanceKey.length + 1).split(':')[0]!)}:`, ...mark.lines] : []));
    return { kind: 'failed', lines };
  }
  const done = inner.flatMap(([, mark]) => (mark.kind === 'done' ? [mark] : []));
  if (done.length === 0) return { kind: 'cached' };
  const seconds = done.every((mark) => mark.seconds !== undefined) ? done.reduce((sum, mark) => sum + mark.seconds!, 0) : undefined;
  return { kind: 'done', ...(seconds === undefined ? {} : { seconds }) };
}
