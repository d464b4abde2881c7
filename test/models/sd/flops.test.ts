import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { unetCost } from '../../../app/models/sd/flops.js';
import { SD15_CONFIGS, SD21_CONFIGS, SDXL_CONFIGS, tinySdxlPipelineConfigs } from '../../../app/models/sd/presets.js';
import { parseUNetConfig, type UNetConfigJson } from '../../../app/models/sd/unet-config.js';
import { planUNet } from '../../../app/models/sd/unet-plan.js';
import { buildUNet } from '../../../app/models/sd/unet.js';
import type { OnnxModel } from '../../../app/onnx/model.js';
import { SeededWeights } from '../../../app/models/weights/seeded-weights.js';

const cost = (json: UNetConfigJson, latent: number, width = latent) => unetCost(planUNet(parseUNetConfig(json)), { latentHeight: latent, latentWidth: width });

/**
 * An independent count: walk the BUILT graph, read every Conv / MatMul weight's dims from its
 * initializer and every MultiHeadAttention's width from its to_q, and take the spatial size from
 * the node's module path (down_blocks.i → level i, up_blocks.i → level n−1−i, …).
 */
function countGraphMacs(model: OnnxModel, levels: number, latentH: number, latentW: number, textTokens: number): number {
  const sizes: Array<[number, number]> = [[latentH, latentW]];
  for (let l = 1; l < levels; l++) sizes.push([Math.ceil(sizes[l - 1]![0] / 2), Math.ceil(sizes[l - 1]![1] / 2)]);
  const dims = new Map(model.graph.initializer.map((tensor) => [tensor.name!, tensor.dims]));
  const levelOf = (name: string): number => {
    const down = /^\/down_blocks\.(\d+)\//.exec(name);
    if (down) return Number(down[1]) + (name.includes('/downsamplers.0/') ? 1 : 0);
    const up = /^\/up_blocks\.(\d+)\//.exec(name);
    if (up) return levels - 1 - Number(up[1]) - (name.includes('/upsamplers.0/') ? 1 : 0);
    return name.startsWith('/mid_block/') ? levels - 1 : 0;
  };
  const tokensOf = (name: string): number => {
    if (name.startsWith('/time_embedding/') || name.startsWith('/add_embedding/') || name.includes('/time_emb_proj/')) return 1;
    if (/\/attn2\/to_[kv]\//.test(name)) return textTokens;
    const [h, w] = sizes[levelOf(name)]!;
    return h * w;
  };
  let macs = 0;
  for (const node of model.graph.node) {
    const name = node.name!;
    if (node.opType === 'Conv') macs += dims.get(node.input[1]!)!.reduce((a, b) => a * b, 1) * tokensOf(name);
    if (node.opType === 'MatMul') {
      const [inFeatures, outFeatures] = dims.get(node.input[1]!)!;
      macs += inFeatures! * outFeatures! * tokensOf(name);
    }
    if (node.opType === 'MultiHeadAttention') {
      const toQ = model.graph.node.find((n) => n.name === name.replace('MultiHeadAttention', 'to_q/MatMul'))!;
      const channels = dims.get(toQ.input[1]!)![1]!;
      const queries = tokensOf(name);
      const keys = name.includes('/attn2/') ? textTokens : queries;
      macs += 2 * queries * keys * channels;
    }
  }
  return macs;
}

describe('UNet parameter count and FLOPs', () => {
  test('parameters of SD 1.5 and SD 2.1 UNets are the published counts', () => {
    // UNet2DConditionModel.num_parameters() of runwayml/stable-diffusion-v1-5 and stabilityai/stable-diffusion-2-1.
    assert.equal(cost(SD15_CONFIGS.unet, 64).parameters, 859_520_964);
    assert.equal(cost(SD21_CONFIGS.unet, 96).parameters, 865_910_724);
  });

  test('parameters of the SDXL base UNet are the published count (add_embedding and 10-deep transformers included)', () => {
    // UNet2DConditionModel.num_parameters() of stabilityai/stable-diffusion-xl-base-1.0, as quoted across
    // projects that load it (e.g. 1680 tensors / 2,567,463,684 values in sd_xl_base_1.0.safetensors' UNet).
    const sdxl = cost(SDXL_CONFIGS.unet, 128);
    assert.equal(sdxl.parameters, 2_567_463_684);
    assert.ok(sdxl.flopsByModule.add_embedding! > 0);
  });

  test('FLOPs equal an independent count over the built graph (tiny UNet, odd latent size)', () => {
    const json: UNetConfigJson = {
      down_block_types: ['CrossAttnDownBlock2D', 'DownBlock2D', 'CrossAttnDownBlock2D'],
      up_block_types: ['CrossAttnUpBlock2D', 'UpBlock2D', 'CrossAttnUpBlock2D'],
      block_out_channels: [32, 64, 64],
      layers_per_block: 2,
      cross_attention_dim: 24,
      attention_head_dim: 4,
      transformer_layers_per_block: [1, 1, 2],
    };
    const model = buildUNet(parseUNetConfig(json), new SeededWeights(1));
    assert.equal(cost(json, 9, 7).flops, 2 * countGraphMacs(model, 3, 9, 7, 77));
    assert.equal(unetCost(planUNet(parseUNetConfig(json)), { latentHeight: 9, latentWidth: 7, textTokens: 5 }).flops, 2 * countGraphMacs(model, 3, 9, 7, 5));
  });

  test('FLOPs equal the independent count for a test-size SDXL layout (add_embedding, no attention at level 0, 2-deep transformers)', () => {
    const json = tinySdxlPipelineConfigs(1000).unet;
    const model = buildUNet(parseUNetConfig(json), new SeededWeights(1));
    assert.equal(cost(json, 9, 7).flops, 2 * countGraphMacs(model, 3, 9, 7, 77));
  });

  test('convolutions scale with the pixel count, self-attention with its square', () => {
    const small = cost(SD15_CONFIGS.unet, 64);
    const large = cost(SD15_CONFIGS.unet, 128);
    // 4× the pixels: the 4× conv/linear part plus 16× self-attention puts the total between 4× and 16×.
    assert.ok(large.flops > 4 * small.flops && large.flops < 16 * small.flops);
    assert.ok(large.flopsByModule['down_blocks.0']! / small.flopsByModule['down_blocks.0']! > 4.5, 'level 0 is dominated by 4096-token self-attention');
    assert.equal(large.flopsByModule.conv_in, 4 * small.flopsByModule.conv_in!);
  });
});
