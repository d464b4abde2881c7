/**
 * What `scalecrafter batch` prints as jobs finish: each job's outcome with its worker's running
 * tally (jobs done and failed, images per minute), and each worker's throughput at the end.
 */
import type { FarmJobResult } from './farm-job.js';

export interface JobOutcome {
  name: string;
  result?: FarmJobResult;
  failure?: string;
  /** The worker that failed the job (BullMQ's processedBy), when one did. */
  worker?: string;
}

export interface BatchSummary {
  outcomes: JobOutcome[];
  wallMs: number;
}

interface WorkerTally {
  done: number;
  failed: number;
  images: number;
  durationsMs: number[];
}

/** Per worker, over the outcomes so far; outputs another submission already made count for no one. */
function talliesOf(outcomes: readonly JobOutcome[]): Map<string, WorkerTally> {
  const tallies = new Map<string, WorkerTally>();
  const tallyOf = (worker: string) => {
    const tally = tallies.get(worker) ?? { done: 0, failed: 0, images: 0, durationsMs: [] };
    tallies.set(worker, tally);
    return tally;
  };
  for (const { result, worker } of outcomes) {
    if (result && !result.skipped) {
      const tally = tallyOf(result.worker);
      tally.done += 1;
      tally.images += result.files.length;
      tally.durationsMs.push(result.durationMs);
    } else if (!result && worker) tallyOf(worker).failed += 1;
  }
  return tallies;
}

const perMinute = (count: number, elapsedMs: number) => (count / Math.max(elapsedMs / 60_000, 1e-9)).toFixed(1);

function tallyText(worker: string, tally: WorkerTally, elapsedMs: number): string {
  return `${worker}: ${tally.done} done, ${tally.failed} failed, ${perMinute(tally.images, elapsedMs)} images/min`;
}

/** One line per finished job, ending with its worker's tally since the batch started. */
export function describeOutcome(outcomes: readonly JobOutcome[], total: number, elapsedMs: number): string {
  const outcome = outcomes[outcomes.length - 1]!;
  const position = `[${outcomes.length}/${total}] ${outcome.name}`;
  const worker = outcome.result?.worker ?? outcome.worker;
  const tally = worker === undefined ? undefined : talliesOf(outcomes).get(worker);
  const suffix = worker !== undefined && tally ? ` (${tallyText(worker, tally, elapsedMs)})` : '';
  if (!outcome.result) return `${position} failed${outcome.worker ? ` on ${outcome.worker}` : ''}: ${outcome.failure}${suffix}`;
  const { files, skipped, durationMs, device } = outcome.result;
  if (skipped) return `${position} already done: ${files.join(', ')}`;
  return `${position} done on ${outcome.result.worker}${device ? ` [${device}]` : ''} in ${(durationMs / 1000).toFixed(2)} s: ${files.join(', ')}${suffix}`;
}

/** Jobs each worker rendered and failed, its jobs and images per minute of the batch's wall time, and its mean job time. */
export function throughputLines(summary: BatchSummary): string[] {
  return [...talliesOf(summary.outcomes).entries()].sort(([a], [b]) => a.localeCompare(b)).map(([worker, tally]) => {
    const jobs = `${tally.done} job${tally.done === 1 ? '' : 's'}`;
    const mean = tally.durationsMs.length > 0 ? `, ${(tally.durationsMs.reduce((sum, ms) => sum + ms, 0) / tally.durationsMs.length / 1000).toFixed(2)} s/job` : '';
    return `${worker}: ${jobs}, ${tally.failed} failed, ${perMinute(tally.done, summary.wallMs)} jobs/min, ${perMinute(tally.images, summary.wallMs)} images/min${mean}`;
  });
}
