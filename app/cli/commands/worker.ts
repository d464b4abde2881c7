import { hostname } from 'node:os';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { EngineClient } from '../../engine/engine-client.js';
import { defaultEngineConfig } from '../../engine/engine-config.js';
import { DEFAULT_QUEUE_NAME } from '../../farm/farm-job.js';
import { startRoutedFarmWorker } from '../../farm/routed-worker.js';
import { EXECUTION_PROVIDER_PREFERENCES, type ExecutionProviderPreference } from '../../protocol/index.js';
import { positiveInteger, redisUrlOf } from '../farm-options.js';

interface WorkerOptions {
  redis?: string;
  queue: string;
  device: ExecutionProviderPreference;
  concurrency: number;
  models?: string;
  modelsFrom?: string;
  out?: string;
  s3Endpoint?: string;
  name: string;
  lockDuration: number;
}

/** Runs until SIGINT/SIGTERM; the job in hand finishes first (BullMQ's graceful close). */
export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('render farm worker: take jobs from a Redis queue (filled by `scalecrafter batch`) and render them')
    .option('--redis <url>', 'Redis URL, e.g. rediss://:PASSWORD@host:6380 (default: $SCALECRAFTER_REDIS_URL)')
    .option('--queue <name>', 'queue name', DEFAULT_QUEUE_NAME)
    .addOption(new Option('--device <provider>', 'execution provider; falls back to the next available one').choices(EXECUTION_PROVIDER_PREFERENCES).default('auto'))
    .option('--concurrency <n>', 'jobs held at once (the engine renders them one after another)', positiveInteger, 1)
    .option('--models <dir>', 'models folder (default: $SCALECRAFTER_MODELS_DIR or ./models)')
    .option('--models-from <dir>', 'the farm\'s shared models location (a models folder): a model this worker lacks is copied from there, checked by content')
    .option('--out <dir>', 'where the shared output folder is mounted on this machine (default: the path the batch gave)')
    .option('--s3-endpoint <url>', 'S3-compatible server for s3:// outputs (MinIO, R2…; default: $AWS_ENDPOINT_URL_S3, else AWS); credentials: $AWS_ACCESS_KEY_ID and $AWS_SECRET_ACCESS_KEY')
    .option('--name <name>', 'this worker\'s name in results and errors', `${hostname()}-${process.pid}`)
    .option('--lock-duration <ms>', 'a dead worker\'s job is handed to another after about this long', positiveInteger, 30_000)
    .action(async (options: WorkerOptions) => {
      await runWorker(options);
    });
}

async function runWorker(options: WorkerOptions): Promise<void> {
  const redisUrl = redisUrlOf(options.redis);
  const engineConfig = { ...defaultEngineConfig(), ...(options.models ? { modelsDir: path.resolve(options.models) } : {}) };
  const engine = await EngineClient.start(engineConfig);
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const worker = await startRoutedFarmWorker({
    redisUrl,
    queueName: options.queue,
    workerName: options.name,
    engine,
    engineConfig,
    device: options.device,
    concurrency: options.concurrency,
    ...(options.out ? { outputDir: path.resolve(options.out) } : {}),
    ...(options.modelsFrom ? { modelsFrom: path.resolve(options.modelsFrom) } : {}),
    ...s3SettingsOf(options.s3Endpoint),
    lockDurationMs: options.lockDuration,
    onJob: log,
    log,
  });
  log(`worker ${options.name} is taking jobs from "${options.queue}" (models: ${engineConfig.modelsDir}, device: ${options.device})`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  // A graceful close waits for the job in hand (and for Redis, if it is away): a second signal means now.
  const now = () => {
    log(`worker ${options.name} stops without waiting; BullMQ gives its job to another worker once its lock expires`);
    process.exit(1);
  };
  process.once('SIGINT', now);
  process.once('SIGTERM', now);
  log(`worker ${options.name} finishes the job in hand, then stops (signal again to stop now)`);
  await worker.close();
  await engine.close();
}

/** Only the endpoint is an option: keys stay in the environment, out of `ps`. */
function s3SettingsOf(option: string | undefined, env: NodeJS.ProcessEnv = process.env): { s3?: { endpoint: string } } {
  const endpoint = option ?? env.AWS_ENDPOINT_URL_S3;
  return endpoint ? { s3: { endpoint } } : {};
}
