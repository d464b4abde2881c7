/**
 * A batch's jobs grouped by route (farm-routes.ts) and added to their routes' queues: the one way
 * jobs enter the farm, for `scalecrafter batch` (batch-follow.ts) and the editor (batch-submit.ts).
 */
import { Queue } from 'bullmq';
import type { FarmJobData, FarmJobResult } from './farm-job.js';
import type { ModelIdentity } from './model-identity.js';
import { routeOf, routeQueueName } from './farm-routes.js';

export interface RouteLane {
  route: string;
  /** BullMQ's queue name of the route. */
  queueName: string;
  models: readonly ModelIdentity[];
  jobs: FarmJobData[];
}

export type RedisConnection = { url: string; maxRetriesPerRequest: null };

export function routeLanesOf(jobs: readonly FarmJobData[], farmQueueName: string): RouteLane[] {
  const byRoute = new Map<string, FarmJobData[]>();
  for (const job of jobs) {
    const route = routeOf(job.models);
    byRoute.set(route, [...(byRoute.get(route) ?? []), job]);
  }
  return [...byRoute].map(([route, routeJobs]) => ({ route, queueName: routeQueueName(farmQueueName, route), models: routeJobs[0]!.models, jobs: routeJobs }));
}

/** Adds the jobs under their names as ids: BullMQ drops a job whose id the queue still holds. */
export async function addLaneJobs(queue: Queue<FarmJobData, FarmJobResult>, jobs: readonly FarmJobData[], attempts: number): Promise<void> {
  await queue.addBulk(jobs.map((data) => ({ name: data.name, data, opts: { jobId: data.name, attempts, backoff: { type: 'exponential', delay: 1000 } } })));
}

/** The routes a batch still needs, as registerRoutes takes them. */
export function wantedRoutes(lanes: readonly RouteLane[], pending: ReadonlySet<string>): Map<string, readonly ModelIdentity[]> {
  return new Map(lanes.filter((lane) => lane.jobs.some((job) => pending.has(job.name))).map((lane) => [lane.route, lane.models]));
}
