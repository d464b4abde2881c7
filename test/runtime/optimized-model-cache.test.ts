/**
 * The optimised-model cache (app/runtime/optimized-model-cache.ts) on the prepared tiny SD UNet,
 * written with an external-data sidecar as the real UNets are: a session opened from the cached
 * graph computes exactly what a session on the model itself computes (same graph, same kernels:
 * bit-equal) with the controls off, re-dilated and dispersed; a changed model file gets a new entry
 * that replaces the old one (and staging folders a crashed open left); an entry ORT cannot load is dropped and the model opened as usual.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { tinyPipelineConfigs } from '../../app/models/sd/presets.js';
import { parseUNetConfig } from '../../app/models/sd/unet-config.js';
import { buildUNet } from '../../app/models/sd/unet.js';
import { SeededWeights } from '../../app/models/weights/seeded-weights.js';
import { readModel, writeModel } from '../../app/onnx/model-io.js';
import type { HostTensor } from '../../app/runtime/host-tensor.js';
import { openSession } from '../../app/runtime/session.js';
import { controlFeeds, offControlFeeds } from '../../app/scalecrafter/prepare/controls.js';
import { prepareUnet } from '../../app/scalecrafter/prepare/prepare-unet.js';
import type { PreparedUnetLayout } from '../../app/scalecrafter/prepare/prepared-unet-format.js';
import { randn } from '../reference/ndarray.js';

const prepared = prepareUnet(buildUNet(parseUNetConfig(tinyPipelineConfigs(1000).unet), new SeededWeights(7)));
const baseFeeds: Record<string, HostTensor> = {
  sample: { type: 'float32', data: randn([2, 4, 8, 8], 1).data, dims: [2, 4, 8, 8] },
  timestep: { type: 'float32', data: Float32Array.of(801), dims: [1] },
  encoder_hidden_states: { type: 'float32', data: randn([2, 7, 32], 2).data, dims: [2, 7, 32] },
};

function controlCases(layout: PreparedUnetLayout): Array<[string, Record<string, HostTensor>]> {
  const every = (dilation: number, dispersed: boolean) => new Map(layout.convs.map((conv) => [conv, { dilation, dispersed }]));
  return [
    ['off', offControlFeeds(layout)],
    ['every conv at pf 2', controlFeeds(layout, every(2, false))],
    ['every conv at pf 1.5', controlFeeds(layout, every(1.5, false))],
    ['every conv dispersed at pf 2', controlFeeds(layout, every(2, true))],
  ];
}

async function outputsOf(modelPath: string, cacheDir: string | undefined): Promise<Float32Array[]> {
  const session = await openSession(modelPath, { executionProvider: 'cpu', ...(cacheDir === undefined ? {} : { optimizedModelCacheDir: cacheDir }) });
  try {
    const outputs: Float32Array[] = [];
    for (const [, controls] of controlCases(prepared.layout)) outputs.push((await session.run({ ...baseFeeds, ...controls })).out_sample!.data as Float32Array);
    return outputs;
  } finally {
    await session.release();
  }
}

const entries = (cacheDir: string) => readdirSync(cacheDir).sort();

describe('optimised-model cache, CPU EP', () => {
  let folder = '';
  let modelPath = '';
  let reference: Float32Array[] = [];
  before(async () => {
    folder = mkdtempSync(path.join(tmpdir(), 'optimized-cache-model-'));
    modelPath = path.join(folder, 'model.onnx');
    await writeModel(prepared.model, modelPath, { externalData: 'model.onnx_data' });
    reference = await outputsOf(modelPath, undefined);
  });

  test('the first open writes the optimised graph; it and every later open compute what the model computes', async () => {
    const cacheDir = mkdtempSync(path.join(tmpdir(), 'optimized-cache-'));
    const first = await outputsOf(modelPath, cacheDir);
    const [entry, ...others] = entries(cacheDir);
    assert.equal(others.length, 0, `one entry, got ${entries(cacheDir).join(', ')}`);
    const cached = await readModel(path.join(cacheDir, entry!, 'model.onnx'));
    const domains = new Set(cached.graph.node.map((node) => node.domain ?? ''));
    assert.ok(domains.has('com.microsoft.nchwc'), `the entry holds ORT's optimised graph (NCHWc convs); domains: ${[...domains].join(', ')}`);
    const second = await outputsOf(modelPath, cacheDir);
    assert.deepEqual(entries(cacheDir), [entry], 'the second open reads the entry, writes nothing');
    controlCases(prepared.layout).forEach(([label], index) => {
      assert.deepEqual(first[index], reference[index], `${label}: first (writing) open`);
      assert.deepEqual(second[index], reference[index], `${label}: cached open`);
    });
  });

  test('a changed model gets a new entry, which replaces the old one and abandoned staging folders', async () => {
    const cacheDir = mkdtempSync(path.join(tmpdir(), 'optimized-cache-'));
    const otherFolder = mkdtempSync(path.join(tmpdir(), 'optimized-cache-model-'));
    const otherPath = path.join(otherFolder, 'model.onnx');
    await writeModel(prepared.model, otherPath, { externalData: 'model.onnx_data' });
    await outputsOf(otherPath, cacheDir);
    const [old] = entries(cacheDir);
    // Staging folders of this model: one a crashed open left a day ago, one an open may still be writing.
    const pathKey = old!.split('-')[0]!;
    const abandoned = path.join(cacheDir, `${pathKey}-0.partial-1-abandoned`);
    const writing = path.join(cacheDir, `${pathKey}-0.partial-2-writing`);
    mkdirSync(abandoned);
    mkdirSync(writing);
    const dayAgo = new Date(Date.now() - 24 * 3600 * 1000);
    utimesSync(abandoned, dayAgo, dayAgo);
    writeFileSync(path.join(otherFolder, 'notes.txt'), 'the folder changed');
    await outputsOf(otherPath, cacheDir);
    const now = entries(cacheDir).filter((name) => name !== path.basename(writing));
    assert.equal(now.length, 1, `one entry beside the staging folder still being written, got ${entries(cacheDir).join(', ')}`);
    assert.notEqual(now[0], old);
  });

  test('an entry ORT cannot load is dropped, and the model opens as usual', async () => {
    const cacheDir = mkdtempSync(path.join(tmpdir(), 'optimized-cache-'));
    await outputsOf(modelPath, cacheDir);
    const [entry] = entries(cacheDir);
    writeFileSync(path.join(cacheDir, entry!, 'model.onnx'), 'not a protobuf');
    const outputs = await outputsOf(modelPath, cacheDir);
    assert.deepEqual(outputs, reference);
    assert.deepEqual(entries(cacheDir), [entry], 'the entry was written again');
  });
});
