/**
 * Draws one pass of a schedule table on a 2D canvas: block labels, step axis, one cell per conv
 * and step coloured by its dilation, a corner mark on dispersed cells, a hatch on steps where the
 * pass does not run, a tau line after the last dilated step, and the hovered cell's crosshair.
 */
import type { ScheduleTable } from '../../../app/protocol/index.js';
import type { CellRange } from '../schedule/paint-edit.js';
import { cssColour, dilationColour, INACTIVE_PASS_RGB } from '../schedule/dilation-colours.js';
import { axisTicks, type HeatMapLayout } from '../schedule/heat-map-layout.js';
import { lastActiveStep, passGrid, type SchedulePass } from '../schedule/schedule-summary.js';

export interface HeatMapView {
  table: ScheduleTable;
  pass: SchedulePass;
  layout: HeatMapLayout;
  hover: { conv: number; step: number } | null;
  /** The step the running Sampler is at (0-based), drawn as a cursor; null when idle. */
  currentStep: number | null;
  /** The cells a paint drag covers so far. */
  selection: CellRange | null;
}

const LABEL_COLOUR = '#9a9aa2';
const FONT = '10px system-ui, sans-serif';

export function paintHeatMap(canvas: HTMLCanvasElement, view: HeatMapView): void {
  const { layout } = view;
  const ratio = window.devicePixelRatio || 1;
  const pixelWidth = Math.round(layout.width * ratio);
  const pixelHeight = Math.round(layout.height * ratio);
  if (canvas.width !== pixelWidth || canvas.height !== pixelHeight) {
    canvas.width = pixelWidth;
    canvas.height = pixelHeight;
    canvas.style.width = `${layout.width}px`;
    canvas.style.height = `${layout.height}px`;
  }
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, layout.width, layout.height);
  ctx.font = FONT;
  paintLabels(ctx, layout);
  paintCells(ctx, view);
  paintTau(ctx, view);
  if (view.currentStep !== null) paintColumnLine(ctx, layout, view.currentStep + 0.5, '#ffffff', []);
  paintHover(ctx, view);
  if (view.selection) paintSelection(ctx, layout, view.selection);
}

/** The drag rectangle: a dashed white frame from the first to the last covered cell. */
function paintSelection(ctx: CanvasRenderingContext2D, layout: HeatMapLayout, range: CellRange): void {
  const left = layout.gridLeft + range.steps[0] * layout.cellWidth;
  const right = layout.gridLeft + (range.steps[1] + 1) * layout.cellWidth;
  const top = layout.rowTops[range.convs[0]]!;
  const bottom = layout.rowTops[range.convs[1]]! + layout.rowHeight;
  ctx.save();
  ctx.fillStyle = 'rgba(255, 255, 255, 0.15)';
  ctx.fillRect(left, top, right - left, bottom - top);
  ctx.strokeStyle = '#ffffff';
  ctx.setLineDash([4, 2]);
  ctx.lineWidth = 1.5;
  ctx.strokeRect(left + 0.75, top + 0.75, right - left - 1.5, bottom - top - 1.5);
  ctx.restore();
}

function paintLabels(ctx: CanvasRenderingContext2D, layout: HeatMapLayout): void {
  ctx.fillStyle = LABEL_COLOUR;
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'right';
  for (const group of layout.groups) {
    ctx.fillText(group.label, layout.gridLeft - 6, group.top + group.height / 2, layout.gridLeft - 8);
    // A bracket per block, so a one-conv block still reads as a block.
    ctx.fillRect(layout.gridLeft - 3, group.top, 1, group.height);
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'alphabetic';
  for (const tick of axisTicks(layout.steps, layout.cellWidth)) {
    ctx.fillText(String(tick), layout.gridLeft + (tick - 0.5) * layout.cellWidth, layout.gridTop - 5);
  }
}

function paintCells(ctx: CanvasRenderingContext2D, view: HeatMapView): void {
  const { table, layout } = view;
  const grid = passGrid(table, view.pass);
  // One-pixel seams between cells while cells are wide enough to afford them.
  const seam = layout.cellWidth >= 5 ? 1 : 0;
  const rowSeam = layout.rowHeight >= 6 ? 1 : 0;
  grid.forEach((row, step) => {
    const left = layout.gridLeft + step * layout.cellWidth;
    table.convs.forEach((_, conv) => {
      const top = layout.rowTops[conv]!;
      const width = layout.cellWidth - seam;
      const height = layout.rowHeight - rowSeam;
      if (row === null) {
        paintInactive(ctx, left, top, width, height);
        return;
      }
      ctx.fillStyle = cssColour(dilationColour(row[conv] ?? 1));
      ctx.fillRect(left, top, width, height);
      if (table.dispersed[step]?.[conv]) paintDispersedMark(ctx, left, top, width, height);
    });
  });
}

function paintInactive(ctx: CanvasRenderingContext2D, left: number, top: number, width: number, height: number): void {
  ctx.fillStyle = cssColour(INACTIVE_PASS_RGB);
  ctx.fillRect(left, top, width, height);
  ctx.save();
  ctx.beginPath();
  ctx.rect(left, top, width, height);
  ctx.clip();
  ctx.strokeStyle = '#3a3a40';
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (let offset = -height; offset < width; offset += 4) {
    ctx.moveTo(left + offset, top + height);
    ctx.lineTo(left + offset + height, top);
  }
  ctx.stroke();
  ctx.restore();
}

/** A white triangle in the top-right corner: dispersed convs keep their colour (their dilation). */
function paintDispersedMark(ctx: CanvasRenderingContext2D, left: number, top: number, width: number, height: number): void {
  const size = Math.max(3, Math.min(width, height) * 0.6);
  ctx.fillStyle = '#ffffff';
  ctx.beginPath();
  ctx.moveTo(left + width - size, top);
  ctx.lineTo(left + width, top);
  ctx.lineTo(left + width, top + size);
  ctx.closePath();
  ctx.fill();
}

function paintTau(ctx: CanvasRenderingContext2D, view: HeatMapView): void {
  const last = lastActiveStep(view.table, view.pass);
  if (last === 0 || last >= view.layout.steps) return;
  paintColumnLine(ctx, view.layout, last, '#ff9f43', [3, 2]);
  ctx.fillStyle = '#ff9f43';
  ctx.textAlign = 'left';
  ctx.fillText('τ', view.layout.gridLeft + last * view.layout.cellWidth + 2, view.layout.gridTop - 5);
}

/** A vertical line at `columns` cell widths from the grid's left edge. */
function paintColumnLine(ctx: CanvasRenderingContext2D, layout: HeatMapLayout, columns: number, colour: string, dash: number[]): void {
  const x = Math.round(layout.gridLeft + columns * layout.cellWidth) - 0.5;
  ctx.save();
  ctx.strokeStyle = colour;
  ctx.setLineDash(dash);
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(x, layout.gridTop - 2);
  ctx.lineTo(x, layout.height);
  ctx.stroke();
  ctx.restore();
}

function paintHover(ctx: CanvasRenderingContext2D, view: HeatMapView): void {
  const { hover, layout } = view;
  if (!hover) return;
  const left = layout.gridLeft + hover.step * layout.cellWidth;
  const top = layout.rowTops[hover.conv]!;
  ctx.fillStyle = 'rgba(255, 255, 255, 0.08)';
  ctx.fillRect(layout.gridLeft, top, layout.width - layout.gridLeft, layout.rowHeight);
  ctx.fillRect(left, layout.gridTop, layout.cellWidth, layout.height - layout.gridTop);
  ctx.strokeStyle = '#ffffff';
  ctx.lineWidth = 1.5;
  ctx.strokeRect(left + 0.75, top + 0.75, Math.max(1, layout.cellWidth - 1.5), Math.max(1, layout.rowHeight - 1.5));
}
