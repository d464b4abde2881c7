/**
 * The host's handle on the engine process: typed requests with promise replies, an event stream,
 * and a supervisor. Everything the process sends is checked against the protocol's schemas before
 * anyone sees it. When the process dies (an abort inside ONNX Runtime, an out-of-memory kill, a
 * native crash) the job it was running fails with the reason, a new process starts, and the jobs
 * still waiting are queued in it again under their old ids: the host and its UI carry on.
 */
import {
  engineRequests,
  workerMessageSchema,
  type EngineEvent,
  type RequestName,
  type RequestParams,
  type RequestResult,
} from '../protocol/index.js';
import { forkEngineProcess } from './child-process-engine.js';
import { defaultEngineConfig, type EngineConfig } from './engine-config.js';
import { describeExit, type EngineExit, type EngineLauncher, type EngineProcess } from './engine-process.js';
import { JobLedger, type EnqueueParams, type OrphanedJobs } from './job-ledger.js';

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void; name: RequestName; params: unknown };
export type TerminalEvent = Extract<EngineEvent, { type: 'done' | 'error' | 'cancelled' }>;

export interface EngineClientOptions {
  /** How to start the engine process; child_process.fork of engine-main by default. */
  launch?: EngineLauncher;
}

const FINISHED_JOBS_KEPT = 256;
/** More stops than this within RESTART_WINDOW_MS means the engine cannot run here: stop restarting. */
const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 60_000;
const INTERRUPTED_HINT = 'run it again; if it stops the engine again, the machine is probably running out of memory: try a smaller image or batch';

export class EngineClient {
  readonly #launch: EngineLauncher;
  readonly #config: EngineConfig;
  #process!: EngineProcess;
  /** Settles once a process is ready and holds every job carried over from the last one; requests wait for it. */
  #live: Promise<void>;
  readonly #pending = new Map<number, Pending>();
  readonly #listeners = new Set<(event: EngineEvent) => void>();
  /** Recent jobs' final events: a fast job can end before its enqueue reply reaches the caller. */
  readonly #finished = new Map<string, TerminalEvent>();
  readonly #ledger = new JobLedger();
  /** Events held back while jobs are queued again, until their new ids are known. */
  #held: EngineEvent[] | null = null;
  readonly #restarts: number[] = [];
  #nextRequestId = 1;
  #closed = false;

  private constructor(launch: EngineLauncher, config: EngineConfig) {
    this.#launch = launch;
    this.#config = config;
    this.#live = this.#spawn();
  }

  static async start(config: Partial<EngineConfig> = {}, options: EngineClientOptions = {}): Promise<EngineClient> {
    const client = new EngineClient(options.launch ?? forkEngineProcess, { ...defaultEngineConfig(), ...config });
    await client.#live;
    return client;
  }

  /** The engine process's id (it changes when the engine restarts). */
  get pid(): number | undefined {
    return this.#process.pid;
  }

  async request<N extends RequestName>(name: N, params: RequestParams<N>): Promise<RequestResult<N>> {
    await this.#live;
    if (this.#closed) throw new Error('the engine is not running');
    return this.#send(name, params);
  }

  onEvent(listener: (event: EngineEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Resolves with the event that ends the job: done, error or cancelled. */
  waitForJob(jobId: string): Promise<TerminalEvent> {
    const finished = this.#finished.get(jobId);
    if (finished) return Promise.resolve(finished);
    return new Promise((resolve) => {
      const dispose = this.onEvent((event) => {
        if (event.jobId === jobId && isTerminal(event)) {
          dispose();
          resolve(event);
        }
      });
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const process = this.#process;
    const exited = new Promise<void>((resolve) => process.onExit(() => resolve()));
    process.stop();
    await exited;
  }

  #spawn(): Promise<void> {
    const process = this.#launch(this.#config);
    this.#process = process;
    return new Promise<void>((resolve, reject) => {
      let ready = false;
      process.onMessage((raw) => {
        if (ready) return this.#receive(raw);
        if (workerMessageSchema.safeParse(raw).data?.kind !== 'ready') return;
        ready = true;
        resolve();
      });
      process.onExit((exit) => {
        if (!ready) reject(new Error(`${describeExit(exit)} while starting`));
        else this.#lost(exit);
      });
    });
  }

  #send<N extends RequestName>(name: N, params: RequestParams<N>): Promise<RequestResult<N>> {
    const requestId = this.#nextRequestId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(requestId, { resolve: resolve as (value: unknown) => void, reject, name, params });
      this.#process.send({ kind: 'request', requestId, name, params: this.#ledger.toEngine(name, params) });
    });
  }

  #receive(raw: unknown): void {
    const parsed = workerMessageSchema.safeParse(raw);
    if (!parsed.success) {
      this.#rejectPending(new Error(`the engine process sent a malformed message: ${parsed.error.message}`));
      return;
    }
    const message = parsed.data;
    if (message.kind === 'event') {
      if (this.#held) this.#held.push(message.event);
      else this.#deliver(this.#ledger.observe(message.event));
      return;
    }
    if (message.kind !== 'reply') return;
    const pending = this.#pending.get(message.requestId);
    if (!pending) return;
    this.#pending.delete(message.requestId);
    if (message.error !== undefined) return pending.reject(new Error(message.error));
    const result = engineRequests[pending.name].result.safeParse(message.result);
    if (!result.success) return pending.reject(new Error(`the engine replied to "${pending.name}" with an invalid result: ${result.error.message}`));
    const value = this.#ledger.toPublic(pending.name, result.data);
    const queued = pending.name === 'enqueue' ? (value as RequestResult<'enqueue'>) : undefined;
    if (queued?.ok) this.#ledger.accepted(queued.jobId, pending.params as EnqueueParams);
    pending.resolve(value);
  }

  #deliver(event: EngineEvent): void {
    if (isTerminal(event)) {
      this.#finished.set(event.jobId, event);
      if (this.#finished.size > FINISHED_JOBS_KEPT) this.#finished.delete(this.#finished.keys().next().value!);
    }
    for (const listener of this.#listeners) listener(event);
  }

  /** The process died on its own: fail what it was doing, start another, and queue the waiting jobs in it. */
  #lost(exit: EngineExit): void {
    if (this.#closed) return;
    const reason = describeExit(exit);
    this.#rejectPending(new Error(`${reason} before it answered; it restarts by itself, so ask again`));
    const orphans = this.#ledger.orphaned();
    for (const job of orphans.interrupted) this.#deliver(interruptedEvent(job, reason));
    const now = Date.now();
    this.#restarts.push(now);
    while (this.#restarts[0]! < now - RESTART_WINDOW_MS) this.#restarts.shift();
    this.#live = this.#restarts.length > MAX_RESTARTS ? this.#giveUp(orphans, `${reason}, ${MAX_RESTARTS + 1} times within a minute, so it was not restarted`) : this.#restart(orphans, reason);
    this.#live.catch(() => undefined);
  }

  async #restart(orphans: OrphanedJobs, reason: string): Promise<void> {
    try {
      await this.#spawn();
    } catch (error) {
      return this.#giveUp(orphans, `${reason} and could not be restarted: ${(error as Error).message}`);
    }
    this.#held = [];
    try {
      await Promise.all(orphans.waiting.map((job) => this.#requeue(job.jobId, job.params, reason)));
    } finally {
      const held = this.#held;
      this.#held = null;
      for (const event of held) this.#deliver(this.#ledger.observe(event));
    }
  }

  async #requeue(jobId: string, params: EnqueueParams, reason: string): Promise<void> {
    const failed = (message: string) => this.#deliver({ type: 'error', jobId, failure: { nodeId: '', nodeType: '', message, hint: INTERRUPTED_HINT } });
    try {
      const result = await this.#send('enqueue', params);
      if (result.ok) this.#ledger.requeued(jobId, result.jobId, params);
      else failed(`${reason} and the job could not be queued again: ${result.issues.map((issue) => issue.message).join('; ')}`);
    } catch (error) {
      failed(`${reason} and the job could not be queued again: ${(error as Error).message}`);
    }
  }

  #giveUp(orphans: OrphanedJobs, message: string): Promise<void> {
    for (const { jobId } of orphans.waiting) this.#deliver({ type: 'error', jobId, failure: { nodeId: '', nodeType: '', message } });
    return Promise.reject(new Error(message));
  }

  #rejectPending(error: Error): void {
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }
}

function isTerminal(event: EngineEvent): event is TerminalEvent {
  return event.type === 'done' || event.type === 'error' || event.type === 'cancelled';
}

/** "the engine process stopped (signal SIGKILL) while running node 7 (Sampler)". */
function interruptedEvent(job: OrphanedJobs['interrupted'][number], reason: string): TerminalEvent {
  const where = job.node ? `while running node ${job.node.nodeId} (${job.node.nodeType})` : job.started ? 'as the job started' : 'before the job started';
  const failure = { nodeId: job.node?.nodeId ?? '', nodeType: job.node?.nodeType ?? '', message: `${reason} ${where}`, hint: INTERRUPTED_HINT };
  return { type: 'error', jobId: job.jobId, failure };
}
