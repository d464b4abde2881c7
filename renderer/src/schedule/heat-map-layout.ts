/**
 * Where every cell of the heat map goes, in CSS pixels: a step axis on top, block labels on the
 * left, one row per conv with a gap between blocks, one column per step. Pure geometry, shared by
 * the painter and the pointer hit test so the two can never disagree.
 */
import type { ConvGroup } from './conv-groups.js';

export interface HeatMapLayout {
  width: number;
  height: number;
  /** Left edge of the first column (the block labels sit left of it). */
  gridLeft: number;
  /** Top edge of the first row (the step axis sits above it). */
  gridTop: number;
  cellWidth: number;
  rowHeight: number;
  steps: number;
  /** Top edge of every conv's row, by conv index. */
  rowTops: number[];
  groups: ReadonlyArray<ConvGroup & { top: number; height: number }>;
}

export const HEAT_MAP_METRICS = {
  labelWidth: 48,
  axisHeight: 16,
  groupGap: 4,
  /** Rows are this tall unless there are so many convs (SDXL) that the map would get too tall. */
  rowHeight: 9,
  minRowHeight: 4,
  maxGridHeight: 420,
} as const;

export function heatMapLayout(groups: readonly ConvGroup[], steps: number, width: number): HeatMapLayout {
  const m = HEAT_MAP_METRICS;
  const convCount = groups.reduce((sum, group) => sum + group.count, 0);
  const gaps = Math.max(0, groups.length - 1) * m.groupGap;
  const rowHeight = Math.max(m.minRowHeight, Math.min(m.rowHeight, Math.floor((m.maxGridHeight - gaps) / Math.max(1, convCount))));
  const cellWidth = Math.max(1, (width - m.labelWidth) / Math.max(1, steps));
  const rowTops: number[] = [];
  let top = m.axisHeight;
  const placed = groups.map((group, index) => {
    if (index > 0) top += m.groupGap;
    const groupTop = top;
    for (let offset = 0; offset < group.count; offset += 1) {
      rowTops[group.start + offset] = top;
      top += rowHeight;
    }
    return { ...group, top: groupTop, height: top - groupTop };
  });
  return { width, height: top, gridLeft: m.labelWidth, gridTop: m.axisHeight, cellWidth, rowHeight, steps, rowTops, groups: placed };
}

/** The conv and 0-based step under a point, or null outside the cells (labels, axis, block gaps). */
export function cellAt(layout: HeatMapLayout, x: number, y: number): { conv: number; step: number } | null {
  if (x < layout.gridLeft || y < layout.gridTop) return null;
  const step = Math.floor((x - layout.gridLeft) / layout.cellWidth);
  if (step < 0 || step >= layout.steps) return null;
  for (const group of layout.groups) {
    if (y < group.top || y >= group.top + group.height) continue;
    return { conv: group.start + Math.floor((y - group.top) / layout.rowHeight), step };
  }
  return null;
}

/** Step numbers (1-based) worth labelling on the axis: the first, the last, and round ones between that fit. */
export function axisTicks(steps: number, cellWidth: number, minSpacing = 22): number[] {
  const every = [1, 2, 5, 10, 20, 25, 50, 100, 250, 500, 1000].find((candidate) => candidate * cellWidth >= minSpacing) ?? steps;
  const ticks = [1];
  for (let step = every; step < steps; step += every) if ((step - 1) * cellWidth >= minSpacing && (steps - step) * cellWidth >= minSpacing) ticks.push(step);
  if (steps > 1) ticks.push(steps);
  return ticks;
}
