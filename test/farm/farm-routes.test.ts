import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Redis } from 'ioredis';
import { readRoutes, registerRoutes, ROUTE_FRESH_MS, routeOf, routeQueueName } from '../../app/farm/farm-routes.js';
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
