/**
 * What the canvas offers beyond litegraph's defaults: bypass / mute the selected nodes (Ctrl+B,
 * Ctrl+M), a group around the selected nodes (Ctrl+G and the menu's Add Group), and on a subgraph
 * instance "Open subgraph" and "Unpack subgraph". litegraph's own "Convert to Subgraph" stays (its
 * instances work once their node type is registered, subgraph-node-types.ts), without its 🆕.
 */
import { LGraphCanvas, LGraphGroup, LGraphNode, SubgraphNode } from '@comfyorg/litegraph';

/** What an instance's menu does beyond litegraph's entries. */
export interface SubgraphCommands {
  open(node: SubgraphNode): void;
  /** Replaces the instance by its definition's nodes, in the graph shown. */
  unpack(node: SubgraphNode): void;
}

/** litegraph modes the engine honours (app/protocol/workflow.ts): 0 always, 2 never (muted), 4 bypass. */
export const NODE_MODE = { always: 0, muted: 2, bypassed: 4 } as const;

const CONVERT_ENTRY = /^Convert to Subgraph/;
const GROUP_PADDING = 10;

function selectedNodes(canvas: LGraphCanvas): LGraphNode[] {
  return [...canvas.selectedItems].filter((item): item is LGraphNode => item instanceof LGraphNode);
}

/** Puts the selected nodes in `mode`, or back to always when all of them already are. */
export function toggleSelectedMode(canvas: LGraphCanvas, mode: typeof NODE_MODE.muted | typeof NODE_MODE.bypassed): void {
  const nodes = selectedNodes(canvas);
  const back = nodes.length > 0 && nodes.every((node) => node.mode === mode);
  // Set directly: changeMode() accepts only litegraph's own modes, and bypass (4) is ComfyUI's.
  for (const node of nodes) node.mode = back ? NODE_MODE.always : mode;
  canvas.setDirty(true, true);
}

/** A group wrapping the selected nodes; with none selected, an empty group at `at` (canvas units). */
export function groupSelected(canvas: LGraphCanvas, at?: readonly [number, number]): LGraphGroup | null {
  const graph = canvas.graph;
  if (!graph) return null;
  const nodes = selectedNodes(canvas);
  if (nodes.length === 0 && !at) return null;
  const group = new LGraphGroup('Group');
  if (nodes.length > 0) group.resizeTo(nodes, GROUP_PADDING);
  else if (at) group.pos = [at[0], at[1]];
  graph.add(group);
  canvas.setDirty(true, true);
  return group;
}

/** Add Group wraps the selection; an instance's menu opens and unpacks its definition. */
export function installCanvasMenus(canvas: LGraphCanvas, subgraphs: () => SubgraphCommands): void {
  const canvasMenu = canvas.getCanvasMenuOptions.bind(canvas);
  const nodeMenu = canvas.getNodeMenuOptions.bind(canvas);
  const relabelled = <T extends { content?: string } | null>(entry: T): T => (entry?.content !== undefined && CONVERT_ENTRY.test(entry.content) ? { ...entry, content: 'Convert to Subgraph' } : entry);
  canvas.getCanvasMenuOptions = () =>
    canvasMenu()
      .map(relabelled)
      .map((entry) =>
        entry?.content === 'Add Group'
          ? { ...entry, callback: (_value: unknown, _options: unknown, event: MouseEvent) => void groupSelected(canvas, canvas.convertEventToCanvasOffset(event) as [number, number]) }
          : entry,
      );
  canvas.getNodeMenuOptions = (node) => {
    const entries = nodeMenu(node).map(relabelled);
    if (!(node instanceof SubgraphNode)) return entries;
    const { open, unpack } = subgraphs();
    const own = [{ content: 'Open subgraph', callback: () => open(node) }, { content: 'Unpack subgraph', callback: () => unpack(node) }];
    return [...own, null, ...entries];
  };
}
