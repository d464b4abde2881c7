/**
 * Queueing and watching runs: sends the canvas's workflow to the engine, moves seeds on afterwards,
 * and turns engine events into node marks (running with steps, cached, failed), live previews,
 * the problems list, and gallery entries with the settings each image was made with.
 */
import { controlUpdatesAfterQueue, subgraphControlMoves, type EngineEvent, type ExecutionProviderPreference, type Issue, type NodeFailure, type Workflow } from '../../../app/protocol/index.js';
import type { GraphEditor } from '../canvas/graph-editor.js';
import type { EngineApi } from '../engine/engine-api.js';
import { imagesOf, viewUrl, type OutputImage } from '../run/output-images.js';
import { summarisePrompt, type PromptSummaryLine } from '../run/prompt-summary.js';
import { RunTracker } from '../run/run-tracker.js';
import { ResultFreshness } from './result-freshness.js';

export interface GalleryImage extends OutputImage {
  jobId: string;
  nodeId: string;
  url: string;
  label?: string;
  settings?: PromptSummaryLine[];
  durationMs?: number;
}

export type Problem = { kind: 'issue'; issue: Issue } | { kind: 'failure'; failure: NodeFailure };

/** Edits settle this long before a graph with problems is checked again. */
const REVALIDATE_DEBOUNCE_MS = 300;

/** Shows a message; an error's returned function takes it down again. */
export type RunNotify = (text: string, level: 'info' | 'error') => (() => void) | void;

export class RunController {
  readonly tracker = new RunTracker();
  readonly gallery: GalleryImage[] = [];
  problems: Problem[] = [];
  readonly #listeners = new Set<() => void>();
  readonly #freshness: ResultFreshness;
  #refreshQueued = false;
  #revalidateTimer: ReturnType<typeof setTimeout> | undefined;
  /** The "cannot run" notice of the problems shown, taken down when they are gone. */
  #problemNotice: (() => void) | undefined;

  constructor(
    private readonly engine: EngineApi,
    private readonly editor: GraphEditor,
    private readonly label: () => string,
    private readonly notify: RunNotify,
    private readonly device: () => ExecutionProviderPreference = () => 'auto',
  ) {
    this.#freshness = new ResultFreshness(editor);
    engine.onEvent((event) => this.#onEvent(event));
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Queues the canvas's workflow (`front`: before the jobs already waiting), then moves its seeds on;
   * the job's id, or undefined when it could not be queued (the reason is shown).
   */
  async queue({ front = false } = {}): Promise<string | undefined> {
    const workflow = this.editor.snapshot();
    const jobId = await this.queueWorkflow(workflow, this.label(), { front });
    if (jobId) this.applySeedControls(workflow, [jobId]);
    return jobId;
  }

  /**
   * Queues `workflow` as it is (a variant of the canvas's graph, say) and tracks the job; seeds are
   * left alone, so several variants can run with the same seed before `applySeedControls`.
   */
  async queueWorkflow(workflow: Workflow, label: string, { front = false } = {}): Promise<string | undefined> {
    let result;
    try {
      result = await this.engine.request('enqueue', { workflow, options: { label, executionProvider: this.device(), ...(front ? { front } : {}) } });
    } catch (error) {
      this.notify(error instanceof Error ? error.message : String(error), 'error');
      return undefined;
    }
    if (!result.ok) {
      this.#showIssues(result.issues);
      this.#problemNotice?.();
      this.#problemNotice = this.notify(`The workflow cannot run: ${result.issues.length} problem${result.issues.length === 1 ? '' : 's'} (see the marked nodes)`, 'error') ?? undefined;
      return undefined;
    }
    this.tracker.expect(result.jobId, label, result.position);
    this.#freshness.queued(result.jobId, workflow);
    this.#changed();
    return result.jobId;
  }

  /**
   * The after-queue seed controls (increment, randomize, …) of a queued `workflow`, applied to the
   * canvas, inside subgraphs too (in the definition, once per instance; a promoted widget on its
   * instance); `jobIds` were queued from it.
   */
  applySeedControls(workflow: Workflow, jobIds: readonly string[]): void {
    const updates = controlUpdatesAfterQueue(workflow, this.editor.schemas);
    const inSubgraphs = subgraphControlMoves(workflow, this.editor.schemas);
    for (const update of updates) this.editor.setWidgetValue(update.nodeId, update.widget, update.value);
    for (const move of inSubgraphs) {
      if (move.kind === 'inner') this.editor.setInnerWidgetValue(move.definitionId, move.nodeId, move.widget, move.value);
      else this.editor.setWidgetValue(move.instanceId, move.input, move.value);
    }
    this.#freshness.seedsMoved(jobIds, updates, inSubgraphs);
  }

  /** After an edit: previews, output images and done/cached marks whose node's inputs changed are taken off the canvas. */
  graphChanged(): void {
    this.#freshness.graphChanged();
  }

  /**
   * After a reload: the finished jobs and the images the engine still remembers (its `history`),
   * oldest first so the newest ends on top, each image with the settings it was made with.
   */
  async restoreHistory(): Promise<void> {
    const history = await this.engine.request('history', { limit: 50 }).catch(() => []);
    for (const entry of [...history].sort((a, b) => a.finishedAt - b.finishedAt)) {
      if (this.tracker.job(entry.jobId)) continue;
      this.tracker.restore(entry);
      const settings = summarisePrompt(entry.prompt);
      for (const [nodeId, ui] of Object.entries(entry.outputs)) {
        for (const image of imagesOf(ui)) {
          const url = viewUrl(image);
          if (this.gallery.some((known) => known.url === url)) continue;
          this.gallery.unshift({ ...image, url, jobId: entry.jobId, nodeId, settings, durationMs: entry.finishedAt - entry.startedAt, ...(entry.label ? { label: entry.label } : {}) });
        }
      }
    }
    this.#changed();
  }

  /** Forgets the problems shown for a graph that is no longer open. */
  clearProblems(): void {
    this.problems = [];
    this.#dismissProblemNotice();
    this.#changed();
  }

  /**
   * Checks the canvas's graph without running it and shows what is wrong (a file just opened), or
   * that nothing is any more: problems and their notice go with their cause.
   */
  async validate(): Promise<void> {
    clearTimeout(this.#revalidateTimer);
    let issues: Issue[];
    try {
      ({ issues } = await this.engine.request('validate', { workflow: this.editor.snapshot() }));
    } catch {
      return;
    }
    if (issues.length === 0) this.#dismissProblemNotice();
    // Nothing shown and nothing wrong: leave the run marks (a job may be running) alone.
    if (issues.length === 0 && this.problems.length === 0) return;
    this.#showIssues(issues);
  }

  /** After an edit: while problems are shown, check again once edits settle. */
  revalidateSoon(): void {
    if (this.problems.length === 0) return;
    clearTimeout(this.#revalidateTimer);
    this.#revalidateTimer = setTimeout(() => void this.validate(), REVALIDATE_DEBOUNCE_MS);
  }

  #dismissProblemNotice(): void {
    this.#problemNotice?.();
    this.#problemNotice = undefined;
  }

  /** Cancels `jobId`, or the running job. */
  async cancel(jobId?: string): Promise<void> {
    const target = jobId ?? this.tracker.jobs.find((job) => job.status === 'running')?.jobId;
    if (target) await this.engine.request('cancel', { jobId: target });
  }

  #onEvent(event: EngineEvent): void {
    const job = this.tracker.apply(event);
    const marks = this.editor.decorations;
    // Marks are kept by execution id: a node inside an instance is `instance:inner`.
    const node = (id: string) => id;
    switch (event.type) {
      case 'started':
        marks.clearMarks();
        this.problems = [];
        for (const id of event.nodes) marks.setPreview(node(id), null);
        break;
      case 'cached':
        for (const id of event.nodes) if (this.#freshness.mayShow(event.jobId, node(id))) marks.set(node(id), { kind: 'cached' });
        break;
      case 'executing':
        this.#markFinished(job.jobId);
        marks.set(node(event.nodeId), { kind: 'running' });
        break;
      case 'progress':
        marks.set(node(event.nodeId), { kind: 'running', value: event.value, max: event.max });
        if (event.preview && this.#freshness.mayShow(event.jobId, node(event.nodeId))) marks.setPreview(node(event.nodeId), `data:image/png;base64,${event.preview.pngBase64}`);
        break;
      case 'output':
        for (const image of imagesOf(event.ui)) {
          const url = viewUrl(image);
          if (this.#freshness.mayShow(event.jobId, node(event.nodeId))) marks.setOutputImage(node(event.nodeId), url);
          if (!this.gallery.some((entry) => entry.url === url)) this.gallery.unshift({ ...image, url, jobId: event.jobId, nodeId: event.nodeId, ...(job.label ? { label: job.label } : {}) });
        }
        break;
      case 'message':
        this.notify(`${this.#title(event.nodeId)}: ${event.text}`, event.level === 'warning' ? 'error' : 'info');
        break;
      case 'error':
        this.problems = [{ kind: 'failure', failure: event.failure }];
        marks.set(node(event.failure.nodeId), { kind: 'failed', lines: failureLines(event.failure.message, event.failure.field, event.failure.hint) });
        break;
      case 'invalid':
        this.#showIssues(event.issues);
        break;
      case 'done':
        this.#markFinished(job.jobId);
        void this.#attachSettings(event.jobId, event.durationMs);
        break;
      case 'cancelled':
        for (const [id, run] of job.nodes) if (run.status === 'running') marks.set(node(id), null);
        break;
      case 'queued':
        break;
    }
    this.#changed();
  }

  /** The node that just finished gets its time (unless edited meanwhile); its preview stays until the next run. */
  #markFinished(jobId: string): void {
    const job = this.tracker.job(jobId);
    if (!job) return;
    for (const [id, run] of job.nodes) {
      const current = this.editor.decorations.get(id);
      if (run.status !== 'done' || current?.kind !== 'running') continue;
      // Edited while it ran: what it made belongs to a graph the canvas no longer shows.
      if (!this.#freshness.mayShow(jobId, id)) {
        this.editor.decorations.set(id, null);
        continue;
      }
      const seconds = run.startedAt !== undefined && run.finishedAt !== undefined ? (run.finishedAt - run.startedAt) / 1000 : undefined;
      this.editor.decorations.set(id, { kind: 'done', ...(seconds === undefined ? {} : { seconds }) });
    }
  }

  #showIssues(issues: Issue[]): void {
    this.problems = issues.map((issue) => ({ kind: 'issue', issue }));
    const marks = this.editor.decorations;
    marks.clearMarks();
    const byNode = new Map<string, Issue[]>();
    for (const issue of issues) if (issue.nodeId !== undefined) byNode.set(issue.nodeId, [...(byNode.get(issue.nodeId) ?? []), issue]);
    for (const [nodeId, nodeIssues] of byNode) marks.set(nodeId, { kind: 'failed', lines: nodeIssues.flatMap((issue) => failureLines(issue.message, issue.field, issue.hint)) });
    this.#changed();
  }

  async #attachSettings(jobId: string, durationMs: number): Promise<void> {
    // The job just finished is among the newest; entries carry whole workflows, so few are asked for.
    const history = await this.engine.request('history', { limit: 10 }).catch(() => []);
    const entry = history.find((candidate) => candidate.jobId === jobId);
    const settings = entry ? summarisePrompt(entry.prompt) : undefined;
    for (const image of this.gallery) {
      if (image.jobId !== jobId) continue;
      image.durationMs = durationMs;
      if (settings) image.settings = settings;
    }
    this.#changed();
  }

  #title(nodeId: string): string {
    return this.editor.titleOf(nodeId);
  }

  /** Many events arrive per second while sampling; listeners redraw at most once per frame. */
  #changed(): void {
    if (this.#refreshQueued) return;
    this.#refreshQueued = true;
    requestAnimationFrame(() => {
      this.#refreshQueued = false;
      for (const listener of this.#listeners) listener();
    });
  }
}

function failureLines(message: string, field: string | undefined, hint: string | undefined): string[] {
  return [`⚠ ${field ? `${field}: ` : ''}${message}`, ...(hint ? [`  ${hint}`] : [])];
}
