import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import { publishWorkerStatus, readRoutes, registerRoutes, ROUTE_FRESH_MS, routeOf, routeQueueName } from '../../app/farm/farm-routes.js';
import { UnservedRoutes } from '../../app/farm/unserved-routes.js';
import { parseS3Url } from '../../app/farm/s3-location.js';
import { UserFacingError } from '../../app/protocol/user-facing-error.js';
import { startRedisServer } from '../support/redis-server.js';

test('a route is the set of model contents: order and names do not matter, content does', () => {
  const sd = { name: 'sd', fingerprint: 'a'.repeat(64) };
  const xl = { name: 'xl', fingerprint: 'b'.repeat(64) };
  assert.equal(routeOf([sd, xl]), routeOf([xl, { ...sd, name: 'renamed' }]));
  assert.notEqual(routeOf([sd]), routeOf([xl]));
  assert.match(routeQueueName('farm', routeOf([sd])), /^farm-m[0-9a-f]{12}$/);
});

test('s3:// locations: bucket and a prefix ending in "/"; a bad bucket names the field', () => {
  assert.deepEqual(parseS3Url('s3://renders/2026/cats'), { bucket: 'renders', prefix: '2026/cats/' });
  assert.deepEqual(parseS3Url('s3://renders/x/'), { bucket: 'renders', prefix: 'x/' });
  assert.deepEqual(parseS3Url('s3://renders'), { bucket: 'renders', prefix: '' });
  assert.throws(() => parseS3Url('s3://Bad_Bucket/x'), (error: unknown) => error instanceof UserFacingError && error.field === 'out');
});

test('workers see the routes a batch renewed lately, not those a finished batch left listed', async () => {
  const server = await startRedisServer();
  const redis = new Redis(server.url);
  try {
    const now = Date.now();
    const models = [{ name: 'sd', fingerprint: 'c'.repeat(64) }];
    await registerRoutes(redis, 'q', new Map([['old', models]]), now - ROUTE_FRESH_MS - 1);
    await registerRoutes(redis, 'q', new Map([['current', models]]), now - 1000);
    assert.deepEqual([...(await readRoutes(redis, 'q', now))], [['current', models]]);
    await registerRoutes(redis, 'q', new Map([['old', models]]), now);
    assert.deepEqual([...(await readRoutes(redis, 'q', now)).keys()].sort(), ['current', 'old'], 'a resubmitted batch renews its route');
  } finally {
    redis.disconnect();
    await server.stop();
  }
});

test('an unserved route is shown after the grace and given up after the timeout, never before a check showed every worker\'s answer', async () => {
  const server = await startRedisServer();
  const redis = new Redis(server.url);
  try {
    const start = Date.now();
    const models = [{ name: 'sd', fingerprint: 'd'.repeat(64) }];
    const waiting = new Map([['r', models]]);
    const lines: string[] = [];
    const unserved = new UnservedRoutes(redis, 'q', 8000, (line) => lines.push(line));
    const report = (at: number, skips: Record<string, string>) => publishWorkerStatus(redis, 'q', { name: 'bare', device: 'cpu', serves: [], skips, at });

    await report(start, {});
    assert.deepEqual(await unserved.check(waiting, start), { unserved: new Map(), expired: new Map() }, 'within the grace nothing is said');
    // A slow worker has not looked at the route yet when the timeout has passed: the job keeps waiting, saying so.
    await report(start + 9000, {});
    const late = await unserved.check(waiting, start + 9000);
    assert.deepEqual([...late.unserved], [['r', 'worker bare has not looked at it yet']]);
    assert.equal(late.expired.size, 0);
    await report(start + 11_000, { r: 'does not have the model "sd"' });
    const answered = await unserved.check(waiting, start + 11_000);
    assert.deepEqual([...answered.unserved], [['r', 'worker bare does not have the model "sd"']]);
    assert.equal(answered.expired.size, 0, 'the answer is shown once before the jobs are given up');
    assert.deepEqual([...(await unserved.check(waiting, start + 13_000)).expired], [['r', 'worker bare does not have the model "sd"']]);
    assert.deepEqual(lines.map((line) => line.replace(/^.*: worker bare /, '')), ['has not looked at it yet', 'does not have the model "sd"'], 'the log says each reason once');

    await report(start + 14_000, { r: 'does not have the model "sd"' });
    const served = new UnservedRoutes(redis, 'q', 8000, () => undefined);
    await served.check(waiting, start + 14_000);
    await publishWorkerStatus(redis, 'q', { name: 'bare', device: 'cpu', serves: ['r'], skips: {}, at: start + 20_000 });
    assert.equal((await served.check(waiting, start + 20_000)).unserved.size, 0, 'a worker serving the route resets it');
    await report(start + 30_000, { r: 'does not have the model "sd"' });
    assert.equal((await served.check(waiting, start + 30_000)).expired.size, 0, 'the clock starts again when it is unserved again');
  } finally {
    redis.disconnect();
    await server.stop();
  }
});
