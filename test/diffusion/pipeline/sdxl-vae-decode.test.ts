/**
 * The SDXL VAE path on the tiny SDXL pipeline: its latent scale (0.13025 from its config), the
 * float32 redo when a float16 decoder overflows (as SDXL's VAE does in fp16), and tiled decoding.
 * The reference for the redo is the same seeded VAE exported in float32, decoded whole.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { decodeLatents } from '../../../app/diffusion/pipeline/vae-codec.js';
import type { Latent } from '../../../app/diffusion/pipeline/values.js';
import { openPipelineFolder, type PipelineFolder } from '../../../app/models/pipeline-folder.js';
import { EXPORT_CONVENTIONS } from '../../../app/models/sd/export-conventions.js';
import { writeTinyStableDiffusionXL } from '../../../app/models/tiny-sdxl.js';
import { difference } from '../../reference/compare.js';

const latentOf = (side: number, amplitude: number): Latent => ({
  samples: Float32Array.from({ length: 4 * side * side }, (_, i) => amplitude * Math.sin(i * 0.37)),
  dims: [1, 4, side, side],
});

describe('the SDXL VAE path', () => {
  let dir = '';
  let fp32: PipelineFolder;
  let fp16: PipelineFolder;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sdxl-vae-'));
    fp32 = openPipelineFolder(await writeTinyStableDiffusionXL(join(dir, 'fp32')));
    fp16 = openPipelineFolder(await writeTinyStableDiffusionXL(join(dir, 'fp16'), { conventions: EXPORT_CONVENTIONS['optimum-fp16'] }));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('the latent scale is the SDXL VAE config\'s scaling_factor', () => {
    assert.equal(fp32.latentScale, 0.13025);
  });

  test('a float16 decoder that overflows is decoded again in float32, and the user is told', async () => {
    // 1e4 / 0.13025 ≈ 7.7e4 passes float16's largest finite value (65504) at the decoder's input.
    const latent = latentOf(8, 1e4);
    const notes: string[] = [];
    const image = await decodeLatents(fp16, latent, 'cpu', { onInfo: (text) => notes.push(text) });
    assert.ok(notes.some((text) => /non-finite pixels/.test(text) && /float32/.test(text)), notes.join('\n'));
    assert.ok(image.pixels.every(Number.isFinite));
    const reference = await decodeLatents(fp32, latent, 'cpu');
    // The float16 file's weights are the float32 ones rounded to float16 (relative error ≤ 2⁻¹¹).
    const { maxAbs } = difference(image.pixels, reference.pixels, { atol: 0, rtol: 0 });
    assert.ok(maxAbs < 2e-2, `max |Δ| ${maxAbs} on [0, 1] pixels`);
  });

  test('a float16 decoder in range decodes once, without the redo', async () => {
    const notes: string[] = [];
    const image = await decodeLatents(fp16, latentOf(8, 1), 'cpu', { onInfo: (text) => notes.push(text) });
    assert.deepEqual(notes, []);
    assert.ok(image.pixels.every(Number.isFinite));
  });

  test('tiled decoding equals the whole decode', async () => {
    const latent = latentOf(16, 1);
    const whole = await decodeLatents(fp32, latent, 'cpu');
    const tiled = await decodeLatents(fp32, latent, 'cpu', { tileSize: 64 });
    assert.deepEqual([tiled.width, tiled.height], [128, 128]);
    const { maxAbs } = difference(tiled.pixels, whole.pixels, { atol: 0, rtol: 0 });
    assert.ok(maxAbs < 1e-5, `max |Δ| ${maxAbs}`);
  });
});
