import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { estimateTileMemory } from '../../../app/diffusion/vae-tiling/tile-memory.js';
import { SD15_CONFIGS } from '../../../app/models/sd/presets.js';
import { buildVaeDecoderSegments } from '../../../app/models/sd/vae-segments.js';
import { parseVaeConfig } from '../../../app/models/sd/vae-config.js';
import type { WeightSource } from '../../../app/models/weights/weight-source.js';

/** The estimate reads shapes only; zero weights keep building the SD-size plan cheap. */
const zeros: WeightSource = { description: 'zeros', tensor: (_name, shape) => new Float32Array(shape.reduce((a, b) => a * b, 1)) };
const plan = buildVaeDecoderSegments(parseVaeConfig(SD15_CONFIGS.vae), zeros, { dtype: 'float16' });

describe('tiled decode memory estimate (SD 1.5 VAE, float16)', () => {
  test('the device memory of one tile does not depend on the image size; the whole-image parts grow with its area', () => {
    const small = estimateTileMemory(plan, 1, { height: 128, width: 128 }, 64); // 1024² image, 512-pixel tiles
    const large = estimateTileMemory(plan, 1, { height: 512, width: 512 }, 64); // 4096²
    assert.equal(large.tileBytes, small.tileBytes);
    assert.equal(large.tileSegment, small.tileSegment);
    assert.equal(large.tokenBytes, 16 * small.tokenBytes);
    assert.equal(large.hostBytes, 16 * small.hostBytes);
    assert.equal(large.attentionScoreBytes, 16 * small.attentionScoreBytes);
  });

  test('smaller tiles need less device memory; a single tile as large as the image needs the most', () => {
    const latent = { height: 256, width: 256 };
    const sizes = [16, 32, 64, 256].map((tile) => estimateTileMemory(plan, 1, latent, tile).tileBytes);
    for (let i = 1; i < sizes.length; i++) assert.ok(sizes[i]! > sizes[i - 1]!, `tile memory ${sizes.join(' → ')} must grow with the tile`);
    // 4096² in 512-pixel tiles stays within a few GiB, far below a 24 GB card.
    assert.ok(estimateTileMemory(plan, 1, { height: 512, width: 512 }, 64).tileBytes < 4 * 2 ** 30);
  });

  test('the attention\'s keys and values cover every latent position; the CPU scores are one tile of queries by all keys', () => {
    const latent = { height: 96, width: 64 };
    const estimate = estimateTileMemory(plan, 2, latent, 32);
    const positions = 96 * 64;
    assert.equal(estimate.tokenBytes, 2 * 2 * positions * 512 * 2); // batch 2, keys + values, 512 channels, float16
    assert.equal(estimate.attentionScoreBytes, 2 * 32 * 32 * positions * 4);
  });
});
