/**
 * Adding a node of a chosen type where the user wants it: dropped from the node library at the
 * pointer, or clicked in the library (at the centre of the view). The graph's onNodeAdded hook
 * records the edit, so it is one undo step like any other.
 */
import { LiteGraph, type LGraphCanvas, type LGraphNode } from '@comfyorg/litegraph';

/** The drag data type a node library entry carries: the node type id. */
export const NODE_DRAG_TYPE = 'application/x-scalecrafter-node';

export function addNodeAt(canvas: LGraphCanvas, type: string, at: readonly [number, number]): LGraphNode | null {
  const node = LiteGraph.createNode(type);
  if (!node || !canvas.graph) return null;
  // The point is where the title bar starts, as when litegraph's search box adds a node.
  node.pos = [at[0], at[1]];
  canvas.graph.add(node);
  canvas.selectNode(node);
  canvas.setDirty(true, true);
  return node;
}

/** The graph point at the centre of the visible canvas. */
export function viewCentre(canvas: LGraphCanvas): [number, number] {
  const element = canvas.canvas;
  const point = canvas.ds.convertCanvasToOffset([element.clientWidth / 2, element.clientHeight / 2]);
  return [point[0]!, point[1]!];
}

/** Node library entries dropped on the canvas become nodes where they are dropped. */
export function acceptNodeDrops(canvas: LGraphCanvas): void {
  const element = canvas.canvas;
  element.addEventListener('dragover', (event) => {
    if (!event.dataTransfer?.types.includes(NODE_DRAG_TYPE)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  });
  element.addEventListener('drop', (event) => {
    const type = event.dataTransfer?.getData(NODE_DRAG_TYPE);
    if (!type) return;
    event.preventDefault();
    event.stopPropagation();
    const [x, y] = canvas.convertEventToCanvasOffset(event);
    addNodeAt(canvas, type, [x!, y!]);
  });
}
