import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { EngineClient } from '../../engine/engine-client.js';
import { defaultEngineConfig } from '../../engine/engine-config.js';
import { prepareBatch } from '../../farm/batch-jobs.js';
import { submitAndFollow, throughputLines } from '../../farm/batch-follow.js';
import { DEFAULT_QUEUE_NAME } from '../../farm/farm-job.js';
import { isS3Url, parseS3Url } from '../../farm/s3-location.js';
import { parseSweep } from '../../farm/sweep.js';
import { UserFacingError } from '../../protocol/user-facing-error.js';
import { positiveInteger, redisUrlOf } from '../farm-options.js';
import { printIssues, readWorkflowFile } from '../workflow-file.js';

interface BatchOptions {
  sweep?: string;
  redis?: string;
  queue: string;
  out: string;
  models?: string;
  batchId?: string;
  attempts: number;
  unservedTimeout: number;
}

/** Exit codes: 0 every job done, 1 some failed, 2 the workflow or sweep is invalid. */
export function registerBatchCommand(program: Command): void {
  program
    .command('batch')
    .description('render farm: submit one job per sweep combination to a Redis queue, follow them and report each worker\'s throughput')
    .argument('<workflow>', 'workflow JSON file')
    .option('--sweep <file>', 'sweep JSON: {"seeds": [1, 2], "sizes": ["64x64"], "set": {"NODE_ID.FIELD": [values…]}} (default: the workflow once)')
    .option('--redis <url>', 'Redis URL, e.g. rediss://:PASSWORD@host:6380 (default: $SCALECRAFTER_REDIS_URL)')
    .option('--queue <name>', 'queue name', DEFAULT_QUEUE_NAME)
    .option('-o, --out <dir>', 'the shared output folder the workers write into, or s3://BUCKET/PREFIX (an S3-compatible bucket)', 'out')
    .option('--models <dir>', 'models folder whose files identify the models (default: $SCALECRAFTER_MODELS_DIR or ./models)')
    .option('--batch-id <id>', 'name the batch (default: derived from the workflow and sweep, so resubmitting resumes it)')
    .option('--attempts <n>', 'tries per job for failures that may pass; bad input is never retried', positiveInteger, 2)
    .option('--unserved-timeout <s>', 'give up jobs that no worker can take (none has their models) after this many seconds', positiveInteger, 600)
    .action(async (file: string, options: BatchOptions) => {
      process.exitCode = await runBatch(file, options);
    });
}

async function runBatch(file: string, options: BatchOptions): Promise<number> {
  const redisUrl = redisUrlOf(options.redis);
  if (options.batchId !== undefined && !/^[\w-]+$/.test(options.batchId)) {
    throw new UserFacingError(`--batch-id "${options.batchId}" may hold only letters, digits, "_" and "-"`, { hint: 'it names the output files' });
  }
  const read = await readWorkflowFile(file);
  if (!read.ok) {
    process.stderr.write(`${file} cannot run:\n`);
    printIssues(read.issues);
    return 2;
  }
  const sweep = options.sweep ? parseSweep(await readJson(options.sweep), options.sweep) : { set: {} };
  // A mistyped bucket is found before the engine starts (seconds), not after.
  if (isS3Url(options.out)) {
    try {
      parseS3Url(options.out);
    } catch (error) {
      return reportInvalid(error);
    }
  }
  const engineConfig = { ...defaultEngineConfig(), ...(options.models ? { modelsDir: path.resolve(options.models) } : {}) };
  const engine = await EngineClient.start(engineConfig);
  let jobs;
  try {
    jobs = await prepareBatch(engine, engineConfig, { workflowFile: file, workflowJson: read.json, sweep, outputDir: options.out, ...(options.batchId ? { batchId: options.batchId } : {}) });
  } catch (error) {
    return reportInvalid(error);
  } finally {
    await engine.close();
  }
  process.stderr.write(`batch ${jobs[0]!.batchId}: ${jobs.length} job${jobs.length === 1 ? '' : 's'} into ${jobs[0]!.outputDir}\n`);
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const summary = await submitAndFollow(jobs, { redisUrl, queueName: options.queue, attempts: options.attempts, log, unservedTimeoutMs: options.unservedTimeout * 1000 });
  log(`finished in ${(summary.wallMs / 1000).toFixed(2)} s`);
  for (const line of throughputLines(summary)) log(`  ${line}`);
  return summary.outcomes.some((outcome) => outcome.failure !== undefined) ? 1 : 0;
}

/** Exit code 2 for what the user gave (workflow, sweep, --out); anything else is not ours to explain. */
function reportInvalid(error: unknown): number {
  if (!(error instanceof UserFacingError)) throw error;
  process.stderr.write(`error: ${error.message}\n${error.hint ? `hint: ${error.hint}\n` : ''}`);
  return 2;
}

async function readJson(file: string): Promise<unknown> {
  let text;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UserFacingError(`cannot read ${file}: ${(error as Error).message}`, { hint: 'check the --sweep path' });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UserFacingError(`${file} is not valid JSON: ${(error as Error).message}`, { hint: 'fix the sweep file' });
  }
}
