/**
 * Real exported layouts through the real pipeline: the tiny pipeline written in each convention an
 * optimum / diffusers ONNX export can have (export-conventions.ts), loaded by LoadCheckpoint and run
 * through the default workflow (64², 3 steps) by the same engine the app runs.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { GaussianNoiseStream } from '../../app/diffusion/noise/gaussian-noise.js';
import { decodePng, type DecodedPng } from '../../app/imaging/png-metadata.js';
import { openPipelineFolder } from '../../app/models/pipeline-folder.js';
import { writeComponent } from '../../app/models/sd/component-writer.js';
import {
  diffusersSchedulerConfig,
  EXPORT_CONVENTIONS,
  type ExportConventionName,
  type ExportConventions,
  type SchedulerClassName,
} from '../../app/models/sd/export-conventions.js';
import { tinyPipelineConfigs } from '../../app/models/sd/presets.js';
import { buildVaeDecoder } from '../../app/models/sd/vae.js';
import { parseVaeConfig } from '../../app/models/sd/vae-config.js';
import { TINY_SD_SCHEDULER_CONFIG, TINY_SD_SEED, writeTinyStableDiffusion, type TinyPipelineOptions } from '../../app/models/tiny-sd.js';
import { SeededWeights } from '../../app/models/weights/seeded-weights.js';
import type { WeightSource } from '../../app/models/weights/weight-source.js';
import { openSession } from '../../app/runtime/session.js';
import { latentAsRgbDecoder, scaledSampleUnet } from '../fixtures/probe-components.js';
import { defaultWorkflow, nodeOfType } from '../support/default-workflow.js';
import { EngineHarness } from '../support/engine-harness.js';

const SIDE = 64;
const LAYOUTS = Object.entries(EXPORT_CONVENTIONS) as Array<[ExportConventionName, ExportConventions]>;

interface SamplerSettings {
  sampler?: 'ddim' | 'euler' | 'euler_ancestral' | 'dpmpp_2m';
  steps?: number;
  seed?: number;
}

let renders = 0;

/** The default workflow on `model` at 64², 3 Euler steps unless `settings` say otherwise; returns the saved PNG. */
async function render(engine: EngineHarness, model: string, settings: SamplerSettings = {}): Promise<DecodedPng> {
  const workflow = defaultWorkflow();
  nodeOfType(workflow, 'LoadCheckpoint').widgets.model = model;
  Object.assign(nodeOfType(workflow, 'EmptyLatentImage').widgets, { width: SIDE, height: SIDE });
  Object.assign(nodeOfType(workflow, 'Sampler').widgets, { sampler: 'euler', steps: 3, ...settings });
  const save = nodeOfType(workflow, 'SaveImage');
  save.widgets.filename_prefix = `render-${++renders}`;
  const job = await engine.run(workflow);
  assert.equal(job.end.type, 'done', `${model}: ${JSON.stringify(job.end)}`);
  const [image] = (job.outputOf(String(save.id))?.images ?? []) as Array<{ filename: string; subfolder: string }>;
  assert.ok(image, `${model}: SaveImage reported no file`);
  return decodePng(readFileSync(path.join(engine.outputDir, image.subfolder, image.filename)));
}

function pixelDifference(a: DecodedPng, b: DecodedPng): { max: number; mean: number } {
  assert.equal(a.data.length, b.data.length);
  let max = 0;
  let sum = 0;
  a.data.forEach((value, i) => {
    const difference = Math.abs(value - b.data[i]!);
    max = Math.max(max, difference);
    sum += difference;
  });
  return { max, mean: sum / a.data.length };
}

describe('every export layout loads and draws the reference image', () => {
  const modelsDir = mkdtempSync(path.join(tmpdir(), 'exported-layouts-'));
  let engine: EngineHarness;
  let reference: DecodedPng;

  before(async () => {
    await writeTinyStableDiffusion(path.join(modelsDir, 'reference'));
    for (const [name, conventions] of LAYOUTS) await writeTinyStableDiffusion(path.join(modelsDir, name), { conventions });
    engine = new EngineHarness({ modelsDir });
    reference = await render(engine, 'reference');
  });
  after(() => rmSync(modelsDir, { recursive: true, force: true }));

  test('each layout has its exporter\'s input types, timestep rank and weight sidecar, as ONNX Runtime reads them', async () => {
    for (const [name, conventions] of LAYOUTS) {
      const folder = path.join(modelsDir, name);
      for (const component of ['text_encoder', 'unet', 'vae_decoder', 'vae_encoder']) {
        assert.deepEqual(readdirSync(path.join(folder, component)).sort(), ['config.json', 'model.onnx', conventions.externalData!].sort(), `${name}/${component}`);
      }
      const unet = await openSession(path.join(folder, 'unet', 'model.onnx'), { executionProvider: 'cpu' });
      const textEncoder = await openSession(path.join(folder, 'text_encoder', 'model.onnx'), { executionProvider: 'cpu' });
      try {
        const unetInput = (input: string) => unet.inputMetadata.find((candidate) => candidate.name === input)!;
        assert.equal(unetInput('sample').type, conventions.dtype, `${name}: sample`);
        assert.equal(unetInput('encoder_hidden_states').type, conventions.dtype, `${name}: encoder_hidden_states`);
        assert.equal(unetInput('timestep').type, conventions.timestepType, `${name}: timestep type`);
        assert.equal(unetInput('timestep').shape.length, conventions.timestepShape === 'scalar' ? 0 : 1, `${name}: timestep rank`);
        assert.equal(textEncoder.inputMetadata.find((input) => input.name === 'input_ids')!.type, conventions.inputIdsType, `${name}: input_ids`);
      } finally {
        await Promise.all([unet.release(), textEncoder.release()]);
      }
    }
  });

  // The tiny model's DDIM config says "leading" spacing, so even Euler (the sampler these renders
  // use) gets integer timesteps and an int64 timestep input loses nothing: only the I/O
  // conventions differ, and float32 arithmetic is the same, so the images must be identical.
  for (const [name, conventions] of LAYOUTS.filter(([, candidate]) => candidate.dtype === 'float32')) {
    test(`${name} (input_ids ${conventions.inputIdsType}, ${conventions.timestepShape} ${conventions.timestepType} timestep, ${conventions.externalData}) draws the reference image pixel for pixel`, async () => {
      const image = await render(engine, name);
      assert.deepEqual([image.width, image.height], [SIDE, SIDE]);
      assert.deepEqual(image.data, reference.data);
    });
  }

  // float16 weights and activations keep ~3 significant digits through ~60 layers (CLIP, 3 UNet
  // calls, VAE); the CPU EP widens most kernels to float32 inside. Measured on the CPU EP: max
  // 1/255, mean 0.09/255 (the image is 7 % saturated, so most pixels can move). Bound: every
  // channel within 3/255, mean within 0.5/255 — and not identical, which shows the comparison sees
  // float16 at all.
  for (const [name, conventions] of LAYOUTS.filter(([, candidate]) => candidate.dtype === 'float16')) {
    test(`${name} (float16, ${conventions.timestepShape} ${conventions.timestepType} timestep, ${conventions.externalData}) stays within 3/255 of the reference`, async () => {
      const image = await render(engine, name);
      const difference = pixelDifference(image, reference);
      assert.ok(difference.max <= 3 && difference.mean <= 0.5, `${name}: max ${difference.max}/255, mean ${difference.mean.toFixed(3)}/255`);
      assert.ok(difference.max > 0, 'a float16 pipeline that matches float32 bit for bit is not running in float16');
    });
  }
});

/** SD's training schedule, from its published definition: β = linspace(√0.00085, √0.012, 1000)², ᾱ_t = Π_{s≤t} (1 − β_s). */
function alphasCumprod(): Float64Array {
  const start = Math.sqrt(0.00085);
  const end = Math.sqrt(0.012);
  const cumulative = new Float64Array(1000);
  let product = 1;
  for (let t = 0; t < 1000; t++) {
    product *= 1 - (start + ((end - start) * t) / 999) ** 2;
    cumulative[t] = product;
  }
  return cumulative;
}

/** diffusers' "leading" spacing: t_i = i·⌊1000/n⌋ + steps_offset, noisiest first. */
function leadingTimesteps(steps: number, offset: number): number[] {
  return Array.from({ length: steps }, (_, i) => i * Math.floor(1000 / steps) + offset).reverse();
}

type Prediction = 'epsilon' | 'v_prediction';

/**
 * The whole run as one multiplier of the initial noise when the UNet returns c·(its input):
 * every update below is linear in x, so each step multiplies the latent by a number.
 * DDIM (Song et al. 2021, eq. 12, η = 0; diffusers' DDIMScheduler: previous timestep t − ⌊1000/n⌋,
 * ᾱ_0 past the end since set_alpha_to_one is false). Euler (Karras et al. 2022, Alg. 2 without
 * churn; diffusers' EulerDiscreteScheduler: input x/√(σ²+1), init σ = √(σ_max²+1) for "leading").
 * x0 from ε: (x − √(1−ᾱ)·ε)/√ᾱ; from v (Salimans & Ho 2022): √ᾱ·x − √(1−ᾱ)·v, ε = √ᾱ·v + √(1−ᾱ)·x.
 */
function runMultiplier(sampler: 'ddim' | 'euler', prediction: Prediction, c: number, steps: number): number {
  const alphaBar = alphasCumprod();
  const timesteps = leadingTimesteps(steps, 1);
  if (sampler === 'ddim') {
    let k = 1;
    for (const t of timesteps) {
      const previous = t - Math.floor(1000 / steps);
      const abarPrev = previous >= 0 ? alphaBar[previous]! : alphaBar[0]!;
      const a = Math.sqrt(alphaBar[t]!);
      const s = Math.sqrt(1 - alphaBar[t]!);
      const [x0, epsilon] = prediction === 'epsilon' ? [(1 - s * c) / a, c] : [a - s * c, a * c + s];
      k *= Math.sqrt(abarPrev) * x0 + Math.sqrt(1 - abarPrev) * epsilon;
    }
    return k;
  }
  const sigmas = [...timesteps.map((t) => Math.sqrt((1 - alphaBar[t]!) / alphaBar[t]!)), 0];
  let k = Math.sqrt(sigmas[0]! ** 2 + 1);
  for (let i = 0; i < timesteps.length; i++) {
    const sigma = sigmas[i]!;
    const output = c / Math.sqrt(sigma ** 2 + 1);
    const denoised = prediction === 'epsilon' ? 1 - sigma * output : (-output * sigma) / Math.sqrt(sigma ** 2 + 1) + 1 / (sigma ** 2 + 1);
    k *= 1 + ((1 - denoised) / sigma) * (sigmas[i + 1]! - sigma);
  }
  return k;
}

/** The seeded weights with post_quant_conv's kernel multiplied by `factor` (a power of two: exact). */
class ScaledPostQuantConv implements WeightSource {
  readonly description: string;
  constructor(
    private readonly inner: WeightSource,
    private readonly factor: number,
  ) {
    this.description = `${inner.description}, post_quant_conv.weight × ${factor}`;
  }

  tensor(name: string, shape: readonly number[]): Float32Array {
    const values = this.inner.tensor(name, shape);
    return name === 'post_quant_conv.weight' ? values.map((value) => value * this.factor) : values;
  }
}

const CLASS_DEFAULT_SPACING: Record<SchedulerClassName, string> = {
  // diffusers' constructor defaults (scheduling_*.py __init__).
  DDIMScheduler: 'leading',
  PNDMScheduler: 'leading',
  EulerDiscreteScheduler: 'linspace',
  EulerAncestralDiscreteScheduler: 'linspace',
  DPMSolverMultistepScheduler: 'linspace',
};

describe('scheduler_config.json and the VAE config choose the schedule, the prediction type and the latent scale', () => {
  const modelsDir = mkdtempSync(path.join(tmpdir(), 'exported-configs-'));
  const folder = (name: string) => path.join(modelsDir, name);
  const write = (name: string, options: TinyPipelineOptions) => writeTinyStableDiffusion(folder(name), options);
  const PROBE_FACTOR = 0.5;
  const PROBE_SCALE = 4;
  let engine: EngineHarness;

  before(async () => {
    await write('reference', {});
    for (const className of Object.keys(CLASS_DEFAULT_SPACING) as SchedulerClassName[]) {
      await write(className, { schedulerConfig: diffusersSchedulerConfig(className, { predictionType: 'epsilon', stepsOffset: 1, timestepSpacing: null }) });
    }
    for (const spacing of ['leading', 'linspace'] as const) {
      await write(`DDIM-${spacing}`, { schedulerConfig: diffusersSchedulerConfig('DDIMScheduler', { predictionType: 'epsilon', stepsOffset: 1, timestepSpacing: spacing }) });
    }
    await write('v-prediction', { schedulerConfig: { ...TINY_SD_SCHEDULER_CONFIG, prediction_type: 'v_prediction' } });
    for (const prediction of ['epsilon', 'v_prediction'] as const) {
      const name = `probe-${prediction}`;
      await write(name, { schedulerConfig: { ...TINY_SD_SCHEDULER_CONFIG, prediction_type: prediction }, vaeScalingFactor: PROBE_SCALE });
      const vaeConfig = JSON.parse(readFileSync(path.join(folder(name), 'vae_decoder', 'config.json'), 'utf8')) as Record<string, unknown>;
      await writeComponent(folder(name), 'unet', scaledSampleUnet(PROBE_FACTOR, tinyPipelineConfigs(1).unet.cross_attention_dim as number), {});
      await writeComponent(folder(name), 'vae_decoder', latentAsRgbDecoder(), vaeConfig);
    }
    const vae = tinyPipelineConfigs(1).vae;
    await write('scale-only-doubled', { vaeScalingFactor: 2 * 0.18215 });
    await write('scale-and-post-quant-conv-doubled', { vaeScalingFactor: 2 * 0.18215 });
    const decoder = buildVaeDecoder(parseVaeConfig(vae), new ScaledPostQuantConv(new SeededWeights(TINY_SD_SEED), 2));
    await writeComponent(folder('scale-and-post-quant-conv-doubled'), 'vae_decoder', decoder, { _class_name: 'AutoencoderKL', ...vae, scaling_factor: 2 * 0.18215 });
    await write('scale-absent', { vaeScalingFactor: null });
    engine = new EngineHarness({ modelsDir });
  });
  after(() => rmSync(modelsDir, { recursive: true, force: true }));

  test('each scheduler class\'s config loads; a missing timestep_spacing is the class\'s default', async () => {
    for (const [className, spacing] of Object.entries(CLASS_DEFAULT_SPACING)) {
      const { scheduler } = openPipelineFolder(folder(className));
      assert.equal(scheduler.timestep_spacing, spacing, className);
      assert.equal(scheduler.steps_offset, 1, className);
      assert.equal(scheduler.prediction_type, 'epsilon', className);
    }
    // Python's json writes DPMSolverMultistepScheduler's −∞ as a bare token, which JSON.parse
    // refuses: the pipeline must still load it and draw.
    assert.match(readFileSync(path.join(folder('DPMSolverMultistepScheduler'), 'scheduler', 'scheduler_config.json'), 'utf8'), /"lambda_min_clipped": -Infinity/);
    const image = await render(engine, 'DPMSolverMultistepScheduler', { sampler: 'dpmpp_2m', steps: 2 });
    assert.deepEqual([image.width, image.height], [SIDE, SIDE]);
  });

  test('Euler on a DDIM config without timestep_spacing runs the DDIM class\'s "leading" schedule, as from_config(pipe.scheduler.config) does', async () => {
    const missing = await render(engine, 'DDIMScheduler', { sampler: 'euler' });
    assert.deepEqual(missing.data, (await render(engine, 'DDIM-leading', { sampler: 'euler' })).data);
    assert.notDeepEqual(missing.data, (await render(engine, 'DDIM-linspace', { sampler: 'euler' })).data);
  });

  test('prediction_type v_prediction changes the tiny model\'s image', async () => {
    assert.equal(openPipelineFolder(folder('v-prediction')).scheduler.prediction_type, 'v_prediction');
    const epsilon = await render(engine, 'reference');
    const v = await render(engine, 'v-prediction');
    assert.ok(pixelDifference(epsilon, v).mean > 1, 'the two predictions should draw clearly different images');
  });

  // A UNet returning 0.5·input and a decoder showing latent channels as RGB make the whole run a
  // known multiple of the seeded initial noise (runMultiplier), drawn through the configured
  // latent scale (4 here): pixel = clamp(k·noise/4/2 + 0.5). Tolerance 1/255: 8-bit rounding of a
  // float32 pipeline against a float64 reference.
  for (const sampler of ['ddim', 'euler'] as const) {
    test(`${sampler}: epsilon and v_prediction runs with a known UNet give the closed-form images`, async () => {
      const seed = 42;
      const steps = 2;
      const latentSide = SIDE / 8;
      const noise = new GaussianNoiseStream(BigInt(seed)).next(4 * latentSide * latentSide);
      const multipliers: number[] = [];
      for (const prediction of ['epsilon', 'v_prediction'] as const) {
        assert.equal(openPipelineFolder(folder(`probe-${prediction}`)).latentScale, PROBE_SCALE);
        const image = await render(engine, `probe-${prediction}`, { sampler, steps, seed });
        const k = runMultiplier(sampler, prediction, PROBE_FACTOR, steps);
        multipliers.push(k);
        let worst = 0;
        for (let y = 0; y < SIDE; y++) {
          for (let x = 0; x < SIDE; x++) {
            for (let c = 0; c < 3; c++) {
              const latent = noise[(c * latentSide + Math.floor(y / 8)) * latentSide + Math.floor(x / 8)]!;
              const expected = Math.round(255 * Math.min(1, Math.max(0, (k * latent) / PROBE_SCALE / 2 + 0.5)));
              worst = Math.max(worst, Math.abs(image.data[(y * SIDE + x) * image.channels + c]! - expected));
            }
          }
        }
        assert.ok(worst <= 1, `${sampler}/${prediction}: a pixel is ${worst}/255 from the closed form (multiplier ${k})`);
      }
      assert.ok(Math.abs(multipliers[0]! - multipliers[1]!) > 0.5, `the two predictions must be told apart (multipliers ${multipliers.join(', ')})`);
    });
  }

  test('the latent scale comes from vae_decoder/config.json: scaling_factor ×2 with post_quant_conv ×2 draws the reference image exactly', async () => {
    const reference = await render(engine, 'reference');
    assert.equal(openPipelineFolder(folder('scale-and-post-quant-conv-doubled')).latentScale, 2 * 0.18215);
    // latent / (2s) then a 1×1 conv with 2W equals latent / s then W, bit for bit (powers of two).
    assert.deepEqual((await render(engine, 'scale-and-post-quant-conv-doubled')).data, reference.data);
    assert.notDeepEqual((await render(engine, 'scale-only-doubled')).data, reference.data, 'the scale alone must change the image');
    assert.equal(openPipelineFolder(folder('scale-absent')).latentScale, 0.18215, 'no scaling_factor: the SD 1.x value');
  });
});
