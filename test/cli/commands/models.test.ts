import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CommanderError } from 'commander';
import { models } from './models-program.js';
import { tinyPipelineConfigs } from '../../../app/models/sd/presets.js';
import { buildClipTextModel } from '../../../app/models/sd/clip-text.js';
import { parseClipTextConfig } from '../../../app/models/sd/clip-text-config.js';
import { writeSafetensors, type TensorToWrite } from '../../../app/models/weights/safetensors-writer.js';
import { SeededWeights } from '../../../app/models/weights/seeded-weights.js';
import { readModel } from '../../../app/onnx/model-io.js';
import { UserFacingError } from '../../../app/protocol/user-facing-error.js';

describe('scalecrafter models', () => {
  let dir = '';
  before(async () => (dir = await mkdtemp(join(tmpdir(), 'models-cli-'))));
  after(() => rm(dir, { recursive: true, force: true }));

  test('tiny writes the pipeline, then refuses to overwrite it without --force', async () => {
    const folder = join(dir, 'tiny');
    const { out } = await models(['tiny', '--out', folder]);
    assert.match(out, /wrote the tiny pipeline to .*tiny/);
    assert.ok((await readdir(folder)).includes('model_index.json'));
    await assert.rejects(models(['tiny', '--out', folder]), (error: unknown) => error instanceof UserFacingError && /already exists/.test(error.message) && /--force/.test(error.hint ?? ''));
    await models(['tiny', '--out', folder, '--force']);
  });

  test('build --text-encoder builds from safetensors + config.json and warns about unused tensors by name', async () => {
    const json = tinyPipelineConfigs(1000).textEncoder;
    const tensors: Record<string, TensorToWrite> = {};
    const seeded = new SeededWeights(3);
    buildClipTextModel(parseClipTextConfig(json), { description: 'collector', tensor: (name, shape) => {
      const data = seeded.tensor(name, shape);
      tensors[name] = { dtype: 'F16', shape: [...shape], data };
      return data;
    } });
    tensors['text_model.text_projection.weight'] = { dtype: 'F32', shape: [2, 2], data: new Float32Array(4) };
    await writeSafetensors(join(dir, 'te.safetensors'), tensors);
    await writeFile(join(dir, 'te.json'), JSON.stringify(json));
    const out = join(dir, 'built');
    const result = await models(['build', '--text-encoder', join(dir, 'te.safetensors'), '--text-encoder-config', join(dir, 'te.json'), '--out', out, '--fp16']);
    assert.match(result.out, /wrote text_encoder into/);
    assert.match(result.err, /1 tensor\(s\) in .*te\.safetensors were not used.*text_model\.text_projection\.weight/);
    assert.deepEqual((await readdir(join(out, 'text_encoder'))).sort(), ['config.json', 'model.onnx']);
  });

  test('tiny --family sdxl writes the SDXL-layout pipeline', async () => {
    const folder = join(dir, 'tiny-sdxl');
    const { out } = await models(['tiny', '--family', 'sdxl', '--out', folder]);
    assert.match(out, /wrote the tiny SDXL pipeline to .*tiny-sdxl/);
    assert.ok((await readdir(folder)).includes('text_encoder_2'));
  });

  test('build --preset sdxl-random --count-only prints the SDXL base UNet\'s size and cost at 1024² without building', async () => {
    const out = join(dir, 'not-built');
    const result = await models(['build', '--preset', 'sdxl-random', '--count-only', '--out', out]);
    assert.match(result.out, /parameters: 2,567,463,684\n/);
    assert.match(result.out, /FLOPs per UNet evaluation at 1024×1024: \d+\.\d GFLOPs/);
    await assert.rejects(readdir(out), 'nothing written');
  });

  test('build --text-encoder-2 writes text_encoder_2 with text_embeds', async () => {
    const json = { ...tinyPipelineConfigs(1000).textEncoder, hidden_act: 'gelu', projection_dim: 16 };
    const tensors: Record<string, TensorToWrite> = {};
    const seeded = new SeededWeights(4);
    buildClipTextModel(parseClipTextConfig(json), { description: 'collector', tensor: (name, shape) => {
      const data = seeded.tensor(name, shape);
      tensors[name] = { dtype: 'F32', shape: [...shape], data };
      return data;
    } }, { withProjection: true });
    await writeSafetensors(join(dir, 'te2.safetensors'), tensors);
    await writeFile(join(dir, 'te2.json'), JSON.stringify(json));
    const out = join(dir, 'built-2');
    const result = await models(['build', '--text-encoder-2', join(dir, 'te2.safetensors'), '--text-encoder-2-config', join(dir, 'te2.json'), '--out', out]);
    assert.match(result.out, /wrote text_encoder_2 into/);
    assert.equal(result.err, '', 'every tensor used, text_projection included');
    const model = await readModel(join(out, 'text_encoder_2', 'model.onnx'));
    assert.deepEqual(model.graph.output.map((output) => output.name), ['text_embeds', 'last_hidden_state', 'hidden_states.4']);
  });

  test('usage errors name the flags: a weights file without its config, no component at all, a bad resolution', async () => {
    await assert.rejects(models(['build', '--unet', 'x.safetensors', '--out', dir]), (error: unknown) => error instanceof CommanderError && /--unet and --config go together/.test(error.message));
    await assert.rejects(models(['build', '--out', dir]), (error: unknown) => error instanceof CommanderError && /give --preset/.test(error.message));
    await assert.rejects(models(['build', '--preset', 'sd15-random', '--resolution', '500', '--out', dir]), (error: unknown) => error instanceof CommanderError && /divisible by 8/.test(error.message));
    await assert.rejects(models(['build', '--preset', 'sd3', '--out', dir]), (error: unknown) => error instanceof CommanderError && /sd15-random/.test(error.message));
    await assert.rejects(models(['build', '--text-encoder-2', 'x.safetensors', '--out', dir]), (error: unknown) => error instanceof CommanderError && /--text-encoder-2 and --text-encoder-2-config go together/.test(error.message));
  });

  test('a config for another architecture is one error line naming the key', async () => {
    await writeFile(join(dir, 'kandinsky.json'), JSON.stringify({ ...tinyPipelineConfigs(1000).unet, addition_embed_type: 'image' }));
    await writeSafetensors(join(dir, 'empty.safetensors'), {});
    await assert.rejects(
      models(['build', '--unet', join(dir, 'empty.safetensors'), '--config', join(dir, 'kandinsky.json'), '--out', dir]),
      (error: unknown) => error instanceof UserFacingError && /"addition_embed_type"/.test(error.message),
    );
  });
});
