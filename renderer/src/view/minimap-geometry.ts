/**
 * Where the graph lands on the minimap: everything (the nodes and the visible area) scaled to fit
 * the minimap with a margin and centred, and the way back from a minimap pixel to a graph point.
 * DOM-free so it is tested in plain Node.
 */
export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface MinimapTransform {
  /** Minimap pixels per graph unit. */
  scale: number;
  /** The minimap pixel of the graph origin. */
  originX: number;
  originY: number;
}

export function unionOf(boxes: readonly Box[]): Box | null {
  if (boxes.length === 0) return null;
  const left = Math.min(...boxes.map((box) => box.left));
  const top = Math.min(...boxes.map((box) => box.top));
  const right = Math.max(...boxes.map((box) => box.left + box.width));
  const bottom = Math.max(...boxes.map((box) => box.top + box.height));
  return { left, top, width: right - left, height: bottom - top };
}

export function fitTransform(content: Box, size: { width: number; height: number }, margin: number): MinimapTransform {
  const scale = Math.min((size.width - 2 * margin) / Math.max(content.width, 1), (size.height - 2 * margin) / Math.max(content.height, 1));
  return {
    scale,
    originX: (size.width - content.width * scale) / 2 - content.left * scale,
    originY: (size.height - content.height * scale) / 2 - content.top * scale,
  };
}

export function toMinimap(transform: MinimapTransform, box: Box): Box {
  return { left: transform.originX + box.left * transform.scale, top: transform.originY + box.top * transform.scale, width: box.width * transform.scale, height: box.height * transform.scale };
}

export function toGraph(transform: MinimapTransform, x: number, y: number): [number, number] {
  return [(x - transform.originX) / transform.scale, (y - transform.originY) / transform.scale];
}
