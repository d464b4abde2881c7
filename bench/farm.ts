/**
 * Render-farm throughput: the same sweep on 1, 2 and 3 `scalecrafter worker` processes (one Redis,
 * one machine: the ratios say how far the farm's own machinery scales; on real farms each worker is
 * its own GPU machine), and the per-job overhead of going through the farm against rendering the
 * same jobs one after another on a local engine.
 *
 *   node --import tsx bench/farm.ts [--jobs 6] [--out bench/results]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { EngineClient } from '../app/engine/engine-client.js';
import { defaultEngineConfig } from '../app/engine/engine-config.js';
import { submitAndFollow } from '../app/farm/batch-follow.js';
import { prepareBatch } from '../app/farm/batch-jobs.js';
import type { FarmJobData } from '../app/farm/farm-job.js';
import { defaultWorkflow } from '../test/support/default-workflow.js';
import { startWorker, type WorkerProcess } from '../test/support/farm-workers.js';
import { startRedisServer } from '../test/support/redis-server.js';
import { machineName } from './gpu-probe.js';
import { writeTableFile } from './table-file.js';

const { values: args } = parseArgs({ options: { jobs: { type: 'string', default: '6' }, out: { type: 'string' } } });
const jobCount = Number(args.jobs);
const engineConfig = defaultEngineConfig();
const scratch = mkdtempSync(path.join(tmpdir(), 'scalecrafter-bench-farm-'));

/** The bundled model's default workflow, one job per seed. */
async function jobsFor(engine: EngineClient, batchId: string): Promise<FarmJobData[]> {
  const seeds = Array.from({ length: jobCount }, (_, index) => index + 1);
  return prepareBatch(engine, engineConfig, { workflowFile: 'default.json', workflowJson: defaultWorkflow(), sweep: { seeds, set: {} }, outputDir: path.join(scratch, batchId), batchId });
}

/** Seconds per job rendering the jobs in order on one local engine (after a warm-up job). */
async function localSecondsPerJob(engine: EngineClient, jobs: readonly FarmJobData[]): Promise<number> {
  const run = async (job: FarmJobData) => {
    const queued = await engine.request('enqueue', { workflow: job.workflow, options: { outputDir: path.join(scratch, 'local'), label: job.name, executionProvider: 'cpu' }, overrides: [] });
    if (!queued.ok) throw new Error(JSON.stringify(queued.issues));
    const end = await engine.waitForJob(queued.jobId);
    if (end.type !== 'done') throw new Error(`local job ${job.name} ended with ${end.type}`);
  };
  await run(jobs[0]!);
  const started = performance.now();
  for (const job of jobs) await run(job);
  return (performance.now() - started) / 1000 / jobs.length;
}

/** Seconds from submitting to the last output with `workerCount` warm workers (each rendered one job first). */
async function farmSeconds(engine: EngineClient, redisUrl: string, workerCount: number): Promise<number> {
  const queueName = `bench-${workerCount}`;
  const workers: WorkerProcess[] = await Promise.all(Array.from({ length: workerCount }, (_, index) =>
    startWorker(`bench${index + 1}`, ['--redis', redisUrl, '--queue', queueName, '--device', 'cpu', '--models', engineConfig.modelsDir])));
  try {
    const log = () => undefined;
    const warmUp = (await jobsFor(engine, `warm${workerCount}`)).slice(0, workerCount);
    await submitAndFollow(warmUp, { redisUrl, queueName, attempts: 1, log });
    const summary = await submitAndFollow(await jobsFor(engine, `run${workerCount}`), { redisUrl, queueName, attempts: 1, log });
    const failed = summary.outcomes.filter((outcome) => outcome.failure);
    if (failed.length > 0) throw new Error(`farm jobs failed: ${failed.map((outcome) => outcome.failure).join('; ')}`);
    return summary.wallMs / 1000;
  } finally {
    await Promise.all(workers.map((worker) => worker.stop()));
  }
}

const redis = await startRedisServer();
const engine = await EngineClient.start(engineConfig);
try {
  const local = await localSecondsPerJob(engine, await jobsFor(engine, 'local'));
  const rows: string[] = [];
  let single = Number.NaN;
  for (const workers of [1, 2, 3]) {
    const seconds = await farmSeconds(engine, redis.url, workers);
    if (workers === 1) single = seconds;
    const perJob = seconds / jobCount;
    rows.push(`| ${workers} | ${seconds.toFixed(2)} s | ${(60 / perJob).toFixed(1)} | ${(single / seconds).toFixed(2)}× | ${workers === 1 ? `${((perJob - local) * 1000).toFixed(0)} ms` : ''} |`);
  }
  const lines = [
    `# Render farm throughput (${jobCount} jobs of workflows/default.json's graph on emoji-pixel-32, one seed each, CPU EP)`,
    '',
    `${machineName()}, host ${hostname()}, ${cpus().length} CPUs, node ${process.version}, ${new Date().toISOString()}; Redis and every worker on this machine. Local run: ${local.toFixed(2)} s/job on one engine.`,
    '',
    '| workers | batch wall time | jobs/min | speed-up vs 1 worker | farm overhead per job vs local |',
    '|---|---|---|---|---|',
    ...rows,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (args.out) writeTableFile(args.out, `${machineName()}-farm.md`, lines);
} finally {
  await engine.close();
  await redis.stop();
  rmSync(scratch, { recursive: true, force: true });
}
