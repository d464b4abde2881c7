/**
 * An original-layout checkpoint and the same values under diffusers names must give the same
 * graphs: the import (key mapping, splits, reshapes, detected configs) is checked end to end by
 * running every imported component and its diffusers-built twin on the CPU EP with the same
 * feeds and requiring bitwise-equal outputs (same float32 weights, same graph → same numbers).
 * The layouts come from test/reference/ldm-checkpoint-layout.ts; the diffusers configs are
 * written by hand in specs.ts.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { importCheckpointFile, type CheckpointImportReport } from '../../../app/models/checkpoint/import-checkpoint.js';
import { buildPipelineFromFiles } from '../../../app/models/sd/pipeline-builder.js';
import { writeSafetensors } from '../../../app/models/weights/safetensors-writer.js';
import type { WeightSource } from '../../../app/models/weights/weight-source.js';
import { readModel } from '../../../app/onnx/model-io.js';
import type { HostTensor } from '../../../app/runtime/host-tensor.js';
import { randn } from '../../reference/ndarray.js';
import { diffusersTensors, writeLdmCheckpoint } from '../../support/ldm-checkpoint-files.js';
import { VariedNormWeights, feed, runModel } from '../sd/harness.js';
import { allTensors, sd1Layout, SD1_CONFIGS, sd2Layout, SD2_CONFIGS, sdxlLayout, SDXL_CONFIGS, type Layout } from './specs.js';

type DiffusersConfigs = Record<'unet' | 'textEncoder' | 'vae', Record<string, unknown>> & { textEncoder2?: Record<string, unknown> };

/** Seeded values; the output blocks' norm1 biases optionally spread to a chosen standard deviation (the v-prediction probe). */
function valuesWith(probeStd: number | null): WeightSource {
  const base = new VariedNormWeights(414);
  return {
    description: base.description,
    tensor(name, shape) {
      if (probeStd !== null && /^up_blocks\.\d+\.attentions\.\d+\.transformer_blocks\.0\.norm1\.bias$/.test(name)) {
        return Float32Array.from({ length: shape[0]! }, (_, i) => (i % 2 === 0 ? probeStd : -probeStd));
      }
      return base.tensor(name, shape);
    },
  };
}

const ids = new Int32Array(77).map((_, i) => (i * 37 + 5) % 1000);
const FEEDS: Record<string, Record<string, HostTensor>> = {
  text_encoder: { input_ids: { type: 'int32', data: ids, dims: [1, 77] } },
  unet: {
    sample: feed(randn([1, 4, 8, 8], 71), 'float32'),
    timestep: { type: 'float32', data: Float32Array.of(421), dims: [1] },
    encoder_hidden_states: feed(randn([1, 7, 64], 72), 'float32'),
  },
  text_encoder_2: { input_ids: { type: 'int32', data: ids, dims: [1, 77] } },
  vae_decoder: { latent_sample: feed(randn([1, 4, 4, 4], 73), 'float32') },
  vae_encoder: { sample: feed(randn([1, 3, 8, 8], 74), 'float32') },
};

async function jsonIn(folder: string, ...relative: string[]): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(join(folder, ...relative), 'utf8')) as Record<string, unknown>;
}

/** SDXL's UNet also takes the pooled text (text_embeds) and the six size/crop ids, and attends to both encoders (128 wide here). */
const SDXL_UNET_FEEDS: Record<string, HostTensor> = {
  ...FEEDS.unet,
  encoder_hidden_states: feed(randn([1, 7, 128], 75), 'float32'),
  text_embeds: feed(randn([1, 32], 76), 'float32'),
  time_ids: { type: 'float32', data: Float32Array.of(64, 64, 0, 0, 64, 64), dims: [1, 6] },
};

async function runComponent(folder: string, component: string, sdxl: boolean) {
  const feeds = sdxl && component === 'unet' ? SDXL_UNET_FEEDS : FEEDS[component]!;
  return runModel(await readModel(join(folder, component, 'model.onnx'), { externalData: 'load' }), feeds, 'cpu');
}

async function buildTwin(dir: string, layout: Layout, values: WeightSource, configs: DiffusersConfigs): Promise<string> {
  const files = {
    unet: diffusersTensors(layout.unet, values),
    vae: diffusersTensors(layout.vae, values),
    text: diffusersTensors(layout.textEncoder, values),
    ...(layout.textEncoder2 ? { text2: diffusersTensors(layout.textEncoder2, values) } : {}),
  };
  for (const [name, tensors] of Object.entries(files)) await writeSafetensors(join(dir, `${name}.safetensors`), tensors);
  await writeFile(join(dir, 'unet.json'), JSON.stringify(configs.unet));
  await writeFile(join(dir, 'vae.json'), JSON.stringify(configs.vae));
  await writeFile(join(dir, 'text.json'), JSON.stringify(configs.textEncoder));
  if (configs.textEncoder2) await writeFile(join(dir, 'text2.json'), JSON.stringify(configs.textEncoder2));
  const out = join(dir, 'diffusers-built');
  const report = await buildPipelineFromFiles({
    out,
    dtype: 'float32',
    unet: { weights: join(dir, 'unet.safetensors'), config: join(dir, 'unet.json') },
    vae: { weights: join(dir, 'vae.safetensors'), config: join(dir, 'vae.json') },
    textEncoder: { weights: join(dir, 'text.safetensors'), config: join(dir, 'text.json') },
    ...(configs.textEncoder2 ? { textEncoder2: { weights: join(dir, 'text2.safetensors'), config: join(dir, 'text2.json') } } : {}),
  });
  assert.deepEqual(report.unexpectedTensors, []);
  return out;
}

async function assertSameOutputs(imported: string, twin: string, sdxl: boolean): Promise<void> {
  for (const component of ['text_encoder', ...(sdxl ? ['text_encoder_2'] : []), 'unet', 'vae_decoder', 'vae_encoder']) {
    const [a, b] = await Promise.all([runComponent(imported, component, sdxl), runComponent(twin, component, sdxl)]);
    assert.deepEqual(Object.keys(a).sort(), Object.keys(b).sort());
    for (const output of Object.keys(a)) {
      assert.deepEqual(a[output]!.shape, b[output]!.shape, `${component}.${output} shape`);
      const mismatch = a[output]!.data.findIndex((value, i) => value !== b[output]!.data[i]);
      assert.equal(mismatch, -1, `${component}.${output} differs at element ${mismatch}`);
    }
  }
}

describe('importing an original-layout checkpoint equals building the diffusers layout', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ckpt-import-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  async function importAndCompare(name: string, layout: Layout, values: WeightSource, configs: DiffusersConfigs): Promise<CheckpointImportReport> {
    const work = join(dir, name);
    const checkpoint = join(dir, `${name}.safetensors`);
    // ldm's noise-schedule buffers and EMA counter ride along in real files and are dropped.
    await writeLdmCheckpoint(checkpoint, allTensors(layout), values, {
      alphas_cumprod: { dtype: 'F32', shape: [1000], data: new Float32Array(1000).fill(0.5) },
      'model_ema.decay': { dtype: 'F32', shape: [], data: Float32Array.of(0.9999) },
    });
    const report = await importCheckpointFile(checkpoint, { out: join(work, 'imported') });
    await mkdir(work, { recursive: true });
    const twin = await buildTwin(work, layout, values, configs);
    await assertSameOutputs(report.folder, twin, layout.textEncoder2 !== undefined);
    assert.deepEqual(report.leftOver, []);
    assert.deepEqual(report.unusedParameters, []);
    return report;
  }

  test('SD 1.x: CLIP under cond_stage_model.transformer., conv proj_in, 8 heads, epsilon', async () => {
    const report = await importAndCompare('sd1', sd1Layout(), valuesWith(null), SD1_CONFIGS);
    assert.equal(report.family, 'sd1');
    assert.equal(report.prediction.prediction, 'epsilon');
    const scheduler = await jsonIn(report.folder, 'scheduler', 'scheduler_config.json');
    assert.equal(scheduler._class_name, 'PNDMScheduler');
    assert.equal(scheduler.prediction_type, 'epsilon');
    const tokenizer = await jsonIn(report.folder, 'tokenizer', 'special_tokens_map.json');
    assert.equal(tokenizer.pad_token, '<|endoftext|>');
  });

  test('SD 2.x: fused OpenCLIP in_proj split, last layer dropped, linear proj_in, 64-channel heads; a wide probe means v-prediction', async () => {
    const report = await importAndCompare('sd2', sd2Layout(), valuesWith(0.3), SD2_CONFIGS);
    assert.equal(report.family, 'sd2');
    assert.equal(report.prediction.prediction, 'v_prediction');
    const scheduler = await jsonIn(report.folder, 'scheduler', 'scheduler_config.json');
    assert.equal(scheduler._class_name, 'DDIMScheduler');
    assert.equal(scheduler.prediction_type, 'v_prediction');
    const unet = await jsonIn(report.folder, 'unet', 'config.json');
    assert.equal(unet.sample_size, 96, 'SD 2.x v models are the 768² ones');
    const tokenizer = await jsonIn(report.folder, 'tokenizer', 'special_tokens_map.json');
    assert.equal(tokenizer.pad_token, '!');
  });

  test('SDXL: CLIP-L and OpenCLIP-bigG with its transposed projection, label_emb as add_embedding, text_time conditioning', async () => {
    const report = await importAndCompare('sdxl', sdxlLayout(), valuesWith(null), SDXL_CONFIGS);
    assert.equal(report.family, 'sdxl');
    const index = await jsonIn(report.folder, 'model_index.json');
    assert.equal(index._class_name, 'StableDiffusionXLPipeline');
    const scheduler = await jsonIn(report.folder, 'scheduler', 'scheduler_config.json');
    assert.equal(scheduler._class_name, 'EulerDiscreteScheduler');
    const tokenizer2 = await jsonIn(report.folder, 'tokenizer_2', 'special_tokens_map.json');
    assert.equal(tokenizer2.pad_token, '!');
  });

  test('SD 2.x with a narrow probe is epsilon, and --prediction overrides the rule', async () => {
    const checkpoint = join(dir, 'sd2-eps.safetensors');
    await writeLdmCheckpoint(checkpoint, allTensors(sd2Layout()), valuesWith(0.05));
    const detected = await importCheckpointFile(checkpoint, { out: join(dir, 'sd2-eps') });
    assert.equal(detected.prediction.prediction, 'epsilon');
    const forced = await importCheckpointFile(checkpoint, { out: join(dir, 'sd2-forced'), prediction: 'v_prediction' });
    assert.equal(forced.prediction.prediction, 'v_prediction');
  });
});
