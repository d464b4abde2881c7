/** Per-worker counts and throughput of a batch so far, from its jobs' views. */
import type { FarmJobView, FarmWorkerView } from '../protocol/farm.js';

export function workerViews(jobs: readonly FarmJobView[], elapsedMs: number): FarmWorkerView[] {
  const byWorker = new Map<string, { done: number[]; failed: number }>();
  for (const job of jobs) {
    if (!job.worker || job.skipped) continue;
    const entry = byWorker.get(job.worker) ?? { done: [], failed: 0 };
    if (job.state === 'done') entry.done.push(job.durationMs ?? 0);
    if (job.state === 'failed') entry.failed += 1;
    byWorker.set(job.worker, entry);
  }
  const minutes = Math.max(elapsedMs, 1) / 60_000;
  return [...byWorker.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([worker, { done, failed }]) => ({
    worker,
    done: done.length,
    failed,
    jobsPerMinute: done.length / minutes,
    ...(done.length > 0 ? { secondsPerJob: done.reduce((sum, ms) => sum + ms, 0) / done.length / 1000 } : {}),
  }));
}
