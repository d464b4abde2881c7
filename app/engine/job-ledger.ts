/**
 * What the host remembers of the jobs it queued, so they outlive the engine process that runs them:
 * each job's request (to queue it again in a new process), whether it has started and which node it
 * is in (to say where the engine stopped). A job keeps the id its first process gave it for its
 * whole life: a job queued again gets a new id from the new process, translated back here, so the
 * UI and scripts never see a second one.
 */
import type { EngineEvent, HistoryEntry, QueueSnapshot, RequestName, RequestParams, RequestResult } from '../protocol/index.js';

export type EnqueueParams = RequestParams<'enqueue'>;
export type NodeRef = { nodeId: string; nodeType: string };

interface TrackedJob {
  params?: EnqueueParams;
  started: boolean;
  node?: NodeRef;
}

/** The jobs a lost process held: those it had started (or whose request never came back), and those still waiting. */
export interface OrphanedJobs {
  interrupted: Array<{ jobId: string; started: boolean; node?: NodeRef }>;
  /** Oldest first, with the request that queues each again. */
  waiting: Array<{ jobId: string; params: EnqueueParams }>;
}

/** Aliases are kept past a job's end (history and late cancels name it), up to this many. */
const ALIASES_KEPT = 1024;

export class JobLedger {
  /** Insertion order is queue order: a job queued again keeps its place. */
  readonly #jobs = new Map<string, TrackedJob>();
  readonly #publicIds = new Map<string, string>();
  readonly #engineIds = new Map<string, string>();

  publicId(engineId: string): string {
    return this.#publicIds.get(engineId) ?? engineId;
  }

  engineId(publicId: string): string {
    return this.#engineIds.get(publicId) ?? publicId;
  }

  /**
   * The engine accepted `params` as job `jobId`. Its `queued` event came first (the queue emits it
   * before the reply is sent), so a job that has already ended is not tracked again.
   */
  accepted(jobId: string, params: EnqueueParams): void {
    const job = this.#jobs.get(jobId);
    if (job) job.params = params;
  }

  /** A new process queued the waiting job `jobId` again as `engineId`. */
  requeued(jobId: string, engineId: string, params: EnqueueParams): void {
    this.#jobs.set(jobId, { params, started: false });
    this.#publicIds.set(engineId, jobId);
    this.#engineIds.set(jobId, engineId);
    if (this.#publicIds.size > ALIASES_KEPT) {
      const [oldestEngineId, oldestJobId] = this.#publicIds.entries().next().value!;
      this.#publicIds.delete(oldestEngineId);
      this.#engineIds.delete(oldestJobId);
    }
  }

  /** The event with the job's public id, after noting what it says about the job. */
  observe(event: EngineEvent): EngineEvent {
    const jobId = this.publicId(event.jobId);
    const job = this.#jobs.get(jobId);
    if (event.type === 'queued' && !job) this.#jobs.set(jobId, { started: false });
    else if (event.type === 'started' && job) job.started = true;
    else if (event.type === 'executing' && job) job.node = { nodeId: event.nodeId, nodeType: event.nodeType };
    else if (['done', 'error', 'cancelled', 'invalid'].includes(event.type)) this.#jobs.delete(jobId);
    return jobId === event.jobId ? event : { ...event, jobId };
  }

  /** The process is gone: sorts out the jobs it held and forgets them (what comes next re-registers them). */
  orphaned(): OrphanedJobs {
    const orphans: OrphanedJobs = { interrupted: [], waiting: [] };
    for (const [jobId, job] of this.#jobs) {
      if (!job.started && job.params) orphans.waiting.push({ jobId, params: job.params });
      else orphans.interrupted.push({ jobId, started: job.started, ...(job.node ? { node: job.node } : {}) });
    }
    this.#jobs.clear();
    return orphans;
  }

  /** A request's parameters with public job ids replaced by the engine's. */
  toEngine<N extends RequestName>(name: N, params: RequestParams<N>): RequestParams<N> {
    if (name !== 'cancel') return params;
    const { jobId } = params as RequestParams<'cancel'>;
    return { jobId: this.engineId(jobId) } as RequestParams<N>;
  }

  /** A reply with the engine's job ids replaced by public ones. */
  toPublic<N extends RequestName>(name: N, result: RequestResult<N>): RequestResult<N> {
    if (this.#publicIds.size === 0) return result;
    const rename = <T extends { jobId: string }>(entry: T): T => ({ ...entry, jobId: this.publicId(entry.jobId) });
    if (name === 'queue') {
      const snapshot = result as QueueSnapshot;
      return { running: snapshot.running && rename(snapshot.running), pending: snapshot.pending.map(rename) } as RequestResult<N>;
    }
    if (name === 'history') return (result as HistoryEntry[]).map(rename) as RequestResult<N>;
    return result;
  }
}
