/**
 * Submits a batch's jobs, each to its models' route (farm-routes.ts), and follows them to the end:
 * a line per finished job with its worker's tally. BullMQ drops a job whose id it already holds,
 * so a batch submitted twice renders each combination once.
 */
import { Job, Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { farmJobResultSchema, type FarmJobData, type FarmJobResult } from './farm-job.js';
import { registerRoutes } from './farm-routes.js';
import { addLaneJobs, routeLanesOf, wantedRoutes, type RedisConnection, type RouteLane } from './route-lanes.js';
import { describeOutcome, type BatchSummary, type JobOutcome } from './batch-report.js';
import { UnservedRoutes } from './unserved-routes.js';

export { throughputLines, type BatchSummary, type JobOutcome } from './batch-report.js';

export interface FollowOptions {
  redisUrl: string;
  queueName: string;
  /** Tries per job for failures that may pass (a crash, out of memory); bad input is never retried. */
  attempts: number;
  log: (line: string) => void;
  /** How often the follower asks Redis for jobs that finished unseen (events missed while Redis restarted). */
  pollMs?: number;
  /** Jobs that no worker can take (none has their models) for this long are given up; default 10 minutes. */
  unservedTimeoutMs?: number;
}

/** One route's jobs and its queue. */
interface Lane extends RouteLane {
  queue: Queue<FarmJobData, FarmJobResult>;
  events: QueueEvents;
}

export async function submitAndFollow(jobs: readonly FarmJobData[], options: FollowOptions): Promise<BatchSummary> {
  const connection = { url: options.redisUrl, maxRetriesPerRequest: null };
  const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  redis.on('error', () => undefined); // the lanes' queues report losing Redis
  const lanes = lanesOf(jobs, options.queueName, connection);
  const started = Date.now();
  try {
    await Promise.all(lanes.map((lane) => lane.events.waitUntilReady()));
    const renewRoutes = (pending: ReadonlySet<string>) => registerRoutes(redis, options.queueName, wantedRoutes(lanes, pending));
    await renewRoutes(new Set(jobs.map((job) => job.name)));
    return await follow(lanes, { unserved: new UnservedRoutes(redis, options.queueName, options.unservedTimeoutMs ?? 600_000, options.log), renewRoutes }, options, started);
  } finally {
    await Promise.all(lanes.flatMap((lane) => [lane.events.close(), lane.queue.close()]));
    redis.disconnect();
  }
}

function lanesOf(jobs: readonly FarmJobData[], queueName: string, connection: RedisConnection): Lane[] {
  return routeLanesOf(jobs, queueName).map((lane) => ({ ...lane, queue: new Queue<FarmJobData, FarmJobResult>(lane.queueName, { connection }), events: new QueueEvents(lane.queueName, { connection }) }));
}

interface RouteKeeping {
  unserved: UnservedRoutes;
  /** Keeps the routes of jobs still pending fresh for workers (ROUTE_FRESH_MS). */
  renewRoutes: (pending: ReadonlySet<string>) => Promise<void>;
}

async function follow(lanes: readonly Lane[], routes: RouteKeeping, options: FollowOptions, started: number): Promise<BatchSummary> {
  const laneOf = new Map(lanes.flatMap((lane) => lane.jobs.map((job) => [job.name, lane] as const)));
  const pending = new Set(laneOf.keys());
  const outcomes: JobOutcome[] = [];
  let resolveAll: () => void = () => undefined;
  const allDone = new Promise<void>((resolve) => (resolveAll = resolve));
  const record = (outcome: JobOutcome) => {
    if (!pending.delete(outcome.name)) return;
    outcomes.push(outcome);
    options.log(describeOutcome(outcomes, laneOf.size, Date.now() - started));
    if (pending.size === 0) resolveAll();
  };
  const settle = async (jobId: string) => {
    const lane = laneOf.get(jobId);
    if (!lane || !pending.has(jobId)) return;
    const outcome = await outcomeOf(lane.queue, jobId);
    if (outcome) record(outcome);
  };
  const settleQuietly = (jobId: string) => void settle(jobId).catch(() => undefined);
  for (const lane of lanes) {
    lane.events.on('completed', ({ jobId }) => settleQuietly(jobId));
    lane.events.on('failed', ({ jobId }) => settleQuietly(jobId));
  }
  reportConnectionLoss(lanes.flatMap((lane) => [lane.queue, lane.events]), options.log);
  for (const lane of lanes) await addLaneJobs(lane.queue, lane.jobs, options.attempts);
  // Jobs that finished before (an earlier submission of the same batch) send no events now.
  await Promise.all([...pending].map(settle));
  // Events sent while this follower was cut off from Redis are not sent again: ask now and then.
  const check = async () => {
    await Promise.all([...pending].map(settle));
    await routes.renewRoutes(pending);
    await giveUpUnserved(lanes, pending, routes.unserved, record);
  };
  const poll = setInterval(() => void check().catch(() => undefined), options.pollMs ?? 2000);
  try {
    if (pending.size > 0) await allDone;
  } finally {
    clearInterval(poll);
  }
  return { outcomes, wallMs: Date.now() - started };
}

/** Removes the jobs of routes no worker has taken for the timeout, and reports them failed with why. */
async function giveUpUnserved(lanes: readonly Lane[], pending: ReadonlySet<string>, unserved: UnservedRoutes, record: (outcome: JobOutcome) => void): Promise<void> {
  const waiting = lanes.filter((lane) => lane.jobs.some((job) => pending.has(job.name)));
  const expired = await unserved.expired(wantedRoutes(waiting, pending));
  for (const lane of waiting) {
    const reason = expired.get(lane.route);
    if (reason === undefined) continue;
    for (const job of lane.jobs.filter((candidate) => pending.has(candidate.name))) {
      await lane.queue.remove(job.name);
      record({ name: job.name, failure: `no worker can run it: ${reason}; hint: give a worker this model (copy it into its models folder, or start workers with --models-from)` });
    }
  }
}

interface ErrorSource {
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/** ioredis reconnects by itself (BullMQ retries about every second): say so, once per outage rather than per retry. */
function reportConnectionLoss(clients: readonly ErrorSource[], log: (line: string) => void): void {
  let lastReport = 0;
  for (const client of clients) {
    client.on('error', (error) => {
      if (Date.now() - lastReport < 10_000) return;
      lastReport = Date.now();
      log(`lost Redis (${error.message}); reconnecting, the batch goes on when it is back`);
    });
  }
}

async function outcomeOf(queue: Queue<FarmJobData, FarmJobResult>, jobId: string): Promise<JobOutcome | null> {
  const job = await Job.fromId<FarmJobData, FarmJobResult>(queue, jobId);
  if (!job) return null;
  if (job.finishedOn === undefined) return null;
  const worker = job.processedBy ? { worker: job.processedBy } : {};
  if (job.failedReason && job.returnvalue == null) return { name: jobId, failure: job.failedReason, ...worker };
  const result = farmJobResultSchema.safeParse(job.returnvalue);
  return result.success ? { name: jobId, result: result.data } : { name: jobId, failure: `the worker returned an unreadable result: ${result.error.message}`, ...worker };
}
