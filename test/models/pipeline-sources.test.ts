import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { pipelineSourcesOf } from '../../app/models/pipeline-sources.js';
import { EMOJI_MODEL_NAME, emojiSourcesCopy } from '../support/emoji-model.js';
import { tinyModelsDir } from '../support/tiny-model.js';
import { UserFacingError } from '../../app/protocol/user-facing-error.js';

describe('a folder kept as sources', () => {
  test('is the pixel-space folder with UNet safetensors; an ONNX export is not', async () => {
    const root = path.join(emojiSourcesCopy(), EMOJI_MODEL_NAME);
    const sources = pipelineSourcesOf(root);
    assert.equal(sources?.pixelChannels, 3);
    assert.equal(path.basename(sources!.unet.weights), 'diffusion_pytorch_model.fp16.safetensors');
    assert.equal(path.basename(sources!.textEncoder.weights), 'model.fp16.safetensors');
    assert.equal(pipelineSourcesOf(path.join(await tinyModelsDir(), 'tiny-sd')), null);
  });

  test('missing text encoder weights, or a VAE config without latent_channels, are named', () => {
    const withoutText = path.join(emojiSourcesCopy(), EMOJI_MODEL_NAME);
    rmSync(path.join(withoutText, 'text_encoder', 'model.fp16.safetensors'));
    assert.throws(() => pipelineSourcesOf(withoutText), (error: unknown) => error instanceof UserFacingError && /no text_encoder\/model\.safetensors/.test(error.message));

    const badVae = path.join(emojiSourcesCopy(), EMOJI_MODEL_NAME);
    writeFileSync(path.join(badVae, 'vae_decoder', 'config.json'), JSON.stringify({ _class_name: 'PixelSpaceIdentityVAE' }));
    assert.throws(() => pipelineSourcesOf(badVae), (error: unknown) => error instanceof UserFacingError && /"latent_channels"/.test(error.message));
  });
});
