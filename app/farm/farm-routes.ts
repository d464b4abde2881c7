/**
 * Routing jobs to workers that can run them: a job goes to the queue of its models' content (one
 * BullMQ queue per set of models, a "route"), and a worker takes jobs only from the routes whose
 * models it has. The coordinator lists the routes in Redis; each worker publishes which routes it
 * serves and why it skips the others, so a batch can say why its jobs wait.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { ModelIdentity } from './model-identity.js';

const routeEntrySchema = z.object({ models: z.array(z.object({ name: z.string(), fingerprint: z.string() })), at: z.number() });

/**
 * A batch renews its routes while it follows them; a worker starts serving (and copying models
 * for) only routes renewed this recently, not every route a finished batch once listed.
 */
export const ROUTE_FRESH_MS = 60_000;

/** A heartbeat older than this is a worker that left (or died). */
export const WORKER_SILENT_AFTER_MS = 15_000;
export const HEARTBEAT_EVERY_MS = 3_000;

export const workerStatusSchema = z.object({
  name: z.string(),
  device: z.string(),
  /** Routes this worker takes jobs from. */
  serves: z.array(z.string()),
  /** Routes it cannot take, with why (the model it lacks, where it looked). */
  skips: z.record(z.string(), z.string()),
  at: z.number(),
});
export type WorkerStatus = z.infer<typeof workerStatusSchema>;

/** The same models (by content, in any order) give the same route. */
export function routeOf(models: readonly ModelIdentity[]): string {
  const fingerprints = models.map((model) => model.fingerprint).sort();
  return `m${createHash('sha256').update(fingerprints.join(',')).digest('hex').slice(0, 12)}`;
}

export function describeModels(models: readonly ModelIdentity[]): string {
  return models.map((model) => `"${model.name}" (content ${model.fingerprint.slice(0, 12)})`).join(', ') || 'workflows without a model';
}

/** BullMQ's queue for one route of a farm (`--queue`). */
export function routeQueueName(queueName: string, route: string): string {
  return `${queueName}-${route}`;
}

const routesKey = (queueName: string) => `scalecrafter:farm:${queueName}:routes`;
const workersKey = (queueName: string) => `scalecrafter:farm:${queueName}:workers`;

/** Lists (or renews) routes as wanted now. */
export async function registerRoutes(redis: Redis, queueName: string, routes: ReadonlyMap<string, readonly ModelIdentity[]>, now = Date.now()): Promise<void> {
  if (routes.size === 0) return;
  await redis.hset(routesKey(queueName), Object.fromEntries([...routes].map(([route, models]) => [route, JSON.stringify({ models, at: now })])));
}

/** The routes some batch renewed within ROUTE_FRESH_MS, with their models. */
export async function readRoutes(redis: Redis, queueName: string, now = Date.now()): Promise<Map<string, ModelIdentity[]>> {
  const entries = await redis.hgetall(routesKey(queueName));
  const routes = new Map<string, ModelIdentity[]>();
  for (const [route, json] of Object.entries(entries)) {
    const parsed = routeEntrySchema.safeParse(JSON.parse(json));
    if (parsed.success && now - parsed.data.at < ROUTE_FRESH_MS) routes.set(route, parsed.data.models);
  }
  return routes;
}

export async function publishWorkerStatus(redis: Redis, queueName: string, status: WorkerStatus): Promise<void> {
  await redis.hset(workersKey(queueName), status.name, JSON.stringify(status));
}

export async function removeWorkerStatus(redis: Redis, queueName: string, workerName: string): Promise<void> {
  await redis.hdel(workersKey(queueName), workerName);
}

/** Workers that reported within WORKER_SILENT_AFTER_MS. */
export async function liveWorkers(redis: Redis, queueName: string, now = Date.now()): Promise<WorkerStatus[]> {
  const entries = await redis.hgetall(workersKey(queueName));
  return Object.values(entries)
    .map((json) => workerStatusSchema.safeParse(JSON.parse(json)))
    .flatMap((parsed) => (parsed.success && now - parsed.data.at < WORKER_SILENT_AFTER_MS ? [parsed.data] : []));
}
