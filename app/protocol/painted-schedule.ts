/**
 * A dilation schedule painted cell by cell on the schedule editor's heat map, as the PaintedSchedule
 * node stores it in its `schedule` widget: per pass, per conv (by module path), one value per step.
 * Shared by the renderer (which paints it) and the engine (which validates and runs it), so the two
 * read the text the same way.
 *
 * Text form: JSON whose per-step rows are run-length strings, so a 500-step schedule stays short
 * and a diff stays readable —
 *
 *   {"steps":30,
 *    "guided":{"down_blocks.1.resnets.0.conv1":"2*18 1*12"},
 *    "ndcfg":{"active":"1*12 0*18","convs":{"mid_block.resnets.0.conv1":"1.5*12 1*18"}},
 *    "dispersed":{"mid_block.resnets.0.conv1":"1*9 0*21"}}
 *
 * `v*n` is n steps of v, a bare `v` one step. Convs left out are plain (×1) / not dispersed;
 * `"ndcfg":null` is plain CFG. Empty text paints nothing: no ScaleCrafter change at any step count.
 */
import type { ScheduleTable } from './channels.js';
import { UserFacingError } from './user-facing-error.js';

export interface PaintedNoiseDamped {
  /** Per step: the ND-CFG base pass runs (a third UNet evaluation gives the guidance's base). */
  readonly active: readonly boolean[];
  readonly convs: Readonly<Record<string, readonly number[]>>;
}

export interface PaintedSchedule {
  readonly steps: number;
  /** Per conv, its dilation at every step of the guided pass; 1 = plain. */
  readonly guided: Readonly<Record<string, readonly number[]>>;
  readonly ndcfg: PaintedNoiseDamped | null;
  readonly dispersed: Readonly<Record<string, readonly boolean[]>>;
}

/** The most steps a painted schedule may have (the Sampler's own limit is far lower). */
const MAX_STEPS = 10_000;

const problem = (message: string, hint?: string) => new UserFacingError(message, hint === undefined ? {} : { hint });

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `2*18 1.5*3 1` → [2 ×18, 1.5 ×3, 1]; exactly `steps` values. */
export function expandRuns(text: unknown, steps: number, where: string): number[] {
  if (typeof text !== 'string') throw problem(`${where} must be a run-length string such as "2*18 1*12"`);
  const runs = text.trim().split(/\s+/).filter(Boolean).map((token) => {
    const match = /^(\d+(?:\.\d+)?)(?:\*(\d+))?$/.exec(token);
    if (!match) throw problem(`${where}: "${token}" is not value*count`, 'e.g. 2*18 (18 steps at ×2)');
    return { value: Number(match[1]), count: match[2] === undefined ? 1 : Number(match[2]) };
  });
  const covered = runs.reduce((sum, run) => sum + run.count, 0);
  if (covered !== steps) throw problem(`${where} covers ${covered} steps, not the schedule's ${steps}`, 'the counts after * must add up to "steps"');
  return runs.flatMap((run) => Array<number>(run.count).fill(run.value));
}

/** [2,2,2,1] → "2*3 1". */
export function compressRuns(values: readonly number[]): string {
  const runs: string[] = [];
  for (let start = 0; start < values.length; ) {
    let end = start + 1;
    while (end < values.length && values[end] === values[start]) end += 1;
    runs.push(end - start === 1 ? String(values[start]) : `${values[start]}*${end - start}`);
    start = end;
  }
  return runs.join(' ');
}

function dilationRows(value: unknown, steps: number, where: string): Record<string, number[]> {
  if (!isRecord(value)) throw problem(`${where} must be an object of conv → per-step dilations`);
  const rows: Record<string, number[]> = {};
  for (const [conv, runs] of Object.entries(value)) {
    const row = expandRuns(runs, steps, `${where}.${conv}`);
    const bad = row.find((dilation) => !(dilation >= 1));
    if (bad !== undefined) throw problem(`${where}.${conv}: dilation ${bad} is below 1`, 'use ×1 (plain) or more');
    rows[conv] = row;
  }
  return rows;
}

function flagRow(value: unknown, steps: number, where: string): boolean[] {
  const row = expandRuns(value, steps, where);
  if (row.some((flag) => flag !== 0 && flag !== 1)) throw problem(`${where}: flags are 0 or 1`);
  return row.map((flag) => flag === 1);
}

/** The text form read and checked; throws UserFacingError (its message names the key at fault). */
export function parsePaintedSchedule(text: string): PaintedSchedule | null {
  if (text.trim() === '') return null;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UserFacingError(`the painted schedule is not JSON: ${error instanceof Error ? error.message : String(error)}`, { hint: 'paint it on the heat map, or clear the text', cause: error });
  }
  if (!isRecord(json)) throw problem('the painted schedule must be a JSON object');
  const { steps, guided, ndcfg, dispersed } = json;
  if (!(typeof steps === 'number' && Number.isInteger(steps) && steps >= 1 && steps <= MAX_STEPS)) throw problem(`"steps" must be an integer from 1 to ${MAX_STEPS}`);
  const dispersedRows: Record<string, boolean[]> = {};
  if (!isRecord(dispersed ?? {})) throw problem('"dispersed" must be an object of conv → per-step 0/1 flags');
  for (const [conv, runs] of Object.entries((dispersed ?? {}) as Record<string, unknown>)) dispersedRows[conv] = flagRow(runs, steps, `dispersed.${conv}`);
  if (ndcfg !== null && ndcfg !== undefined && !isRecord(ndcfg)) throw problem('"ndcfg" must be null (plain CFG) or {"active": …, "convs": {…}}');
  return {
    steps,
    guided: dilationRows(guided ?? {}, steps, 'guided'),
    ndcfg: isRecord(ndcfg) ? { active: flagRow(ndcfg['active'], steps, 'ndcfg.active'), convs: dilationRows(ndcfg['convs'] ?? {}, steps, 'ndcfg.convs') } : null,
    dispersed: dispersedRows,
  };
}

const dilationText = (rows: Readonly<Record<string, readonly number[]>>) =>
  Object.fromEntries(Object.entries(rows).filter(([, row]) => row.some((dilation) => dilation !== 1)).map(([conv, row]) => [conv, compressRuns(row)]));

/** The text form: rows that are all ×1 / never dispersed are left out. */
export function formatPaintedSchedule(schedule: PaintedSchedule): string {
  const flags = (row: readonly boolean[]) => compressRuns(row.map((flag) => (flag ? 1 : 0)));
  const dispersed = Object.fromEntries(Object.entries(schedule.dispersed).filter(([, row]) => row.some(Boolean)).map(([conv, row]) => [conv, flags(row)]));
  const ndcfg = schedule.ndcfg && { active: flags(schedule.ndcfg.active), convs: dilationText(schedule.ndcfg.convs) };
  return JSON.stringify({ steps: schedule.steps, guided: dilationText(schedule.guided), ndcfg, dispersed });
}

/** What a schedule table shows, as a painted schedule: "start from the current schedule". */
export function paintedFromTable(table: Pick<ScheduleTable, 'steps' | 'convs' | 'main' | 'noiseDampedBase' | 'dispersed'>): PaintedSchedule {
  const column = <T>(grid: readonly (readonly T[] | null)[], conv: number, fallback: T) => grid.map((row) => row?.[conv] ?? fallback);
  const ndcfgRuns = table.noiseDampedBase.some((row) => row !== null);
  return {
    steps: table.steps,
    guided: Object.fromEntries(table.convs.map((conv, index) => [conv, column(table.main, index, 1)])),
    ndcfg: ndcfgRuns ? { active: table.noiseDampedBase.map((row) => row !== null), convs: Object.fromEntries(table.convs.map((conv, index) => [conv, column(table.noiseDampedBase, index, 1)])) } : null,
    dispersed: Object.fromEntries(table.convs.map((conv, index) => [conv, column(table.dispersed, index, false)])),
  };
}

/** The widget of a 'painted-schedule' node that holds the text form. */
export const PAINTED_SCHEDULE_WIDGET = 'schedule';
