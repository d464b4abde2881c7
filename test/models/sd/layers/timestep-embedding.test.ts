import { describe, test } from 'node:test';
import { GraphBuilder } from '../../../../app/onnx/graph-builder.js';
import { timestepEmbedding } from '../../../../app/models/sd/layers/timestep-embedding.js';
import type { FloatType, LayerContext } from '../../../../app/models/sd/layers/layer-context.js';
import { assertAllClose } from '../../../reference/compare.js';
import * as reference from '../../../reference/ops.js';
import { param } from '../../../reference/params.js';
import { FP32_TOLERANCE, PROVIDERS, VariedNormWeights, runModel } from '../harness.js';

const weights = new VariedNormWeights(81);

function timeModel(dtype: FloatType, flipSinToCos: boolean, freqShift: number) {
  const g = new GraphBuilder({ graphName: 'time' });
  const ctx: LayerContext = { g, weights, dtype };
  const timestep = g.input('timestep', 'float32', ['n']);
  const sample = g.input('sample', dtype, ['batch', 1]);
  const emb = timestepEmbedding(ctx, timestep, sample, { channels: 16, embeddingDim: 64, flipSinToCos, freqShift });
  g.output(emb, 'y', dtype, ['batch', 64]);
  return g.build();
}

function expected(timesteps: number[], flipSinToCos: boolean, shift: number) {
  const sinusoid = reference.timestepEmbedding(timesteps, 16, { flipSinToCos, shift });
  const hidden = reference.silu(reference.linear(sinusoid, param(weights, 'time_embedding.linear_1.weight', [64, 16]), param(weights, 'time_embedding.linear_1.bias', [64])));
  return reference.linear(hidden, param(weights, 'time_embedding.linear_2.weight', [64, 64]), param(weights, 'time_embedding.linear_2.bias', [64]));
}

describe('time_proj + time_embedding graph matches diffusers get_timestep_embedding + TimestepEmbedding', () => {
  const timesteps = [999, 981.5, 1, 0];
  for (const provider of PROVIDERS) {
    test(`flip_sin_to_cos, freq_shift 0 (SD) at t up to 999 on ${provider}`, async () => {
      const out = await runModel(timeModel('float32', true, 0), {
        timestep: { type: 'float32', data: Float32Array.from(timesteps), dims: [4] },
        sample: { type: 'float32', data: new Float32Array(4), dims: [4, 1] },
      }, provider);
      assertAllClose(out.y!, expected(timesteps, true, 0), FP32_TOLERANCE[provider], `time embedding on ${provider}`);
    });
  }

  test('[sin, cos] order and freq_shift 1 (other diffusers models) follow the config', async () => {
    const out = await runModel(timeModel('float32', false, 1), {
      timestep: { type: 'float32', data: Float32Array.from(timesteps), dims: [4] },
      sample: { type: 'float32', data: new Float32Array(4), dims: [4, 1] },
    }, 'cpu');
    assertAllClose(out.y!, expected(timesteps, false, 1), FP32_TOLERANCE.cpu, 'unflipped, shifted');
  });

  test('one timestep broadcasts over the batch of the sample', async () => {
    const out = await runModel(timeModel('float32', true, 0), {
      timestep: { type: 'float32', data: Float32Array.of(500), dims: [1] },
      sample: { type: 'float32', data: new Float32Array(3), dims: [3, 1] },
    }, 'cpu');
    assertAllClose(out.y!, expected([500, 500, 500], true, 0), FP32_TOLERANCE.cpu, 'broadcast timestep');
  });
});
