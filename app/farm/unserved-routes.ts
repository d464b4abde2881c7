/**
 * Jobs no worker can take wait in their route's queue (workers never pick a job they cannot run),
 * so the batch watches the workers' reports: it says which route waits and why, and after a while
 * gives those jobs up instead of waiting for a worker that may never come.
 */
import type { Redis } from 'ioredis';
import { describeModels, HEARTBEAT_EVERY_MS, liveWorkers, type WorkerStatus } from './farm-routes.js';
import type { ModelIdentity } from './model-identity.js';

/** Workers look for new routes every heartbeat: give them two before calling a route unserved. */
const GRACE_MS = 2 * HEARTBEAT_EVERY_MS;

export class UnservedRoutes {
  private readonly unservedSince = new Map<string, number>();
  /** The reason last logged per route: a worker answering late changes it, and the log says so. */
  private readonly loggedReasons = new Map<string, string>();
  /** Routes a check has already shown as waiting with every live worker's answer. */
  private readonly explained = new Set<string>();

  constructor(
    private readonly redis: Redis,
    private readonly queueName: string,
    private readonly timeoutMs: number,
    private readonly log: (line: string) => void,
  ) {}

  /** Of the routes with jobs waiting, those no live worker has served for the timeout, with why. */
  async expired(waiting: ReadonlyMap<string, readonly ModelIdentity[]>, now = Date.now()): Promise<Map<string, string>> {
    return (await this.check(waiting, now)).expired;
  }

  /**
   * Routes no live worker serves: `unserved` once past the workers' grace (with why, for showing
   * while the jobs wait), `expired` once past the timeout (their jobs are to be given up) and only
   * after an earlier check showed why with every live worker's answer: on a slow machine a worker
   * may look late, and a job must not fail before its user could read what it waited for.
   */
  async check(waiting: ReadonlyMap<string, readonly ModelIdentity[]>, now = Date.now()): Promise<{ unserved: Map<string, string>; expired: Map<string, string> }> {
    const workers = await liveWorkers(this.redis, this.queueName, now);
    const unserved = new Map<string, string>();
    const expired = new Map<string, string>();
    for (const [route, models] of waiting) {
      if (workers.some((worker) => worker.serves.includes(route))) {
        this.unservedSince.delete(route);
        this.explained.delete(route);
        continue;
      }
      const since = this.unservedSince.get(route) ?? now;
      this.unservedSince.set(route, since);
      const reason = this.whyUnserved(route, workers);
      if (now - since < GRACE_MS) continue;
      unserved.set(route, reason);
      if (this.loggedReasons.get(route) !== reason) this.log(`waiting: no worker takes jobs for ${describeModels(models)}: ${reason}`);
      this.loggedReasons.set(route, reason);
      if (now - since >= this.timeoutMs && this.explained.has(route)) expired.set(route, reason);
      if (workers.every((worker) => worker.skips[route] !== undefined)) this.explained.add(route);
    }
    return { unserved, expired };
  }

  private whyUnserved(route: string, workers: readonly WorkerStatus[]): string {
    if (workers.length === 0) return `no worker is taking jobs from "${this.queueName}"`;
    return workers.map((worker) => `worker ${worker.name} ${worker.skips[route] ?? 'has not looked at it yet'}`).join('; ');
  }
}
