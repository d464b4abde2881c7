import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SD15_CONFIGS, SD21_CONFIGS, SDXL_CONFIGS } from '../../../app/models/sd/presets.js';
import { parseUNetConfig } from '../../../app/models/sd/unet-config.js';
import { planUNet } from '../../../app/models/sd/unet-plan.js';
import { UserFacingError } from '../../../app/protocol/user-facing-error.js';

function rejects(json: unknown, key: string): void {
  assert.throws(() => parseUNetConfig(json), (error: unknown) => error instanceof UserFacingError && error.field === key && error.message.includes(`"${key}"`));
}

describe('parseUNetConfig', () => {
  test('SD 1.5: attention_head_dim 8 means 8 heads everywhere (head size 40, 80, 160), 1×1 conv projections', () => {
    const plan = planUNet(parseUNetConfig(SD15_CONFIGS.unet));
    const attentions = [...plan.downBlocks, ...plan.upBlocks].flatMap((block) => block.attentions).concat(plan.midBlock.attention);
    assert.deepEqual([...new Set(attentions.map((t) => t.heads))], [8]);
    assert.deepEqual([...new Set(attentions.map((t) => `${t.channels}/${t.headDim}`))].sort(), ['1280/160', '320/40', '640/80']);
    assert.ok(attentions.every((t) => !t.linearProjection && t.crossAttentionDim === 768));
  });

  test('SD 2.1: attention_head_dim [5, 10, 20, 20] are head counts giving head size 64, Linear projections', () => {
    const config = parseUNetConfig(SD21_CONFIGS.unet);
    assert.deepEqual(config.attentionHeads, [5, 10, 20, 20]);
    const plan = planUNet(config);
    const attentions = [...plan.downBlocks, ...plan.upBlocks].flatMap((block) => block.attentions).concat(plan.midBlock.attention);
    assert.deepEqual([...new Set(attentions.map((t) => t.headDim))], [64]);
    assert.ok(attentions.every((t) => t.linearProjection && t.crossAttentionDim === 1024));
    assert.equal(config.upcastAttention, true);
  });

  test('num_attention_heads, when given, wins over attention_head_dim', () => {
    assert.deepEqual(parseUNetConfig({ ...SD15_CONFIGS.unet, num_attention_heads: 4 }).attentionHeads, [4, 4, 4, 4]);
  });

  test('features outside SD 1.x/2.x/SDXL are rejected by key, not ignored', () => {
    rejects({ ...SD15_CONFIGS.unet, addition_embed_type: 'image' }, 'addition_embed_type');
    rejects({ ...SD15_CONFIGS.unet, time_embedding_act_fn: 'silu' }, 'time_embedding_act_fn');
    rejects({ ...SD15_CONFIGS.unet, class_embed_type: 'timestep' }, 'class_embed_type');
    rejects({ ...SD15_CONFIGS.unet, time_cond_proj_dim: 256 }, 'time_cond_proj_dim');
    rejects({ ...SD15_CONFIGS.unet, resnet_time_scale_shift: 'scale_shift' }, 'resnet_time_scale_shift');
    rejects({ ...SD15_CONFIGS.unet, mid_block_type: 'UNetMidBlock2DSimpleCrossAttn' }, 'mid_block_type');
  });

  test('inconsistent lists and sizes name the key', () => {
    rejects({ ...SD15_CONFIGS.unet, attention_head_dim: [8, 8] }, 'attention_head_dim');
    rejects({ ...SD15_CONFIGS.unet, up_block_types: ['UpBlock2D'] }, 'up_block_types');
    rejects({ ...SD15_CONFIGS.unet, attention_head_dim: 7 }, 'attention_head_dim.0');
    rejects({ ...SD15_CONFIGS.unet, block_out_channels: [320, 640, 1280, 1000] }, 'block_out_channels.3');
    rejects({ ...SD15_CONFIGS.unet, cross_attention_dim: 'big' }, 'cross_attention_dim');
  });
});

describe('parseUNetConfig: SDXL', () => {
  test('SDXL base: text_time conditioning, upcast_attention null read as false, transformer depth per block with the mid block taking the last', () => {
    const config = parseUNetConfig(SDXL_CONFIGS.unet);
    assert.deepEqual(config.addedTextTime, { timeEmbedDim: 256, inputDim: 2816 });
    assert.equal(config.upcastAttention, false);
    const plan = planUNet(config);
    assert.deepEqual(plan.downBlocks.map((block) => block.attentions.map((t) => t.layers)), [[], [2, 2], [10, 10]]);
    assert.equal(plan.midBlock.attention.layers, 10);
    assert.deepEqual(plan.upBlocks.map((block) => block.attentions.map((t) => t.layers)), [[10, 10, 10], [2, 2, 2], []]);
    assert.deepEqual([...new Set([...plan.downBlocks, ...plan.upBlocks].flatMap((block) => block.attentions).map((t) => t.headDim))], [64]);
    assert.ok(plan.midBlock.attention.linearProjection && plan.midBlock.attention.crossAttentionDim === 2048);
  });

  test('reverse_transformer_layers_per_block sets the up blocks\' depth; the mid block keeps transformer_layers_per_block[-1]', () => {
    const plan = planUNet(parseUNetConfig({ ...SDXL_CONFIGS.unet, transformer_layers_per_block: [1, 2, 4], reverse_transformer_layers_per_block: [3, 1, 1] }));
    assert.equal(plan.midBlock.attention.layers, 4);
    assert.deepEqual(plan.upBlocks.map((block) => block.attentions.map((t) => t.layers)), [[3, 3, 3], [1, 1, 1], []]);
    rejects({ ...SDXL_CONFIGS.unet, reverse_transformer_layers_per_block: [3, 1] }, 'reverse_transformer_layers_per_block');
  });

  test('text_time without its sizes names the missing key', () => {
    const { addition_time_embed_dim: _time, ...withoutTime } = SDXL_CONFIGS.unet;
    rejects(withoutTime, 'addition_time_embed_dim');
    const { projection_class_embeddings_input_dim: _input, ...withoutInput } = SDXL_CONFIGS.unet;
    rejects(withoutInput, 'projection_class_embeddings_input_dim');
  });
});

describe('planUNet', () => {
  test('SD 1.5 resnet input channels, skip concatenations included, are those of the published checkpoint', () => {
    // conv1 weight shapes [out, in, 3, 3] of runwayml/stable-diffusion-v1-5 unet/diffusion_pytorch_model.safetensors.
    const plan = planUNet(parseUNetConfig(SD15_CONFIGS.unet));
    const inputs = plan.upBlocks.map((block) => block.resnets.map((r) => `${r.inChannels}→${r.outChannels}`));
    assert.deepEqual(inputs, [
      ['2560→1280', '2560→1280', '2560→1280'],
      ['2560→1280', '2560→1280', '1920→1280'],
      ['1920→640', '1280→640', '960→640'],
      ['960→320', '640→320', '640→320'],
    ]);
    assert.deepEqual(plan.downBlocks.map((block) => block.resnets[0]!.inChannels), [320, 320, 640, 1280]);
    assert.deepEqual(plan.downBlocks.map((block) => block.resampleChannels), [320, 640, 1280, null]);
    assert.deepEqual(plan.upBlocks.map((block) => block.resampleChannels), [1280, 1280, 640, null]);
    assert.equal(plan.timeEmbeddingDim, 1280);
  });

  test('a per-block layers_per_block list gives each up block its level\'s count + 1 resnets, skips matching', () => {
    const plan = planUNet(parseUNetConfig({ ...SD15_CONFIGS.unet, layers_per_block: [1, 2, 3, 1] }));
    assert.deepEqual(plan.downBlocks.map((block) => block.resnets.length), [1, 2, 3, 1]);
    assert.deepEqual(plan.upBlocks.map((block) => block.resnets.length), [2, 4, 3, 2]);
    // up_blocks.3 (level 0): its first skips are level 0's resnet outputs (320), its last conv_in's (320).
    assert.deepEqual(plan.upBlocks[3]!.resnets.map((r) => r.skipChannels), [320, 320]);
    assert.deepEqual(plan.upBlocks[2]!.resnets.map((r) => r.skipChannels), [640, 640, 320]);
    rejects({ ...SD15_CONFIGS.unet, layers_per_block: [2, 1] }, 'layers_per_block');
  });
});
