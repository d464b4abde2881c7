/**
 * The batches an editor host (the HTTP server; the desktop shell could do the same) submitted for
 * its pages: a submission prepared as `scalecrafter batch` prepares one, then followed by a
 * BatchMonitor the page can watch. Host-independent: the host only carries requests and views.
 */
import path from 'node:path';
import type { EngineClient } from '../engine/engine-client.js';
import type { EngineConfig } from '../engine/engine-config.js';
import type { FarmSubmitResult, ParsedFarmSubmitParams } from '../protocol/farm.js';
import { UserFacingError } from '../protocol/user-facing-error.js';
import { prepareBatch } from './batch-jobs.js';
import { BatchMonitor } from './batch-monitor.js';
import { checkRedisReachable, submitJobs } from './batch-submit.js';
import { DEFAULT_QUEUE_NAME } from './farm-job.js';
import { parseSweep } from './sweep.js';

/** Tries per job for failures that may pass, as `scalecrafter batch` defaults to. */
const ATTEMPTS = 2;

export interface FarmBatchesOptions {
  engine: EngineClient;
  /** Identifies the models a batch uses by content (the workers must hold the same). */
  engineConfig: Pick<EngineConfig, 'modelsDir' | 'comfyui'>;
  /** The host's output folder: a relative farm folder is inside it. */
  outputDir: string;
  /** Jobs no worker can take are given up after this long; default 10 minutes. */
  unservedTimeoutMs?: number;
}

export class FarmBatches {
  readonly #monitors = new Map<string, BatchMonitor>();

  constructor(private readonly options: FarmBatchesOptions) {}

  get(batchId: string): BatchMonitor | undefined {
    return this.#monitors.get(batchId);
  }

  /** A problem the user can fix comes back as `ok: false` with its hint and field. */
  async submit(params: ParsedFarmSubmitParams): Promise<FarmSubmitResult> {
    try {
      return await this.#submit(params);
    } catch (error) {
      if (!(error instanceof UserFacingError)) throw error;
      return { ok: false, message: error.message, ...(error.hint ? { hint: error.hint } : {}), ...(error.field ? { field: error.field } : {}) };
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.#monitors.values()].map((monitor) => monitor.close()));
    this.#monitors.clear();
  }

  async #submit(params: ParsedFarmSubmitParams): Promise<FarmSubmitResult> {
    const { redisUrl } = params;
    const queueName = params.queue ?? DEFAULT_QUEUE_NAME;
    // Before the (slower) validation of every combination: a wrong URL is the commonest mistake.
    await checkRedisReachable(redisUrl);
    const sweep = parseSweep(params.sweep, 'the sweep');
    const outputDir = path.resolve(this.options.outputDir, params.outputDir);
    const jobs = await prepareBatch(this.options.engine, this.options.engineConfig, { workflowFile: 'the workflow', workflowJson: params.workflow, sweep, outputDir });
    await submitJobs(jobs, { redisUrl, queueName, attempts: ATTEMPTS });
    const batchId = jobs[0]!.batchId;
    // The same workflow and sweep give the same batch: submitted again, it is followed afresh.
    await this.#monitors.get(batchId)?.close();
    this.#monitors.set(batchId, new BatchMonitor(batchId, jobs, { redisUrl, queueName, outputDir, ...(this.options.unservedTimeoutMs === undefined ? {} : { unservedTimeoutMs: this.options.unservedTimeoutMs }) }));
    return { ok: true, batchId, jobs: jobs.length, outputDir };
  }
}
