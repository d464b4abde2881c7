import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SD15_CONFIGS, tinyPipelineConfigs } from '../../../app/models/sd/presets.js';
import { parseVaeConfig, vaeScaleFactor } from '../../../app/models/sd/vae-config.js';
import { UserFacingError } from '../../../app/protocol/user-facing-error.js';

describe('parseVaeConfig', () => {
  test('SD\'s VAE and the tiny one both downsample 8× (four levels)', () => {
    assert.equal(vaeScaleFactor(parseVaeConfig(SD15_CONFIGS.vae)), 8);
    assert.equal(vaeScaleFactor(parseVaeConfig(tinyPipelineConfigs(10).vae)), 8);
    assert.equal(parseVaeConfig(SD15_CONFIGS.vae).scalingFactor, 0.18215);
  });

  test('block types other than the encoder/decoder blocks, and mismatched lists, name the key', () => {
    assert.throws(() => parseVaeConfig({ ...SD15_CONFIGS.vae, up_block_types: ['UpDecoderBlock2D'] }), (error: unknown) => error instanceof UserFacingError && error.field === 'up_block_types');
    assert.throws(() => parseVaeConfig({ ...SD15_CONFIGS.vae, down_block_types: ['DownBlock2D', 'DownBlock2D', 'DownBlock2D', 'DownBlock2D'] }), (error: unknown) => error instanceof UserFacingError && error.field === 'down_block_types.0');
    assert.throws(() => parseVaeConfig({ ...SD15_CONFIGS.vae, norm_num_groups: 24 }), (error: unknown) => error instanceof UserFacingError && error.field === 'block_out_channels.0');
  });
});
