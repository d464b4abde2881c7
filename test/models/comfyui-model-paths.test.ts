/**
 * A ComfyUI install on disk (models/checkpoints, models/vae, extra_model_paths.yaml pointing at an
 * A1111-style folder): its folders are read as ComfyUI reads them (utils/extra_config.py), and
 * model files are found and listed by ComfyUI's names.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { comfyuiModelFolders, readExtraModelPaths } from '../../app/models/comfyui-model-paths.js';
import { findModelFile, listModelFiles } from '../../app/models/model-files.js';
import { UserFacingError } from '../../app/protocol/user-facing-error.js';

function touch(file: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, '');
  return file;
}

describe('ComfyUI model folders', () => {
  let root = '';
  let comfy = '';
  let webui = '';
  let yamlFile = '';
  before(() => {
    root = mkdtempSync(path.join(tmpdir(), 'comfy-paths-'));
    comfy = path.join(root, 'ComfyUI');
    webui = path.join(root, 'stable-diffusion-webui');
    touch(path.join(comfy, 'models', 'checkpoints', 'SDXL', 'sd_xl_base_1.0.safetensors'));
    touch(path.join(comfy, 'models', 'checkpoints', 'v1-5-pruned-emaonly.safetensors'));
    touch(path.join(comfy, 'models', 'checkpoints', 'put_checkpoints_here'));
    touch(path.join(comfy, 'models', 'vae', 'sdxl_vae.safetensors'));
    touch(path.join(webui, 'models', 'Stable-diffusion', 'dreamshaper_8.safetensors'));
    touch(path.join(webui, 'models', 'Stable-diffusion-extra', 'nested', 'other.safetensors'));
    touch(path.join(webui, 'models', 'VAE', 'vae-ft-mse-840000-ema-pruned.safetensors'));
    touch(path.join(comfy, 'shared', 'ckpts', 'beside-the-yaml.safetensors'));
    yamlFile = path.join(comfy, 'extra_model_paths.yaml');
    writeFileSync(yamlFile, [
      'a111:',
      '    base_path: ../stable-diffusion-webui/',
      '    is_default: false',
      '    checkpoints: |',
      '        models/Stable-diffusion',
      '        models/Stable-diffusion-extra',
      '    vae: models/VAE',
      'no_base:',
      '    checkpoints: shared/ckpts',
      'empty_section:',
      '',
    ].join('\n'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test('extra_model_paths.yaml: base_path joins each line of a multi-line value; without it, paths are relative to the yaml', () => {
    const folders = readExtraModelPaths(yamlFile);
    assert.deepEqual(folders.get('checkpoints'), [
      path.join(webui, 'models', 'Stable-diffusion'),
      path.join(webui, 'models', 'Stable-diffusion-extra'),
      path.join(comfy, 'shared', 'ckpts'),
    ]);
    assert.deepEqual(folders.get('vae'), [path.join(webui, 'models', 'VAE')]);
    assert.equal(folders.has('is_default'), false);
  });

  test('an install folder: its models/<kind> first, then what its yaml adds', () => {
    const folders = comfyuiModelFolders(comfy);
    assert.deepEqual(folders.get('checkpoints')?.slice(0, 2), [path.join(comfy, 'models', 'checkpoints'), path.join(webui, 'models', 'Stable-diffusion')]);
    assert.deepEqual(comfyuiModelFolders(yamlFile).get('vae'), [path.join(webui, 'models', 'VAE')], 'the yaml alone');
  });

  test('files are listed and found by ComfyUI\'s names (subfolders joined with /, either slash accepted)', () => {
    const config = { modelsDir: path.join(root, 'our-models'), comfyui: comfy };
    assert.deepEqual(listModelFiles(config, 'checkpoints'), [
      'SDXL/sd_xl_base_1.0.safetensors',
      'beside-the-yaml.safetensors',
      'dreamshaper_8.safetensors',
      'nested/other.safetensors',
      'v1-5-pruned-emaonly.safetensors',
    ]);
    assert.deepEqual(listModelFiles(config, 'vae'), ['sdxl_vae.safetensors', 'vae-ft-mse-840000-ema-pruned.safetensors']);
    assert.equal(findModelFile(config, 'checkpoints', 'SDXL/sd_xl_base_1.0.safetensors'), path.join(comfy, 'models', 'checkpoints', 'SDXL', 'sd_xl_base_1.0.safetensors'));
    assert.equal(findModelFile(config, 'checkpoints', 'SDXL\\sd_xl_base_1.0.safetensors'), path.join(comfy, 'models', 'checkpoints', 'SDXL', 'sd_xl_base_1.0.safetensors'));
    assert.equal(findModelFile(config, 'checkpoints', 'dreamshaper_8.safetensors'), path.join(webui, 'models', 'Stable-diffusion', 'dreamshaper_8.safetensors'));
    assert.equal(findModelFile(config, 'vae', 'vae-ft-mse-840000-ema-pruned.safetensors'), path.join(webui, 'models', 'VAE', 'vae-ft-mse-840000-ema-pruned.safetensors'));
    assert.equal(findModelFile(config, 'checkpoints', 'sdxl_vae.safetensors'), null, 'a VAE is not a checkpoint');
  });

  test('our own models folder comes first, laid out as ComfyUI\'s', () => {
    const modelsDir = path.join(root, 'ours');
    const mine = touch(path.join(modelsDir, 'checkpoints', 'SDXL', 'sd_xl_base_1.0.safetensors'));
    assert.equal(findModelFile({ modelsDir, comfyui: comfy }, 'checkpoints', 'SDXL/sd_xl_base_1.0.safetensors'), mine);
  });

  test('a broken yaml is an error naming the file and the entry', () => {
    const bad = path.join(root, 'bad.yaml');
    writeFileSync(bad, 'comfyui:\n  checkpoints: [a, b]\n');
    assert.throws(() => readExtraModelPaths(bad), (error: unknown) => error instanceof UserFacingError && /bad\.yaml: comfyui\.checkpoints must be a path/.test(error.message) && /one indented path per line/.test(error.hint ?? ''));
    writeFileSync(bad, 'comfyui:\n  checkpoints: "unclosed\n');
    assert.throws(() => readExtraModelPaths(bad), (error: unknown) => error instanceof UserFacingError && /bad\.yaml is not valid YAML/.test(error.message));
    assert.throws(() => comfyuiModelFolders(path.join(root, 'nowhere')), (error: unknown) => error instanceof UserFacingError && /does not exist/.test(error.message));
  });
});
