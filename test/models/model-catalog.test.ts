import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { importedFolderFor } from '../../app/models/checkpoint/index.js';
import { modelCatalog } from '../../app/models/model-catalog.js';
import { EMOJI_MODEL_NAME, emojiSourcesCopy } from '../support/emoji-model.js';

const modelsDir = emojiSourcesCopy();
after(() => rmSync(modelsDir, { recursive: true, force: true }));

function writeConfig(folder: string, component: string, config: object): void {
  mkdirSync(path.join(folder, component), { recursive: true });
  writeFileSync(path.join(folder, component, 'config.json'), JSON.stringify(config));
}

test('a pixel-space model is trained at its sample size (emoji-pixel-32: 32², a VAE of one level)', () => {
  assert.deepEqual(modelCatalog({ modelsDir }, [EMOJI_MODEL_NAME]), [{ name: EMOJI_MODEL_NAME, nativeSize: { width: 32, height: 32 } }]);
});

test('an SD export: sample_size × 2^(VAE levels − 1); without a VAE config, SD\'s four levels (×8)', () => {
  const sd = path.join(modelsDir, 'sd-like');
  writeConfig(sd, 'unet', { sample_size: 96 });
  writeConfig(sd, 'vae_decoder', { block_out_channels: [128, 256, 512, 512] });
  const bare = path.join(modelsDir, 'bare');
  writeConfig(bare, 'unet', { sample_size: 128 });
  assert.deepEqual(modelCatalog({ modelsDir }, ['sd-like', 'bare']).map((model) => model.nativeSize), [{ width: 768, height: 768 }, { width: 1024, height: 1024 }]);
});

test('a checkpoint file is known once converted; unknown names and unreadable sizes are null', () => {
  const file = path.join(modelsDir, 'checkpoints', 'photo.safetensors');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, 'not read');
  assert.equal(modelCatalog({ modelsDir }, ['photo.safetensors'])[0]!.nativeSize, null);
  writeConfig(importedFolderFor(file, modelsDir), 'unet', { sample_size: 64 });
  assert.deepEqual(modelCatalog({ modelsDir }, ['photo.safetensors'])[0]!.nativeSize, { width: 512, height: 512 });
  writeConfig(path.join(modelsDir, 'no-size'), 'unet', { in_channels: 4 });
  assert.deepEqual(modelCatalog({ modelsDir }, ['missing-model', 'no-size']).map((model) => model.nativeSize), [null, null]);
});

test('a bundled model not yet copied is read where it is bundled', () => {
  const bundledModelsDir = mkdtempSync(path.join(tmpdir(), 'bundled-'));
  try {
    writeConfig(path.join(bundledModelsDir, 'shipped'), 'unet', { sample_size: 64 });
    assert.deepEqual(modelCatalog({ modelsDir, bundledModelsDir }, ['shipped'])[0]!.nativeSize, { width: 512, height: 512 });
  } finally {
    rmSync(bundledModelsDir, { recursive: true, force: true });
  }
});
