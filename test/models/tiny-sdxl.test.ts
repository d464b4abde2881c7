import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadClipTokenizer } from '../../app/diffusion/tokenizer/clip-tokenizer.js';
import { parseSchedulerConfig } from '../../app/diffusion/schedulers/scheduler-config.js';
import { openPipelineFolder } from '../../app/models/pipeline-folder.js';
import { readModel } from '../../app/onnx/model-io.js';
import { writeTinyStableDiffusionXL } from '../../app/models/tiny-sdxl.js';
import type { HostTensor } from '../../app/runtime/host-tensor.js';
import { runOnnxFile as run } from './run-onnx-file.js';

const floats = (tensor: HostTensor | undefined) => tensor!.data as Float32Array;

/** SDXL's prompt_embeds: the two encoders' penultimate states joined on the feature axis. */
function concatFeatures(a: HostTensor, b: HostTensor): HostTensor {
  const [batch, tokens, widthA] = a.dims as [number, number, number];
  const widthB = b.dims[2]!;
  const out = new Float32Array(batch * tokens * (widthA + widthB));
  for (let row = 0; row < batch * tokens; row++) {
    out.set(floats(a).subarray(row * widthA, (row + 1) * widthA), row * (widthA + widthB));
    out.set(floats(b).subarray(row * widthB, (row + 1) * widthB), row * (widthA + widthB) + widthA);
  }
  return { type: 'float32', data: out, dims: [batch, tokens, widthA + widthB] };
}

describe('the tiny SDXL pipeline', () => {
  let dir = '';
  let folder = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tiny-sdxl-'));
    folder = await writeTinyStableDiffusionXL(join(dir, 'tiny-sdxl'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('has the diffusers-ONNX SDXL layout, read as an SDXL folder with its latent scale', async () => {
    assert.deepEqual((await readdir(folder)).sort(), ['model_index.json', 'scheduler', 'text_encoder', 'text_encoder_2', 'tokenizer', 'tokenizer_2', 'unet', 'vae_decoder', 'vae_encoder']);
    const index = JSON.parse(await readFile(join(folder, 'model_index.json'), 'utf8'));
    assert.equal(index._class_name, 'StableDiffusionXLPipeline');
    assert.deepEqual(index.text_encoder_2, ['transformers', 'CLIPTextModelWithProjection']);
    const schedulerJson = JSON.parse(await readFile(join(folder, 'scheduler', 'scheduler_config.json'), 'utf8'));
    assert.equal(schedulerJson._class_name, 'EulerDiscreteScheduler');
    assert.equal(parseSchedulerConfig(schedulerJson).timestep_spacing, 'leading');
    const pipeline = openPipelineFolder(folder);
    assert.equal(pipeline.family, 'sdxl');
    assert.equal(pipeline.latentScale, 0.13025);
  });

  test('tokenizer_2 pads with "!", tokenizer with <|endoftext|>', async () => {
    const first = await loadClipTokenizer(join(folder, 'tokenizer'));
    const second = await loadClipTokenizer(join(folder, 'tokenizer_2'));
    const vocab = JSON.parse(await readFile(join(folder, 'tokenizer_2', 'vocab.json'), 'utf8')) as Record<string, number>;
    assert.equal(second.padId, vocab['!']);
    assert.equal(first.padId, vocab['<|endoftext|>']);
    assert.notEqual(first.padId, second.padId);
  });

  test('runs end to end: both encoders → prompt embeds + pooled text → unet with time ids → vae_decoder', async () => {
    const prompt = 'a photograph of an astronaut riding a horse';
    const ids = async (tokenizer: string) => ({ type: 'int32' as const, data: (await loadClipTokenizer(join(folder, tokenizer))).encode(prompt).ids, dims: [1, 77] });
    const text1 = await run(join(folder, 'text_encoder', 'model.onnx'), { input_ids: await ids('tokenizer') });
    const text2 = await run(join(folder, 'text_encoder_2', 'model.onnx'), { input_ids: await ids('tokenizer_2') });
    assert.deepEqual(text2.text_embeds?.dims, [1, 32]);
    const context = concatFeatures(text1['hidden_states.4']!, text2['hidden_states.4']!);
    assert.deepEqual(context.dims, [1, 77, 64]);

    const unet = await run(join(folder, 'unet', 'model.onnx'), {
      sample: { type: 'float32', data: Float32Array.from({ length: 4 * 8 * 8 }, (_, i) => Math.sin(i * 1.7)), dims: [1, 4, 8, 8] },
      timestep: { type: 'float32', data: Float32Array.of(999), dims: [1] },
      encoder_hidden_states: context,
      text_embeds: text2.text_embeds!,
      time_ids: { type: 'float32', data: Float32Array.of(64, 64, 0, 0, 64, 64), dims: [1, 6] },
    });
    assert.deepEqual(unet.out_sample?.dims, [1, 4, 8, 8]);
    assert.ok(floats(unet.out_sample).every(Number.isFinite));
    const image = await run(join(folder, 'vae_decoder', 'model.onnx'), { latent_sample: unet.out_sample! });
    assert.deepEqual(image.sample?.dims, [1, 3, 64, 64]);
    assert.ok(floats(image.sample).every(Number.isFinite));
  });

  test('the two text encoders do not share weights', async () => {
    const table = async (component: string) => {
      const model = await readModel(join(folder, component, 'model.onnx'));
      return model.graph.initializer.find((tensor) => tensor.name === 'text_model.embeddings.token_embedding.weight')!.rawData!;
    };
    assert.ok(!Buffer.from(await table('text_encoder')).equals(Buffer.from(await table('text_encoder_2'))));
  });
});
