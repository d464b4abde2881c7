/**
 * A farm worker: takes jobs from the BullMQ queue and renders each on its own headless engine.
 * Bad input (an invalid workflow, a model this machine lacks or holds in another version) fails the
 * job for good (UnrecoverableError); anything else is retried up to the job's attempts, and a job
 * whose worker dies is handed to another by BullMQ's stalled-job check.
 */
import path from 'node:path';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { EngineClient } from '../engine/engine-client.js';
import type { EngineConfig } from '../engine/engine-config.js';
import { filesIn } from '../engine/output-listing.js';
import { formatIssue, type EngineEvent, type ExecutionProviderPreference } from '../protocol/index.js';
import { UserFacingError } from '../protocol/user-facing-error.js';
import { farmJobDataSchema, type FarmJobData, type FarmJobResult } from './farm-job.js';
import { identifyModel } from './model-identity.js';
import { outputStoreFor } from './output-store.js';
import type { S3Settings } from './s3-location.js';

export interface FarmWorkerOptions {
  redisUrl: string;
  queueName: string;
  /** Shown in results and errors: which machine did it. */
  workerName: string;
  engine: EngineClient;
  engineConfig: Pick<EngineConfig, 'modelsDir' | 'comfyui'>;
  device: ExecutionProviderPreference;
  concurrency: number;
  /** Where the shared output folder is on this machine; by default where the coordinator has it. */
  outputDir?: string;
  /** How to reach the S3-compatible server of jobs whose output is s3://… (credentials: the AWS environment variables). */
  s3?: S3Settings;
  /** How long a job's lock lasts without renewal: a dead worker's job goes back to the queue after about this long. */
  lockDurationMs: number;
  onJob?: (line: string) => void;
  /** Wraps each job's rendering: a worker serving several routes lets one engine render its jobs in turn (engine-gate.ts). */
  holdEngine?: <T>(render: () => Promise<T>) => Promise<T>;
}

export function startFarmWorker(options: FarmWorkerOptions): Worker<FarmJobData, FarmJobResult> {
  const hold = options.holdEngine ?? ((render) => render());
  return new Worker<FarmJobData, FarmJobResult>(options.queueName, (job) => hold(() => renderJob(job, options)), {
    connection: { url: options.redisUrl, maxRetriesPerRequest: null },
    concurrency: options.concurrency,
    lockDuration: options.lockDurationMs,
    stalledInterval: options.lockDurationMs,
    name: options.workerName,
  });
}

async function renderJob(job: Job<FarmJobData, FarmJobResult>, options: FarmWorkerOptions): Promise<FarmJobResult> {
  const started = Date.now();
  const parsed = farmJobDataSchema.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`job ${job.id} is not a ScaleCrafter farm job: ${parsed.error.message}`);
  const data = parsed.data;
  const store = await outputStoreFor(data.outputDir, { ...(options.outputDir ? { localFolder: options.outputDir } : {}), ...(options.s3 ? { s3: options.s3 } : {}) });
  const existing = await store.published(data.name);
  if (existing.length > 0) return { worker: options.workerName, device: options.device, files: existing, skipped: true, durationMs: Date.now() - started };
  await checkModels(data, options);

  const staging = await store.staging(data.name);
  const rendered = await renderInto(staging, data, job, options);
  const files = await store.publish(data.name, staging, rendered);
  options.onJob?.(`${data.name}: wrote ${files.join(', ')}`);
  return { worker: options.workerName, device: options.device, files, skipped: false, durationMs: Date.now() - started };
}

async function checkModels(data: FarmJobData, options: FarmWorkerOptions): Promise<void> {
  for (const wanted of data.models) {
    const here = await identifyModel(options.engineConfig, wanted.name);
    if (here?.fingerprint === wanted.fingerprint) continue;
    const problem = here === null ? 'does not have' : 'has a different version of';
    const error = new UserFacingError(`worker ${options.workerName} ${problem} the model "${wanted.name}" (content ${wanted.fingerprint.slice(0, 12)}) that job ${data.name} needs`, {
      field: 'model',
      hint: `copy the coordinator's ${wanted.name} into ${options.engineConfig.modelsDir} on that machine, or stop that worker`,
      code: 'farm_model_missing',
    });
    throw new UnrecoverableError(`${error.message}; hint: ${error.hint}`);
  }
}

/** Runs the workflow on the engine into `staging`; the files it wrote, in output order. */
async function renderInto(staging: string, data: FarmJobData, job: Job, options: FarmWorkerOptions): Promise<string[]> {
  const { engine } = options;
  const queued = await engine.request('enqueue', {
    workflow: data.workflow,
    options: { outputDir: staging, label: data.name, executionProvider: options.device },
    overrides: [],
  });
  if (!queued.ok) throw new UnrecoverableError(`job ${data.name} cannot run: ${queued.issues.map(formatIssue).join('; ')}`);
  const files: string[] = [];
  const dispose = engine.onEvent((event) => {
    if (event.jobId !== queued.jobId) return;
    if (event.type === 'output') files.push(...filesIn(event.ui).map((relative) => path.join(staging, relative)));
    if (event.type === 'progress') void job.updateProgress(progressOf(event)).catch(() => undefined);
  });
  try {
    const end = await engine.waitForJob(queued.jobId);
    if (end.type === 'error') {
      const message = `job ${data.name} failed on worker ${options.workerName}: ${formatIssue({ code: 'execution_failed', ...end.failure })}`;
      // A failure that names a field is the job's input, which another try would only repeat.
      throw end.failure.field ? new UnrecoverableError(message) : new Error(message);
    }
    if (end.type === 'cancelled') throw new Error(`job ${data.name} was cancelled on worker ${options.workerName}`);
    return files;
  } finally {
    dispose();
  }
}

function progressOf(event: Extract<EngineEvent, { type: 'progress' }>): number {
  return event.max > 0 ? Math.round((100 * event.value) / event.max) : 0;
}
