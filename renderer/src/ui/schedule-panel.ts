/**
 * The dilation-schedule editor's panel: shown while a ScaleCrafter patch node is selected. It
 * draws the layers × steps table the engine computes (scheduleTable) as a heat map for the guided
 * pass or the ND-CFG base pass, reads out the cell under the pointer, lists a summary per block,
 * shows the request's errors by field, and holds the "auto-queue on change" switch.
 *
 * Everything the map shows is also in the DOM (data attributes and the block table), so it can be
 * read without looking at pixels.
 */
import type { Issue, ScheduleTable } from '../../../app/protocol/index.js';
import { groupConvsByBlock } from '../schedule/conv-groups.js';
import { cssColour, dilationColour, dilationLabel, LEGEND_DILATIONS, legendLabel } from '../schedule/dilation-colours.js';
import { cellAt, heatMapLayout, type HeatMapLayout } from '../schedule/heat-map-layout.js';
import { activeStepsPerConv, blockSummaries, passGrid, passRuns, type BlockSummary, type SchedulePass } from '../schedule/schedule-summary.js';
import { button, element, setChildren } from './element.js';
import { paintHeatMap } from './heat-map-painter.js';
import { rangeBetween, type CellRange, type PaintTool } from '../schedule/paint-edit.js';
import { SchedulePaintBar } from './schedule-paint-bar.js';

export interface ScheduleSubject {
  /** The selected node, and the node whose table is shown (the end of its MODEL chain). */
  nodeId: string;
  title: string;
  readNodeId: string;
  readTitle: string;
}

export interface SchedulePanelState {
  subject: ScheduleSubject | null;
  /** The last table computed for the subject; kept (dimmed) while a new one loads or when it fails. */
  table: ScheduleTable | null;
  issues: readonly Issue[];
  loading: boolean;
  /** The running Sampler's step (0-based) while the shown schedule is being sampled. */
  currentStep: number | null;
  /** The selected node holds a painted schedule: the map edits it. */
  paintable: boolean;
}

export interface SchedulePanelOptions {
  autoQueue: boolean;
  onAutoQueueChange(on: boolean): void;
  /** Cells dragged over (or one clicked) with a paint tool, in the pass shown. */
  onPaint(range: CellRange, tool: PaintTool, pass: SchedulePass): void;
  /** "Paint this schedule": make the shown table a painted schedule. */
  onConvert(): void;
}

type Cell = { conv: number; step: number };

const PASS_LABELS: Record<SchedulePass, string> = { main: 'Guided pass', noiseDampedBase: 'ND-CFG base pass' };

export class SchedulePanel {
  readonly #root = element('section', { class: 'panel schedule-panel', 'data-testid': 'schedule-panel', hidden: true, 'aria-label': 'Dilation schedule' });
  readonly #caption = element('div', { class: 'schedule-caption', 'data-testid': 'schedule-caption' });
  readonly #passButtons: Record<SchedulePass, HTMLButtonElement>;
  readonly #autoQueue = element('input', { type: 'checkbox', 'data-testid': 'schedule-auto-queue' });
  readonly #issues = element('ul', { class: 'schedule-issues', 'data-testid': 'schedule-issues', role: 'alert' });
  readonly #canvas = element('canvas', { class: 'schedule-heat-map', 'data-testid': 'schedule-heat-map', role: 'img' });
  readonly #readout = element('div', { class: 'schedule-readout', 'data-testid': 'schedule-readout', 'aria-live': 'polite' });
  readonly #notes = element('div', { class: 'schedule-notes muted' });
  readonly #summary = element('tbody');
  readonly #paintBar: SchedulePaintBar;
  readonly #onPaint: SchedulePanelOptions['onPaint'];
  #state: SchedulePanelState = { subject: null, table: null, issues: [], loading: false, currentStep: null, paintable: false };
  /** The drag in progress: where it started and the cell under the pointer now. */
  #drag: { anchor: Cell; current: Cell } | null = null;
  #pass: SchedulePass = 'main';
  #layout: HeatMapLayout | null = null;
  #hover: { conv: number; step: number } | null = null;

  constructor(parent: HTMLElement, options: SchedulePanelOptions) {
    this.#onPaint = options.onPaint;
    this.#paintBar = new SchedulePaintBar(options.onConvert);
    this.#passButtons = {
      main: button(PASS_LABELS.main, () => this.#setPass('main'), { 'data-testid': 'schedule-pass-main', title: 'The dilation of every conv in the guided UNet pass' }),
      noiseDampedBase: button(PASS_LABELS.noiseDampedBase, () => this.#setPass('noiseDampedBase'), {
        'data-testid': 'schedule-pass-noiseDampedBase',
        title: 'The dilation of the noise-damped CFG base pass (a NoiseDampedCFG node turns it on)',
      }),
    };
    this.#autoQueue.checked = options.autoQueue;
    this.#autoQueue.addEventListener('change', () => options.onAutoQueueChange(this.#autoQueue.checked));
    this.#canvas.addEventListener('pointermove', (event) => this.#pointer(event));
    this.#canvas.addEventListener('pointerleave', () => this.#setHover(null));
    this.#canvas.addEventListener('pointerdown', (event) => this.#startDrag(event));
    this.#canvas.addEventListener('pointerup', () => this.#endDrag());
    this.#canvas.addEventListener('pointercancel', () => {
      this.#drag = null;
      this.#drawTable();
    });
    this.#root.append(
      element('h2', {}, 'Dilation schedule'),
      this.#caption,
      element(
        'div',
        { class: 'schedule-controls' },
        element('div', { class: 'segmented', role: 'group', 'aria-label': 'Pass' }, this.#passButtons.main, this.#passButtons.noiseDampedBase),
        element('label', { class: 'schedule-auto-queue', title: 'Queue the workflow after every change to a ScaleCrafter node; the engine re-runs only the Sampler and what follows' }, this.#autoQueue, 'Auto-queue on change'),
      ),
      this.#paintBar.root,
      this.#issues,
      this.#canvas,
      this.#readout,
      legend(),
      element('table', { class: 'schedule-summary', 'data-testid': 'schedule-summary' }, element('thead', {}, element('tr', {}, element('th', {}, 'block'), element('th', {}, 'dilated steps'), element('th', {}, 'dilation'))), this.#summary),
      this.#notes,
    );
    parent.prepend(this.#root);
    this.#setPass('main');
  }

  get pass(): SchedulePass {
    return this.#pass;
  }

  render(state: SchedulePanelState): void {
    this.#state = state;
    const { subject, table, issues, loading } = state;
    this.#root.hidden = subject === null;
    if (!subject) return;
    const root = this.#root.dataset;
    root.nodeId = subject.nodeId;
    root.readNodeId = subject.readNodeId;
    root.state = loading ? 'loading' : issues.length > 0 ? 'error' : table ? 'ready' : 'empty';
    root.steps = table ? String(table.steps) : '';
    root.paintable = String(state.paintable);
    this.#canvas.classList.toggle('paintable', state.paintable);
    this.#paintBar.show({ paintable: state.paintable, ndcfgPass: this.#pass === 'noiseDampedBase' });
    this.#caption.textContent =
      `${subject.title} #${subject.nodeId}` +
      (subject.readNodeId === subject.nodeId ? '' : ` → as the Sampler gets it, after ${subject.readTitle} #${subject.readNodeId}`) +
      (table ? ` · ${table.steps} steps` : '') +
      (loading ? ' · computing…' : '');
    setChildren(this.#issues, issues.map((issue) => issueRow(issue, subject.nodeId)));
    this.#canvas.classList.toggle('stale', loading || issues.length > 0);
    if (this.#hover && table && (this.#hover.conv >= table.convs.length || this.#hover.step >= table.steps)) this.#hover = null;
    this.#drawTable();
  }

  #setPass(pass: SchedulePass): void {
    this.#pass = pass;
    this.#root.dataset.pass = pass;
    this.#paintBar.show({ paintable: this.#state.paintable, ndcfgPass: pass === 'noiseDampedBase' });
    for (const [name, control] of Object.entries(this.#passButtons)) control.setAttribute('aria-pressed', String(name === pass));
    this.#drawTable();
  }

  #drawTable(): void {
    const { table } = this.#state;
    this.#canvas.hidden = table === null;
    if (!table) {
      this.#layout = null;
      this.#summary.replaceChildren();
      this.#readout.textContent = this.#state.loading ? 'Computing the schedule…' : '';
      this.#notes.textContent = '';
      return;
    }
    const width = Math.max(200, this.#root.clientWidth - 24);
    this.#layout = heatMapLayout(groupConvsByBlock(table.convs), table.steps, width);
    const active = activeStepsPerConv(table, this.#pass);
    const runs = passRuns(table, this.#pass);
    Object.assign(this.#canvas.dataset, { pass: this.#pass, passRuns: String(runs), convs: String(table.convs.length), activeSteps: active.join(',') });
    this.#canvas.setAttribute('aria-label', `${PASS_LABELS[this.#pass]}: ${table.convs.length} convs × ${table.steps} steps; ${active.filter((count) => count > 0).length} convs dilated`);
    this.#passButtons.noiseDampedBase.textContent = `${PASS_LABELS.noiseDampedBase}${passRuns(table, 'noiseDampedBase') ? '' : ' (off)'}`;
    const selection = this.#drag ? rangeBetween(this.#drag.anchor, this.#drag.current) : null;
    paintHeatMap(this.#canvas, { table, pass: this.#pass, layout: this.#layout, hover: this.#hover, currentStep: this.#state.currentStep, selection });
    this.#summary.replaceChildren(...blockSummaries(table, this.#pass).map(summaryRow));
    this.#notes.textContent = [
      runs ? '' : `The ${PASS_LABELS[this.#pass]} does not run: add a NoiseDampedCFG node to the chain.`,
      table.ignored.length > 0 ? `Not in this UNet (ignored): ${table.ignored.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join(' ');
    this.#showReadout();
  }

  #cellOf(event: PointerEvent): Cell | null {
    if (!this.#layout) return null;
    const rect = this.#canvas.getBoundingClientRect();
    return cellAt(this.#layout, event.clientX - rect.left, event.clientY - rect.top);
  }

  #pointer(event: PointerEvent): void {
    const cell = this.#cellOf(event);
    if (this.#drag && cell && (cell.conv !== this.#drag.current.conv || cell.step !== this.#drag.current.step)) {
      this.#drag.current = cell;
      this.#hover = cell;
      this.#drawTable();
      return;
    }
    this.#setHover(cell);
  }

  #startDrag(event: PointerEvent): void {
    const cell = this.#cellOf(event);
    if (!this.#state.paintable || !cell || event.button !== 0) return;
    this.#canvas.setPointerCapture(event.pointerId);
    this.#drag = { anchor: cell, current: cell };
    this.#drawTable();
  }

  #endDrag(): void {
    const drag = this.#drag;
    if (!drag) return;
    this.#drag = null;
    this.#onPaint(rangeBetween(drag.anchor, drag.current), this.#paintBar.tool, this.#pass);
    this.#drawTable();
  }

  #setHover(hover: { conv: number; step: number } | null): void {
    if (hover?.conv === this.#hover?.conv && hover?.step === this.#hover?.step) return;
    this.#hover = hover;
    this.#drawTable();
  }

  #showReadout(): void {
    const { table } = this.#state;
    const hover = this.#hover;
    const data = this.#readout.dataset;
    delete data.conv;
    delete data.step;
    delete data.dilation;
    if (!table || !hover) {
      this.#readout.textContent = 'Point at a cell to read its conv, step and dilation.';
      return;
    }
    const conv = table.convs[hover.conv]!;
    const row = passGrid(table, this.#pass)[hover.step];
    const dispersed = table.dispersed[hover.step]?.[hover.conv] === true;
    Object.assign(data, { conv, step: String(hover.step + 1), dilation: row ? String(row[hover.conv] ?? 1) : 'off' });
    const value = row ? dilationLabel(row[hover.conv] ?? 1) : 'pass not run at this step';
    this.#readout.replaceChildren(element('code', {}, conv), ` · step ${hover.step + 1}/${table.steps} · `, element('strong', {}, value), dispersed ? ' · dispersed' : '');
  }
}

/** The field first (the widget to fix); the node too when it is another node of the chain. */
function issueRow(issue: Issue, selectedNodeId: string): HTMLElement {
  const elsewhere = issue.nodeId !== undefined && issue.nodeId !== selectedNodeId ? `${issue.nodeType ?? 'node'} #${issue.nodeId}: ` : '';
  return element(
    'li',
    { class: 'schedule-issue', 'data-field': issue.field, 'data-node-id': issue.nodeId, 'data-testid': 'schedule-issue' },
    issue.field ? element('code', {}, issue.field) : null,
    `${elsewhere}${issue.message}`,
    issue.hint ? element('div', { class: 'muted' }, issue.hint) : null,
  );
}

function summaryRow(block: BlockSummary): HTMLElement {
  const [first, last] = block.stepSpan ?? [0, 0];
  const span = block.stepSpan ? `${block.activeSteps} (${first === last ? `step ${first}` : `steps ${first}–${last}`})` : '0';
  const range = block.dilationRange
    ? block.dilationRange[0] === block.dilationRange[1]
      ? dilationLabel(block.dilationRange[0])
      : `${dilationLabel(block.dilationRange[1])} → ${dilationLabel(block.dilationRange[0])}`
    : '×1';
  return element(
    'tr',
    {
      'data-testid': 'schedule-block',
      'data-block': block.block,
      'data-active-steps': block.activeSteps,
      'data-max-dilation': block.dilationRange?.[1] ?? 1,
      'data-dispersed-steps': block.dispersedSteps,
    },
    element('td', { title: `${block.block} (${block.convs} convs)` }, block.label),
    element('td', {}, span),
    element('td', {}, range, block.dispersedSteps > 0 ? ' · dispersed' : ''),
  );
}

function legend(): HTMLElement {
  const swatch = (className: string, colour?: string) => {
    const node = element('span', { class: `swatch ${className}` });
    if (colour) node.style.background = colour;
    return node;
  };
  return element(
    'div',
    { class: 'schedule-legend', 'data-testid': 'schedule-legend' },
    ...LEGEND_DILATIONS.map((dilation) => element('span', { class: 'legend-item' }, swatch('', cssColour(dilationColour(dilation))), legendLabel(dilation))),
    element('span', { class: 'legend-item' }, swatch('dispersed', cssColour(dilationColour(1))), 'dispersed'),
    element('span', { class: 'legend-item' }, swatch('pass-off'), 'pass off'),
    element('span', { class: 'legend-item' }, swatch('tau'), 'τ (last dilated step)'),
  );
}
