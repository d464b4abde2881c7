/**
 * transformers modeling_clip.py, the text side (CLIPTextModel → CLIPTextTransformer): token +
 * position embeddings, pre-LayerNorm encoder layers with causal self-attention, final_layer_norm,
 * and the pooled output taken at the end-of-text token. SD1 uses OpenAI CLIP (quick_gelu), SD2
 * OpenCLIP converted to this layout (gelu). CLIPTextModelWithProjection (SDXL's second encoder)
 * adds text_embeds = text_projection(pooled output), a Linear without bias.
 */
import { geluErf, quickGelu } from './activations.js';
import { attention } from './attention.js';
import { linear } from './linear.js';
import { NdArray, zeros } from './ndarray.js';
import { layerNorm } from './normalization.js';
import { param, scoped, type ParamSource } from './params.js';
import { add } from './tensor-layout.js';

/** The CLIPTextConfig fields (config.json names) the text model uses. */
export interface ClipTextConfig {
  vocab_size: number;
  hidden_size: number;
  intermediate_size: number;
  num_attention_heads: number;
  num_hidden_layers: number;
  max_position_embeddings: number;
  layer_norm_eps: number;
  hidden_act: 'quick_gelu' | 'gelu';
  /** 2 in older configs (SD1/SD2): transformers then pools at argmax(input_ids), where EOT (the largest id) sits. */
  eos_token_id?: number;
}

export interface ClipTextOutput {
  /** final_layer_norm(last encoder layer), [B, S, hidden]. */
  lastHiddenState: NdArray;
  /** lastHiddenState at the end-of-text position of each row, [B, hidden]. */
  pooledOutput: NdArray;
  /** output_hidden_states: the embeddings, then each layer's output (before final_layer_norm): num_hidden_layers + 1 entries. */
  hiddenStates: NdArray[];
}

/**
 * CLIPEncoderLayer: x += out_proj(attn(layer_norm1(x))) with causal mask, q scaled by
 * head_dim^−0.5; x += fc2(act(fc1(layer_norm2(x)))).
 */
export function clipEncoderLayer(params: ParamSource, prefix: string, config: ClipTextConfig, x: NdArray): NdArray {
  const hidden = config.hidden_size;
  const p = (name: string, shape: number[]): NdArray => param(params, scoped(prefix, name), shape);
  const norm = (name: string, input: NdArray): NdArray => layerNorm(input, p(`${name}.weight`, [hidden]), p(`${name}.bias`, [hidden]), config.layer_norm_eps);
  const project = (name: string, input: NdArray, outDim: number, inDim: number): NdArray =>
    linear(input, p(`${name}.weight`, [outDim, inDim]), p(`${name}.bias`, [outDim]));

  const normed = norm('layer_norm1', x);
  const q = project('self_attn.q_proj', normed, hidden, hidden);
  const k = project('self_attn.k_proj', normed, hidden, hidden);
  const v = project('self_attn.v_proj', normed, hidden, hidden);
  const attended = attention(q, k, v, config.num_attention_heads, { causal: true });
  const h = add(x, project('self_attn.out_proj', attended, hidden, hidden));

  const activation = config.hidden_act === 'quick_gelu' ? quickGelu : geluErf;
  const mlp = project('mlp.fc2', activation(project('mlp.fc1', norm('layer_norm2', h), config.intermediate_size, hidden)), hidden, config.intermediate_size);
  return add(h, mlp);
}

/** `prefix` is the CLIPTextTransformer's path: "text_model" for a CLIPTextModel state dict. */
export function clipTextModel(params: ParamSource, prefix: string, config: ClipTextConfig, inputIds: readonly (readonly number[])[]): ClipTextOutput {
  const batch = inputIds.length;
  const length = inputIds[0]?.length ?? 0;
  const hidden = config.hidden_size;
  if (length > config.max_position_embeddings) throw new RangeError(`${length} tokens exceed max_position_embeddings ${config.max_position_embeddings}`);
  const tokenTable = param(params, scoped(prefix, 'embeddings.token_embedding.weight'), [config.vocab_size, hidden]);
  const positionTable = param(params, scoped(prefix, 'embeddings.position_embedding.weight'), [config.max_position_embeddings, hidden]);

  let x = zeros([batch, length, hidden]);
  inputIds.forEach((row, b) => {
    if (row.length !== length) throw new RangeError('all rows of input ids must have the same length');
    row.forEach((id, s) => {
      if (!Number.isInteger(id) || id < 0 || id >= config.vocab_size) throw new RangeError(`token id ${id} outside the vocabulary of ${config.vocab_size}`);
      for (let c = 0; c < hidden; c++) {
        x.data[(b * length + s) * hidden + c] = tokenTable.data[id * hidden + c]! + positionTable.data[s * hidden + c]!;
      }
    });
  });

  const hiddenStates = [x];
  for (let layer = 0; layer < config.num_hidden_layers; layer++) {
    x = clipEncoderLayer(params, scoped(prefix, `encoder.layers.${layer}`), config, x);
    hiddenStates.push(x);
  }
  const lastHiddenState = layerNorm(
    x,
    param(params, scoped(prefix, 'final_layer_norm.weight'), [hidden]),
    param(params, scoped(prefix, 'final_layer_norm.bias'), [hidden]),
    config.layer_norm_eps,
  );

  const pooledOutput = zeros([batch, hidden]);
  inputIds.forEach((row, b) => {
    const position = poolingPosition(row, config.eos_token_id);
    pooledOutput.data.set(lastHiddenState.data.subarray((b * length + position) * hidden, (b * length + position + 1) * hidden), b * hidden);
  });
  return { lastHiddenState, pooledOutput, hiddenStates };
}

/** torch.argmax returns the first maximal index: of the ids (eos_token_id 2 or unset), else of (ids == eos). */
function poolingPosition(row: readonly number[], eosTokenId: number | undefined): number {
  const keys = eosTokenId === undefined || eosTokenId === 2 ? row : row.map((id) => (id === eosTokenId ? 1 : 0));
  let best = 0;
  keys.forEach((value, i) => {
    if (value > keys[best]!) best = i;
  });
  return best;
}

/** CLIPTextModelWithProjection: the text model plus text_embeds [B, projection_dim]. */
export function clipTextModelWithProjection(
  params: ParamSource,
  config: ClipTextConfig & { projection_dim: number },
  inputIds: readonly (readonly number[])[],
): ClipTextOutput & { textEmbeds: NdArray } {
  const output = clipTextModel(params, 'text_model', config, inputIds);
  const projection = param(params, 'text_projection.weight', [config.projection_dim, config.hidden_size]);
  return { ...output, textEmbeds: linear(output.pooledOutput, projection) };
}
