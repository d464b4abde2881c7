/**
 * The host's handle on the engine worker: typed requests with promise replies, and an event stream.
 * Everything the worker sends is checked against the protocol's schemas before anyone sees it.
 */
import { Worker } from 'node:worker_threads';
import {
  engineRequests,
  workerMessageSchema,
  type EngineEvent,
  type RequestName,
  type RequestParams,
  type RequestResult,
} from '../protocol/index.js';
import { defaultEngineConfig, type EngineConfig } from './engine-config.js';

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void; name: RequestName };
export type TerminalEvent = Extract<EngineEvent, { type: 'done' | 'error' | 'cancelled' }>;

// After `tsc` the worker is plain .js. Under tsx (tests, development) it is .ts, and Node 20 starts a
// worker's entry module before loader hooks from --import apply, so a small bootstrap registers tsx
// inside the worker first.
const runningFromSource = import.meta.url.endsWith('.ts');
const workerUrl = new URL(`./worker-main${runningFromSource ? '.ts' : '.js'}`, import.meta.url);

function spawnWorker(config: EngineConfig): Worker {
  if (!runningFromSource) return new Worker(workerUrl, { workerData: config });
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(workerUrl.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: config });
}

const FINISHED_JOBS_KEPT = 256;

export class EngineClient {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  readonly #listeners = new Set<(event: EngineEvent) => void>();
  /** Recent jobs' final events: a fast job can end before its enqueue reply reaches the caller. */
  readonly #finished = new Map<string, TerminalEvent>();
  #nextRequestId = 1;
  #exited = false;

  private constructor(worker: Worker) {
    this.#worker = worker;
    worker.on('message', (raw: unknown) => this.#receive(raw));
    worker.on('error', (error) => this.#failAll(new Error(`engine worker crashed: ${error.message}`, { cause: error })));
    worker.on('exit', (code) => {
      this.#exited = true;
      this.#failAll(new Error(`engine worker exited with code ${code}`));
    });
  }

  static async start(config: Partial<EngineConfig> = {}): Promise<EngineClient> {
    const worker = spawnWorker({ ...defaultEngineConfig(), ...config });
    const client = new EngineClient(worker);
    await new Promise<void>((resolve, reject) => {
      const onMessage = (raw: unknown) => {
        if (workerMessageSchema.safeParse(raw).data?.kind === 'ready') {
          worker.off('message', onMessage);
          resolve();
        }
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`engine worker exited with code ${code} while starting`)));
    });
    return client;
  }

  request<N extends RequestName>(name: N, params: RequestParams<N>): Promise<RequestResult<N>> {
    if (this.#exited) return Promise.reject(new Error('engine worker is not running'));
    const requestId = this.#nextRequestId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(requestId, { resolve: resolve as (value: unknown) => void, reject, name });
      this.#worker.postMessage({ kind: 'request', requestId, name, params });
    });
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
        if (event.jobId === jobId && (event.type === 'done' || event.type === 'error' || event.type === 'cancelled')) {
          dispose();
          resolve(event);
        }
      });
    });
  }

  async close(): Promise<void> {
    if (!this.#exited) await this.#worker.terminate();
  }

  #receive(raw: unknown): void {
    const parsed = workerMessageSchema.safeParse(raw);
    if (!parsed.success) {
      this.#failAll(new Error(`engine worker sent a malformed message: ${parsed.error.message}`));
      return;
    }
    const message = parsed.data;
    if (message.kind === 'event') {
      const { event } = message;
      if (event.type === 'done' || event.type === 'error' || event.type === 'cancelled') {
        this.#finished.set(event.jobId, event);
        if (this.#finished.size > FINISHED_JOBS_KEPT) this.#finished.delete(this.#finished.keys().next().value!);
      }
      for (const listener of this.#listeners) listener(event);
      return;
    }
    if (message.kind !== 'reply') return;
    const pending = this.#pending.get(message.requestId);
    if (!pending) return;
    this.#pending.delete(message.requestId);
    if (message.error !== undefined) {
      pending.reject(new Error(message.error));
      return;
    }
    const result = engineRequests[pending.name].result.safeParse(message.result);
    if (result.success) pending.resolve(result.data);
    else pending.reject(new Error(`engine replied to "${pending.name}" with an invalid result: ${result.error.message}`));
  }

  #failAll(error: Error): void {
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }
}
