/**
 * API-format files carry no positions, so imported nodes are placed in columns by depth — the length
 * of the longest chain of links leading into a node — and read left to right the way the graph runs.
 * Sizes follow litegraph's arithmetic (LGraphNode.computeSize: 20 px per slot row, 20 px widgets with
 * 4 px spacing) closely enough for a first view; the canvas recomputes them when it loads the graph.
 */
import type { WorkflowLink, WorkflowNode } from '../../protocol/index.js';

const SLOT_HEIGHT = 20;
const WIDGET_ROW_HEIGHT = 24;
/** ComfyUI's default widths: 315 for nodes with widgets (KSampler), 210 without (VAE Decode). */
const WIDTH_WITH_WIDGETS = 315;
const WIDTH_WITHOUT_WIDGETS = 210;
const MARGIN = 50;
const COLUMN_GAP = 100;
const ROW_GAP = 60;

export function estimateNodeSize(node: WorkflowNode): [number, number] {
  const slotRows = Math.max(node.inputs.length, node.outputs.length, 1);
  // A seed's control is a widget of its own on the canvas.
  const widgetRows = Object.keys(node.widgets).length + Object.keys(node.widget_controls).length;
  const width = widgetRows > 0 ? WIDTH_WITH_WIDGETS : WIDTH_WITHOUT_WIDGETS;
  return [width, slotRows * SLOT_HEIGHT + widgetRows * WIDGET_ROW_HEIGHT + 6];
}

/** Longest-path depth by Kahn's algorithm; nodes on a cycle never become ready and go in a last column. */
function depths(nodes: readonly WorkflowNode[], links: readonly WorkflowLink[]): Map<number, number> {
  const ids = new Set(nodes.map((node) => node.id));
  const edges = links.filter((link) => ids.has(link.origin_id) && ids.has(link.target_id));
  const waiting = new Map(nodes.map((node) => [node.id, edges.filter((link) => link.target_id === node.id).length]));
  const depth = new Map<number, number>();
  const ready = nodes.filter((node) => waiting.get(node.id) === 0).map((node) => node.id);
  for (const id of ready) depth.set(id, 0);
  while (ready.length > 0) {
    const id = ready.shift() as number;
    for (const link of edges.filter((edge) => edge.origin_id === id)) {
      depth.set(link.target_id, Math.max(depth.get(link.target_id) ?? 0, (depth.get(id) ?? 0) + 1));
      const left = (waiting.get(link.target_id) ?? 0) - 1;
      waiting.set(link.target_id, left);
      if (left === 0) ready.push(link.target_id);
    }
  }
  const deepest = Math.max(-1, ...[...waiting].filter(([, left]) => left === 0).map(([id]) => depth.get(id) ?? 0));
  for (const [id, left] of waiting) if (left > 0) depth.set(id, deepest + 1);
  return depth;
}

export function layOutInColumns(nodes: readonly WorkflowNode[], links: readonly WorkflowLink[]): WorkflowNode[] {
  const depth = depths(nodes, links);
  const columns = new Map<number, WorkflowNode[]>();
  for (const node of [...nodes].sort((a, b) => a.id - b.id)) {
    const column = depth.get(node.id) ?? 0;
    columns.set(column, [...(columns.get(column) ?? []), node]);
  }
  const placed = new Map<number, WorkflowNode>();
  let x = MARGIN;
  for (const column of [...columns.keys()].sort((a, b) => a - b)) {
    const members = columns.get(column) ?? [];
    let y = MARGIN;
    let widest = 0;
    for (const node of members) {
      const size = estimateNodeSize(node);
      placed.set(node.id, { ...node, pos: [x, y], size });
      y += size[1] + ROW_GAP;
      widest = Math.max(widest, size[0]);
    }
    x += widest + COLUMN_GAP;
  }
  return nodes.map((node) => placed.get(node.id) ?? node);
}
