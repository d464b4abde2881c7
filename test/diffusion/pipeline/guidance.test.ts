import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { guidedPrediction } from '../../../app/diffusion/pipeline/guidance.js';
import { UnetModel } from '../../../app/diffusion/pipeline/unet-model.js';
import type { Conditioning } from '../../../app/diffusion/pipeline/values.js';
import { GraphBuilder } from '../../../app/onnx/graph-builder.js';
import { serializeModel } from '../../../app/onnx/model-io.js';
import { add, constantInt64, mul, reduceMean, reshape } from '../../../app/onnx/ops.js';
import type { HostTensor } from '../../../app/runtime/host-tensor.js';
import { openSession } from '../../../app/runtime/session.js';

const WIDTH = 3;

/**
 * A stand-in UNet with a closed form: out = sample · mean(dilation control) + mean(context over tokens
 * and channels), so each pass's result shows which controls and which prompt it ran with.
 */
async function probeUnet(): Promise<UnetModel> {
  const g = new GraphBuilder({ graphName: 'probe_unet' });
  const sample = g.input('sample', 'float32', ['batch', 4, 'height', 'width']);
  g.input('timestep', 'float32', ['timestep_batch']);
  const context = g.input('encoder_hidden_states', 'float32', ['batch', 'sequence', WIDTH]);
  const dilation = g.input('scalecrafter_dilation', 'float32', [2]);
  const dilationMean = reduceMean(g, dilation, constantInt64(g, [0]), { keepdims: 1 });
  const contextMean = reshape(g, reduceMean(g, context, constantInt64(g, [1, 2]), { keepdims: 1 }), constantInt64(g, [-1, 1, 1, 1]));
  g.output(add(g, mul(g, sample, dilationMean), contextMean), 'out_sample', 'float32', ['batch', 4, 'height', 'width']);
  return new UnetModel(await openSession(serializeModel(g.build()), { executionProvider: 'cpu' }));
}

const conditioning = (prompt: string, value: number): Conditioning => ({
  prompt,
  embeddings: new Float32Array(2 * WIDTH).fill(value),
  dims: [1, 2, WIDTH],
  pooled: null,
  truncation: null,
});
const dilations = (a: number, b: number): Record<string, HostTensor> => ({ scalecrafter_dilation: { type: 'float32', data: Float32Array.of(a, b), dims: [2] } });

describe('guidance arithmetic (docs/scalecrafter-method.md §2)', () => {
  const sample = Float32Array.from({ length: 4 * 2 * 2 }, (_, i) => (i - 7) / 4);
  const dims = [1, 4, 2, 2] as const;
  const positive = conditioning('a cat', 0.75);
  const negative = conditioning('', -0.25);
  const scale = 7.5;

  test('plain CFG: ε = ε_u + w·(ε_c − ε_u) from one batched call', async () => {
    const unet = await probeUnet();
    const result = await guidedPrediction({ unet, sample, dims, timestep: 981, positive: [positive], negative: [negative], scale, controls: dilations(3, 1) });
    sample.forEach((x, i) => {
      const eu = x * 2 - 0.25;
      const ec = x * 2 + 0.75;
      assert.ok(Math.abs(result[i]! - (eu + scale * (ec - eu))) < 1e-5, `element ${i}`);
    });
  });

  test('noise-damped CFG: ε = ε_base + w·(ε_c − ε_u), the base from a third pass on the unconditional prompt with the milder controls', async () => {
    const unet = await probeUnet();
    const result = await guidedPrediction({ unet, sample, dims, timestep: 981, positive: [positive], negative: [negative], scale, controls: dilations(4, 2), baseControls: dilations(1, 2) });
    sample.forEach((x, i) => {
      const eu = x * 3 - 0.25;
      const ec = x * 3 + 0.75;
      const eb = x * 1.5 - 0.25;
      assert.ok(Math.abs(result[i]! - (eb + scale * (ec - eu))) < 1e-5, `element ${i}: ${result[i]} vs ${eb + scale * (ec - eu)}`);
    });
  });

  test('w = 1 without ND-CFG skips the unconditional half: ε = ε_c', async () => {
    const unet = await probeUnet();
    const result = await guidedPrediction({ unet, sample, dims, timestep: 981, positive: [positive], negative: [negative], scale: 1, controls: dilations(2, 2) });
    sample.forEach((x, i) => assert.ok(Math.abs(result[i]! - (x * 2 + 0.75)) < 1e-6));
  });
});

describe('conditioning lists (ComfyUI\'s calc_cond_batch without areas: the mean over a side\'s entries)', () => {
  const sample = Float32Array.from({ length: 4 * 2 * 2 }, (_, i) => (i - 7) / 4);
  const dims = [1, 4, 2, 2] as const;
  const scale = 3;
  /** An entry of `tokens` tokens whose context mean is `value` (the probe adds that mean). */
  const entry = (value: number, tokens = 2): Conditioning => ({ prompt: 'p', embeddings: new Float32Array(tokens * WIDTH).fill(value), dims: [1, tokens, WIDTH], pooled: null, truncation: null });

  test('combined entries: each side\'s prediction is the mean of its entries\' (ε_c = x·d + mean of the context means)', async () => {
    const unet = await probeUnet();
    const result = await guidedPrediction({ unet, sample, dims, timestep: 981, positive: [entry(0.75), entry(0.25), entry(2)], negative: [entry(-0.5), entry(0.5)], scale, controls: dilations(2, 2) });
    sample.forEach((x, i) => {
      const ec = x * 2 + (0.75 + 0.25 + 2) / 3;
      const eu = x * 2;
      assert.ok(Math.abs(result[i]! - (eu + scale * (ec - eu))) < 1e-5, `element ${i}`);
    });
  });

  test('entries of other token counts (ConditioningConcat\'s longer context) run in their own call and still average', async () => {
    const unet = await probeUnet();
    const result = await guidedPrediction({ unet, sample, dims, timestep: 981, positive: [entry(1), entry(0.5, 4)], negative: [entry(0, 6)], scale, controls: dilations(1, 1) });
    sample.forEach((x, i) => {
      const ec = x + 0.75;
      assert.ok(Math.abs(result[i]! - (x + scale * (ec - x))) < 1e-5, `element ${i}`);
    });
  });

  test('a side with no active entry predicts zeros, as in ComfyUI', async () => {
    const unet = await probeUnet();
    const result = await guidedPrediction({ unet, sample, dims, timestep: 981, positive: [], negative: [entry(0.25)], scale, controls: dilations(1, 1) });
    sample.forEach((x, i) => assert.ok(Math.abs(result[i]! - (x + 0.25) * (1 - scale)) < 1e-5, `element ${i}`));
  });

  test('the noise-damped base averages the negative entries under the base controls', async () => {
    const unet = await probeUnet();
    const result = await guidedPrediction({ unet, sample, dims, timestep: 981, positive: [entry(1)], negative: [entry(0), entry(0.5)], scale, controls: dilations(2, 2), baseControls: dilations(1, 1) });
    sample.forEach((x, i) => {
      const eb = x + 0.25;
      const eu = 2 * x + 0.25;
      const ec = 2 * x + 1;
      assert.ok(Math.abs(result[i]! - (eb + scale * (ec - eu))) < 1e-5, `element ${i}`);
    });
  });
});
