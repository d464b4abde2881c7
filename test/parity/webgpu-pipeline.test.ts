/**
 * WebGPU parity (issue 7): the sampling loop of the tiny pipeline — the part ScaleCrafter changes —
 * run on the WebGPU EP (Mesa lavapipe in CI) against the CPU EP, ScaleCrafter off and on, fp32 and
 * fp16. At 64² the UNet's attention sees 16 query tokens: ONNX Runtime 1.30's WebGPU
 * MultiHeadAttention is wrong on lavapipe from 32 query tokens on (exact on an H100), which also
 * rules out the text encoder (77 tokens) and the VAE's mid attention here, so conditioning is
 * encoded on the CPU and the latents are compared directly.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { preparedUnetFor } from '../../app/scalecrafter/prepared-unet-cache.js';
import { sampleLatents } from '../../app/diffusion/pipeline/sample-latents.js';
import { encodePrompt } from '../../app/diffusion/pipeline/text-encoding.js';
import { UnetModel } from '../../app/diffusion/pipeline/unet-model.js';
import type { Conditioning } from '../../app/diffusion/pipeline/values.js';
import { openPipelineFolder, type PipelineFolder } from '../../app/models/pipeline-folder.js';
import { EXPORT_CONVENTIONS } from '../../app/models/sd/export-conventions.js';
import { writeTinyStableDiffusion } from '../../app/models/tiny-sd.js';
import { openSession, type ExecutionProviderName } from '../../app/runtime/session.js';
import { FREEU_DEFAULTS } from '../../app/scalecrafter/freeu-defaults.js';
import { setupFromPatches, type ModelPatch } from '../../app/scalecrafter/model-patches.js';
import '../support/tiny-model.js';

process.env.XDG_RUNTIME_DIR ||= '/tmp';

const SCALECRAFTER: ModelPatch[] = [
  { kind: 'redilate', schedule: { kind: 'progressive', convs: [{ conv: 'down_blocks.1.resnets.0.conv1', dilation: 3 }, { conv: 'mid_block.resnets.0.conv2', dilation: 2.5 }, { conv: 'up_blocks.0.upsamplers.0.conv', dilation: 2 }], steps: { start: 0, end: 0.75 } } },
  { kind: 'noise_damped_cfg', schedule: { kind: 'constant', convs: [{ conv: 'mid_block.resnets.1.conv1', dilation: 2 }], steps: { start: 0, end: 0.5 } } },
  { kind: 'disperse', schedule: { kind: 'dispersed', convs: ['up_blocks.0.resnets.1.conv2'], transform: { smallKernelSize: 3, largeKernelSize: 5, upsampleFactor: 2, eta: 0.05 }, steps: { start: 0, end: 0.5 } } },
  { kind: 'freeu', settings: FREEU_DEFAULTS.tiny },
];

async function sample(folder: PipelineFolder, provider: ExecutionProviderName, patches: ModelPatch[], positive: Conditioning, negative: Conditioning): Promise<Float32Array> {
  const setup = setupFromPatches(patches);
  const prepared = await preparedUnetFor(folder.unet);
  const session = await openSession(prepared.modelPath, { executionProvider: provider });
  try {
    const latent = { samples: new Float32Array(4 * 8 * 8), dims: [1, 4, 8, 8] as const };
    const result = await sampleLatents({
      unet: new UnetModel(session), scheduler: folder.scheduler, sampler: { kind: 'ddim', eta: 1 }, steps: 4, denoise: 1, seed: 11n,
      guidanceScale: 7.5, positive: [positive], negative: [negative], latent, signal: new AbortController().signal,
      controlsAt: prepared.controlsFor(setup, { latentDims: latent.dims, vaeScaleFactor: folder.vaeScaleFactor }),
      onStep: () => undefined,
    });
    return result.samples;
  } finally {
    await session.release();
  }
}

/** Largest difference relative to the largest CPU value, and the relative RMS difference. */
function compare(gpu: Float32Array, cpu: Float32Array): { maxRelative: number; relativeRms: number } {
  let maxAbs = 0;
  let peak = 0;
  let error = 0;
  let norm = 0;
  cpu.forEach((value, i) => {
    const difference = Math.abs(gpu[i]! - value);
    maxAbs = Math.max(maxAbs, difference);
    peak = Math.max(peak, Math.abs(value));
    error += difference * difference;
    norm += value * value;
  });
  return { maxRelative: maxAbs / peak, relativeRms: Math.sqrt(error / norm) };
}

for (const [label, conventions, tolerance] of [
  ['fp32', undefined, { maxRelative: 1e-4, relativeRms: 1e-4 }],
  // fp16 kernels round differently on the two EPs, and 4 stochastic steps carry it forward.
  ['fp16', EXPORT_CONVENTIONS['optimum-fp16'], { maxRelative: 0.1, relativeRms: 3e-2 }],
] as const) {
  describe(`WebGPU matches the CPU EP on the tiny pipeline's sampling, ${label}`, () => {
    let folder: PipelineFolder;
    let positive: Conditioning;
    let negative: Conditioning;
    before(async () => {
      const root = path.join(mkdtempSync(path.join(tmpdir(), `parity-${label}-`)), 'tiny-sd');
      await writeTinyStableDiffusion(root, conventions ? { conventions } : {});
      folder = openPipelineFolder(root);
      positive = await encodePrompt(folder, 'a red apple on a table', 'cpu');
      negative = await encodePrompt(folder, '', 'cpu');
    });

    for (const [name, patches] of [['ScaleCrafter off', []], ['ScaleCrafter on (re-dilation, ND-CFG, dispersion, FreeU)', SCALECRAFTER]] as const) {
      test(`${name}: 4 DDIM steps (eta 1), max |Δ| ≤ ${tolerance.maxRelative} × max |x|, relative RMS ≤ ${tolerance.relativeRms}`, async () => {
        const cpu = await sample(folder, 'cpu', [...patches], positive, negative);
        const gpu = await sample(folder, 'webgpu', [...patches], positive, negative);
        const { maxRelative, relativeRms } = compare(gpu, cpu);
        assert.ok(maxRelative <= tolerance.maxRelative && relativeRms <= tolerance.relativeRms, `max |Δ| / max |x| ${maxRelative.toExponential(2)}, relative RMS ${relativeRms.toExponential(2)}`);
      });
    }
  });
}
