/**
 * Where a node's live step preview goes: beside the node, on the first side (right, below, left,
 * above) where it covers no other node, or where it covers least. Pure geometry in graph space, so
 * the rule is tested without a canvas.
 */
export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Graph units between a node and its preview. */
export const PREVIEW_GAP = 12;

export function placePreview(node: Rect, preview: { w: number; h: number }, others: readonly Rect[]): Rect {
  const candidates: Rect[] = [
    { x: node.x + node.w + PREVIEW_GAP, y: node.y, ...preview },
    { x: node.x, y: node.y + node.h + PREVIEW_GAP, ...preview },
    { x: node.x - PREVIEW_GAP - preview.w, y: node.y, ...preview },
    { x: node.x, y: node.y - PREVIEW_GAP - preview.h, ...preview },
  ];
  let best = candidates[0]!;
  let bestCovered = Infinity;
  for (const candidate of candidates) {
    const covered = others.reduce((sum, other) => sum + overlap(candidate, other), 0);
    if (covered === 0) return candidate;
    if (covered < bestCovered) [best, bestCovered] = [candidate, covered];
  }
  return best;
}

function overlap(a: Rect, b: Rect): number {
  const w = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}
