/**
 * Submitting a batch without following it (the editor follows it through batch-monitor.ts): the
 * farm's Redis is checked first, so a wrong URL or a stopped server is an error at once, not a
 * submission that waits forever for a connection.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { UserFacingError } from '../protocol/user-facing-error.js';
import type { FarmJobData, FarmJobResult } from './farm-job.js';
import { registerRoutes } from './farm-routes.js';
import { addLaneJobs, routeLanesOf, wantedRoutes } from './route-lanes.js';

export interface SubmitOptions {
  redisUrl: string;
  queueName: string;
  /** Tries per job for failures that may pass; bad input is never retried (the worker says so). */
  attempts: number;
}

/** The URL without its password, for messages. */
export function redactRedisUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//…@');
}

/** Connects once and pings; throws UserFacingError naming the URL (without its password) and why. */
export async function checkRedisReachable(redisUrl: string, connectTimeoutMs = 3000): Promise<void> {
  const shown = redactRedisUrl(redisUrl);
  if (!/^rediss?:\/\/[^/]/.test(redisUrl)) {
    throw new UserFacingError(`the farm's Redis URL "${shown}" does not start with redis:// or rediss://`, { field: 'redisUrl', hint: 'write redis://host:6379 (or rediss://:PASSWORD@host:6380 for TLS)', code: 'farm_redis' });
  }
  const client = new Redis(redisUrl, { lazyConnect: true, connectTimeout: connectTimeoutMs, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  // connect() then says only "Connection is closed."; the socket's own error (ECONNREFUSED…) says why.
  let socketError: Error | undefined;
  client.on('error', (error: Error) => (socketError ??= error));
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    throw new UserFacingError(`cannot reach the farm's Redis at ${shown}: ${(socketError ?? (error as Error)).message}`, {
      field: 'redisUrl',
      hint: 'check that redis-server runs there and that the URL (host, port, password) is right',
      code: 'farm_redis',
      cause: error,
    });
  } finally {
    client.disconnect();
  }
}

/**
 * Lists the jobs' routes (so workers holding their models start serving them) and adds each job to
 * its route's queue; the follower keeps the routes fresh (batch-monitor.ts). The caller has checked
 * the Redis with checkRedisReachable first, before validating the batch.
 */
export async function submitJobs(jobs: readonly FarmJobData[], options: SubmitOptions): Promise<void> {
  const lanes = routeLanesOf(jobs, options.queueName);
  const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  try {
    await registerRoutes(redis, options.queueName, wantedRoutes(lanes, new Set(jobs.map((job) => job.name))));
  } finally {
    redis.disconnect();
  }
  for (const lane of lanes) {
    const queue = new Queue<FarmJobData, FarmJobResult>(lane.queueName, { connection: { url: options.redisUrl, maxRetriesPerRequest: null } });
    try {
      await addLaneJobs(queue, lane.jobs, options.attempts);
    } finally {
      await queue.close();
    }
  }
}
