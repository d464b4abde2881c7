import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildPipelineFromFiles } from '../../../app/models/sd/pipeline-builder.js';
import { tinyPipelineConfigs, tinySdxlPipelineConfigs } from '../../../app/models/sd/presets.js';
import { parseUNetConfig } from '../../../app/models/sd/unet-config.js';
import { buildUNet } from '../../../app/models/sd/unet.js';
import { parseVaeConfig } from '../../../app/models/sd/vae-config.js';
import { buildVaeDecoder, buildVaeEncoder } from '../../../app/models/sd/vae.js';
import { parseClipTextConfig } from '../../../app/models/sd/clip-text-config.js';
import { buildClipTextModel } from '../../../app/models/sd/clip-text.js';
import { writeSafetensors, type TensorToWrite } from '../../../app/models/weights/safetensors-writer.js';
import { type WeightSource } from '../../../app/models/weights/weight-source.js';
import type { OnnxModel } from '../../../app/onnx/model.js';
import { readModel } from '../../../app/onnx/model-io.js';
import { randn } from '../../reference/ndarray.js';
import { VariedNormWeights, feed, runModel } from './harness.js';
import { UserFacingError } from '../../../app/protocol/user-facing-error.js';

const CONFIGS = tinyPipelineConfigs(1000);
const weights = new VariedNormWeights(131);

/** Every tensor a build asks for, by name, as a safetensors payload. */
function tensorsOf(build: (source: WeightSource) => unknown, rename: (name: string) => string = (name) => name): Record<string, TensorToWrite> {
  const tensors: Record<string, TensorToWrite> = {};
  build({ description: 'collector', tensor: (name, shape) => {
    const data = weights.tensor(name, shape);
    tensors[rename(name)] = { dtype: 'F32', shape: [...shape], data };
    return data;
  } });
  return tensors;
}

const unetTensors = () => tensorsOf((source) => buildUNet(parseUNetConfig(CONFIGS.unet), source));
const unetFeeds = {
  sample: feed(randn([1, 4, 8, 8], 30), 'float32'),
  timestep: { type: 'float32' as const, data: Float32Array.of(321), dims: [1] },
  encoder_hidden_states: feed(randn([1, 7, 32], 31), 'float32'),
};

describe('building components from diffusers safetensors files', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sd-build-'));
    await writeFile(join(dir, 'unet.json'), JSON.stringify(CONFIGS.unet));
    await writeFile(join(dir, 'vae.json'), JSON.stringify(CONFIGS.vae));
    await writeFile(join(dir, 'text.json'), JSON.stringify(CONFIGS.textEncoder));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  async function runWritten(folder: string, component: string, feeds: Parameters<typeof runModel>[1]) {
    return runModel(await readModel(join(folder, component, 'model.onnx'), { externalData: 'load' }), feeds, 'cpu');
  }

  test('a UNet from a safetensors file computes exactly what the same weights in memory compute', async () => {
    await writeSafetensors(join(dir, 'unet.safetensors'), unetTensors());
    const out = join(dir, 'from-file');
    const report = await buildPipelineFromFiles({ out, dtype: 'float32', unet: { weights: join(dir, 'unet.safetensors'), config: join(dir, 'unet.json') } });
    assert.deepEqual(report, { written: ['unet'], unexpectedTensors: [] });
    const fromFile = await runWritten(out, 'unet', unetFeeds);
    const inMemory = await runModel(buildUNet(parseUNetConfig(CONFIGS.unet), weights), unetFeeds, 'cpu');
    assert.deepEqual([...fromFile.out_sample!.data], [...inMemory.out_sample!.data]);
    assert.deepEqual(JSON.parse(await readFile(join(out, 'unet', 'config.json'), 'utf8')), CONFIGS.unet);
  });

  test('an SDXL UNet from a safetensors file with diffusers names (add_embedding.…) uses every tensor and matches the in-memory build', async () => {
    const sdxl = tinySdxlPipelineConfigs(1000).unet;
    const tensors = tensorsOf((source) => buildUNet(parseUNetConfig(sdxl), source));
    assert.ok('add_embedding.linear_1.weight' in tensors);
    await writeSafetensors(join(dir, 'sdxl-unet.safetensors'), tensors);
    await writeFile(join(dir, 'sdxl-unet.json'), JSON.stringify(sdxl));
    const out = join(dir, 'sdxl-from-file');
    const report = await buildPipelineFromFiles({ out, dtype: 'float32', unet: { weights: join(dir, 'sdxl-unet.safetensors'), config: join(dir, 'sdxl-unet.json') } });
    assert.deepEqual(report, { written: ['unet'], unexpectedTensors: [] });
    const feeds = {
      ...unetFeeds,
      encoder_hidden_states: feed(randn([1, 7, 64], 33), 'float32'),
      text_embeds: feed(randn([1, 32], 34), 'float32'),
      time_ids: { type: 'float32' as const, data: Float32Array.of(1024, 1024, 0, 0, 1024, 1024), dims: [1, 6] },
    };
    const fromFile = await runWritten(out, 'unet', feeds);
    const inMemory = await runModel(buildUNet(parseUNetConfig(sdxl), weights), feeds, 'cpu');
    assert.deepEqual([...fromFile.out_sample!.data], [...inMemory.out_sample!.data]);
  });

  test('tensors the graph does not use are reported by name (position_ids buffers excepted)', async () => {
    const tensors = unetTensors();
    tensors['down_blocks.9.resnets.0.conv1.weight'] = { dtype: 'F32', shape: [2], data: new Float32Array(2) };
    tensors['text_model.embeddings.position_ids'] = { dtype: 'F32', shape: [1, 77], data: new Float32Array(77) };
    await writeSafetensors(join(dir, 'extra.safetensors'), tensors);
    const report = await buildPipelineFromFiles({ out: join(dir, 'extra'), dtype: 'float32', unet: { weights: join(dir, 'extra.safetensors'), config: join(dir, 'unet.json') } });
    assert.deepEqual(report.unexpectedTensors, [{ file: join(dir, 'extra.safetensors'), tensors: ['down_blocks.9.resnets.0.conv1.weight'] }]);
  });

  test('a missing tensor and a misshapen tensor fail the build naming the tensor', async () => {
    const missing = unetTensors();
    delete missing['mid_block.attentions.0.transformer_blocks.0.attn2.to_k.weight'];
    await writeSafetensors(join(dir, 'missing.safetensors'), missing);
    await assert.rejects(
      buildPipelineFromFiles({ out: join(dir, 'missing'), dtype: 'float32', unet: { weights: join(dir, 'missing.safetensors'), config: join(dir, 'unet.json') } }),
      (error: unknown) => UserFacingError.hasCode(error, 'weights.missing') && error.message.includes('"mid_block.attentions.0.transformer_blocks.0.attn2.to_k.weight"'),
    );
    const misshapen = unetTensors();
    misshapen['up_blocks.1.resnets.2.conv1.weight'] = { dtype: 'F32', shape: [64, 96, 3, 1], data: new Float32Array(64 * 96 * 3) };
    await writeSafetensors(join(dir, 'misshapen.safetensors'), misshapen);
    await assert.rejects(
      buildPipelineFromFiles({ out: join(dir, 'misshapen'), dtype: 'float32', unet: { weights: join(dir, 'misshapen.safetensors'), config: join(dir, 'unet.json') } }),
      (error: unknown) => UserFacingError.hasCode(error, 'weights.wrong_shape') && error.message.includes('"up_blocks.1.resnets.2.conv1.weight"') && error.message.includes('[32, 64, 3, 3]'),
    );
  });

  test('a VAE saved with the legacy attention names (query/key/value/proj_attn) builds both halves, nothing unused', async () => {
    const vae = parseVaeConfig(CONFIGS.vae);
    const legacy = (name: string) => name.replace('.to_q.', '.query.').replace('.to_k.', '.key.').replace('.to_v.', '.value.').replace('.to_out.0.', '.proj_attn.');
    const tensors = { ...tensorsOf((source) => buildVaeDecoder(vae, source), legacy), ...tensorsOf((source) => buildVaeEncoder(vae, source), legacy) };
    assert.ok('decoder.mid_block.attentions.0.proj_attn.weight' in tensors);
    await writeSafetensors(join(dir, 'vae.safetensors'), tensors);
    const out = join(dir, 'vae-out');
    const report = await buildPipelineFromFiles({ out, dtype: 'float32', vae: { weights: join(dir, 'vae.safetensors'), config: join(dir, 'vae.json') } });
    assert.deepEqual(report, { written: ['vae_decoder', 'vae_encoder'], unexpectedTensors: [] });
    const latents = { latent_sample: feed(randn([1, 4, 3, 2], 32), 'float32') };
    const fromFile = await runWritten(out, 'vae_decoder', latents);
    const inMemory = await runModel(buildVaeDecoder(vae, weights), latents, 'cpu');
    assert.deepEqual([...fromFile.sample!.data], [...inMemory.sample!.data]);
  });

  test('a text encoder file with transformers\' position_ids buffer builds and reports nothing', async () => {
    const clip = parseClipTextConfig(CONFIGS.textEncoder);
    const tensors = tensorsOf((source) => buildClipTextModel(clip, source));
    tensors['text_model.embeddings.position_ids'] = { dtype: 'F32', shape: [1, 77], data: Float32Array.from({ length: 77 }, (_, i) => i) };
    await writeSafetensors(join(dir, 'text.safetensors'), tensors);
    const report = await buildPipelineFromFiles({ out: join(dir, 'text-out'), dtype: 'float16', textEncoder: { weights: join(dir, 'text.safetensors'), config: join(dir, 'text.json') } });
    assert.deepEqual(report, { written: ['text_encoder'], unexpectedTensors: [] });
    const written: OnnxModel = await readModel(join(dir, 'text-out', 'text_encoder', 'model.onnx'));
    assert.equal(written.graph.output[0]!.type!.tensorType!.elemType, 10, 'float16 outputs');
  });

  test('an unreadable or non-object config.json is a UserFacingError naming the file', async () => {
    await writeFile(join(dir, 'bad.json'), '[1, 2]');
    await assert.rejects(
      buildPipelineFromFiles({ out: join(dir, 'bad'), dtype: 'float32', unet: { weights: join(dir, 'unet.safetensors'), config: join(dir, 'bad.json') } }),
      (error: unknown) => error instanceof UserFacingError && error.message.includes('bad.json'),
    );
  });
});
