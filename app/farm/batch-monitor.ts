/**
 * Follows a submitted batch for the editor: each job's state, progress, worker and outcome, read
 * from the queue whenever BullMQ reports an event for one of its jobs, and polled every few seconds
 * besides (events are not replayed after a lost connection). Listeners get the whole batch view.
 * Once every job is done or failed for good, it lets go of Redis and keeps the final view.
 */
import { Job, Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { farmFailureOf, type FarmBatchView, type FarmJobView } from '../protocol/farm.js';
import { farmJobResultSchema, type FarmJobData, type FarmJobResult } from './farm-job.js';
import { redactRedisUrl } from './batch-submit.js';
import { registerRoutes } from './farm-routes.js';
import { routeLanesOf, wantedRoutes, type RouteLane } from './route-lanes.js';
import { UnservedRoutes } from './unserved-routes.js';
import { workerViews } from './worker-throughput.js';

const POLL_MS = 2000;
/** Many events arrive together (progress of every step): listeners hear once per this. */
const COALESCE_MS = 150;

export interface MonitorOptions {
  redisUrl: string;
  queueName: string;
  outputDir: string;
  pollMs?: number;
  /** Jobs no worker can take (none has their models) for this long are given up; default 10 minutes. */
  unservedTimeoutMs?: number;
}

/** One route's queue and its events, for the jobs of the batch on that route. */
interface WatchedLane extends RouteLane {
  queue: Queue<FarmJobData, FarmJobResult>;
  events: QueueEvents;
}

export class BatchMonitor {
  readonly #lanes: WatchedLane[];
  readonly #laneOf = new Map<string, WatchedLane>();
  /** Renews the batch's routes: workers serve only routes a follower keeps fresh. */
  readonly #redis: Redis;
  readonly #unserved: UnservedRoutes;
  readonly #jobs = new Map<string, FarmJobView>();
  readonly #listeners = new Set<(view: FarmBatchView) => void>();
  readonly #closeListeners = new Set<() => void>();
  readonly #submittedAt = Date.now();
  readonly #poll: NodeJS.Timeout;
  #connectionProblem: string | undefined;
  #finishedAt: number | undefined;
  #stopped: Promise<void> | undefined;
  #emitTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly batchId: string,
    jobs: readonly FarmJobData[],
    private readonly options: MonitorOptions,
  ) {
    for (const { name, overrides } of jobs) this.#jobs.set(name, { name, overrides, state: 'waiting', progress: 0, attempts: 0, files: [], skipped: false });
    const connection = { url: options.redisUrl, maxRetriesPerRequest: null };
    const refresh = ({ jobId }: { jobId: string }) => void this.#refresh([jobId]);
    const lost = (error: Error) => this.#lost(error);
    this.#lanes = routeLanesOf(jobs, options.queueName).map((lane) => {
      const watched = { ...lane, queue: new Queue<FarmJobData, FarmJobResult>(lane.queueName, { connection }), events: new QueueEvents(lane.queueName, { connection }) };
      for (const event of ['active', 'progress', 'completed', 'failed', 'waiting', 'delayed', 'stalled'] as const) watched.events.on(event, refresh);
      watched.events.on('error', lost);
      watched.queue.on('error', lost);
      for (const job of lane.jobs) this.#laneOf.set(job.name, watched);
      return watched;
    });
    this.#redis = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
    this.#redis.on('error', () => undefined); // the queues report losing Redis
    this.#unserved = new UnservedRoutes(this.#redis, options.queueName, options.unservedTimeoutMs ?? 600_000, () => undefined);
    this.#poll = setInterval(() => void this.#pollOnce(), options.pollMs ?? POLL_MS);
    void this.#refresh([...this.#jobs.keys()]);
  }

  get view(): FarmBatchView {
    const jobs = [...this.#jobs.values()];
    const finished = jobs.every((job) => job.state === 'done' || job.state === 'failed');
    // Throughput is over the batch's wall time: once it is over, time stops counting.
    if (finished) this.#finishedAt ??= Date.now();
    return {
      batchId: this.batchId,
      outputDir: this.options.outputDir,
      queue: this.options.queueName,
      submittedAt: this.#submittedAt,
      jobs,
      workers: workerViews(jobs, (this.#finishedAt ?? Date.now()) - this.#submittedAt),
      finished,
      ...(this.#connectionProblem ? { connectionProblem: this.#connectionProblem } : {}),
    };
  }

  /** Where the batch's jobs publish (without building the whole view, as serving a file needs only this). */
  get outputDir(): string {
    return this.options.outputDir;
  }

  /** Published files of this batch's jobs: what the server may hand out. */
  hasFile(name: string): boolean {
    return [...this.#jobs.values()].some((job) => job.files.includes(name));
  }

  onChange(listener: (view: FarmBatchView) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Called when the monitor is closed (the batch resubmitted, the server stopping): its watchers must look again. */
  onClose(listener: () => void): () => void {
    this.#closeListeners.add(listener);
    return () => this.#closeListeners.delete(listener);
  }

  async close(): Promise<void> {
    clearTimeout(this.#emitTimer);
    this.#listeners.clear();
    for (const listener of this.#closeListeners) listener();
    this.#closeListeners.clear();
    await this.#stop();
  }

  #stop(): Promise<void> {
    this.#stopped ??= (async () => {
      clearInterval(this.#poll);
      await Promise.all(this.#lanes.flatMap((lane) => [lane.events.close(), lane.queue.close()]));
      this.#redis.disconnect();
    })();
    return this.#stopped;
  }

  async #pollOnce(): Promise<void> {
    const unfinished = new Set(this.#unfinished());
    await this.#refresh([...unfinished]);
    if (this.#stopped) return;
    try {
      await registerRoutes(this.#redis, this.options.queueName, wantedRoutes(this.#lanes, unfinished));
      await this.#explainUnserved(unfinished);
    } catch (error) {
      this.#lost(error as Error);
    }
  }

  /** Says on each waiting job why no worker takes it, and gives it up after the timeout. */
  async #explainUnserved(unfinished: ReadonlySet<string>): Promise<void> {
    const waiting = this.#lanes.filter((lane) => lane.jobs.some((job) => this.#jobs.get(job.name)?.state === 'waiting'));
    const { unserved, expired } = await this.#unserved.check(wantedRoutes(waiting, unfinished));
    for (const lane of this.#lanes) {
      for (const { name } of lane.jobs.filter((job) => unfinished.has(job.name))) {
        const { waitingFor: _before, ...view } = this.#jobs.get(name)!;
        const reason = unserved.get(lane.route);
        if (expired.has(lane.route) && view.state === 'waiting') {
          await lane.queue.remove(name);
          this.#jobs.set(name, { ...view, state: 'failed', failure: { message: `no worker can run it: ${expired.get(lane.route)!}` } });
        } else {
          this.#jobs.set(name, { ...view, ...(reason !== undefined && view.state === 'waiting' ? { waitingFor: reason } : {}) });
        }
      }
    }
    this.#emitSoon();
    if (this.view.finished) void this.#stop();
  }

  #unfinished(): string[] {
    return [...this.#jobs.values()].filter((job) => job.state !== 'done' && job.state !== 'failed').map((job) => job.name);
  }

  async #refresh(names: readonly string[]): Promise<void> {
    const ours = names.filter((name) => this.#jobs.has(name));
    if (ours.length === 0 || this.#stopped) return;
    try {
      // All at once: ioredis writes the commands without waiting for each reply (one round trip, not one per job).
      const jobs = await Promise.all(ours.map((name) => Job.fromId<FarmJobData, FarmJobResult>(this.#laneOf.get(name)!.queue, name)));
      const views = await Promise.all(jobs.map((job) => (job ? viewOf(this.#jobs.get(job.id!)!, job) : null)));
      for (const view of views) if (view) this.#jobs.set(view.name, view);
      this.#connectionProblem = undefined;
    } catch (error) {
      this.#lost(error as Error);
    }
    this.#emitSoon();
    if (this.view.finished) void this.#stop();
  }

  #lost(error: Error): void {
    if (this.#stopped) return;
    this.#connectionProblem = `lost the farm's Redis at ${redactRedisUrl(this.options.redisUrl)} (${error.message}); retrying`;
    this.#emitSoon();
  }

  #emitSoon(): void {
    this.#emitTimer ??= setTimeout(() => {
      this.#emitTimer = undefined;
      const view = this.view;
      for (const listener of this.#listeners) listener(view);
    }, COALESCE_MS);
  }
}

async function viewOf(previous: FarmJobView, job: Job<FarmJobData, FarmJobResult>): Promise<FarmJobView> {
  const state = await job.getState();
  const { failure: _earlier, ...previousRest } = previous;
  const base: FarmJobView = {
    ...previousRest,
    attempts: job.attemptsMade,
    progress: typeof job.progress === 'number' ? job.progress : previous.progress,
    ...(job.processedBy ? { worker: job.processedBy } : {}),
  };
  if (state === 'completed') {
    const result = farmJobResultSchema.safeParse(job.returnvalue);
    if (!result.success) return { ...base, state: 'failed', failure: { message: `the worker returned an unreadable result: ${result.error.message}` } };
    const { worker, files, skipped, durationMs } = result.data;
    return { ...base, state: 'done', progress: 100, worker, files, skipped, durationMs };
  }
  // A retried job keeps the reason its last try failed: the user sees why it runs again.
  if (job.failedReason) base.failure = farmFailureOf(job.failedReason);
  if (state === 'failed') return { ...base, state: 'failed' };
  if (state === 'active') return { ...base, state: 'active' };
  return { ...base, state: job.attemptsMade > 0 ? 'retrying' : 'waiting' };
}
