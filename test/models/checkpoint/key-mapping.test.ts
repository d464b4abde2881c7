/**
 * The key mapping against the independent layout description (test/reference/
 * ldm-checkpoint-layout.ts): every stored tensor maps to exactly the diffusers parameter(s) the
 * reference pairs it with, at the reference's shape, nothing is left over, and split / transposed
 * / reshaped tensors read back with the values written under their diffusers names. Full-size
 * SD 1.5 and SD 2.1 files are written sparse (header only) to check the mapping and the detected
 * configs at the real sizes; SDXL is checked at test size (its graphs are built elsewhere).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { checkpointShapes } from '../../../app/models/checkpoint/checkpoint-file.js';
import { planCheckpoint, type CheckpointPlan, type ComponentPlan } from '../../../app/models/checkpoint/checkpoint-plan.js';
import { CheckpointWeights } from '../../../app/models/checkpoint/checkpoint-weights.js';
import { mapClipKeys } from '../../../app/models/checkpoint/text-encoder-keys.js';
import { SD15_CONFIGS, SD21_CONFIGS } from '../../../app/models/sd/presets.js';
import { SafetensorsFile } from '../../../app/models/weights/safetensors-file.js';
import { SeededWeights } from '../../../app/models/weights/seeded-weights.js';
import { hfClipTensors, ldmUNetTensors, ldmVaeTensors, openClipTensors, type StoredTensor } from '../../reference/ldm-checkpoint-layout.js';
import { writeLdmCheckpoint, writeSparseLdmCheckpoint } from '../../support/ldm-checkpoint-files.js';
import { allTensors, sdxlLayout, type Layout } from './specs.js';

/** diffusers name → [stored key, diffusers shape] as the reference pairs them. */
function expectedMapping(stored: readonly StoredTensor[]): Map<string, [string, number[]]> {
  const expected = new Map<string, [string, number[]]>();
  for (const entry of stored) for (const part of entry.parts) expected.set(part.diffusers, [entry.key, part.shape]);
  return expected;
}

function assertMapping(component: ComponentPlan | undefined, stored: readonly StoredTensor[], label: string): void {
  assert.ok(component, `${label} planned`);
  const actual = new Map([...component.mapping].map(([name, recipe]) => [name, [recipe.source, [...recipe.shape]] as [string, number[]]]));
  const expected = expectedMapping(stored);
  const missing = [...expected.keys()].filter((name) => !actual.has(name));
  const extra = [...actual.keys()].filter((name) => !expected.has(name));
  assert.deepEqual({ missing, extra }, { missing: [], extra: [] }, label);
  for (const [name, pair] of expected) assert.deepEqual(actual.get(name), pair, `${label}: ${name}`);
}

function assertPlanMatches(plan: CheckpointPlan, layout: Layout): void {
  assertMapping(plan.unet, layout.unet, 'unet');
  assertMapping(plan.vae, layout.vae, 'vae');
  assertMapping(plan.textEncoders.text_encoder, layout.textEncoder, 'text_encoder');
  if (layout.textEncoder2) assertMapping(plan.textEncoders.text_encoder_2, layout.textEncoder2, 'text_encoder_2');
  const ignored = allTensors(layout).filter((entry) => entry.ignored).map((entry) => entry.key);
  assert.deepEqual([...plan.ignored].sort(), ignored.sort());
  assert.deepEqual(plan.leftOver, []);
}

const SD15_LAYOUT: Layout = {
  unet: ldmUNetTensors({ inChannels: 4, outChannels: 4, modelChannels: 320, channelMult: [1, 2, 4, 4], numResBlocks: 2, depth: [1, 1, 1, 0], midDepth: 1, contextDim: 768, linearProjection: false }),
  vae: ldmVaeTensors({ ch: 128, chMult: [1, 2, 4, 4], numResBlocks: 2, zChannels: 4, inChannels: 3, outChannels: 3 }),
  textEncoder: hfClipTensors('cond_stage_model.transformer.', { vocab: 49408, positions: 77, width: 768, layers: 12, intermediate: 3072 }),
};

const SD21_LAYOUT: Layout = {
  unet: ldmUNetTensors({ inChannels: 4, outChannels: 4, modelChannels: 320, channelMult: [1, 2, 4, 4], numResBlocks: 2, depth: [1, 1, 1, 0], midDepth: 1, contextDim: 1024, linearProjection: true }),
  vae: SD15_LAYOUT.vae,
  textEncoder: openClipTensors('cond_stage_model.model.', { vocab: 49408, positions: 77, width: 1024, layers: 24, intermediate: 4096 }, { keptLayers: 23 }),
};

/** The detected config agrees with diffusers' on every key the reference config sets. */
function assertConfigIncludes(actual: Record<string, unknown>, expected: Record<string, unknown>, label: string): void {
  for (const [key, value] of Object.entries(expected)) assert.deepEqual(actual[key], value, `${label}.${key}`);
}

describe('original-layout key mapping', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ckpt-keys-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  for (const [name, layout, configs] of [['SD 1.5', SD15_LAYOUT, SD15_CONFIGS], ['SD 2.1', SD21_LAYOUT, SD21_CONFIGS]] as const) {
    test(`a full-size ${name} file (sparse): every key mapped as the reference pairs it, configs as diffusers'`, async () => {
      const path = join(dir, `${name.replace(/\W/g, '')}.safetensors`);
      await writeSparseLdmCheckpoint(path, allTensors(layout), 'F16');
      const file = await SafetensorsFile.open(path);
      try {
        const plan = planCheckpoint(checkpointShapes(file), path, { vPrediction: name === 'SD 2.1' });
        assertPlanMatches(plan, layout);
        assertConfigIncludes(plan.unet.config, configs.unet as Record<string, unknown>, 'unet');
        assertConfigIncludes(plan.vae.config, configs.vae as Record<string, unknown>, 'vae');
        assertConfigIncludes(plan.textEncoders.text_encoder!.config, configs.textEncoder as Record<string, unknown>, 'text_encoder');
      } finally {
        await file.close();
      }
    });
  }

  test('SDXL (test size): both text encoders, label_emb, no attention at the first level; split and transposed values read back', async () => {
    const layout = sdxlLayout();
    const path = join(dir, 'sdxl.safetensors');
    const values = new SeededWeights(99);
    await writeLdmCheckpoint(path, allTensors(layout), values);
    const file = await SafetensorsFile.open(path);
    try {
      const plan = planCheckpoint(checkpointShapes(file), path);
      assert.equal(plan.family, 'sdxl');
      assertPlanMatches(plan, layout);
      assertConfigIncludes(plan.unet.config, {
        down_block_types: ['DownBlock2D', 'CrossAttnDownBlock2D', 'CrossAttnDownBlock2D'],
        up_block_types: ['CrossAttnUpBlock2D', 'CrossAttnUpBlock2D', 'UpBlock2D'],
        transformer_layers_per_block: [1, 1, 2],
        attention_head_dim: [1, 2, 2],
        cross_attention_dim: 128,
        addition_embed_type: 'text_time',
        projection_class_embeddings_input_dim: 6 * 256 + 32, // six 256-wide time ids beside the 32-wide pooled text
      }, 'unet');
      assertConfigIncludes(plan.vae.config, { scaling_factor: 0.13025 }, 'vae');
      assertConfigIncludes(plan.textEncoders.text_encoder_2!.config, { _class_name: 'CLIPTextModelWithProjection', projection_dim: 32, num_hidden_layers: 2, hidden_act: 'gelu' }, 'text_encoder_2');
      const encoder2 = new CheckpointWeights(file, plan.textEncoders.text_encoder_2!.mapping, 'text_encoder_2');
      for (const [name, [, shape]] of expectedMapping(layout.textEncoder2!)) {
        assert.deepEqual(encoder2.tensor(name, shape), values.tensor(name, shape), name);
      }
      const vae = new CheckpointWeights(file, plan.vae.mapping, 'vae');
      const projection = 'decoder.mid_block.attentions.0.to_q.weight';
      assert.deepEqual(vae.tensor(projection, [64, 64]), values.tensor(projection, [64, 64]));
    } finally {
      await file.close();
    }
  });

  test('SD 2.x saved by sgm (OpenCLIP under conditioner.embedders.0.model.) maps as the ldm layout does', async () => {
    const layout: Layout = {
      unet: SD21_LAYOUT.unet,
      vae: SD21_LAYOUT.vae,
      textEncoder: openClipTensors('conditioner.embedders.0.model.', { vocab: 49408, positions: 77, width: 1024, layers: 24, intermediate: 4096 }, { keptLayers: 23 }),
    };
    const path = join(dir, 'sd21-sgm.safetensors');
    await writeSparseLdmCheckpoint(path, allTensors(layout), 'F16');
    const file = await SafetensorsFile.open(path);
    try {
      const plan = planCheckpoint(checkpointShapes(file), path);
      assert.equal(plan.family, 'sd2');
      assertPlanMatches(plan, layout);
    } finally {
      await file.close();
    }
  });

  test('very old SD 1.x files without the "text_model." level map to the same names', () => {
    const shapes = new Map<string, readonly number[]>([
      ['cond_stage_model.transformer.embeddings.token_embedding.weight', [10, 64]],
      ['cond_stage_model.transformer.encoder.layers.0.mlp.fc1.weight', [96, 64]],
      ['cond_stage_model.transformer.text_model.embeddings.position_ids', [1, 77]],
    ]);
    const { mapping, ignored } = mapClipKeys(shapes, 'cond_stage_model.transformer.');
    assert.deepEqual([...mapping.keys()], ['text_model.embeddings.token_embedding.weight', 'text_model.encoder.layers.0.mlp.fc1.weight']);
    assert.deepEqual(ignored, ['cond_stage_model.transformer.text_model.embeddings.position_ids']);
  });
});
