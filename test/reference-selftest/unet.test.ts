import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededWeights } from '../../app/models/weights/seeded-weights.js';
import type { WeightSource } from '../../app/models/weights/weight-source.js';
import { NdArray, randn } from '../reference/ndarray.js';
import { unet2DConditionModel, type UNet2DConditionConfig } from '../reference/unet.js';
import { unetUpBlock } from '../reference/unet-blocks.js';
import { withOverrides, zeroing } from '../reference/weight-overrides.js';

const weights = new SeededWeights(66);
const sd1: UNet2DConditionConfig = {
  in_channels: 4,
  out_channels: 4,
  block_out_channels: [8, 16],
  layers_per_block: 1,
  down_block_types: ['CrossAttnDownBlock2D', 'DownBlock2D'],
  up_block_types: ['UpBlock2D', 'CrossAttnUpBlock2D'],
  cross_attention_dim: 6,
  attention_head_dim: 2,
  norm_num_groups: 4,
  norm_eps: 1e-5,
};
const sd2: UNet2DConditionConfig = {
  ...sd1,
  down_block_types: ['CrossAttnDownBlock2D', 'CrossAttnDownBlock2D'],
  up_block_types: ['CrossAttnUpBlock2D', 'CrossAttnUpBlock2D'],
  attention_head_dim: [1, 2],
  use_linear_projection: true,
};
const maxAbsDiff = (a: NdArray, b: NdArray) => a.data.reduce((m, v, i) => Math.max(m, Math.abs(v - b.data[i]!)), 0);

function recording(base: WeightSource): { source: WeightSource; requested: Map<string, readonly number[]> } {
  const requested = new Map<string, readonly number[]>();
  return {
    requested,
    source: { description: 'recording', tensor: (name, shape) => (requested.set(name, [...shape]), base.tensor(name, shape)) },
  };
}

describe('reference unet2DConditionModel', () => {
  test('SD1 and SD2 layouts map [B, 4, h, w] to [B, 4, h, w], finite and not trivially zero', () => {
    for (const config of [sd1, sd2]) {
      const out = unet2DConditionModel(weights, '', config, randn([1, 4, 8, 8], 1), [500], randn([1, 3, 6], 2));
      assert.deepEqual(out.shape, [1, 4, 8, 8]);
      assert.ok(out.data.every(Number.isFinite) && out.data.some((v) => Math.abs(v) > 1e-3));
    }
  });

  test('odd latent sizes line up: 6×10 through three blocks (6×10 → 3×5 → 2×3 and back)', () => {
    const config = { ...sd1, block_out_channels: [8, 8, 16], down_block_types: ['CrossAttnDownBlock2D', 'DownBlock2D', 'DownBlock2D'], up_block_types: ['UpBlock2D', 'UpBlock2D', 'CrossAttnUpBlock2D'] };
    assert.deepEqual(unet2DConditionModel(weights, '', config, randn([1, 4, 6, 10], 3), [1], randn([1, 2, 6], 4)).shape, [1, 4, 6, 10]);
  });

  test('batch rows are independent and a single timestep is broadcast to the batch', () => {
    const sample = randn([2, 4, 4, 4], 5);
    const context = randn([2, 3, 6], 6);
    const broadcast = unet2DConditionModel(weights, '', sd1, sample, [250], context);
    assert.deepEqual(unet2DConditionModel(weights, '', sd1, sample, [250, 250], context).data, broadcast.data);
    const second = unet2DConditionModel(weights, '', sd1, new NdArray([1, 4, 4, 4], sample.data.slice(64)), [250], new NdArray([1, 3, 6], context.data.slice(18)));
    assert.deepEqual(broadcast.data.subarray(64), second.data);
  });

  test('the timestep and the text condition both change the output; zeroing attn2.to_out removes the text', () => {
    const sample = randn([1, 4, 4, 4], 7);
    const [textA, textB] = [randn([1, 3, 6], 8), randn([1, 3, 6], 9)];
    const early = unet2DConditionModel(weights, '', sd2, sample, [10], textA);
    assert.ok(maxAbsDiff(early, unet2DConditionModel(weights, '', sd2, sample, [900], textA)) > 1e-3, 'timestep ignored');
    assert.ok(maxAbsDiff(early, unet2DConditionModel(weights, '', sd2, sample, [10], textB)) > 1e-4, 'text ignored');
    const deaf = withOverrides(weights, zeroing(/attn2\.to_out\.0\./));
    assert.deepEqual(
      unet2DConditionModel(deaf, '', sd2, sample, [10], textA).data,
      unet2DConditionModel(deaf, '', sd2, sample, [10], textB).data,
    );
  });

  test('num_attention_heads takes precedence over attention_head_dim, which is otherwise the head count', () => {
    const args = [randn([1, 4, 4, 4], 10), [3], randn([1, 2, 6], 11)] as const;
    const viaHeads = unet2DConditionModel(weights, '', { ...sd1, attention_head_dim: 2, num_attention_heads: 1 }, ...args);
    const viaDim = unet2DConditionModel(weights, '', { ...sd1, attention_head_dim: 1 }, ...args);
    assert.deepEqual(viaHeads.data, viaDim.data);
    assert.ok(maxAbsDiff(viaDim, unet2DConditionModel(weights, '', sd1, ...args)) > 1e-6, 'the head count must matter');
  });

  test('parameter names and shapes follow the diffusers module tree (channels per UNet2DConditionModel.__init__)', () => {
    const { source, requested } = recording(weights);
    unet2DConditionModel(source, '', sd1, randn([1, 4, 4, 4], 12), [5], randn([1, 2, 6], 13));
    // Up block i: resnet j takes prev_output_channel (j = 0) or out_channels, plus a skip of out_channels,
    // except the last resnet whose skip has in_channels = reversed_block_out_channels[min(i + 1, n − 1)].
    const expected: Record<string, number[]> = {
      'conv_in.weight': [8, 4, 3, 3],
      'time_embedding.linear_1.weight': [32, 8],
      'down_blocks.0.attentions.0.proj_in.weight': [8, 8, 1, 1],
      'down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k.weight': [8, 6],
      'down_blocks.0.attentions.0.transformer_blocks.0.ff.net.0.proj.weight': [64, 8],
      'down_blocks.0.downsamplers.0.conv.weight': [8, 8, 3, 3],
      'down_blocks.1.resnets.0.conv_shortcut.weight': [16, 8, 1, 1],
      'mid_block.attentions.0.transformer_blocks.0.attn1.to_q.weight': [16, 16],
      'up_blocks.0.resnets.0.conv1.weight': [16, 16 + 16, 3, 3],
      'up_blocks.0.resnets.1.conv1.weight': [16, 16 + 8, 3, 3],
      'up_blocks.0.upsamplers.0.conv.weight': [16, 16, 3, 3],
      'up_blocks.1.resnets.0.conv_shortcut.weight': [8, 16 + 8, 1, 1],
      'up_blocks.1.resnets.1.conv1.weight': [8, 8 + 8, 3, 3],
      'up_blocks.1.attentions.1.proj_out.weight': [8, 8, 1, 1],
      'conv_norm_out.weight': [8],
      'conv_out.weight': [4, 8, 3, 3],
    };
    for (const [name, shape] of Object.entries(expected)) assert.deepEqual(requested.get(name), shape, name);
    assert.ok(!requested.has('down_blocks.1.downsamplers.0.conv.weight') && !requested.has('up_blocks.1.upsamplers.0.conv.weight'), 'no resampler in the last blocks');
    assert.ok(![...requested.keys()].some((name) => /to_[qkv]\.bias/.test(name)), 'UNet attention has no q/k/v bias');
  });

  test('the output is conv_out(silu(conv_norm_out(h))): with conv_out a centre tap nothing falls below min silu = −0.2785', () => {
    const centreTap = withOverrides(weights, (name, shape) => {
      if (name === 'conv_out.bias') return new Float32Array(4);
      if (name !== 'conv_out.weight') return undefined;
      const w = new Float32Array(shape.reduce((a, b) => a * b, 1));
      for (let c = 0; c < 4; c++) w[(c * 8 + c) * 9 + 4] = 1; // output c copies channel c of silu(norm(h))
      return w;
    });
    const out = unet2DConditionModel(centreTap, '', sd1, randn([1, 4, 6, 6], 14), [700], randn([1, 2, 6], 15));
    const minimum = Math.min(...out.data);
    assert.ok(minimum >= -0.27846454276107 - 1e-6 && minimum < -0.2, `minimum ${minimum}`);
  });

  test('up blocks concatenate [hidden, skip] in that order (torch.cat([h, res], dim=1))', () => {
    // One resnet, conv2 zeroed, conv_shortcut = [I | 0]: the block returns the first half of the concatenation.
    const firstHalf = withOverrides(weights, (name, shape) => {
      if (/conv2\./.test(name) || name.endsWith('conv_shortcut.bias')) return new Float32Array(shape.reduce((a, b) => a * b, 1));
      if (!name.endsWith('conv_shortcut.weight')) return undefined;
      const w = new Float32Array(2 * 4);
      w[0] = 1;
      w[4 + 1] = 1;
      return w;
    });
    const hidden = randn([1, 2, 3, 3], 16);
    const skip = randn([1, 2, 3, 3], 17);
    const block = { outChannels: 2, layers: 1, hasAttention: false, heads: 1, transformerLayers: 1, groups: 2, eps: 1e-5, useLinearProjection: false };
    const out = unetUpBlock(firstHalf, 'up', block, hidden, [skip], { temb: randn([1, 4], 18), encoderHiddenStates: randn([1, 1, 6], 19) });
    assert.deepEqual(out.data, hidden.data);
  });

  test('rejects block types it does not implement', () => {
    assert.throws(
      () => unet2DConditionModel(weights, '', { ...sd1, down_block_types: ['AttnDownBlock2D', 'DownBlock2D'] }, randn([1, 4, 4, 4], 1), [1], randn([1, 1, 6], 1)),
      /does not support: down block AttnDownBlock2D/,
    );
  });
});
