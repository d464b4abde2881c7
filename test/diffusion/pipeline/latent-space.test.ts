import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { latentPreview } from '../../../app/diffusion/pipeline/latent-preview.js';
import { latentInModelSpace, unevenSideWarnings } from '../../../app/diffusion/pipeline/latent-space.js';
import type { Latent } from '../../../app/diffusion/pipeline/values.js';
import { decodePng } from '../../../app/imaging/png-metadata.js';

const SD = { name: 'sd', latentChannels: 4, vaeScaleFactor: 8, imageSizeMultiple: 64 };
const PIXEL = { name: 'emoji', latentChannels: 3, vaeScaleFactor: 1, imageSizeMultiple: 4 };
const empty = (width: number, height: number, batch = 1) => ({ emptyImage: { batch, width, height } });

describe('a LATENT value in a model\'s latent space', () => {
  test('an empty latent becomes zeros with the model\'s channels at the image size over its VAE factor', () => {
    for (const [model, dims] of [[SD, [2, 4, 6, 8]], [PIXEL, [2, 3, 48, 64]]] as const) {
      const fit = latentInModelSpace(empty(64, 48, 2), model);
      assert.ok(fit.ok);
      assert.deepEqual(fit.latent.dims, dims);
      assert.equal(fit.latent.samples.length, dims.reduce((a, b) => a * b, 1));
      assert.ok(fit.latent.samples.every((value) => value === 0));
    }
  });

  test('an empty latent the VAE factor does not divide is refused with the nearest good size', () => {
    const fit = latentInModelSpace(empty(250, 64), SD);
    assert.ok(!fit.ok);
    assert.match(fit.message, /250×64 .* multiples of 8/);
    assert.match(fit.hint, /256×64/);
    assert.ok(latentInModelSpace(empty(34, 30), PIXEL).ok, 'a pixel-space model takes any size');
  });

  test('a latent tensor passes when its channels are the model\'s, else is refused', () => {
    const latent: Latent = { samples: new Float32Array(4 * 8 * 8), dims: [1, 4, 8, 8] };
    const fit = latentInModelSpace(latent, SD);
    assert.ok(fit.ok && fit.latent === latent);
    const refused = latentInModelSpace(latent, PIXEL);
    assert.ok(!refused.ok);
    assert.match(refused.message, /4 channels but emoji works on 3-channel latents/);
  });

  test('sides that leave a UNet level odd-sized are warned about, in image pixels', () => {
    const latent = (height: number, width: number): Latent => ({ samples: new Float32Array(3 * height * width), dims: [1, 3, height, width] });
    assert.deepEqual(unevenSideWarnings(latent(32, 36), PIXEL), []);
    const warnings = unevenSideWarnings(latent(34, 32), PIXEL);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /^height 34 is not a multiple of 4/);
    assert.match(unevenSideWarnings({ samples: new Float32Array(4 * 9 * 8), dims: [1, 4, 9, 8] }, SD)[0]!, /^height 72 is not a multiple of 64/);
  });
});

describe('the step preview', () => {
  test('a pixel-space latent previews as itself, mapped from [-1, 1]', () => {
    // 1×2 pixels: red channel -1 and 1, green 0 and 0.5, blue 1 and -1.
    const latent = Float32Array.from([-1, 1, 0, 0.5, 1, -1]);
    const preview = latentPreview(latent, [1, 3, 1, 2], { pixelSpace: true });
    const png = decodePng(Buffer.from(preview.pngBase64, 'base64'));
    assert.deepEqual([png.width, png.height], [2, 1]);
    assert.deepEqual([...png.data], [0, 128, 255, 255, 191, 0]);
  });

  test('an SDXL latent previews with ComfyUI\'s SDXL factors and bias (comfy/latent_formats.py), an SD one without bias', () => {
    // One latent pixel with channel 0 at 1: colour = row 0 (+ the bias for SDXL), mapped from [-1, 1].
    const latent = Float32Array.from([1, 0, 0, 0]);
    const pixel = (family: 'sd1' | 'sdxl') => [...decodePng(Buffer.from(latentPreview(latent, [1, 4, 1, 1], { pixelSpace: false, family }).pngBase64, 'base64')).data];
    const expected = (rgb: number[]) => rgb.map((value) => Math.round((value + 1) * 127.5));
    assert.deepEqual(pixel('sdxl'), expected([0.3651 + 0.1084, 0.4232 - 0.0175, 0.4341 - 0.0011]));
    assert.deepEqual(pixel('sd1'), expected([0.298, 0.207, 0.208]));
  });
});
