/**
 * A FIFO of validated jobs with one running at a time, and the history of finished ones. Cancelling
 * a pending job removes it; cancelling the running one aborts its signal and lets it wind down.
 */
import { randomUUID } from 'node:crypto';
import type { EngineEvent, ExecutionProviderPreference, HistoryEntry, Prompt, QueueSnapshot, Workflow } from '../protocol/index.js';
import { executeJob, type JobOutcome } from './executor.js';
import type { NodeRegistry } from './node-registry.js';
import { OutputCache } from './output-cache.js';
import type { ExecutionPlan } from './validate-prompt.js';

export interface QueuedJob {
  prompt: Prompt;
  workflow: Workflow;
  plan: ExecutionPlan;
  outputDir: string;
  executionProvider: ExecutionProviderPreference;
  label?: string;
  /** The graph as the client's editor showed it, when `workflow` was made from a prompt: kept for the history. */
  editorWorkflow?: Workflow;
}

interface PendingJob extends QueuedJob {
  jobId: string;
  queuedAt: number;
  controller: AbortController;
  /** Set for probes: told the outcome instead of the history, and run without events. */
  probe?: (outcome: JobOutcome) => void;
}

export class JobQueue {
  readonly #pending: PendingJob[] = [];
  #running: PendingJob | null = null;
  readonly #history: HistoryEntry[] = [];
  readonly #cache = new OutputCache();
  #idle: Promise<void> = Promise.resolve();

  constructor(
    private readonly registry: NodeRegistry,
    private readonly emit: (event: EngineEvent) => void,
    private readonly historyLimit = 200,
  ) {}

  /** `front`: ahead of every pending job (but behind any probe already waiting, which is quick). */
  enqueue(job: QueuedJob, { front = false } = {}): { jobId: string; position: number } {
    const pending: PendingJob = { ...job, jobId: randomUUID(), queuedAt: Date.now(), controller: new AbortController() };
    const index = front ? this.#firstRealJobIndex() : this.#pending.length;
    this.#pending.splice(index, 0, pending);
    const position = this.#pending.slice(0, index).filter((waiting) => !waiting.probe).length + (this.#running ? 1 : 0);
    this.emit({ type: 'queued', jobId: pending.jobId, position });
    if (!this.#running) this.#idle = this.#drain();
    return { jobId: pending.jobId, position };
  }

  #firstRealJobIndex(): number {
    const index = this.#pending.findIndex((waiting) => !waiting.probe);
    return index < 0 ? this.#pending.length : index;
  }

  /**
   * Runs `job` in turn with the real jobs (ONNX sessions are not shared between concurrent runs)
   * but silently, without history, and keeping the cache as the last run left it.
   */
  probe(job: QueuedJob): Promise<JobOutcome> {
    return new Promise((resolve) => {
      this.#pending.push({ ...job, jobId: randomUUID(), queuedAt: Date.now(), controller: new AbortController(), probe: resolve });
      if (!this.#running) this.#idle = this.#drain();
    });
  }

  cancel(jobId: string): boolean {
    if (this.#running?.jobId === jobId) {
      this.#running.controller.abort();
      return true;
    }
    const index = this.#pending.findIndex((job) => job.jobId === jobId);
    if (index < 0) return false;
    this.#pending.splice(index, 1);
    this.emit({ type: 'cancelled', jobId });
    return true;
  }

  snapshot(): QueueSnapshot {
    const entry = (job: PendingJob) => (job.label === undefined ? { jobId: job.jobId } : { jobId: job.jobId, label: job.label });
    const running = this.#running && !this.#running.probe ? entry(this.#running) : null;
    return { running, pending: this.#pending.filter((job) => !job.probe).map(entry) };
  }

  /** Newest first. */
  history(limit = this.historyLimit): HistoryEntry[] {
    return this.#history.slice(-limit).reverse();
  }

  /** Resolves once every queued job has finished. */
  whenIdle(): Promise<void> {
    return this.#idle;
  }

  async #drain(): Promise<void> {
    let job: PendingJob | undefined;
    while ((job = this.#pending.shift())) {
      this.#running = job;
      const startedAt = Date.now();
      const outcome = await executeJob(
        {
          jobId: job.jobId,
          prompt: job.prompt,
          workflow: job.workflow,
          plan: job.plan,
          outputDir: job.outputDir,
          executionProvider: job.executionProvider,
          signal: job.controller.signal,
          pruneCache: !job.probe,
        },
        this.registry,
        this.#cache,
        job.probe ? () => undefined : this.emit,
      );
      this.#running = null;
      if (job.probe) {
        job.probe(outcome);
        continue;
      }
      this.#history.push({
        jobId: job.jobId,
        ...(job.label === undefined ? {} : { label: job.label }),
        status: outcome.status,
        queuedAt: job.queuedAt,
        startedAt,
        finishedAt: Date.now(),
        prompt: job.prompt,
        executed: outcome.executed,
        cached: outcome.cached,
        outputs: outcome.outputs,
        ...(outcome.failure ? { failure: outcome.failure } : {}),
        workflow: job.editorWorkflow ?? job.workflow,
      });
      if (this.#history.length > this.historyLimit) this.#history.shift();
    }
  }
}
