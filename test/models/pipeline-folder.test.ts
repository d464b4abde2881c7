import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { openPipelineFolder } from '../../app/models/pipeline-folder.js';
import { pixelSpaceVaeConfig } from '../../app/models/pixel-space-vae.js';
import { UserFacingError } from '../../app/protocol/user-facing-error.js';

/** A folder with the files openPipelineFolder requires (empty: it opens no session) and the given configs. */
function folderWith(configs: Record<string, unknown>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'pipeline-folder-'));
  for (const file of ['tokenizer/vocab.json', 'text_encoder/model.onnx', 'unet/model.onnx', 'vae_decoder/model.onnx']) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), '');
  }
  for (const [file, config] of Object.entries(configs)) writeFileSync(path.join(root, file), JSON.stringify(config));
  return root;
}

const latentSpace = (root: string) => {
  const { latentChannels, vaeScaleFactor, pixelSpace, imageSizeMultiple, latentScale } = openPipelineFolder(root);
  return { latentChannels, vaeScaleFactor, pixelSpace, imageSizeMultiple, latentScale };
};

describe('a pipeline folder\'s latent space', () => {
  test('without configs: SD\'s 4 channels, VAE factor 8, 64-pixel multiples', () => {
    assert.deepEqual(latentSpace(folderWith({})), { latentChannels: 4, vaeScaleFactor: 8, pixelSpace: false, imageSizeMultiple: 64, latentScale: 0.18215 });
  });

  test('from an AutoencoderKL config and a 2-level UNet (diffusers: vae_scale_factor = 2 ** (len(block_out_channels) - 1))', () => {
    const root = folderWith({
      'vae_decoder/config.json': { _class_name: 'AutoencoderKL', latent_channels: 16, block_out_channels: [32, 64, 64], scaling_factor: 0.5 },
      'unet/config.json': { block_out_channels: [32, 64] },
    });
    assert.deepEqual(latentSpace(root), { latentChannels: 16, vaeScaleFactor: 4, pixelSpace: false, imageSizeMultiple: 8, latentScale: 0.5 });
  });

  test('a pixel-space folder: 3 channels, factor 1, latents unscaled, sides in multiples of 4 for a 3-level UNet', () => {
    const root = folderWith({ 'vae_decoder/config.json': pixelSpaceVaeConfig(3), 'unet/config.json': { block_out_channels: [32, 64, 128] } });
    assert.deepEqual(latentSpace(root), { latentChannels: 3, vaeScaleFactor: 1, pixelSpace: true, imageSizeMultiple: 4, latentScale: 1 });
  });

  test('a latent_channels or block_out_channels that is not usable is refused by key', () => {
    for (const [config, key] of [[{ latent_channels: 2.5 }, 'latent_channels'], [{ block_out_channels: [] }, 'block_out_channels']] as const) {
      assert.throws(() => openPipelineFolder(folderWith({ 'vae_decoder/config.json': config })), (error: unknown) => error instanceof UserFacingError && error.message.includes(`"${key}"`));
    }
  });
});
