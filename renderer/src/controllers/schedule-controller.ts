/**
 * The dilation-schedule editor's behaviour: which node it shows (the selected ScaleCrafter patch
 * node), asking the engine for the table whenever the graph changes (debounced: the engine answers
 * from its cache after the first call, but a number drag still fires dozens of changes a second),
 * dropping answers that a newer request overtook, and — with "auto-queue on change" — queueing the
 * workflow after a patch node's widget changed, so the Sampler re-runs with the new schedule while
 * everything upstream comes from the engine's cache.
 */
import { formatPaintedSchedule, opensEditor, PAINTED_SCHEDULE_WIDGET, paintedFromTable, parsePaintedSchedule, type Issue, type ScheduleTable, type Workflow } from '../../../app/protocol/index.js';
import { blankPainted, paintRange, type CellRange, type PaintTool } from '../schedule/paint-edit.js';
import type { SchedulePass } from '../schedule/schedule-summary.js';
import type { GraphEditor } from '../canvas/graph-editor.js';
import type { EngineApi } from '../engine/engine-api.js';
import { scheduleReadNode } from '../schedule/schedule-target.js';
import { SchedulePanel, type ScheduleSubject } from '../ui/schedule-panel.js';
import type { RunController } from './run-controller.js';

/** How long widget changes settle before the table is asked for again. */
export const SCHEDULE_DEBOUNCE_MS = 150;
const AUTO_QUEUE_KEY = 'scalecrafter.schedule.autoQueue.v1';

export class ScheduleController {
  readonly #panel: SchedulePanel;
  #subject: ScheduleSubject | null = null;
  #table: ScheduleTable | null = null;
  #issues: Issue[] = [];
  #loading = false;
  /** What the shown table was computed from, so edits that do not touch it (moving a node) ask nothing. */
  #requestKey = '';
  #sequence = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #autoQueue: boolean;
  #autoQueuePending = false;
  #autoJobId: string | undefined;

  constructor(
    private readonly editor: GraphEditor,
    private readonly engine: EngineApi,
    private readonly runs: RunController,
    private readonly storage: Storage,
    parent: HTMLElement,
  ) {
    this.#autoQueue = storage.getItem(AUTO_QUEUE_KEY) === 'true';
    this.#panel = new SchedulePanel(parent, {
      autoQueue: this.#autoQueue,
      onAutoQueueChange: (on) => {
        this.#autoQueue = on;
        storage.setItem(AUTO_QUEUE_KEY, String(on));
      },
      onPaint: (range, tool, pass) => this.#paint(range, tool, pass),
      onConvert: () => this.#convert(),
    });
    editor.onSelectionChange((nodeIds) => this.#select(nodeIds));
    editor.onWidgetChange((nodeId) => this.#widgetChanged(nodeId));
    runs.onChange(() => this.#render());
  }

  /** The graph changed (an edit settled, undo, redo): re-read the table if what it depends on changed. */
  refresh(): void {
    if (this.#subject) this.#schedule();
  }

  /** Another document was opened: the selection and its table belong to the old one. */
  reset(): void {
    this.#subject = null;
    this.#table = null;
    this.#issues = [];
    this.#requestKey = '';
    this.#sequence += 1;
    this.#loading = false;
    this.#render();
  }

  #select(nodeIds: readonly number[]): void {
    const nodeId = nodeIds.find((id) => this.#opensSchedule(id));
    if (nodeId === undefined) {
      // Clicking the canvas background deselects; the panel goes, and so does a pending request.
      if (this.#subject) this.reset();
      return;
    }
    if (this.#subject?.nodeId === String(nodeId)) return;
    this.#subject = { nodeId: String(nodeId), title: this.#title(String(nodeId)), readNodeId: String(nodeId), readTitle: this.#title(String(nodeId)) };
    this.#issues = [];
    this.#requestKey = '';
    void this.#request();
  }

  #widgetChanged(nodeId: number): void {
    if (this.#opensSchedule(nodeId) && this.#autoQueue) this.#autoQueuePending = true;
    if (this.#subject || this.#autoQueuePending) this.#schedule();
  }

  #schedule(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#request(), SCHEDULE_DEBOUNCE_MS);
  }

  async #request(): Promise<void> {
    clearTimeout(this.#timer);
    const workflow = this.editor.snapshot();
    const autoQueue = this.#autoQueuePending;
    this.#autoQueuePending = false;
    const subject = this.#subject;
    // The table request waits behind a running job: stop the stale auto-queued one first.
    if (autoQueue) await this.#cancelAutoQueued();
    if (!subject) {
      if (autoQueue) this.#autoJobId = await this.runs.queue();
      return;
    }
    const readNodeId = scheduleReadNode(workflow, subject.nodeId, (type) => this.editor.schemas.get(type)?.outputs[0]?.type === 'MODEL');
    const key = requestKey(workflow, readNodeId);
    if (key === this.#requestKey && !autoQueue) return;
    this.#requestKey = key;
    this.#subject = { ...subject, readNodeId, readTitle: this.#title(readNodeId) };
    const sequence = ++this.#sequence;
    this.#loading = true;
    this.#render();
    let issues: Issue[];
    try {
      const result = await this.engine.request('scheduleTable', { workflow, nodeId: readNodeId });
      if (sequence !== this.#sequence) return;
      if (result.ok) this.#table = result.table;
      issues = result.ok ? [] : result.issues;
    } catch (error) {
      if (sequence !== this.#sequence) return;
      issues = [{ code: 'execution_failed', message: error instanceof Error ? error.message : String(error) }];
      this.#requestKey = '';
    }
    this.#issues = issues;
    this.#loading = false;
    this.#render();
    // A schedule the engine rejects would fail the run the same way; the panel already says why.
    if (autoQueue && issues.length === 0) this.#autoJobId = await this.runs.queue();
  }

  /** An auto-queued job still waiting or sampling an older schedule is of no use any more. */
  async #cancelAutoQueued(): Promise<void> {
    const previous = this.#autoJobId === undefined ? undefined : this.runs.tracker.job(this.#autoJobId);
    if (previous && (previous.status === 'queued' || previous.status === 'running')) await this.runs.cancel(previous.jobId);
  }

  #render(): void {
    const paintable = this.#subject !== null && this.#isPainted(Number(this.#subject.nodeId));
    this.#panel.render({ subject: this.#subject, table: this.#table, issues: this.#issues, loading: this.#loading, currentStep: this.#currentStep(), paintable });
  }

  /**
   * A heat-map edit: the painted node's widget text changes, which the document records as one undo
   * step (and marks unsaved) and which re-asks the table and, with auto-queue, re-runs the Sampler.
   */
  #paint(range: CellRange, tool: PaintTool, pass: SchedulePass): void {
    const nodeId = Number(this.#subject?.nodeId);
    const table = this.#table;
    const widget = this.editor.node(nodeId)?.widgets?.find((candidate) => candidate.name === PAINTED_SCHEDULE_WIDGET);
    if (!table || !widget || !this.#isPainted(nodeId)) return;
    let painted;
    try {
      painted = parsePaintedSchedule(String(widget.value ?? '')) ?? blankPainted(table.steps);
    } catch {
      // The engine's reply already lists what is wrong with the text; painting over it would hide that.
      return;
    }
    this.editor.setWidgetValue(nodeId, PAINTED_SCHEDULE_WIDGET, formatPaintedSchedule(paintRange(painted, table.convs, pass, range, tool)));
    this.#widgetChanged(nodeId);
  }

  /** "Paint this schedule": a painted node before the Sampler, holding the table shown cell by cell. */
  #convert(): void {
    const subject = this.#subject;
    const table = this.#table;
    const type = [...this.editor.schemas.values()].find((schema) => opensEditor(schema, 'painted-schedule'))?.type;
    if (!subject || !table || type === undefined) return;
    const inserted = this.editor.insertAfter(Number(subject.readNodeId), type);
    if (inserted === undefined) return;
    this.editor.setWidgetValue(inserted, PAINTED_SCHEDULE_WIDGET, formatPaintedSchedule(paintedFromTable(table)));
    this.editor.focusNode(inserted);
  }

  #isPainted(nodeId: number): boolean {
    const type = this.editor.node(nodeId)?.type;
    return type !== undefined && opensEditor(this.editor.schemas.get(type), 'painted-schedule');
  }

  /** The step the Sampler fed by the shown node is sampling now, when it runs this table's step count. */
  #currentStep(): number | null {
    const subject = this.#subject;
    const table = this.#table;
    if (!subject || !table) return null;
    const job = this.runs.tracker.jobs.find((candidate) => candidate.status === 'running');
    const sampler = job ? this.editor.modelConsumerOf(Number(subject.readNodeId)) : undefined;
    const run = sampler === undefined ? undefined : job?.nodes.get(String(sampler));
    if (run?.status !== 'running' || run.value === undefined || run.max !== table.steps) return null;
    return Math.min(table.steps - 1, Math.max(0, run.value - 1));
  }

  /** The engine's schema says whether a node's widgets shape the dilation table. */
  #opensSchedule(nodeId: number): boolean {
    const type = this.editor.node(nodeId)?.type;
    const schema = type === undefined ? undefined : this.editor.schemas.get(type);
    return opensEditor(schema, 'dilation-schedule') || opensEditor(schema, 'painted-schedule');
  }

  #title(nodeId: string): string {
    return this.editor.node(Number(nodeId))?.title ?? `node ${nodeId}`;
  }
}

/**
 * What the table depends on: the read node and its ancestors (types, modes, values, links) and the
 * graph's step counts (the engine takes the steps from the Sampler downstream). Not node positions,
 * and not the seed a queue moves on: those would ask again, and a request waits behind a running job.
 */
function requestKey(workflow: Workflow, readNodeId: string): string {
  const upstream = new Set([readNodeId]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const link of workflow.links) {
      if (!upstream.has(String(link.target_id)) || upstream.has(String(link.origin_id))) continue;
      upstream.add(String(link.origin_id));
      grew = true;
    }
  }
  const nodes = workflow.nodes.filter((node) => upstream.has(String(node.id))).map((node) => [node.id, node.type, node.mode, node.widgets]);
  const links = workflow.links.filter((link) => upstream.has(String(link.target_id)));
  const steps = workflow.nodes.map((node) => node.widgets.steps);
  return JSON.stringify([readNodeId, nodes, links, steps]);
}
