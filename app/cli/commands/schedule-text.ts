/** The CLI's schedule tables as text: convs grouped by block part, steps merged where nothing changes. */
import type { DilationTable } from '../../scalecrafter/dilation-table.js';
import { convLocation } from '../../scalecrafter/unet-convs.js';

function pad(cells: readonly string[], widths: readonly number[]): string {
  return cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
}

export function renderRows(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => `  ${pad(row, widths)}`.trimEnd()).join('\n');
}

/** Consecutive convs of one block part with identical cells share a row. */
function rowGroups(table: DilationTable, cellsOf: (conv: number) => string[]): { label: string; cells: string[] }[] {
  const groups: { part: string; convs: string[]; cells: string[] }[] = [];
  table.convs.forEach((conv, index) => {
    const location = convLocation(conv);
    const part = location === null ? conv : `${location.block}.${location.part}`;
    const cells = cellsOf(index);
    const last = groups.at(-1);
    if (last !== undefined && last.part === part && last.cells.join() === cells.join()) last.convs.push(conv);
    else groups.push({ part, convs: [conv], cells });
  });
  return groups.map(({ part, convs, cells }) => {
    const wholePart = groups.filter((group) => group.part === part).length === 1;
    const label =
      convs.length === 1 ? convs[0]! : wholePart ? `${part} (${convs.length})` : `${convs[0]} … ${convs.at(-1)} (${convs.length})`;
    return { label, cells };
  });
}

/** Step columns: maximal runs of steps over which no row changes. */
function stepColumns(perStepKeys: readonly string[]): { first: number; last: number }[] {
  const columns: { first: number; last: number }[] = [];
  perStepKeys.forEach((key, step) => {
    const column = columns.at(-1);
    if (column !== undefined && perStepKeys[column.first] === key) column.last = step;
    else columns.push({ first: step, last: step });
  });
  return columns;
}

function passText(table: DilationTable, pass: 'main' | 'noiseDampedBase'): string {
  const cell = (step: number, conv: number): string => {
    const controls = table.perStep[step]!;
    const dilations = pass === 'main' ? controls.main : controls.noiseDampedBase;
    if (dilations === null) return 'off';
    const value = dilations[conv]!;
    return `${value === 1 ? '·' : String(value)}${controls.dispersed[conv] === true ? '*' : ''}`;
  };
  const perStepKeys = table.perStep.map((_, step) => table.convs.map((__, conv) => cell(step, conv)).join());
  const columns = stepColumns(perStepKeys);
  const header = ['conv', ...columns.map(({ first, last }) => (first === last ? `${first}` : `${first}–${last}`))];
  const groups = rowGroups(table, (conv) => columns.map(({ first }) => cell(first, conv)));
  return renderRows([header, ...groups.map(({ label, cells }) => [label, ...cells])]);
}

/** A pass's table, or one line when it changes nothing at any step. */
export function passBody(table: DilationTable, pass: 'main' | 'noiseDampedBase'): string {
  const active = table.perStep.some((controls) =>
    pass === 'main' ? controls.main.some((dilation) => dilation !== 1) : controls.noiseDampedBase !== null,
  );
  return active ? passText(table, pass) : `  off at every step${pass === 'main' ? '' : ' (plain CFG)'}`;
}
