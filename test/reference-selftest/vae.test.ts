import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededWeights } from '../../app/models/weights/seeded-weights.js';
import type { WeightSource } from '../../app/models/weights/weight-source.js';
import { NdArray, randn } from '../reference/ndarray.js';
import { groupNorm } from '../reference/normalization.js';
import { param } from '../reference/params.js';
import { vaeAttentionBlock, vaeDecoder, vaeEncoder, VAE_NORM_EPS, type AutoencoderKLConfig } from '../reference/vae.js';
import { withOverrides } from '../reference/weight-overrides.js';

const weights = new SeededWeights(55);
const config: AutoencoderKLConfig = {
  in_channels: 3,
  out_channels: 3,
  latent_channels: 4,
  block_out_channels: [8, 16, 16],
  layers_per_block: 1,
  norm_num_groups: 4,
};

function identity(size: number): Float32Array {
  const out = new Float32Array(size * size);
  for (let i = 0; i < size; i++) out[i * size + i] = 1;
  return out;
}

describe('reference VAE', () => {
  test('decoder: [B, latent, h, w] → [B, out, h·4, w·4] with three blocks (two upsamplers), finite', () => {
    const image = vaeDecoder(weights, '', config, randn([2, 4, 3, 5], 1));
    assert.deepEqual(image.shape, [2, 3, 12, 20]);
    assert.ok(image.data.every(Number.isFinite));
  });

  test('encoder: moments [B, 2·latent, ⌈H/4⌉…]; the right/bottom padding makes 9 → 4 → 2', () => {
    assert.deepEqual(vaeEncoder(weights, '', config, randn([1, 3, 16, 12], 2)).shape, [1, 8, 4, 3]);
    assert.deepEqual(vaeEncoder(weights, '', config, randn([1, 3, 9, 9], 3)).shape, [1, 8, 2, 2]);
  });

  test('batch rows are independent: a batch of two equals the two rows run alone', () => {
    const latents = randn([2, 4, 2, 2], 4);
    const both = vaeDecoder(weights, '', config, latents);
    const second = vaeDecoder(weights, '', config, new NdArray([1, 4, 2, 2], latents.data.slice(16)));
    assert.deepEqual(both.data.subarray(both.size / 2), second.data);
  });

  test('attention with to_q = 0 averages over all positions: out = x + channel mean of group_norm(x) (to_v = to_out = I)', () => {
    const channels = 8;
    const averaging: WeightSource = withOverrides(weights, (name, shape) => {
      if (/to_(q|k)\.weight|\.bias$/.test(name) && !name.includes('group_norm')) return new Float32Array(shape.reduce((a, b) => a * b, 1));
      if (/to_(v|out\.0)\.weight/.test(name)) return identity(channels);
      return undefined;
    });
    const x = randn([1, channels, 3, 3], 5);
    const out = vaeAttentionBlock(averaging, 'attn', { groups: 4 }, x);
    const normed = groupNorm(x, 4, param(averaging, 'attn.group_norm.weight', [channels]), param(averaging, 'attn.group_norm.bias', [channels]), VAE_NORM_EPS);
    for (let c = 0; c < channels; c++) {
      const mean = normed.data.subarray(c * 9, c * 9 + 9).reduce((a, b) => a + b, 0) / 9;
      for (let s = 0; s < 9; s++) {
        const i = c * 9 + s;
        assert.ok(Math.abs(out.data[i]! - (x.data[i]! + mean)) < 1e-6, `channel ${c} position ${s}`);
      }
    }
  });

  test('rejects block types it does not implement', () => {
    assert.throws(() => vaeDecoder(weights, '', { ...config, up_block_types: ['UpDecoderBlock2D', 'AttnUpDecoderBlock2D', 'UpDecoderBlock2D'] }, randn([1, 4, 2, 2], 1)), /not AttnUpDecoderBlock2D/);
  });
});
