import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { tinyPipelineConfigs } from '../../../app/models/sd/presets.js';
import { buildVaeDecoder, buildVaeEncoder } from '../../../app/models/sd/vae.js';
import { parseVaeConfig, type VaeConfigJson } from '../../../app/models/sd/vae-config.js';
import { assertAllClose } from '../../reference/compare.js';
import { NdArray, randn } from '../../reference/ndarray.js';
import { vaeDecoder, vaeEncoder, type AutoencoderKLConfig } from '../../reference/vae.js';
import { FP32_TOLERANCE, PROVIDERS, VariedNormWeights, assertFloat16Close, feed, runModel, roundedToFloat16 } from './harness.js';

const weights = new VariedNormWeights(121);
const TINY = tinyPipelineConfigs(1000).vae;
const referenceConfig = TINY as AutoencoderKLConfig;

describe('AutoencoderKL graphs match the reference', () => {
  for (const provider of PROVIDERS) {
    // 4×5 latents: 20 attention positions (lavapipe's WebGPU attention breaks from 32 on, harness.ts).
    test(`decoder: latent_sample [2, 4, 4, 5] → sample [2, 3, 32, 40] on ${provider}`, async () => {
      const latents = randn([2, 4, 4, 5], 24);
      const out = await runModel(buildVaeDecoder(parseVaeConfig(TINY), weights), { latent_sample: feed(latents, 'float32') }, provider);
      assert.deepEqual(out.sample!.shape, [2, 3, 32, 40]);
      assertAllClose(out.sample!, vaeDecoder(weights, '', referenceConfig, latents), FP32_TOLERANCE[provider], `decoder on ${provider}`);
    });
  }

  test('encoder: latent_parameters are quant_conv moments, latent_sample their mean half', async () => {
    const image = randn([1, 3, 40, 24], 25);
    const out = await runModel(buildVaeEncoder(parseVaeConfig(TINY), weights), { sample: feed(image, 'float32') }, 'cpu');
    const moments = vaeEncoder(weights, '', referenceConfig, image);
    assertAllClose(out.latent_parameters!, moments, FP32_TOLERANCE.cpu, 'moments');
    assert.deepEqual(out.latent_sample!.shape, [1, 4, 5, 3]);
    // DiagonalGaussianDistribution: mean = the first latent_channels (4) of the 8 moment channels.
    assertAllClose(out.latent_sample!, new NdArray([1, 4, 5, 3], moments.data.slice(0, 4 * 5 * 3)), FP32_TOLERANCE.cpu, 'mean');
  });

  test('odd image sizes downsample like diffusers (pad right/bottom, stride 2): 35×21 → 4×2 latents', async () => {
    const image = randn([1, 3, 35, 21], 26);
    const out = await runModel(buildVaeEncoder(parseVaeConfig(TINY), weights), { sample: feed(image, 'float32') }, 'cpu');
    assertAllClose(out.latent_parameters!, vaeEncoder(weights, '', referenceConfig, image), FP32_TOLERANCE.cpu, 'odd-size moments');
  });

  test('use_quant_conv / use_post_quant_conv false leave those convs out', async () => {
    const json: VaeConfigJson = { ...TINY, use_quant_conv: false, use_post_quant_conv: false };
    const asked: string[] = [];
    const recording = { description: 'recording', tensor: (name: string, shape: readonly number[]) => (asked.push(name), weights.tensor(name, shape)) };
    buildVaeDecoder(parseVaeConfig(json), recording);
    buildVaeEncoder(parseVaeConfig(json), recording);
    assert.ok(!asked.some((name) => name.includes('quant_conv')));
    assert.ok(asked.includes('decoder.conv_in.weight') && asked.includes('encoder.conv_out.weight'));
  });

  for (const provider of PROVIDERS) {
    test(`float16 decoder and encoder stay close to float32 on ${provider} (tolerance: harness.ts assertFloat16Close)`, async () => {
      const config = parseVaeConfig(TINY);
      const latents = roundedToFloat16(randn([1, 4, 4, 5], 27));
      const decoded = await runModel(buildVaeDecoder(config, weights), { latent_sample: feed(latents, 'float32') }, provider);
      const decoded16 = await runModel(buildVaeDecoder(config, weights, { dtype: 'float16' }), { latent_sample: feed(latents, 'float16') }, provider);
      assertFloat16Close(decoded16.sample!, decoded.sample!, `decoder float16 on ${provider}`);
      const image = roundedToFloat16(randn([1, 3, 32, 40], 28));
      const encoded = await runModel(buildVaeEncoder(config, weights), { sample: feed(image, 'float32') }, provider);
      const encoded16 = await runModel(buildVaeEncoder(config, weights, { dtype: 'float16' }), { sample: feed(image, 'float16') }, provider);
      assertFloat16Close(encoded16.latent_parameters!, encoded.latent_parameters!, `encoder float16 on ${provider}`);
    });
  }
});
