/**
 * The decoder cut into segments (app/models/sd/vae-segments.ts; its tests live here beside the
 * tiled decoder that runs them): one cut per GroupNorm of the whole graph, every weight in exactly
 * one segment, torch-style names kept, and halos that are needed — one pixel less and tiles no
 * longer match the whole decode.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TiledVaeDecoder } from '../../../app/diffusion/vae-tiling/tiled-vae-decoder.js';
import { tinyPipelineConfigs } from '../../../app/models/sd/presets.js';
import { buildVaeDecoder } from '../../../app/models/sd/vae.js';
import { buildVaeDecoderSegments, haloOf, type VaeDecoderSegments } from '../../../app/models/sd/vae-segments.js';
import { parseVaeConfig } from '../../../app/models/sd/vae-config.js';
import { serializeModel } from '../../../app/onnx/model-codec.js';
import { openSession } from '../../../app/runtime/session.js';
import { randn } from '../../reference/ndarray.js';
import { VariedNormWeights } from '../../models/sd/harness.js';

const config = parseVaeConfig(tinyPipelineConfigs(1000).vae);
const weights = new VariedNormWeights(77);
const moduleOf = (nodeName: string) => nodeName.split('/').slice(1, -1).join('.');

describe('VAE decoder segments', () => {
  test('halo: a 3×3 conv needs one more input pixel, a nearest 2× upsample halves what follows (rounded up)', () => {
    assert.equal(haloOf([]), 0);
    assert.equal(haloOf(['conv3x3', 'conv3x3']), 2);
    assert.equal(haloOf(['conv3x3', 'upsample2x', 'conv3x3']), 2);
    assert.equal(haloOf(['upsample2x', 'conv3x3']), 1);
    assert.equal(haloOf(['upsample2x', 'conv3x3', 'conv3x3', 'conv3x3']), 2);
  });

  test('one cut per GroupNorm of the whole decoder; every weight in one segment, under the same names', () => {
    const whole = buildVaeDecoder(config, weights).graph;
    const plan = buildVaeDecoderSegments(config, weights);
    const groupNorms = new Set(whole.node.filter((node) => node.opType === 'InstanceNormalization').map((node) => moduleOf(node.name!)));
    const sites = new Set(plan.segments.flatMap((segment) => segment.imageInputs.flatMap((input) => (input.norm ? [input.norm.module] : []))));
    assert.deepEqual([...sites].sort(), [...groupNorms].sort());

    const owners = new Map<string, string[]>();
    for (const segment of plan.segments) {
      for (const tensor of segment.model.graph.initializer) owners.set(tensor.name!, [...(owners.get(tensor.name!) ?? []), segment.name]);
      for (const node of segment.model.graph.node.filter((n) => n.opType === 'Conv' || n.opType === 'MatMul')) {
        assert.ok(whole.node.some((n) => n.name === node.name), `${segment.name}: node ${node.name} has no namesake in the whole decoder`);
      }
    }
    assert.deepEqual([...owners.keys()].sort(), whole.initializer.map((tensor) => tensor.name!).sort());
    // Only the attention's GroupNorm opens two segments (keys/values, then the queries that attend to them).
    const shared = [...owners].filter(([, segments]) => segments.length > 1).map(([name]) => name);
    assert.deepEqual(shared.sort(), ['decoder.mid_block.attentions.0.group_norm.bias', 'decoder.mid_block.attentions.0.group_norm.weight']);
  });

  test('other decoder shapes: three resnets per level (SD\'s layers_per_block 2), no mid attention, no post_quant_conv', async () => {
    const other = parseVaeConfig({ ...tinyPipelineConfigs(1000).vae, block_out_channels: [32, 64], down_block_types: ['DownEncoderBlock2D', 'DownEncoderBlock2D'], up_block_types: ['UpDecoderBlock2D', 'UpDecoderBlock2D'], layers_per_block: 2, mid_block_add_attention: false, use_post_quant_conv: false });
    const plan = buildVaeDecoderSegments(other, weights);
    assert.ok(plan.segments.every((segment) => segment.tokenInputs.length === 0 && !segment.name.includes('attentions')));
    assert.equal(plan.sample.scale, 2);
    const whole = await openSession(serializeModel(buildVaeDecoder(other, weights)), { executionProvider: 'cpu' });
    const tiled = await TiledVaeDecoder.open(plan, 'cpu');
    try {
      const latents = randn([1, 4, 5, 7], 6);
      const expected = (await whole.run({ latent_sample: { type: 'float32', data: latents.data, dims: [1, 4, 5, 7] } })).sample!.data as Float32Array;
      const { data } = await tiled.decode(latents.data, [1, 4, 5, 7], { tileSize: 2 });
      const worst = data.reduce((max, value, i) => Math.max(max, Math.abs(value - expected[i]!)), 0);
      assert.ok(worst < 1e-4, `tiled differs from whole by ${worst}`);
    } finally {
      await whole.release();
      await tiled.release();
    }
  });

  test('every halo is needed: one pixel less in a conv segment or an upsampling segment breaks the tiles', async () => {
    const plan = buildVaeDecoderSegments(config, weights);
    const whole = await openSession(serializeModel(buildVaeDecoder(config, weights)), { executionProvider: 'cpu' });
    const latents = randn([1, 4, 6, 6], 5);
    const expected = (await whole.run({ latent_sample: { type: 'float32', data: latents.data, dims: [1, 4, 6, 6] } })).sample!.data as Float32Array;
    await whole.release();
    const maxDifference = async (shrunk: VaeDecoderSegments) => {
      const tiled = await TiledVaeDecoder.open(shrunk, 'cpu');
      try {
        const { data } = await tiled.decode(latents.data, [1, 4, 6, 6], { tileSize: 3 });
        return data.reduce((worst, value, i) => Math.max(worst, Math.abs(value - expected[i]!)), 0);
      } finally {
        await tiled.release();
      }
    };
    assert.ok((await maxDifference(plan)) < 1e-4, 'the plan as built matches');
    for (const name of ['decoder.up_blocks.3.resnets.0.norm1', 'decoder.up_blocks.1.resnets.1.norm2']) {
      const index = plan.segments.findIndex((segment) => segment.name === name);
      const segments = plan.segments.map((segment, i) => (i === index ? { ...segment, halo: segment.halo - 1 } : segment));
      const difference = await maxDifference({ ...plan, segments });
      assert.ok(difference > 1e-3, `${name} with halo ${plan.segments[index]!.halo - 1} still matches (|diff| ${difference})`);
    }
  });
});
