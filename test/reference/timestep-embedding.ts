/**
 * diffusers get_timestep_embedding (embeddings.py), the sinusoidal embedding of DDPM/Transformer:
 *   half = dim // 2;  freq_i = exp(−ln(max_period) · i / (half − shift))
 *   emb = [sin(t·freq), cos(t·freq)], or [cos, sin] with flip_sin_to_cos; odd dim → zero pad.
 * The UNet uses flip_sin_to_cos = True, shift = freq_shift = 0. PyTorch evaluates every step in
 * float32; this follows those roundings (Math.fround after each op) because at t ≈ 1000 one
 * float32 ulp of t·freq is ~6e-5 rad — computing in float64 would differ from torch by that much.
 */
import { NdArray, zeros } from './ndarray.js';

export interface TimestepEmbeddingOptions {
  flipSinToCos: boolean;
  shift: number;
  scale?: number;
  maxPeriod?: number;
}

const f32 = Math.fround;

export function timestepEmbedding(timesteps: readonly number[], dim: number, options: TimestepEmbeddingOptions): NdArray {
  const half = Math.floor(dim / 2);
  const logPeriod = f32(-Math.log(options.maxPeriod ?? 10000));
  const frequencies = Array.from({ length: half }, (_, i) => f32(Math.exp(f32(f32(logPeriod * i) / (half - options.shift)))));
  const out = zeros([timesteps.length, dim]);
  timesteps.forEach((t, row) => {
    for (let i = 0; i < half; i++) {
      const angle = f32(f32(f32(t) * frequencies[i]!) * (options.scale ?? 1));
      const [first, second] = options.flipSinToCos ? [Math.cos(angle), Math.sin(angle)] : [Math.sin(angle), Math.cos(angle)];
      out.data[row * dim + i] = first;
      out.data[row * dim + half + i] = second;
    }
  });
  return out;
}
