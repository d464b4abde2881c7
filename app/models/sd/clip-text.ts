/**
 * transformers' CLIPTextModel, or CLIPTextModelWithProjection (SDXL's text_encoder_2), as an ONNX
 * graph, I/O named as optimum's export names them:
 *   input_ids [batch, sequence] (int32, or int64) →
 *     CLIPTextModel:               last_hidden_state [batch, sequence, hidden], pooler_output [batch, hidden],
 *     CLIPTextModelWithProjection: text_embeds [batch, projection_dim], last_hidden_state,
 *   and both hidden_states.{L−1} [batch, sequence, hidden] (L = num_hidden_layers).
 * Embeddings: token_embedding[input_ids] + position_embedding[0 … sequence−1]; then the encoder
 * layers and final_layer_norm. pooler_output is last_hidden_state at the EOS position, chosen as
 * transformers chooses it (clip-text-config.ts: `pooling`); text_embeds is text_projection
 * (Linear, no bias) of it. hidden_states.{L−1} is transformers' hidden_states[-2] (index 0 is
 * the embeddings, index i the output of layer i): the input of the last layer, without
 * final_layer_norm — the state SDXL (and "clip skip") conditions on. optimum exports every
 * hidden_states.i; only the penultimate is an output here, under the same name. Parameters live
 * under "text_model." (and "text_projection.").
 */
import { GraphBuilder, type OnnxModel, type Value } from '../../onnx/graph-builder.js';
import { add, cast, constantInt64, constantScalar, gather, shape, slice, unsqueeze } from '../../onnx/ops.js';
import type { WeightSource } from '../weights/weight-source.js';
import type { ClipTextConfig } from './clip-text-config.js';
import { clipEncoderLayer } from './layers/clip-encoder-layer.js';
import { inModule, parameter, type FloatType, type LayerContext } from './layers/layer-context.js';
import { linear } from './layers/linear.js';
import { layerNorm } from './layers/normalization.js';

export interface ClipTextBuildOptions {
  /** Weights and float outputs. Default float32. */
  dtype?: FloatType;
  /** Element type of input_ids. Default int32 (what optimum exports for SD). */
  inputIdsType?: 'int32' | 'int64';
  /** CLIPTextModelWithProjection: text_embeds instead of pooler_output. Default false. */
  withProjection?: boolean;
  metadata?: Record<string, string>;
}

export function buildClipTextModel(config: ClipTextConfig, weights: WeightSource, options: ClipTextBuildOptions = {}): OnnxModel {
  const dtype = options.dtype ?? 'float32';
  const g = new GraphBuilder({ graphName: 'text_encoder' });
  const ctx: LayerContext = { g, weights, dtype };
  const idsType = options.inputIdsType ?? 'int32';
  const ids = g.input('input_ids', idsType, ['batch', 'sequence']);
  const d = config.hiddenSize;

  const { lastHidden, penultimate } = inModule(ctx, 'text_model', () => {
    const embedded = inModule(ctx, 'embeddings', () => {
      const tokens = inModule(ctx, 'token_embedding', () => gather(g, parameter(ctx, 'weight', [config.vocabSize, d]), ids, { axis: 0 }));
      const positions = inModule(ctx, 'position_embedding', () => {
        const table = parameter(ctx, 'weight', [config.maxPositions, d]);
        return slice(g, table, constantInt64(g, [0]), shape(g, ids, { start: 1, end: 2 }), constantInt64(g, [0]), null);
      });
      return add(g, tokens, positions);
    });
    const encoded = inModule(ctx, 'encoder', () => {
      let h = embedded;
      let beforeLast = h;
      for (let i = 0; i < config.layers; i++) {
        const x = h;
        beforeLast = x;
        h = inModule(ctx, `layers.${i}`, () => clipEncoderLayer(ctx, x, config));
      }
      return { last: h, beforeLast };
    });
    const normed = inModule(ctx, 'final_layer_norm', () => layerNorm(ctx, encoded.last, d, config.layerNormEps));
    return { lastHidden: normed, penultimate: encoded.beforeLast };
  });
  const pooled = eosHiddenState(ctx, lastHidden, ids, idsType, config);

  if (options.withProjection) {
    const projected = inModule(ctx, 'text_projection', () => linear(ctx, pooled, d, config.projectionDim, { bias: false }));
    g.output(projected, 'text_embeds', dtype, ['batch', config.projectionDim]);
    g.output(lastHidden, 'last_hidden_state', dtype, ['batch', 'sequence', d]);
  } else {
    g.output(lastHidden, 'last_hidden_state', dtype, ['batch', 'sequence', d]);
    g.output(pooled, 'pooler_output', dtype, ['batch', d]);
  }
  g.output(penultimate, `hidden_states.${config.layers - 1}`, dtype, ['batch', 'sequence', d]);
  return g.build(options.metadata ? { metadata: options.metadata } : {});
}

/** last_hidden_state[b, eos_position(b)] via ArgMax and GatherND(batch_dims 1). */
function eosHiddenState(ctx: LayerContext, lastHidden: Value, ids: Value, idsType: 'int32' | 'int64', config: ClipTextConfig): Value {
  const { g } = ctx;
  const ids32 = idsType === 'int32' ? ids : cast(g, ids, { to: 'int32' });
  // ArgMax returns the FIRST maximal index (select_last_index 0), as torch.argmax does.
  const scores = config.pooling.kind === 'argmax_token_id'
    ? ids32
    : cast(g, g.node('Equal', [ids32, constantScalar(g, 'int32', config.pooling.eosTokenId)])[0]!, { to: 'int32' });
  const position = g.node('ArgMax', [scores], { axis: { int: -1 }, keepdims: { int: 0 }, select_last_index: { int: 0 } })[0]!;
  return g.node('GatherND', [lastHidden, unsqueeze(g, position, constantInt64(g, [1]))], { batch_dims: { int: 1 } })[0]!;
}
