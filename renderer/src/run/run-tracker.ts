/**
 * Folds the engine's event stream into what the UI shows about each job: per-node status
 * (cached, running with steps, done, failed), overall progress, ETAs, the latest step preview
 * (outputs and messages are shown as they arrive, not tracked). Pure: time comes from an injected
 * clock, so tests replay event streams.
 */
import type { EngineEvent, HistoryEntry, Issue, NodeFailure, PreviewImage } from '../../../app/protocol/index.js';

export type NodeRunStatus = 'waiting' | 'cached' | 'running' | 'done' | 'failed';
export type JobStatus = 'queued' | 'running' | 'done' | 'failed' | 'invalid' | 'cancelled';

export interface NodeRun {
  readonly nodeId: string;
  status: NodeRunStatus;
  /** Steps done and total, for nodes that report progress (the sampler). */
  value?: number;
  max?: number;
  startedAt?: number;
  /** When the node reported its first step, to time steps without the set-up before them. */
  firstStepAt?: number;
  firstStepValue?: number;
  finishedAt?: number;
}

export interface JobRun {
  readonly jobId: string;
  status: JobStatus;
  label?: string;
  position: number;
  queuedAt: number;
  startedAt?: number;
  finishedAt?: number;
  /** Nodes in the order the engine runs them; cached ones first (they finish at once). */
  readonly nodes: Map<string, NodeRun>;
  currentNodeId?: string;
  preview?: PreviewImage & { nodeId: string };
  failure?: NodeFailure;
  issues?: Issue[];
}

export interface Progress {
  /**
   * 0…1: time spent over time spent plus time left, once there is an ETA (a node with steps is
   * running), so one long sampler weighs what it costs; before that, the share of nodes done.
   */
  fraction: number;
  /** Seconds left, or null until there is enough to estimate from. */
  etaSeconds: number | null;
}

export class RunTracker {
  readonly #jobs = new Map<string, JobRun>();

  constructor(private readonly now: () => number = Date.now) {}

  get jobs(): JobRun[] {
    return [...this.#jobs.values()];
  }

  job(jobId: string): JobRun | undefined {
    return this.#jobs.get(jobId);
  }

  /** Registers a job the UI queued before its `queued` event arrives (the reply may come first). */
  expect(jobId: string, label?: string, position = 0): JobRun {
    let job = this.#jobs.get(jobId);
    if (!job) {
      job = { jobId, status: 'queued', position, queuedAt: this.now(), nodes: new Map(), ...(label ? { label } : {}) };
      this.#jobs.set(jobId, job);
    }
    // Events can overtake the enqueue reply; the label then arrives second.
    if (label !== undefined && job.label === undefined) job.label = label;
    return job;
  }

  /**
   * A job the engine finished before this page was opened (its `history`): listed as finished,
   * with its nodes' final statuses. A job this page already tracks is left as it is.
   */
  restore(entry: HistoryEntry): JobRun {
    const known = this.#jobs.get(entry.jobId);
    if (known) return known;
    const status: JobStatus = entry.status === 'success' ? 'done' : entry.status === 'error' ? 'failed' : 'cancelled';
    const nodes = new Map<string, NodeRun>(entry.cached.map((nodeId) => [nodeId, { nodeId, status: 'cached' }]));
    for (const nodeId of entry.executed) nodes.set(nodeId, { nodeId, status: nodeId === entry.failure?.nodeId ? 'failed' : 'done' });
    const job: JobRun = {
      jobId: entry.jobId,
      status,
      position: 0,
      queuedAt: entry.queuedAt,
      startedAt: entry.startedAt,
      finishedAt: entry.finishedAt,
      nodes,
      ...(entry.label ? { label: entry.label } : {}),
      ...(entry.failure ? { failure: entry.failure } : {}),
    };
    this.#jobs.set(entry.jobId, job);
    return job;
  }

  apply(event: EngineEvent): JobRun {
    const job = this.expect(event.jobId);
    const now = this.now();
    switch (event.type) {
      case 'queued':
        job.position = event.position;
        break;
      case 'started':
        job.status = 'running';
        job.startedAt = now;
        for (const nodeId of event.nodes) job.nodes.set(nodeId, { nodeId, status: 'waiting' });
        break;
      case 'cached': {
        const running = new Map(job.nodes);
        job.nodes.clear();
        for (const nodeId of event.nodes) job.nodes.set(nodeId, { nodeId, status: 'cached' });
        for (const [nodeId, node] of running) job.nodes.set(nodeId, node);
        break;
      }
      case 'executing':
        this.#finishCurrent(job, now);
        job.currentNodeId = event.nodeId;
        job.nodes.set(event.nodeId, { ...(job.nodes.get(event.nodeId) ?? { nodeId: event.nodeId }), status: 'running', startedAt: now });
        break;
      case 'progress': {
        const node = job.nodes.get(event.nodeId) ?? { nodeId: event.nodeId, status: 'running' as const, startedAt: now };
        if (node.firstStepAt === undefined) {
          node.firstStepAt = now;
          node.firstStepValue = event.value;
        }
        node.value = event.value;
        node.max = event.max;
        job.nodes.set(event.nodeId, node);
        if (event.preview) job.preview = { ...event.preview, nodeId: event.nodeId };
        break;
      }
      case 'output':
      case 'message':
        // Shown by the gallery and the notices as they arrive; nothing to track.
        break;
      case 'error': {
        job.status = 'failed';
        job.failure = event.failure;
        const node = job.nodes.get(event.failure.nodeId);
        if (node) {
          node.status = 'failed';
          node.finishedAt = now;
        }
        job.currentNodeId = undefined;
        job.finishedAt = now;
        break;
      }
      case 'invalid':
        job.status = 'invalid';
        job.issues = event.issues;
        job.finishedAt = now;
        break;
      case 'done':
        this.#finishCurrent(job, now);
        if (job.status !== 'failed') job.status = 'done';
        job.finishedAt = now;
        break;
      case 'cancelled':
        job.status = 'cancelled';
        job.currentNodeId = undefined;
        job.finishedAt = now;
        break;
    }
    return job;
  }

  progress(jobId: string): Progress {
    const job = this.#jobs.get(jobId);
    if (!job) return { fraction: 0, etaSeconds: null };
    if (job.status === 'done') return { fraction: 1, etaSeconds: 0 };
    const torun = [...job.nodes.values()].filter((node) => node.status !== 'cached');
    if (torun.length === 0 || job.startedAt === undefined) return { fraction: 0, etaSeconds: null };
    const done = torun.reduce((sum, node) => sum + nodeFraction(node), 0);
    const fraction = done / torun.length;
    const current = job.currentNodeId === undefined ? undefined : job.nodes.get(job.currentNodeId);
    // While a node reports steps (the sampler, which dominates a job) its own step rate is the
    // best guide; the nodes still waiting are estimated at the mean time of those already done.
    const nodeEta = current ? this.nodeEtaSeconds(current) : null;
    if (nodeEta !== null) {
      const durations = torun.flatMap((node) => (node.status === 'done' && node.startedAt !== undefined && node.finishedAt !== undefined ? [(node.finishedAt - node.startedAt) / 1000] : []));
      const meanDuration = durations.length > 0 ? durations.reduce((a, b) => a + b, 0) / durations.length : 0;
      const waiting = torun.filter((node) => node.status === 'waiting').length;
      const etaSeconds = nodeEta + waiting * meanDuration;
      const spent = (this.now() - job.startedAt) / 1000;
      return { fraction: spent + etaSeconds > 0 ? spent / (spent + etaSeconds) : fraction, etaSeconds };
    }
    const elapsed = (this.now() - job.startedAt) / 1000;
    return { fraction, etaSeconds: fraction > 0.05 ? (elapsed * (1 - fraction)) / fraction : null };
  }

  /** Seconds the node still needs at its current step rate, or null before two steps have been seen. */
  nodeEtaSeconds(node: NodeRun): number | null {
    if (node.value === undefined || node.max === undefined || node.firstStepAt === undefined || node.firstStepValue === undefined) return null;
    const stepsTimed = node.value - node.firstStepValue;
    if (stepsTimed <= 0) return null;
    const perStep = (this.now() - node.firstStepAt) / 1000 / stepsTimed;
    return Math.max(0, (node.max - node.value) * perStep);
  }

  #finishCurrent(job: JobRun, now: number): void {
    const current = job.currentNodeId === undefined ? undefined : job.nodes.get(job.currentNodeId);
    if (current && current.status === 'running') {
      current.status = 'done';
      current.finishedAt = now;
    }
    job.currentNodeId = undefined;
  }
}

function nodeFraction(node: NodeRun | undefined): number {
  if (!node) return 0;
  if (node.status === 'done' || node.status === 'failed') return 1;
  if (node.status === 'running' && node.value !== undefined && node.max) return Math.min(1, node.value / node.max);
  return 0;
}
