/**
 * Writes workflows/scalecrafter-*.json: the default workflow (the emoji model, trained at 32²) with
 * ScaleCrafter's nodes, one per scale class of the paper (4×, 6.25×, 8×, 16× the training pixel
 * count), with the settings of tools/emoji-scalecrafter-rule.ts, which bench:fidelity measures; and
 * workflows/sdxl*.json: the default workflow on an SDXL checkpoint (tiny-sdxl, the seeded test-size
 * SDXL created on first use, until the user picks a real one) at 1024², and at 2048² with the
 * reference's ScaleCrafter preset; workflows/hires-fix-*.json: the hires-fix baseline;
 * workflows/compare-16x.json: Direct-Inf and ScaleCrafter side by side from one seed
 * (tools/comparison-workflow.ts). Every file but the comparison, workflows/default.json included, is
 * laid out in three columns that fit a 1280×800 window at the readable start zoom
 * (tools/workflow-layout.ts); the comparison's four columns open at its left edge. Run:
 *
 *   node --import tsx tools/generate-example-workflows.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Workflow } from '../app/protocol/index.js';
import { comparisonWorkflow } from './comparison-workflow.js';
import { scaledRule } from './emoji-scalecrafter-rule.js';
import { layOutInColumns } from './workflow-layout.js';
import { HIRES_FIX_DENOISE, insertHiresFix, insertModelPatch, setWidgets } from './workflow-patching.js';

interface Example {
  file: string;
  title: string;
  width: number;
  height: number;
  noiseDamped: boolean;
}

const TRAINING_SIZE = 32;

const EXAMPLES: Example[] = [
  { file: 'scalecrafter-4x.json', title: '4× pixels (as SD 1.5 at 1024²): dilation 2 for the first 60 % of steps', width: 64, height: 64, noiseDamped: false },
  { file: 'scalecrafter-6.25x.json', title: '6.25× pixels (as SD 1.5 at 1280²): fractional dilation 2.5 for 70 % of steps', width: 80, height: 80, noiseDamped: false },
  { file: 'scalecrafter-8x.json', title: '8× pixels (as SD 1.5 at 2048×1024): progressive dilation up to 4 with noise-damped CFG', width: 128, height: 64, noiseDamped: true },
  { file: 'scalecrafter-16x.json', title: '16× pixels (as SD 1.5 at 2048²): progressive dilation up to 4 with noise-damped CFG', width: 128, height: 128, noiseDamped: true },
];

const base = JSON.parse(readFileSync(new URL('../workflows/default.json', import.meta.url), 'utf8')) as Workflow;

function write(file: string, workflow: Workflow): void {
  layOutInColumns(workflow);
  writeFileSync(new URL(`../workflows/${file}`, import.meta.url), `${JSON.stringify(workflow, null, 2)}\n`);
}

write('default.json', structuredClone(base));

for (const example of EXAMPLES) {
  const workflow = structuredClone(base);
  const rule = scaledRule((example.width * example.height) / TRAINING_SIZE ** 2);
  setWidgets(workflow, 'EmptyLatentImage', { width: example.width, height: example.height });
  setWidgets(workflow, 'SaveImage', { filename_prefix: example.file.replace(/\.json$/, '') });
  insertModelPatch(workflow, 'ReDilate', { layers: rule.dilation, factor: 2, start: 0, end: rule.tau, progressive: rule.progressive }, [860, 520]);
  if (example.noiseDamped) insertModelPatch(workflow, 'NoiseDampedCFG', { layers: rule.noiseDampedBase, factor: 2, start: 0, end: rule.tau, progressive: rule.progressive }, [860, 800]);
  workflow.extra = { ...workflow.extra, description: `${example.title}. On the emoji model (trained at ${TRAINING_SIZE}²), with the reference's SD 1.5 rule scaled to its UNet (docs/scalecrafter-experiment.md). For a real SD 1.5 / 2.1 / SDXL checkpoint use a ScaleCrafterPreset node instead (docs/scalecrafter.md).` };
  write(example.file, workflow);
}

/**
 * The hires-fix baseline (what ComfyUI users do instead of ScaleCrafter): sample at the training
 * size, upscale the latent by √ratio, re-sample at denoise 0.5 — one file per scale bench:fidelity measures.
 */
for (const ratio of [4, 16]) {
  const workflow = structuredClone(base);
  const file = `hires-fix-${ratio}x.json`;
  setWidgets(workflow, 'SaveImage', { filename_prefix: file.replace(/\.json$/, '') });
  insertHiresFix(workflow, Math.sqrt(ratio), HIRES_FIX_DENOISE, [860, 520]);
  workflow.extra = { ...workflow.extra, description: `Hires fix at ${ratio}× pixels: the emoji model at its ${TRAINING_SIZE}² training size, the latent upscaled ${Math.sqrt(ratio)}× (LatentUpscaleBy), then re-sampled at denoise ${HIRES_FIX_DENOISE} — the usual ComfyUI route to a large image, and the baseline ScaleCrafter is compared with.` };
  write(file, workflow);
}

/** SDXL base's usual settings: 1024², Euler (its shipped scheduler), guidance 5. */
function sdxlWorkflow(side: number, prefix: string, description: string): Workflow {
  const workflow = structuredClone(base);
  setWidgets(workflow, 'LoadCheckpoint', { model: 'tiny-sdxl' });
  setWidgets(workflow, 'EmptyLatentImage', { width: side, height: side });
  setWidgets(workflow, 'Sampler', { sampler: 'euler', steps: 30, cfg: 5 });
  setWidgets(workflow, 'SaveImage', { filename_prefix: prefix });
  // The positive prompt: the default workflow's negative TextEncode is the one left empty.
  workflow.nodes.find((node) => node.type === 'TextEncode' && node.widgets.text !== '')!.widgets.text = 'a lighthouse on a cliff at dusk, oil painting';
  workflow.extra = { ...workflow.extra, description: `${description} LoadCheckpoint names tiny-sdxl, a seeded test-size SDXL (noise images) created on first use: pick your SDXL export instead.` };
  return workflow;
}

const sdxlExamples: Array<[string, Workflow]> = [
  ['sdxl.json', sdxlWorkflow(1024, 'sdxl', 'Text to image on SDXL at its training size, 1024².')],
  ['sdxl-scalecrafter-4x.json', sdxlWorkflow(2048, 'sdxl-scalecrafter-4x', 'SDXL at 2048² (4× its training pixels) with the reference preset sdxl_2048x2048 (re-dilation 2 for 30 of 50 steps) and FreeU\'s SDXL factors.')],
];
insertModelPatch(sdxlExamples[1]![1], 'ScaleCrafterPreset', { family: 'sdxl', width: 2048, height: 2048, variant: 'standard', freeu: true }, [860, 520]);
for (const [file, workflow] of sdxlExamples) write(file, workflow);

/** The prompt and seed README's comparison picture shows: tools/pick-comparison.ts's first pick on the shipped model (docs/scalecrafter-experiment.md). */
const COMPARISON = { prompt: 'face with tears of joy, joy, smileys and emotion, face smiling, noto', seed: 12002 };
writeFileSync(new URL('../workflows/compare-16x.json', import.meta.url), `${JSON.stringify(comparisonWorkflow(base, { side: 128, trainingSide: TRAINING_SIZE, ...COMPARISON }), null, 2)}\n`);
