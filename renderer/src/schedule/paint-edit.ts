/**
 * Heat-map edits as plain data: a rectangle of cells (a conv range × a step range, in the table's
 * row order) and a tool applied to a painted schedule. Pure, so an edit can be tested without a
 * canvas and the node's widget text is the only state.
 */
import type { PaintedSchedule } from '../../../app/protocol/index.js';
import type { SchedulePass } from './schedule-summary.js';

/** Inclusive conv (row) and step (column) ranges, first ≤ last. */
export interface CellRange {
  readonly convs: readonly [number, number];
  readonly steps: readonly [number, number];
}

export type PaintTool =
  /** Set the dilation (1 = plain); in the ND-CFG pass it also makes the pass run at those steps. */
  | { readonly kind: 'dilation'; readonly value: number }
  /** ND-CFG pass only: plain CFG at those steps. */
  | { readonly kind: 'pass-off' }
  /** Dispersion on, or off where every cell of the range already is dispersed. */
  | { readonly kind: 'dispersion' };

/** The rectangle spanned by two cells, whichever corner the drag started from. */
export function rangeBetween(a: { conv: number; step: number }, b: { conv: number; step: number }): CellRange {
  return { convs: [Math.min(a.conv, b.conv), Math.max(a.conv, b.conv)], steps: [Math.min(a.step, b.step), Math.max(a.step, b.step)] };
}

/** Nothing painted yet: every conv plain, plain CFG, nothing dispersed. */
export function blankPainted(steps: number): PaintedSchedule {
  return { steps, guided: {}, ndcfg: null, dispersed: {} };
}

type Rows<T> = Record<string, T[]>;

function paintRows<T>(rows: Readonly<Record<string, readonly T[]>>, names: readonly string[], range: CellRange, steps: number, fill: T, value: T): Rows<T> {
  const copy: Rows<T> = Object.fromEntries(Object.entries(rows).map(([conv, row]) => [conv, [...row]]));
  for (let conv = range.convs[0]; conv <= range.convs[1]; conv += 1) {
    const row = (copy[names[conv]!] ??= Array<T>(steps).fill(fill));
    for (let step = range.steps[0]; step <= range.steps[1]; step += 1) row[step] = value;
  }
  return copy;
}

function toggleDispersion(painted: PaintedSchedule, names: readonly string[], range: CellRange): PaintedSchedule {
  let all = true;
  for (let conv = range.convs[0]; conv <= range.convs[1]; conv += 1) {
    for (let step = range.steps[0]; step <= range.steps[1]; step += 1) all &&= painted.dispersed[names[conv]!]?.[step] === true;
  }
  return { ...painted, dispersed: paintRows(painted.dispersed, names, range, painted.steps, false, !all) };
}

function paintNoiseDamped(painted: PaintedSchedule, names: readonly string[], range: CellRange, tool: PaintTool): PaintedSchedule {
  const current = painted.ndcfg ?? { active: Array<boolean>(painted.steps).fill(false), convs: {} };
  const active = [...current.active];
  for (let step = range.steps[0]; step <= range.steps[1]; step += 1) active[step] = tool.kind !== 'pass-off';
  const convs = tool.kind === 'dilation' ? paintRows(current.convs, names, range, painted.steps, 1, tool.value) : current.convs;
  return { ...painted, ndcfg: active.some(Boolean) ? { active, convs } : null };
}

/** `painted` with `tool` applied to the cells of `range` in `pass`; `names` are the table's convs. */
export function paintRange(painted: PaintedSchedule, names: readonly string[], pass: SchedulePass, range: CellRange, tool: PaintTool): PaintedSchedule {
  if (tool.kind === 'dispersion') return toggleDispersion(painted, names, range);
  if (pass === 'noiseDampedBase') return paintNoiseDamped(painted, names, range, tool);
  if (tool.kind === 'pass-off') return painted;
  return { ...painted, guided: paintRows(painted.guided, names, range, painted.steps, 1, tool.value) };
}
