/**
 * Multi-head scaled dot-product attention on [batch, tokens, channels] — what diffusers'
 * AttnProcessor / F.scaled_dot_product_attention and transformers' CLIPAttention compute after
 * their projections: channels split into `heads` contiguous groups of C/heads (head h owns
 * channels h·d … h·d + d − 1, torch's view(B, S, heads, d)), softmax(q·kᵀ · scale) · v per head,
 * scale = 1/√d unless given. `causal` masks key j > query i (CLIP's causal mask).
 */
import { NdArray, zeros } from './ndarray.js';

export interface AttentionOptions {
  causal?: boolean;
  scale?: number;
}

export function attention(q: NdArray, k: NdArray, v: NdArray, heads: number, options: AttentionOptions = {}): NdArray {
  const [batch, queries, channels] = q.shape as [number, number, number];
  const [kBatch, keys, kChannels] = k.shape as [number, number, number];
  const valueChannels = v.shape[2]!;
  if (kBatch !== batch || v.shape[0] !== batch || v.shape[1] !== keys || kChannels !== channels) {
    throw new RangeError(`attention: q [${q.shape}], k [${k.shape}], v [${v.shape}] do not fit together`);
  }
  if (channels % heads !== 0 || valueChannels % heads !== 0) throw new RangeError(`attention: ${channels} channels do not split into ${heads} heads`);
  const headDim = channels / heads;
  const valueHeadDim = valueChannels / heads;
  const scale = options.scale ?? 1 / Math.sqrt(headDim);
  const out = zeros([batch, queries, valueChannels]);
  const weights = new Float64Array(keys);
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      for (let i = 0; i < queries; i++) {
        let max = -Infinity;
        for (let j = 0; j < keys; j++) {
          if (options.causal && j > i) {
            weights[j] = -Infinity;
            continue;
          }
          let dot = 0;
          for (let c = 0; c < headDim; c++) {
            dot += q.data[(b * queries + i) * channels + h * headDim + c]! * k.data[(b * keys + j) * channels + h * headDim + c]!;
          }
          weights[j] = dot * scale;
          max = Math.max(max, weights[j]!);
        }
        let sum = 0;
        for (let j = 0; j < keys; j++) {
          weights[j] = Math.exp(weights[j]! - max);
          sum += weights[j]!;
        }
        for (let c = 0; c < valueHeadDim; c++) {
          let acc = 0;
          for (let j = 0; j < keys; j++) acc += weights[j]! * v.data[(b * keys + j) * valueChannels + h * valueHeadDim + c]!;
          out.data[(b * queries + i) * valueChannels + h * valueHeadDim + c] = acc / sum;
        }
      }
    }
  }
  return out;
}
