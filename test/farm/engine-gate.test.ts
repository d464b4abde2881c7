import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Queue, Worker } from 'bullmq';
import { EngineGate } from '../../app/farm/engine-gate.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';

let redis: RedisServer;
before(async () => {
  redis = await startRedisServer();
});
after(async () => {
  await redis.stop();
});

test('route workers behind one gate of capacity 1 render one job at a time, and all jobs of both routes get done', async () => {
  const connection = { url: redis.url, maxRetriesPerRequest: null };
  const gate = new EngineGate(1);
  let rendering = 0;
  let most = 0;
  const done: string[] = [];
  const render = async (name: string) => {
    rendering += 1;
    most = Math.max(most, rendering);
    await new Promise((resolve) => setTimeout(resolve, 100));
    rendering -= 1;
    done.push(name);
  };
  const queues = ['gate-a', 'gate-b'].map((name) => new Queue(name, { connection }));
  const workers = queues.map((queue) => new Worker(queue.name, (job) => gate.run(() => render(job.name)), { connection, concurrency: 2 }));
  workers.forEach((worker) => gate.add(worker));
  try {
    const finished = new Promise<void>((resolve) => workers.forEach((worker) => worker.on('completed', () => done.length === 6 && resolve())));
    await Promise.all(queues.map((queue) => queue.addBulk([1, 2, 3].map((k) => ({ name: `${queue.name}-${k}`, data: {} })))));
    await finished;
    assert.equal(most, 1, 'never two renders at once');
    assert.deepEqual(done.sort(), ['gate-a-1', 'gate-a-2', 'gate-a-3', 'gate-b-1', 'gate-b-2', 'gate-b-3']);
  } finally {
    await Promise.all(workers.map((worker) => worker.close()));
    await Promise.all(queues.map((queue) => queue.close()));
  }
});
