/**
 * How SeededWeights initialises each parameter, decided from its diffusers/transformers name and
 * shape alone, so a deep UNet, CLIP text encoder or VAE built from random weights keeps its
 * activations finite, non-zero and of order one. Rules, first match wins:
 *
 * 1. Normalisation layers (a module named like `norm1`, `norm`, `conv_norm_out`, `group_norm`,
 *    `layer_norm1`, `final_layer_norm`, `ln_*`), 1-D: weight = 1, bias = 0 — the identity affine,
 *    as torch.nn.GroupNorm / LayerNorm initialise themselves.
 * 2. Any other `.bias`: uniform with std 0.02 — small but non-zero, so a dropped or misplaced bias
 *    is still visible when a graph is compared with a reference.
 * 3. Embedding tables (`token_embedding`, `position_embedding`, any `*embedding` of rank 2):
 *    std 0.02, the `initializer_factor * 0.02` transformers' CLIPPreTrainedModel uses.
 * 4. Conv / Linear weights (rank >= 2): std = gain / sqrt(fan_in), fan_in = prod(shape[1:])
 *    (LeCun scaling: unit-variance inputs give outputs of the same variance). gain = 0.5 for the
 *    last projection of a residual branch (resnet `conv2`, attention `to_out.0`, feed-forward
 *    `ff.net.2`, transformer `proj_out`, CLIP `out_proj` / `fc2`, legacy VAE `proj_attn`) so the
 *    residual sums grow slowly with depth; 1 otherwise.
 * 5. Anything else (rank 0 or 1): std 0.02.
 *
 * Every random rule draws from U(−std·√3, std·√3), whose standard deviation is `std`: a uniform
 * needs no log/cos, which keeps the values bit-identical across JS engines (see counter-random.ts).
 */
export type InitRule = { kind: 'constant'; value: number } | { kind: 'uniform'; std: number };

export const BIAS_STD = 0.02;
export const EMBEDDING_STD = 0.02;
export const RESIDUAL_OUTPUT_GAIN = 0.5;

const RESIDUAL_OUTPUT_MODULES = ['conv2', 'to_out.0', 'ff.net.2', 'proj_out', 'out_proj', 'fc2', 'proj_attn'];

export function initRuleFor(name: string, shape: readonly number[]): InitRule {
  const lastDot = name.lastIndexOf('.');
  const modulePath = lastDot < 0 ? '' : name.slice(0, lastDot);
  const parameter = name.slice(lastDot + 1);
  const moduleName = modulePath.slice(modulePath.lastIndexOf('.') + 1);

  if (shape.length === 1 && isNormalisationModule(moduleName)) {
    return { kind: 'constant', value: parameter === 'bias' ? 0 : 1 };
  }
  if (parameter === 'bias') return { kind: 'uniform', std: BIAS_STD };
  if (shape.length === 2 && moduleName.endsWith('embedding')) return { kind: 'uniform', std: EMBEDDING_STD };
  if (shape.length >= 2) {
    const fanIn = shape.slice(1).reduce((product, dim) => product * dim, 1);
    const gain = isResidualOutput(modulePath) ? RESIDUAL_OUTPUT_GAIN : 1;
    return { kind: 'uniform', std: gain / Math.sqrt(Math.max(fanIn, 1)) };
  }
  return { kind: 'uniform', std: EMBEDDING_STD };
}

function isNormalisationModule(moduleName: string): boolean {
  const lower = moduleName.toLowerCase();
  return lower.includes('norm') || lower === 'ln' || lower.startsWith('ln_');
}

function isResidualOutput(modulePath: string): boolean {
  return RESIDUAL_OUTPUT_MODULES.some((suffix) => modulePath === suffix || modulePath.endsWith(`.${suffix}`));
}
