import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GraphBuilder, type OnnxDataType, type Value } from '../../app/onnx/graph-builder.js';
import { serializeModel } from '../../app/onnx/model-io.js';
import * as op from '../../app/onnx/ops.js';
import { fromFloat16, toFloat16 } from '../../app/runtime/float16.js';
import type { HostTensor } from '../../app/runtime/host-tensor.js';
import { openSession, type ExecutionProviderName } from '../../app/runtime/session.js';
import { attention, conv2d, geluErf, groupNorm, layerNorm, matMul } from './naive-layers.js';

process.env.XDG_RUNTIME_DIR ||= '/tmp'; // Dawn (WebGPU) warns without it

/** Deterministic values in [-1, 1) from a 32-bit LCG, so failures reproduce. */
function pseudoRandom(count: number, seed: number, scale = 1): Float32Array {
  let state = seed >>> 0;
  return Float32Array.from({ length: count }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return ((state / 2 ** 32) * 2 - 1) * scale;
  });
}

const BATCH = 1, IN_CHANNELS = 4, SIZE = 9, CHANNELS = 8, GROUPS = 2, HEADS = 2;
const CONV = { stride: 2, padding: 2, dilation: 2 };
const OUT_SIZE = 5; // floor((9 + 4 - 2*2 - 1) / 2) + 1
// 25 tokens: below 32 on purpose. With Mesa lavapipe (the CI's WebGPU adapter) ORT 1.30's WebGPU
// MultiHeadAttention is off by 4e-2..2e-1 once the query has >= 32 tokens, while on an NVIDIA
// H100 (Vulkan) it matches float64 to 4e-7 up to 4096 tokens: a lavapipe problem, measured.
const TOKENS = OUT_SIZE * OUT_SIZE;

const weights = {
  x: pseudoRandom(BATCH * IN_CHANNELS * SIZE * SIZE, 1),
  convW: pseudoRandom(CHANNELS * IN_CHANNELS * 9, 2, 0.3),
  convB: pseudoRandom(CHANNELS, 3, 0.1),
  gnGamma: pseudoRandom(CHANNELS, 4, 0.5).map((v) => 1 + v),
  gnBeta: pseudoRandom(CHANNELS, 5, 0.2),
  lnGamma: pseudoRandom(CHANNELS, 6, 0.5).map((v) => 1 + v),
  lnBeta: pseudoRandom(CHANNELS, 7, 0.2),
  wq: pseudoRandom(CHANNELS * CHANNELS, 8, 0.5),
  wk: pseudoRandom(CHANNELS * CHANNELS, 9, 0.5),
  wv: pseudoRandom(CHANNELS * CHANNELS, 10, 0.5),
};

/**
 * conv (dilation 2, stride 2) -> GroupNorm as Reshape/InstanceNormalization/Reshape/Mul/Add
 * (the form docs/onnxruntime-findings.md gives for WebGPU) -> tokens -> LayerNormalization ->
 * q/k/v MatMuls -> com.microsoft.MultiHeadAttention -> Gelu-20.
 */
function buildTestGraph(type: OnnxDataType) {
  const g = new GraphBuilder({ graphName: `builder-test-${type}` });
  const param = (name: string, dims: number[], data: Float32Array) => g.initializer(name, type, dims, data);
  const x = g.input('x', type, ['batch', IN_CHANNELS, 'height', 'width']);
  const convOut = g.withScope('conv', () =>
    op.conv(g, x, param('conv.weight', [CHANNELS, IN_CHANNELS, 3, 3], weights.convW), param('conv.bias', [CHANNELS], weights.convB), {
      dilations: [2, 2], strides: [2, 2], pads: [2, 2, 2, 2],
    }));
  const normed = g.withScope('norm', () => {
    const grouped = op.reshape(g, convOut, op.constantInt64(g, [0, GROUPS, -1]));
    const ones = g.initializer('norm.instance_scale', type, [GROUPS], new Float32Array(GROUPS).fill(1));
    const zeros = g.initializer('norm.instance_bias', type, [GROUPS], new Float32Array(GROUPS));
    const instance = op.instanceNormalization(g, grouped, ones, zeros, { epsilon: 1e-5 });
    const restored = op.reshape(g, instance, op.shape(g, convOut));
    const scaled = op.mul(g, restored, param('norm.weight', [CHANNELS, 1, 1], weights.gnGamma));
    return op.add(g, scaled, param('norm.bias', [CHANNELS, 1, 1], weights.gnBeta));
  });
  const tokens = op.transpose(g, op.reshape(g, normed, op.constantInt64(g, [0, CHANNELS, -1])), { perm: [0, 2, 1] });
  const attended = g.withScope('attn', () => {
    const h = op.layerNormalization(g, tokens, param('attn.norm.weight', [CHANNELS], weights.lnGamma), param('attn.norm.bias', [CHANNELS], weights.lnBeta), { axis: -1, epsilon: 1e-5 });
    const project = (name: string, w: Float32Array): Value => g.withScope(name, () => op.matMul(g, h, param(`attn.${name}.weight`, [CHANNELS, CHANNELS], w)));
    return op.multiHeadAttention(g, project('to_q', weights.wq), project('to_k', weights.wk), project('to_v', weights.wv), { numHeads: HEADS });
  });
  g.output(normed, 'normed', type, ['batch', CHANNELS, 'out_height', 'out_width']);
  g.output(op.gelu(g, attended), 'y', type, ['batch', 'tokens', CHANNELS]);
  return g.build({ metadata: { purpose: 'graph-builder test' } });
}

/** The same computation in float64 loops; `round` models float16 storage of inputs and weights. */
function reference(round: (values: Float32Array) => Float32Array) {
  const w = Object.fromEntries(Object.entries(weights).map(([key, value]) => [key, Float64Array.from(round(value))])) as Record<keyof typeof weights, Float64Array>;
  const conv = conv2d(w.x, [BATCH, IN_CHANNELS, SIZE, SIZE], w.convW, [CHANNELS, IN_CHANNELS, 3, 3], w.convB, CONV);
  const normed = groupNorm(conv.data, conv.shape, GROUPS, w.gnGamma, w.gnBeta, 1e-5);
  const tokens = new Float64Array(TOKENS * CHANNELS);
  for (let c = 0; c < CHANNELS; c++) for (let t = 0; t < TOKENS; t++) tokens[t * CHANNELS + c] = normed[c * TOKENS + t]!;
  const h = layerNorm(tokens, CHANNELS, w.lnGamma, w.lnBeta, 1e-5);
  const project = (weight: Float64Array) => matMul(h, TOKENS, CHANNELS, weight, CHANNELS);
  const y = geluErf(attention(project(w.wq), project(w.wk), project(w.wv), TOKENS, CHANNELS, HEADS));
  return { normed, y };
}

function assertClose(actual: Float32Array, expected: Float64Array, atol: number, rtol: number, label: string): void {
  assert.equal(actual.length, expected.length, `${label}: length`);
  let worst = { index: -1, excess: 0 };
  actual.forEach((value, index) => {
    const excess = Math.abs(value - expected[index]!) - (atol + rtol * Math.abs(expected[index]!));
    if (!(excess <= worst.excess)) worst = { index, excess: Number.isNaN(excess) ? Infinity : excess };
  });
  assert.equal(worst.index, -1, `${label}: element ${worst.index} is ${actual[worst.index]}, reference ${expected[worst.index]} (atol ${atol}, rtol ${rtol})`);
}

async function runOn(ep: ExecutionProviderName, type: OnnxDataType): Promise<Record<string, HostTensor>> {
  const session = await openSession(serializeModel(buildTestGraph(type)), { executionProvider: ep });
  try {
    const x: HostTensor = type === 'float16'
      ? { type: 'float16', data: toFloat16(weights.x), dims: [BATCH, IN_CHANNELS, SIZE, SIZE] }
      : { type: 'float32', data: weights.x, dims: [BATCH, IN_CHANNELS, SIZE, SIZE] };
    return await session.run({ x });
  } finally {
    await session.release();
  }
}

const asFloat32 = (tensor: HostTensor | undefined): Float32Array => {
  assert.ok(tensor);
  return tensor.type === 'float16' ? fromFloat16(tensor.data as Uint16Array) : (tensor.data as Float32Array);
};

describe('GraphBuilder graphs run in ONNX Runtime and match naive loops', () => {
  // float32: ORT accumulates in float32, the reference in float64; activations are O(1).
  const fp32 = reference((values) => values);
  // float16: the reference sees the same rounded inputs and weights; the tolerance covers
  // float16 intermediates (10-bit mantissa, ~1e-3 relative per op, ~8 ops deep).
  const fp16 = reference((values) => fromFloat16(toFloat16(values)));
  for (const ep of ['cpu', 'webgpu'] as const) {
    test(`float32 on ${ep} (atol 1e-4, rtol 1e-4)`, async () => {
      const out = await runOn(ep, 'float32');
      assert.deepEqual(out.y?.dims, [BATCH, TOKENS, CHANNELS]);
      assertClose(asFloat32(out.normed), fp32.normed, 1e-4, 1e-4, `${ep} group norm`);
      assertClose(asFloat32(out.y), fp32.y, 1e-4, 1e-4, `${ep} output`);
    });
    test(`float16 on ${ep} (atol 3e-2, rtol 2e-2)`, async () => {
      const out = await runOn(ep, 'float16');
      assert.equal(out.y?.type, 'float16');
      assertClose(asFloat32(out.normed), fp16.normed, 3e-2, 2e-2, `${ep} fp16 group norm`);
      assertClose(asFloat32(out.y), fp16.y, 3e-2, 2e-2, `${ep} fp16 output`);
    });
  }
});

describe('GraphBuilder naming and structure', () => {
  test('nodes get torch-export names; repeats are numbered; outputs are <node>_output_<i>', () => {
    const g = new GraphBuilder({ graphName: 'names' });
    const x = g.input('x', 'float32', [1, 2]);
    const [a, b] = g.withScope('down_blocks.1', () => g.withScope('resnets.0', () => [op.sigmoid(g, x), op.sigmoid(g, x)]));
    g.output(op.add(g, a!, b!), 'out', 'float32', [1, 2]);
    const model = g.build();
    assert.deepEqual(model.graph.node.map((node) => node.name), ['/down_blocks.1/resnets.0/Sigmoid', '/down_blocks.1/resnets.0/Sigmoid_1', '/Add']);
    assert.equal(a!.name, '/down_blocks.1/resnets.0/Sigmoid_output_0');
    assert.deepEqual(model.graph.node[2]!.output, ['out'], 'the producer of a graph output is renamed to it');
    assert.deepEqual(model.opsetImport, [{ domain: '', version: 20 }, { domain: 'com.microsoft', version: 1 }]);
  });

  test('symbolic dims become dim_param, fixed ones dim_value', () => {
    const g = new GraphBuilder({ graphName: 'dims' });
    const x = g.input('sample', 'float16', ['batch', 4, 'height', 'width']);
    g.output(op.identity(g, x), 'out', 'float16', ['batch', 4, 'height', 'width']);
    const dims = g.build().graph.input[0]!.type!.tensorType!.shape!.dim!;
    assert.deepEqual(dims, [{ dimParam: 'batch' }, { dimValue: 4 }, { dimParam: 'height' }, { dimParam: 'width' }]);
  });

  test('a graph input exported directly as an output goes through Identity', async () => {
    const g = new GraphBuilder({ graphName: 'passthrough' });
    const x = g.input('x', 'int64', [3]);
    g.output(x, 'same', 'int64', [3]);
    const session = await openSession(serializeModel(g.build()), { executionProvider: 'cpu' });
    const out = await session.run({ x: { type: 'int64', data: BigInt64Array.of(1n, -2n, 9007199254740993n), dims: [3] } });
    await session.release();
    assert.deepEqual([...(out.same!.data as BigInt64Array)], [1n, -2n, 9007199254740993n]);
  });

  test('float16 initializers are rounded to nearest even; data/dims mismatches are errors', () => {
    const g = new GraphBuilder({ graphName: 'init' });
    assert.throws(() => g.build(), /has no outputs/);
    // 1 + 2^-11 lies halfway between 1 and the next float16: ties go to the even 0x3C00.
    // 65520 lies halfway between 65504 (the largest float16) and 65536: it rounds to Infinity.
    const w = g.initializer('w', 'float16', [2], Float32Array.of(1 + 2 ** -11, 65520));
    g.output(w, 'w_out', 'float16', [2]);
    const raw = g.build().graph.initializer[0]!.rawData!;
    assert.deepEqual([...new Uint16Array(new Uint8Array(raw).buffer)], [0x3c00, 0x7c00]);
    assert.throws(() => g.initializer('bad', 'float32', [3], new Float32Array(2)), /dims \[3\] hold 3 elements but the data has 2/);
    assert.throws(() => g.initializer('bad2', 'int64', [1], new Int32Array(1)), /int64 needs a BigInt64Array/);
    assert.throws(() => g.initializer('w', 'float32', [1], new Float32Array(1)), /'w' already exists/);
  });

  test('values from another builder are rejected with the value and graph named', () => {
    const a = new GraphBuilder({ graphName: 'a' });
    const b = new GraphBuilder({ graphName: 'b' });
    const foreign = a.input('x', 'float32', [1]);
    assert.throws(() => op.sigmoid(b, foreign), (error: unknown) => error instanceof Error && /value 'x' was not created by GraphBuilder 'b'/.test(error.message));
  });

  test('Gelu refuses opsets below 20', () => {
    const g = new GraphBuilder({ graphName: 'old', opset: 17 });
    assert.throws(() => op.gelu(g, g.input('x', 'float32', [1])), /Gelu needs opset >= 20/);
  });
});
