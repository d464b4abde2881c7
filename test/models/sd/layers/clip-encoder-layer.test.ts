import { describe, test } from 'node:test';
import { clipEncoderLayer } from '../../../../app/models/sd/layers/clip-encoder-layer.js';
import { clipEncoderLayer as referenceLayer, type ClipTextConfig } from '../../../reference/clip-text-model.js';
import { assertAllClose } from '../../../reference/compare.js';
import { randn } from '../../../reference/ndarray.js';
import { FP32_TOLERANCE, PROVIDERS, VariedNormWeights, blockModel, feed, runModel } from '../harness.js';

const weights = new VariedNormWeights(91);
const x = randn([2, 11, 24], 22);
const scope = ['text_model', 'encoder', 'layers.0'];

function referenceConfig(hiddenAct: 'quick_gelu' | 'gelu'): ClipTextConfig {
  return { vocab_size: 100, hidden_size: 24, intermediate_size: 37, num_attention_heads: 3, num_hidden_layers: 1, max_position_embeddings: 77, layer_norm_eps: 1e-5, hidden_act: hiddenAct };
}

describe('CLIPEncoderLayer graph (pre-LN, causal attention, MLP) matches the reference', () => {
  for (const hiddenAct of ['quick_gelu', 'gelu'] as const) {
    for (const provider of PROVIDERS) {
      test(`${hiddenAct} (${hiddenAct === 'gelu' ? 'SD2' : 'SD1'}), 3 heads, intermediate 37, on ${provider}`, async () => {
        const model = blockModel({
          dtype: 'float32', weights, scope, inputs: { x: x.shape }, outputShape: x.shape,
          build: (ctx, v) => clipEncoderLayer(ctx, v.x!, { hiddenSize: 24, intermediateSize: 37, heads: 3, hiddenAct, layerNormEps: 1e-5 }),
        });
        const out = await runModel(model, { x: feed(x, 'float32') }, provider);
        assertAllClose(out.y!, referenceLayer(weights, scope.join('.'), referenceConfig(hiddenAct), x), FP32_TOLERANCE[provider], `CLIP layer on ${provider}`);
      });
    }
  }
});
