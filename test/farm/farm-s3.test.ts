import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { decodePng } from '../../app/imaging/png-metadata.js';
import { OWN_WORKFLOW_CHUNK, type Workflow } from '../../app/protocol/index.js';
import { runCli } from '../support/cli-process.js';
import { nodeOfType } from '../support/default-workflow.js';
import { smallWorkflow, writeJson } from '../support/farm-fixtures.js';
import { startWorker, type WorkerProcess } from '../support/farm-workers.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { startS3Server, type S3Server } from '../support/s3-server.js';
import { tinyModelsDir } from '../support/tiny-model.js';

const dir = mkdtempSync(path.join(tmpdir(), 'scalecrafter-farm-s3-'));
let redis: RedisServer;
let s3: S3Server;
let modelsDir: string;
let worker: WorkerProcess | undefined;

before(async () => {
  [redis, s3, modelsDir] = await Promise.all([startRedisServer(), startS3Server(['renders']), tinyModelsDir()]);
});
after(async () => {
  await worker?.stop();
  await Promise.all([redis.stop(), s3.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

const objectBytes = async (Key: string) => Buffer.from(await (await s3.client.send(new GetObjectCommand({ Bucket: 'renders', Key }))).Body!.transformToByteArray());

test('--out s3://bucket/prefix: each job\'s PNG under a key named by the job; a key already there is never overwritten', async () => {
  worker = await startWorker('s3-worker', ['--redis', redis.url, '--queue', 's3', '--models', modelsDir, '--device', 'cpu', '--s3-endpoint', s3.endpoint]);
  const taken = Buffer.from('an earlier render, kept');
  await s3.client.send(new PutObjectCommand({ Bucket: 'renders', Key: 'farm/run/s3-0001.png', Body: taken }));
  const sweep = writeJson(dir, 'sweep.json', { seeds: [5, 6, 7] });
  const result = await runCli(['batch', writeJson(dir, 'workflow.json', smallWorkflow()), '--sweep', sweep, '--redis', redis.url, '--queue', 's3', '--out', 's3://renders/farm/run', '--models', modelsDir, '--batch-id', 's3']);
  assert.equal(result.code, 0, result.stderr + result.stdout + worker.output());

  const listed = await s3.client.send(new ListObjectsV2Command({ Bucket: 'renders', Prefix: 'farm/' }));
  assert.deepEqual((listed.Contents ?? []).map((object) => object.Key).sort(), ['farm/run/s3-0000.png', 'farm/run/s3-0001.png', 'farm/run/s3-0002.png']);
  assert.deepEqual(await objectBytes('farm/run/s3-0001.png'), taken);
  assert.match(result.stdout, /s3-0001 already done: s3-0001\.png/);
  for (const [key, seed] of [['farm/run/s3-0000.png', 5], ['farm/run/s3-0002.png', 7]] as const) {
    const embedded = JSON.parse(decodePng(await objectBytes(key)).text[OWN_WORKFLOW_CHUNK]!) as Workflow;
    assert.equal(nodeOfType(embedded, 'Sampler').widgets.seed, seed, key);
  }
});

test('a malformed S3 location stops the batch before anything is submitted, naming the field', async () => {
  const result = await runCli(['batch', writeJson(dir, 'workflow.json', smallWorkflow()), '--redis', redis.url, '--queue', 's3', '--out', 's3://A', '--models', modelsDir]);
  assert.equal(result.code, 2, result.stdout);
  assert.match(result.stderr, /"s3:\/\/A" is not an S3 location/);
});
