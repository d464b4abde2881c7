/**
 * A farm worker on every route it can serve: it watches the routes batches register, gets each
 * route's models (its own, or copied from the shared models location), takes jobs only from the
 * routes it has the models for, and publishes which routes it serves and why it skips the rest.
 */
import type { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { EngineGate } from './engine-gate.js';
import { startFarmWorker, type FarmWorkerOptions } from './farm-worker.js';
import { describeModels, HEARTBEAT_EVERY_MS, publishWorkerStatus, readRoutes, removeWorkerStatus, routeQueueName } from './farm-routes.js';
import type { ModelIdentity } from './model-identity.js';
import { supplyModels } from './model-supply.js';

export interface RoutedFarmWorkerOptions extends FarmWorkerOptions {
  /** The farm's shared models location: models this worker lacks are copied from there. */
  modelsFrom?: string;
  /** What the worker starts serving, skips, or copies. */
  log: (line: string) => void;
}

export interface RoutedFarmWorker {
  /** Lets the jobs in hand finish, then leaves the farm. */
  close(): Promise<void>;
}

export async function startRoutedFarmWorker(options: RoutedFarmWorkerOptions): Promise<RoutedFarmWorker> {
  const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  // Connection errors repeat each second while Redis is away; the route workers already report them.
  redis.on('error', () => undefined);
  const routes = new Map<string, Worker>();
  const skips: Record<string, string> = {};
  const gate = new EngineGate(options.concurrency);

  const serve = async (route: string, models: readonly ModelIdentity[]) => {
    // A copy that fails (disk full, no permission) is this route's problem, reported like a missing model.
    const supplied = await supplyModels(models, { local: options.engineConfig, ...(options.modelsFrom ? { modelsFrom: options.modelsFrom } : {}) })
      .catch((error: Error) => ({ ok: false as const, reason: `could not get the models: ${error.message}` }));
    if (!supplied.ok) {
      if (skips[route] !== supplied.reason) options.log(`not taking jobs for ${describeModels(models)}: worker ${options.workerName} ${supplied.reason}`);
      skips[route] = supplied.reason;
      return;
    }
    delete skips[route];
    if (supplied.copied.length > 0) options.log(`copied ${supplied.copied.join(', ')} from ${options.modelsFrom}`);
    const worker = startFarmWorker({ ...options, queueName: routeQueueName(options.queueName, route), holdEngine: (render) => gate.run(render) });
    worker.on('error', (error) => options.log(`queue error: ${error.message}`));
    worker.on('failed', (job, error) => options.log(`${job?.name ?? 'a job'} failed: ${error.message}`));
    gate.add(worker);
    routes.set(route, worker);
    options.log(`taking jobs for ${describeModels(models)}`);
  };
  const refresh = async () => {
    for (const [route, models] of await readRoutes(redis, options.queueName)) {
      if (!routes.has(route)) await serve(route, models);
    }
    await publishWorkerStatus(redis, options.queueName, { name: options.workerName, device: options.device, serves: [...routes.keys()], skips, at: Date.now() });
  };
  await refresh();
  const timer = setRepeating(refresh, HEARTBEAT_EVERY_MS, (error) => options.log(`cannot read the farm's routes: ${error.message}`));
  return {
    close: async () => {
      clearInterval(timer);
      await Promise.all([...routes.values()].map((worker) => worker.close()));
      await removeWorkerStatus(redis, options.queueName, options.workerName).catch(() => undefined);
      redis.disconnect();
    },
  };
}

/** Runs `task` every `ms`, never two at once (copying a model can take longer than the interval). */
function setRepeating(task: () => Promise<void>, ms: number, onError: (error: Error) => void): NodeJS.Timeout {
  let running = false;
  return setInterval(() => {
    if (running) return;
    running = true;
    task().catch(onError).finally(() => (running = false));
  }, ms);
}
