/**
 * Plain-data views of a scheduleTable reply for one pass: the grid to draw, how many steps each
 * conv runs dilated, and one line per block. The panel shows these as text and data attributes, so
 * a reader (or a test) gets what the heat map shows without looking at pixels.
 */
import type { ScheduleTable } from '../../../app/protocol/index.js';
import { groupConvsByBlock } from './conv-groups.js';

/** The guided (main) pass, or the noise-damped CFG base pass (docs/scalecrafter-method.md §4). */
export type SchedulePass = 'main' | 'noiseDampedBase';

/** Per step, the dilation of every conv; null where the pass does not run at that step. */
export function passGrid(table: ScheduleTable, pass: SchedulePass): ReadonlyArray<readonly number[] | null> {
  return pass === 'main' ? table.main : table.noiseDampedBase;
}

/** Whether the ND-CFG base pass runs at any step (it does only with a NoiseDampedCFG patch). */
export function passRuns(table: ScheduleTable, pass: SchedulePass): boolean {
  return passGrid(table, pass).some((row) => row !== null);
}

/** Per conv, the number of steps at which it is dilated (> 1) in `pass`. */
export function activeStepsPerConv(table: ScheduleTable, pass: SchedulePass): number[] {
  const counts = table.convs.map(() => 0);
  for (const row of passGrid(table, pass)) row?.forEach((dilation, conv) => (counts[conv]! += dilation > 1 ? 1 : 0));
  return counts;
}

export interface BlockSummary {
  block: string;
  label: string;
  convs: number;
  /** The most steps any conv of the block is dilated for. */
  activeSteps: number;
  /** 1-based first and last step at which any conv of the block is dilated; null when none is. */
  stepSpan: readonly [number, number] | null;
  /** The smallest and largest dilation above 1 in the block; null when none. */
  dilationRange: readonly [number, number] | null;
  /** Steps at which any conv of the block is dispersed. */
  dispersedSteps: number;
}

export function blockSummaries(table: ScheduleTable, pass: SchedulePass): BlockSummary[] {
  const grid = passGrid(table, pass);
  const active = activeStepsPerConv(table, pass);
  return groupConvsByBlock(table.convs).map((group) => {
    const members = Array.from({ length: group.count }, (_, offset) => group.start + offset);
    let span: [number, number] | null = null;
    let range: [number, number] | null = null;
    let dispersedSteps = 0;
    grid.forEach((row, step) => {
      if (members.some((conv) => table.dispersed[step]?.[conv])) dispersedSteps += 1;
      for (const conv of members) {
        const dilation = row?.[conv] ?? 1;
        if (dilation <= 1) continue;
        span = span ? [span[0], step + 1] : [step + 1, step + 1];
        range = range ? [Math.min(range[0], dilation), Math.max(range[1], dilation)] : [dilation, dilation];
      }
    });
    return {
      block: group.block,
      label: group.label,
      convs: group.count,
      activeSteps: Math.max(0, ...members.map((conv) => active[conv]!)),
      stepSpan: span,
      dilationRange: range,
      dispersedSteps,
    };
  });
}

/** The 1-based last step at which anything in `pass` is dilated (the effective tau), or 0. */
export function lastActiveStep(table: ScheduleTable, pass: SchedulePass): number {
  const grid = passGrid(table, pass);
  for (let step = grid.length - 1; step >= 0; step -= 1) if (grid[step]?.some((dilation) => dilation > 1)) return step + 1;
  return 0;
}
