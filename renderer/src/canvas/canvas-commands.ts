/**
 * What the canvas offers beyond litegraph's defaults, and what it hides: bypass / mute the selected
 * nodes (Ctrl+B, Ctrl+M), a group around the selected nodes (Ctrl+G and the menu's Add Group),
 * "Open subgraph" on a subgraph instance, and no "Convert to Subgraph" — litegraph's conversion
 * removes the nodes it cannot place.
 */
import { LGraphCanvas, LGraphGroup, LGraphNode, SubgraphNode, type Subgraph } from '@comfyorg/litegraph';

/** litegraph modes the engine honours (app/protocol/workflow.ts): 0 always, 2 never (muted), 4 bypass. */
export const NODE_MODE = { always: 0, muted: 2, bypassed: 4 } as const;

/** Menu entries for features the engine does not support. */
const UNSUPPORTED_MENU_ENTRY = /^Convert to Subgraph/;
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

/** Drops unsupported entries from the canvas and node menus; Add Group wraps the selection; an instance's menu opens its definition. */
export function installCanvasMenus(canvas: LGraphCanvas, openSubgraph: (subgraph: Subgraph) => void): void {
  const canvasMenu = canvas.getCanvasMenuOptions.bind(canvas);
  const nodeMenu = canvas.getNodeMenuOptions.bind(canvas);
  const supported = <T extends { content?: string } | null>(entry: T) => !(entry?.content !== undefined && UNSUPPORTED_MENU_ENTRY.test(entry.content));
  canvas.getCanvasMenuOptions = () =>
    canvasMenu()
      .filter(supported)
      .map((entry) =>
        entry?.content === 'Add Group'
          ? { ...entry, callback: (_value: unknown, _options: unknown, event: MouseEvent) => void groupSelected(canvas, canvas.convertEventToCanvasOffset(event) as [number, number]) }
          : entry,
      );
  canvas.getNodeMenuOptions = (node) => {
    const entries = nodeMenu(node).filter(supported);
    if (!(node instanceof SubgraphNode)) return entries;
    return [{ content: 'Open subgraph', callback: () => openSubgraph(node.subgraph) }, null, ...entries];
  };
}
