/**
 * The tiled decode against the whole decoder graph (buildVaeDecoder, same weights) and against
 * the independent naive decoder of test/reference: with GroupNorm statistics merged over all
 * tiles and each tile reading its halo, every pixel must come out as in a whole decode.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TiledVaeDecoder } from '../../../app/diffusion/vae-tiling/tiled-vae-decoder.js';
import { tileGrid } from '../../../app/diffusion/vae-tiling/tile-grid.js';
import { tinyPipelineConfigs } from '../../../app/models/sd/presets.js';
import { buildVaeDecoder } from '../../../app/models/sd/vae.js';
import { buildVaeDecoderSegments } from '../../../app/models/sd/vae-segments.js';
import { parseVaeConfig } from '../../../app/models/sd/vae-config.js';
import { serializeModel } from '../../../app/onnx/model-codec.js';
import { openSession, type ModelSession } from '../../../app/runtime/session.js';
import { assertAllClose, type Tolerance } from '../../reference/compare.js';
import { NdArray, randn } from '../../reference/ndarray.js';
import { vaeDecoder, type AutoencoderKLConfig } from '../../reference/vae.js';
import { assertFloat16Close, VariedNormWeights } from '../../models/sd/harness.js';

const TINY = tinyPipelineConfigs(1000).vae;
const config = parseVaeConfig(TINY);
// Norm weights and biases away from 1 and 0, so a GroupNorm with the wrong statistics shows.
const weights = new VariedNormWeights(2024);
const FACTOR = 8;

/**
 * Tiled against whole, both float32 on the CPU EP: the same ops in another order and GroupNorm as
 * (x − mean)·inv_std instead of InstanceNormalization, through ~30 normalisations of O(1) values.
 * Observed |diff| ≤ 5e-6 on outputs of magnitude ~3; a tile reading the wrong context or a
 * GroupNorm with per-tile statistics is off by 1e-2 or more (the seam test shows how much).
 */
const TILED_TOLERANCE: Tolerance = { atol: 1e-4, rtol: 1e-4 };

async function wholeDecode(session: ModelSession, latents: NdArray): Promise<NdArray> {
  const out = await session.run({ latent_sample: { type: 'float32', data: latents.data, dims: [...latents.shape] } });
  return new NdArray([...out.sample!.dims], out.sample!.data as Float32Array);
}

/** Max |a − b| over the pixels within `band` of a tile boundary (rows or columns), every sample and channel. */
function seamDifference(a: NdArray, b: NdArray, rowCuts: number[], columnCuts: number[], band: number): number {
  const [batch, channels, height, width] = a.shape as [number, number, number, number];
  const near = (position: number, cuts: number[]) => cuts.some((cut) => position >= cut - band && position < cut + band);
  let worst = 0;
  for (let plane = 0; plane < batch * channels; plane++) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        if (!near(y, rowCuts) && !near(x, columnCuts)) continue;
        const i = (plane * height + y) * width + x;
        worst = Math.max(worst, Math.abs(a.data[i]! - b.data[i]!));
      }
    }
  }
  return worst;
}

describe('tiled VAE decode', () => {
  let whole: ModelSession;
  let tiled: TiledVaeDecoder;
  before(async () => {
    whole = await openSession(serializeModel(buildVaeDecoder(config, weights)), { executionProvider: 'cpu' });
    tiled = await TiledVaeDecoder.open(buildVaeDecoderSegments(config, weights), 'cpu');
  });
  after(async () => {
    await whole.release();
    await tiled.release();
  });

  test('equals the whole decode for any tiling: square, uneven, 1-pixel tiles; batch 2, non-square latent', async () => {
    const latents = randn([2, 4, 5, 7], 11);
    const expected = await wholeDecode(whole, latents);
    for (const tileSize of [7, 4, 3, 1]) {
      const decoded = await tiled.decode(latents.data, [2, 4, 5, 7], { tileSize });
      assert.equal(decoded.tiles, tileGrid({ height: 5, width: 7 }, tileSize).length);
      assertAllClose(new NdArray(decoded.dims, decoded.data), expected, TILED_TOLERANCE, `tiles of ${tileSize} latent pixels`);
    }
  });

  test('equals the independent naive decoder (test/reference/vae.ts)', async () => {
    const latents = randn([1, 4, 5, 6], 12);
    const decoded = await tiled.decode(latents.data, [1, 4, 5, 6], { tileSize: 2 });
    const reference = vaeDecoder(weights, '', TINY as AutoencoderKLConfig, latents);
    assertAllClose(new NdArray(decoded.dims, decoded.data), reference, TILED_TOLERANCE, 'tiled decode vs the naive reference');
  });

  test('no seam: at tile boundaries it matches the whole decode, where tiles decoded alone do not', async () => {
    const latents = randn([1, 4, 8, 8], 13);
    const expected = await wholeDecode(whole, latents);
    const decoded = await tiled.decode(latents.data, [1, 4, 8, 8], { tileSize: 4 });
    // The naive alternative: each 4×4 latent tile through the whole decoder on its own, placed side by side.
    const naive = new NdArray([...expected.shape], new Float32Array(expected.size));
    for (const tile of tileGrid({ height: 8, width: 8 }, 4)) {
      const part = new Float32Array(4 * 4 * 4);
      for (let c = 0; c < 4; c++) for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) part[(c * 4 + y) * 4 + x] = latents.at(0, c, tile.top + y, tile.left + x);
      const alone = await wholeDecode(whole, new NdArray([1, 4, 4, 4], part));
      for (let c = 0; c < 3; c++) {
        for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) naive.data[(c * 64 + tile.top * FACTOR + y) * 64 + tile.left * FACTOR + x] = alone.at(0, c, y, x);
      }
    }
    const cuts = [4 * FACTOR];
    const tiledSeam = seamDifference(new NdArray(decoded.dims, decoded.data), expected, cuts, cuts, 4);
    const naiveSeam = seamDifference(naive, expected, cuts, cuts, 4);
    assert.ok(tiledSeam <= 1e-4, `tiled decode differs by ${tiledSeam} within 4 px of the seam`);
    assert.ok(naiveSeam >= 1e-2, `tiles decoded alone differ by only ${naiveSeam} at the seam: this test could not see a seam`);
  });

  test('float16 segments stay as close to the float32 decode as the float16 whole decoder does (harness.ts assertFloat16Close)', async () => {
    const tiled16 = await TiledVaeDecoder.open(buildVaeDecoderSegments(config, weights, { dtype: 'float16' }), 'cpu');
    try {
      const latents = randn([1, 4, 6, 5], 14);
      const decoded = await tiled16.decode(latents.data, [1, 4, 6, 5], { tileSize: 3 });
      assertFloat16Close(new NdArray(decoded.dims, decoded.data), await wholeDecode(whole, latents), 'float16 tiled decode');
    } finally {
      await tiled16.release();
    }
  });

  test('the segments run on the WebGPU EP and match the whole decode on the CPU EP', async () => {
    process.env.XDG_RUNTIME_DIR ||= '/tmp'; // Dawn warns without a writable runtime dir (docs/onnxruntime-findings.md)
    const onGpu = await TiledVaeDecoder.open(buildVaeDecoderSegments(config, weights), 'webgpu');
    try {
      // 2×2-latent query tiles: lavapipe's WebGPU attention is wrong from 32 queries on (test/models/sd/harness.ts).
      const latents = randn([1, 4, 4, 5], 16);
      const decoded = await onGpu.decode(latents.data, [1, 4, 4, 5], { tileSize: 2 });
      assertAllClose(new NdArray(decoded.dims, decoded.data), await wholeDecode(whole, latents), TILED_TOLERANCE, 'tiled on WebGPU vs whole on CPU');
    } finally {
      await onGpu.release();
    }
  });

  test('a cancelled decode stops between tile runs; a wrong latent width is named', async () => {
    const latents = randn([1, 4, 4, 4], 15);
    const controller = new AbortController();
    let runs = 0;
    const decoding = tiled.decode(latents.data, [1, 4, 4, 4], {
      tileSize: 2,
      signal: controller.signal,
      onProgress: (done) => {
        runs = done;
        if (done === 5) controller.abort();
      },
    });
    await assert.rejects(decoding, { name: 'AbortError' });
    assert.equal(runs, 5);
    await assert.rejects(tiled.decode(new Float32Array(3 * 16), [1, 3, 4, 4], { tileSize: 2 }), /3 channels but this VAE decodes 4/);
  });
});
