/**
 * Submits a batch's jobs (BullMQ drops a job whose id it already holds, so a batch submitted twice
 * renders each combination once) and follows them to the end: a line per finished job, and each
 * worker's throughput at the end.
 */
import { Job, Queue, QueueEvents } from 'bullmq';
import { farmJobResultSchema, type FarmJobData, type FarmJobResult } from './farm-job.js';

export interface FollowOptions {
  redisUrl: string;
  queueName: string;
  /** Tries per job for failures that may pass (a crash, out of memory); bad input is never retried. */
  attempts: number;
  log: (line: string) => void;
  /** How often the follower asks Redis for jobs that finished unseen (events missed while Redis restarted). */
  pollMs?: number;
}

export interface JobOutcome {
  name: string;
  result?: FarmJobResult;
  failure?: string;
}

export interface BatchSummary {
  outcomes: JobOutcome[];
  wallMs: number;
}

export async function submitAndFollow(jobs: readonly FarmJobData[], options: FollowOptions): Promise<BatchSummary> {
  const connection = { url: options.redisUrl, maxRetriesPerRequest: null };
  const queue = new Queue<FarmJobData, FarmJobResult>(options.queueName, { connection });
  const events = new QueueEvents(options.queueName, { connection });
  const started = Date.now();
  try {
    await events.waitUntilReady();
    const pending = new Set(jobs.map((job) => job.name));
    const outcomes: JobOutcome[] = [];
    let resolveAll: () => void = () => undefined;
    const allDone = new Promise<void>((resolve) => (resolveAll = resolve));
    const settle = async (jobId: string) => {
      if (!pending.has(jobId)) return;
      const outcome = await outcomeOf(queue, jobId);
      if (!outcome || !pending.delete(jobId)) return;
      outcomes.push(outcome);
      options.log(describeOutcome(outcome, outcomes.length, jobs.length));
      if (pending.size === 0) resolveAll();
    };
    const settleQuietly = (jobId: string) => void settle(jobId).catch(() => undefined);
    events.on('completed', ({ jobId }) => settleQuietly(jobId));
    events.on('failed', ({ jobId }) => settleQuietly(jobId));
    reportConnectionLoss([queue, events], options.log);
    await queue.addBulk(jobs.map((data) => ({
      name: data.name,
      data,
      opts: { jobId: data.name, attempts: options.attempts, backoff: { type: 'exponential', delay: 1000 } },
    })));
    // Jobs that finished before (an earlier submission of the same batch) send no events now.
    await Promise.all(jobs.map((job) => settle(job.name)));
    // Events sent while this follower was cut off from Redis are not sent again: ask now and then.
    const poll = setInterval(() => [...pending].forEach(settleQuietly), options.pollMs ?? 2000);
    try {
      if (pending.size > 0) await allDone;
    } finally {
      clearInterval(poll);
    }
    return { outcomes, wallMs: Date.now() - started };
  } finally {
    await events.close();
    await queue.close();
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
  if (job.failedReason && job.returnvalue == null) return { name: jobId, failure: job.failedReason };
  const result = farmJobResultSchema.safeParse(job.returnvalue);
  return result.success ? { name: jobId, result: result.data } : { name: jobId, failure: `the worker returned an unreadable result: ${result.error.message}` };
}

function describeOutcome(outcome: JobOutcome, count: number, total: number): string {
  const position = `[${count}/${total}] ${outcome.name}`;
  if (!outcome.result) return `${position} failed: ${outcome.failure}`;
  const { worker, files, skipped, durationMs } = outcome.result;
  return skipped ? `${position} already done: ${files.join(', ')}` : `${position} done on ${worker} in ${(durationMs / 1000).toFixed(2)} s: ${files.join(', ')}`;
}

/** Jobs each worker rendered, per minute of the batch's wall time, and its mean job time. */
export function throughputLines(summary: BatchSummary): string[] {
  const perWorker = new Map<string, number[]>();
  for (const { result } of summary.outcomes) {
    if (!result || result.skipped) continue;
    perWorker.set(result.worker, [...(perWorker.get(result.worker) ?? []), result.durationMs]);
  }
  const minutes = summary.wallMs / 60_000;
  return [...perWorker.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([worker, durations]) => {
    const mean = durations.reduce((sum, ms) => sum + ms, 0) / durations.length / 1000;
    return `${worker}: ${durations.length} job${durations.length === 1 ? '' : 's'}, ${(durations.length / minutes).toFixed(1)} jobs/min, ${mean.toFixed(2)} s/job`;
  });
}
