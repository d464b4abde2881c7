/**
 * The order of the jobs waiting in the engine's queue. A job queued at the front overtakes the
 * others, which the events alone do not say, so the queue is read again whenever it changed.
 */
import type { EngineApi } from '../engine/engine-api.js';

export class QueueOrder {
  #pending: string[] = [];
  #asked = 0;
  readonly #listeners = new Set<() => void>();

  constructor(private readonly engine: EngineApi) {
    engine.onEvent((event) => {
      if (event.type === 'queued' || event.type === 'started' || event.type === 'cancelled') void this.refresh();
    });
  }

  /** Job ids of the pending jobs, next to run first. */
  get pending(): readonly string[] {
    return this.#pending;
  }

  onChange(listener: () => void): void {
    this.#listeners.add(listener);
  }

  async refresh(): Promise<void> {
    const ask = ++this.#asked;
    const snapshot = await this.engine.request('queue', {}).catch(() => null);
    // An older answer arriving after a newer one would show a queue that no longer is.
    if (!snapshot || ask !== this.#asked) return;
    this.#pending = snapshot.pending.map((job) => job.jobId);
    for (const listener of this.#listeners) listener();
  }
}
