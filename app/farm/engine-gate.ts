/**
 * One engine renders one job at a time, so the route workers of one farm worker together render at
 * most `--concurrency` jobs: a job beyond that waits here (its lock still renewed), and while the
 * gate is full every route worker is paused, so the process fetches no jobs another machine could
 * take. A fetch already under way when they pause can still bring one, which then waits its turn.
 */
import type { Worker } from 'bullmq';

export class EngineGate {
  private busy = 0;
  private paused = false;
  private readonly waiting: (() => void)[] = [];
  private readonly workers: Worker[] = [];

  constructor(private readonly capacity: number) {}

  add(worker: Worker): void {
    this.workers.push(worker);
    this.updatePause();
  }

  async run<T>(render: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await render();
    } finally {
      this.release();
    }
  }

  private async acquire(): Promise<void> {
    if (this.busy < this.capacity) {
      this.busy += 1;
      this.updatePause();
      return;
    }
    // The releasing job hands its place over: busy stays as it is.
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) return next();
    this.busy -= 1;
    this.updatePause();
  }

  private updatePause(): void {
    // A lone route worker is bounded by its own concurrency; pausing it would only delay its next fetch.
    const pause = this.busy >= this.capacity && this.workers.length > 1;
    if (pause === this.paused) return;
    this.paused = pause;
    for (const worker of this.workers) void (pause ? worker.pause(true) : worker.resume());
  }
}
