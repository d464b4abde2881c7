/**
 * The FreeU control on a small up-block graph named as a torch export names a UNet's up blocks:
 * controls off reproduce the original exactly; on, each skip concatenation equals the reference
 * FreeU step (naive DFT, freeu-reference.ts) applied to that run's own inputs, on even, odd,
 * one-pixel and non-square planes, float32 and float16, CPU and WebGPU; one session takes any
 * factors; the layout metadata, feeds and errors.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { GraphBuilder, type Value } from '../../../app/onnx/graph-builder.js';
import type { OnnxModel } from '../../../app/onnx/model.js';
import { serializeModel } from '../../../app/onnx/model-io.js';
import * as op from '../../../app/onnx/ops.js';
import type { HostTensor } from '../../../app/runtime/host-tensor.js';
import { openSession, type ModelSession } from '../../../app/runtime/session.js';
import { FREEU_DEFAULTS, FREEU_OFF } from '../../../app/scalecrafter/freeu-defaults.js';
import { addFreeUControls, FREEU_INPUT, FREEU_METADATA_KEY, freeUFeeds, readFreeULayout } from '../../../app/scalecrafter/prepare/freeu-controls.js';
import { assertAllClose } from '../../reference/compare.js';
import { randn, type NdArray } from '../../reference/ndarray.js';
import { concat } from '../../reference/tensor-layout.js';
import { floatFeed, roundedToFloat16, toNdArray, type FloatType } from './conv-models.js';
import { freeUConcatReference, type FreeUFactors } from './freeu-reference.js';
import { UserFacingError } from '../../../app/protocol/user-facing-error.js';

const BATCH = 2;
/** Backbone channels at the three concatenations: 6 (neither count: untouched), 8 = C1, 4 = C2. */
const SKIP_CHANNELS = { skip0: 4, skip1: 4, skip2: 2 } as const;
const PRIMARY = 8;
const SECONDARY = 4;

/**
 * up_blocks.0: cat0 = [hidden0 (6 ch), skip0] → resnets.0.conv2 → h1 (8 ch); cat1 = [h1, skip1] → resnets.1.conv2 → h2 (4 ch)
 * up_blocks.1: cat2 = [h2, skip2] → resnets.0.conv2 → out (4 ch). Up-block channel counts {8, 4, 4}: C1 = 8, C2 = 4.
 */
function upBlocksModel(dtype: FloatType): OnnxModel {
  const g = new GraphBuilder({ graphName: 'up-blocks' });
  const image = (name: string, channels: number) => g.input(name, dtype, ['batch', channels, 'height', 'width']);
  const hidden0 = image('hidden0', 6);
  const skips = Object.fromEntries(Object.entries(SKIP_CHANNELS).map(([name, channels]) => [name, image(name, channels)])) as Record<keyof typeof SKIP_CHANNELS, Value>;
  let seed = 11;
  const conv2 = (x: Value, inChannels: number, outChannels: number): Value => g.withScope('conv2', () => {
    const weight = randn([outChannels, inChannels, 3, 3], seed++, 0.3);
    const bias = randn([outChannels], seed++, 0.1);
    const path = g.modulePath;
    return op.conv(g, x, g.initializer(`${path}.weight`, dtype, weight.shape, weight.data), g.initializer(`${path}.bias`, dtype, bias.shape, bias.data), { pads: [1, 1, 1, 1] });
  });
  const shape = (channels: number) => ['batch', channels, 'height', 'width'];
  const [cat0, h1, cat1, h2] = g.withScope('up_blocks.0', () => {
    const c0 = op.concat(g, [hidden0, skips.skip0], { axis: 1 });
    const a = g.withScope('resnets.0', () => conv2(c0, 10, 8));
    const c1 = op.concat(g, [a, skips.skip1], { axis: 1 });
    return [c0, a, c1, g.withScope('resnets.1', () => conv2(c1, 12, 4))];
  });
  const [cat2, out] = g.withScope('up_blocks.1', () => {
    const c2 = op.concat(g, [h2!, skips.skip2], { axis: 1 });
    return [c2, g.withScope('resnets.0', () => conv2(c2, 6, 4))];
  });
  g.output(out!, 'out', dtype, shape(4));
  g.output(cat0!, 'cat0', dtype, shape(10));
  g.output(h1!, 'h1', dtype, shape(8));
  g.output(cat1!, 'cat1', dtype, shape(12));
  g.output(h2!, 'h2', dtype, shape(4));
  g.output(cat2!, 'cat2', dtype, shape(6));
  return g.build();
}

function inputs(height: number, width: number, dtype: FloatType, seed: number): Record<string, NdArray> {
  const draw = (channels: number, offset: number) => {
    const x = randn([BATCH, channels, height, width], seed + offset);
    return dtype === 'float16' ? roundedToFloat16(x) : x;
  };
  return { hidden0: draw(6, 0), skip0: draw(4, 1), skip1: draw(4, 2), skip2: draw(2, 3) };
}

async function run(session: ModelSession, x: Record<string, NdArray>, dtype: FloatType, factors?: FreeUFactors): Promise<Record<string, NdArray>> {
  const feeds: Record<string, HostTensor> = Object.fromEntries(Object.entries(x).map(([name, value]) => [name, floatFeed(value, dtype)]));
  const results = await session.run(factors ? { ...feeds, ...freeUFeeds(factors) } : feeds);
  return Object.fromEntries(Object.entries(results).map(([name, value]) => [name, toNdArray(value)]));
}

/** Every concatenation of one run against the reference applied to that run's own inputs. */
function assertFreeUConcats(actual: Record<string, NdArray>, x: Record<string, NdArray>, factors: FreeUFactors, tolerance: { atol: number; rtol: number }, label: string): void {
  const reference = (hidden: NdArray, skip: NdArray) => freeUConcatReference(hidden, skip, factors, PRIMARY, SECONDARY);
  // 6 backbone channels match neither count: the original concatenation, exactly.
  assert.deepEqual(actual.cat0!.data, concat([x.hidden0!, x.skip0!], 1).data, `${label}: cat0 is untouched`);
  assertAllClose(actual.cat1!, reference(actual.h1!, x.skip1!), tolerance, `${label}: cat1 (C1: b1, s1)`);
  assertAllClose(actual.cat2!, reference(actual.h2!, x.skip2!), tolerance, `${label}: cat2 (C2: b2, s2)`);
}

const open = (m: OnnxModel, executionProvider: 'cpu' | 'webgpu') => openSession(serializeModel(m), { executionProvider });

const FACTORS: FreeUFactors = { b1: 1.3, b2: 0.7, s1: 0.6, s2: 1.8 };
// One-pixel rows/columns: the frequency −1 is the frequency 0 there and is scaled once (Python slice [−1:1]).
const SIZES: ReadonlyArray<[number, number]> = [[8, 6], [5, 7], [1, 3], [2, 1], [1, 1], [4, 4]];

describe('FreeU controls on up-block skip concatenations', () => {
  const plainModel = upBlocksModel('float32');
  const model = addFreeUControls(plainModel).model;
  let plain: ModelSession, controlled: ModelSession;
  before(async () => {
    [plain, controlled] = await Promise.all([open(plainModel, 'cpu'), open(model, 'cpu')]);
  });
  after(async () => {
    await Promise.all([plain.release(), controlled.release()]);
  });

  test('the layout: both channel counts, every concatenation found by name, one float32 [4] input, metadata marks the rewrite', () => {
    assert.deepEqual(readFreeULayout(model), {
      version: 1, primaryChannels: PRIMARY, secondaryChannels: SECONDARY, sites: ['up_blocks.0.resnets.0', 'up_blocks.0.resnets.1', 'up_blocks.1.resnets.0'],
    });
    assert.equal(readFreeULayout(plainModel), undefined);
    assert.deepEqual(model.graph.input.map((input) => input.name), [...plainModel.graph.input.map((input) => input.name), FREEU_INPUT]);
    assert.deepEqual(model.graph.output.map((output) => output.name), plainModel.graph.output.map((output) => output.name));
    assert.ok(controlled.inputNames.includes(FREEU_INPUT) && !plain.inputNames.includes(FREEU_INPUT));
    assert.equal(plainModel.graph.node.filter((node) => node.opType === 'If').length, 0, 'the input model is not modified');
  });

  test('off (every factor 1): every output equals the original graph\'s, bit for bit, at every size', async () => {
    for (const [height, width] of SIZES) {
      const x = inputs(height, width, 'float32', height * 10 + width);
      const expected = await run(plain, x, 'float32');
      const actual = await run(controlled, x, 'float32', FREEU_OFF);
      for (const name of Object.keys(expected)) assert.deepEqual(actual[name]!.data, expected[name]!.data, `${name} at ${height}×${width}`);
    }
  });

  test('on: each concatenation equals the reference FreeU step (naive DFT) on even, odd, one-pixel and non-square planes', async () => {
    for (const [height, width] of SIZES) {
      const x = inputs(height, width, 'float32', height * 10 + width);
      // float32 graph (basis cos/sin in float32) vs float64 DFT.
      assertFreeUConcats(await run(controlled, x, 'float32', FACTORS), x, FACTORS, { atol: 2e-5, rtol: 1e-5 }, `${height}×${width}`);
    }
  });

  test('backbone or skip factor alone; one session, factors changed between runs', async () => {
    const x = inputs(6, 5, 'float32', 3);
    const sequence: FreeUFactors[] = [{ b1: 1.5, b2: 1, s1: 1, s2: 1 }, { b1: 1, b2: 1, s1: 1, s2: 0.2 }, FREEU_DEFAULTS['sd1.5'], FREEU_OFF, FACTORS];
    const outs: NdArray[] = [];
    for (const factors of sequence) {
      const actual = await run(controlled, x, 'float32', factors);
      assertFreeUConcats(actual, x, factors, { atol: 2e-5, rtol: 1e-5 }, JSON.stringify(factors));
      outs.push(actual.out!);
    }
    const distinct = new Set(outs.map((out) => Buffer.from(out.data.buffer).toString('base64')));
    assert.equal(distinct.size, sequence.length, 'every factor set gives another output');
  });

  test('float16 graph: off is exact; on matches the reference within float16 rounding', async () => {
    const plain16 = upBlocksModel('float16');
    const sessions = await Promise.all([plain16, addFreeUControls(plain16).model].map((m) => open(m, 'cpu')));
    try {
      const x = inputs(6, 5, 'float16', 21);
      const expected = await run(sessions[0]!, x, 'float16');
      const off = await run(sessions[1]!, x, 'float16', FREEU_OFF);
      for (const name of Object.keys(expected)) assert.deepEqual(off[name]!.data, expected[name]!.data, name);
      // One float16 rounding of values of magnitude ≲ 4: ≤ 2⁻¹¹·4 ≈ 2e-3.
      assertFreeUConcats(await run(sessions[1]!, x, 'float16', FACTORS), x, FACTORS, { atol: 4e-3, rtol: 2e-3 }, 'float16');
    } finally {
      await Promise.all(sessions.map((session) => session.release()));
    }
  });

  test('WebGPU: off equals the original there; on matches the reference', async () => {
    const sessions = await Promise.all([plainModel, model].map((m) => open(m, 'webgpu')));
    try {
      for (const [height, width] of [[8, 6], [5, 7], [1, 3]] as const) {
        const x = inputs(height, width, 'float32', height + width);
        const expected = await run(sessions[0]!, x, 'float32');
        const off = await run(sessions[1]!, x, 'float32', FREEU_OFF);
        for (const name of Object.keys(expected)) assertAllClose(off[name]!, expected[name]!, { atol: 1e-6, rtol: 0 }, `webgpu off ${name}`);
        assertFreeUConcats(await run(sessions[1]!, x, 'float32', FACTORS), x, FACTORS, { atol: 1e-4, rtol: 1e-4 }, `webgpu ${height}×${width}`);
      }
    } finally {
      await Promise.all(sessions.map((session) => session.release()));
    }
  });

  test('feeds: [b1, b2, s1, s2] in that order, null = off; non-finite factors are refused', () => {
    const feed = freeUFeeds(FREEU_DEFAULTS.sdxl)[FREEU_INPUT]!;
    assert.deepEqual({ type: feed.type, dims: feed.dims, data: Array.from(feed.data as Float32Array, (v) => Number(v.toFixed(6))) }, {
      type: 'float32', dims: [4], data: [1.1, 1.2, 0.6, 0.4],
    });
    assert.deepEqual(Array.from(freeUFeeds(null)[FREEU_INPUT]!.data as Float32Array), [1, 1, 1, 1]);
    assert.throws(() => freeUFeeds({ ...FACTORS, s2: Number.NaN }), /FreeU factor s2 = NaN must be a finite number/);
  });

  test('errors: applied twice; a graph without up-block skip concatenations; malformed metadata', () => {
    assert.throws(() => addFreeUControls(model).model, /already has FreeU controls/);
    const g = new GraphBuilder({ graphName: 'no-up-blocks' });
    const a = g.input('a', 'float32', [1, 2, 3, 3]);
    g.withScope('down_blocks.0', () => g.output(op.concat(g, [a, a], { axis: 1 }), 'y', 'float32', [1, 4, 3, 3]));
    assert.throws(() => addFreeUControls(g.build()).model, (error: unknown) => error instanceof UserFacingError && /no up-block skip concatenations found/.test(error.message));
    const broken = { ...model, metadataProps: [{ key: FREEU_METADATA_KEY, value: '{"version":1}' }] };
    assert.throws(() => readFreeULayout(broken), /is not a FreeU layout of version 1/);
  });
});
