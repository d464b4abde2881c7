/**
 * The paper's central experiment on the project's own emoji model: fixed prompts and seeds at the
 * training size (32²), 4× and 16× the pixels, for Direct-Inf, Attn-SF and ScaleCrafter (re-dilation,
 * + ND-CFG, + dispersion); object-repetition, content-scale, texture-repetition, recognisability and FID/KID-like
 * scores per method; image grids.
 *
 *   npm run bench:fidelity -- [--prompts 12] [--seeds 2] [--steps 20] [--sizes 32,64,128] [--device cpu]
 *                              [--models models] [--data .cache/train/data] [--real 1000] [--out bench/results]
 *
 * Writes bench/results/<machine>-fidelity.{md,json} and bench/results/fidelity/grid-<size>.png (a run at
 * the training size alone writes grid-32.png: all its samples).
 * docs/fidelity-metrics.md defines the measures; docs/scalecrafter-experiment.md reads the results.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpuMachineName } from './gpu-probe.js';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SingleBar } from 'cli-progress';
import type { ExecutionProviderPreference, Workflow } from '../app/protocol/index.js';
import { FidelityClassifier } from './fidelity/classifier.js';
import { frechetDistance, kernelDistance, type FeatureRows } from './fidelity/distances.js';
import { createGenerator } from './fidelity/generate.js';
import { composeGrid, resizeBilinear, upscaleNearest, writePng, type RgbImage } from './fidelity/image-ops.js';
import { METHOD_LABELS, METHODS, methodWorkflow, type Method } from './fidelity/methods.js';
import { FIDELITY_PROMPTS, seedsOf } from './fidelity/prompt-set.js';
import { readHeldOutImages, readTrainingImages, TRAINING_DATA_FOLDER } from './fidelity/training-images.js';
import { measureRepetition } from './fidelity/repetition.js';
import { heldOutCategoryAccuracy, promptCategory, recognisedShare } from './fidelity/recognisability.js';
import { textureRepetition } from './fidelity/texture-repetition.js';
import { contentScaleRatio } from './fidelity/content-scale.js';

const { values: args } = parseArgs({
  options: {
    model: { type: 'string', default: 'emoji-pixel-32' },
    models: { type: 'string', default: 'models' },
    data: { type: 'string', default: TRAINING_DATA_FOLDER },
    'training-size': { type: 'string', default: '32' },
    sizes: { type: 'string', default: '32,64,128' },
    prompts: { type: 'string', default: String(FIDELITY_PROMPTS.length) },
    seeds: { type: 'string', default: '2' },
    steps: { type: 'string', default: '20' },
    cfg: { type: 'string', default: '5' },
    real: { type: 'string', default: '1000' },
    device: { type: 'string', default: 'cpu' },
    out: { type: 'string', default: 'bench/results' },
  },
});
process.env.XDG_RUNTIME_DIR ||= '/tmp';

const trainingSize = Number(args['training-size']);
const sizes = args.sizes!.split(',').map(Number);
const prompts = FIDELITY_PROMPTS.slice(0, Number(args.prompts));
const seedCount = Number(args.seeds);
const steps = Number(args.steps);
const cfg = Number(args.cfg);

interface ImageSet {
  size: number;
  method: Method;
  /** prompt-major: images[p * seedCount + s] */
  images: RgbImage[];
  secondsPerImage: number;
}

interface Row {
  scale: string;
  method: string;
  meanObjects: number;
  meanExtraObjects: number;
  repeatedShare: number;
  peakShare: number;
  /** Mean content-scale ratio against the same prompt and seed at the training size; null for that size itself. */
  contentScale: number | null;
  meanTexture: number;
  texturedShare: number;
  recognised: number;
  fidReal: number;
  kidReal: number;
  fidBase: number | null;
  kidBase: number | null;
  secondsPerImage: number;
}

async function generateAll(): Promise<ImageSet[]> {
  const baseWorkflow = JSON.parse(await readFile('workflows/default.json', 'utf8')) as Workflow;
  const generator = createGenerator(path.resolve(args.models!), args.device as ExecutionProviderPreference);
  const plan = sizes.flatMap((size) => (size === trainingSize ? (['direct'] as const) : METHODS).map((method) => ({ size, method })));
  const bar = new SingleBar({ format: 'generating {bar} {value}/{total} images | {what}', hideCursor: true });
  bar.start(plan.length * prompts.length * seedCount, 0, { what: '' });
  const sets: ImageSet[] = [];
  for (const { size, method } of plan) {
    const started = performance.now();
    const images: RgbImage[] = [];
    for (const [index, text] of prompts.entries()) {
      for (const seed of seedsOf(index, seedCount)) {
        bar.update({ what: `${size}² ${METHOD_LABELS[method]}` });
        const workflow = methodWorkflow(method, baseWorkflow, { model: args.model!, trainingSize, size, prompt: text, seed, batch: 1, steps, cfg, filenamePrefix: `${size}/${method}/p${index}-s${seed}` });
        images.push(...(await generator.run(workflow, `${size}² ${method} prompt ${index} seed ${seed}`)));
        bar.increment();
      }
    }
    sets.push({ size, method, images, secondsPerImage: (performance.now() - started) / 1000 / images.length });
  }
  bar.stop();
  return sets;
}

const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
const enlarged = (images: readonly RgbImage[], size: number) => images.map((image) => (image.width === size ? image : resizeBilinear(image, size, size)));

async function main(): Promise<void> {
  const sets = await generateAll();
  const base = sets.find((set) => set.size === trainingSize);
  if (!base) throw new Error(`--sizes must include the training size ${trainingSize}: FID_b and the repetition baseline compare against it`);
  const real = await readTrainingImages(Number(args.real), args.data);
  const classifier = await FidelityClassifier.open();
  const features = async (images: readonly RgbImage[]): Promise<FeatureRows> => (await classifier.embed(images)).features;
  // The reference sets depend on the output size only: computed once per size, not once per method.
  const referencesBySize = new Map<number, Promise<{ real: FeatureRows; base: FeatureRows }>>();
  const referencesAt = (size: number) => {
    if (!referencesBySize.has(size)) referencesBySize.set(size, (async () => ({ real: await features(enlarged(real, size)), base: await features(enlarged(base.images, size)) }))());
    return referencesBySize.get(size)!;
  };
  const expectedCategories = prompts.flatMap((prompt) => Array<string>(seedCount).fill(promptCategory(prompt, classifier.config)));
  const heldOut = await classifierCeiling(classifier);
  const baseObjects = base.images.map((image) => measureRepetition(image).objects.count);

  const rows: Row[] = [];
  for (const set of sets) {
    const measures = set.images.map((image) => measureRepetition(image));
    const counts = measures.map((measure) => measure.objects.count);
    const textures = set.images.map((image) => textureRepetition(image).score);
    const scales = set.size === trainingSize ? [] : set.images.flatMap((image, index) => contentScaleRatio(image, base.images[index]!) ?? []);
    const own = await features(set.images);
    const references = await referencesAt(set.size);
    const realFeatures = references.real;
    const baseFeatures = set.size === trainingSize ? null : references.base;
    rows.push({
      scale: `${set.size}² (${(set.size / trainingSize) ** 2}×)`,
      method: METHOD_LABELS[set.method],
      meanObjects: mean(counts),
      meanExtraObjects: mean(counts.map((count, index) => Math.max(0, count - baseObjects[index]!))),
      repeatedShare: mean(counts.map((count, index) => (count > Math.max(1, baseObjects[index]!) ? 1 : 0))),
      peakShare: mean(measures.map((measure) => (measure.autocorrelation.peaks.length > 0 ? 1 : 0))),
      contentScale: scales.length > 0 ? mean(scales) : null,
      meanTexture: mean(textures),
      texturedShare: mean(textures.map((score) => (score >= TEXTURED_AT ? 1 : 0))),
      recognised: await recognisedShare(classifier, set.images, expectedCategories),
      fidReal: frechetDistance(own, realFeatures),
      kidReal: kernelDistance(own, realFeatures),
      fidBase: baseFeatures && frechetDistance(own, baseFeatures),
      kidBase: baseFeatures && kernelDistance(own, baseFeatures),
      secondsPerImage: set.secondsPerImage,
    });
  }
  await classifier.release();

  const machine = cpuMachineName();
  const gridFiles = await writeGrids(sets, base);
  const markdown = report(rows, machine, real.length, gridFiles, heldOut);
  console.log(markdown);
  await mkdir(args.out!, { recursive: true });
  const stem = path.join(args.out!, `${machine}-fidelity`);
  await writeFile(`${stem}.md`, markdown);
  await writeFile(`${stem}.json`, JSON.stringify({ machine, device: args.device, model: args.model, trainingSize, prompts, seedsPerPrompt: seedCount, steps, cfg, realImages: real.length, classifierHeldOut: heldOut, rows }, null, 2));
  console.log(`wrote ${stem}.md, .json and ${gridFiles.map((grid) => grid.file).join(', ')}`);
}

/** Between the test scenes' stripes (< 0.45) and tiled textures (≥ 0.6): test/bench/fidelity/texture-repetition.test.ts. */
const TEXTURED_AT = 0.5;

interface HeldOutAccuracy {
  category: number;
  /** How it was obtained: measured here on the held-out split, or as the classifier's training recorded it. */
  source: string;
}

/** The classifier's category accuracy on its held-out split, measured when --data has the captions that define the split. */
async function classifierCeiling(classifier: FidelityClassifier): Promise<HeldOutAccuracy | null> {
  if (existsSync(path.join(args.data!, 'captions.jsonl'))) {
    const heldOut = await readHeldOutImages(args.data);
    return { category: await heldOutCategoryAccuracy(classifier, heldOut), source: `measured on the held-out split (${heldOut.length} images: every 10th emoji in code-point order, both drawings)` };
  }
  const recorded = classifier.config.training?.held_out_accuracy?.category;
  return recorded === undefined ? null : { category: recorded, source: `as recorded by tools/train/classifier.py on its held-out split (${args.data} has no captions.jsonl to measure it)` };
}

interface GridFile {
  readonly file: string;
  readonly layout: string;
}

/**
 * One grid per enlarged size: a row per method (the 32² image first, for reference), a column per
 * prompt (its first seed), cells shown at the largest size. A run at the training size alone has
 * no methods to compare, so its grid shows every sample instead: a row per seed.
 */
async function writeGrids(sets: readonly ImageSet[], base: ImageSet): Promise<GridFile[]> {
  const cell = Math.max(...sizes);
  const seedRow = (set: ImageSet, seed: number) => prompts.map((_, index) => upscaleNearest(set.images[index * seedCount + seed]!, cell / set.size));
  const folder = path.join(args.out!, 'fidelity');
  await mkdir(folder, { recursive: true });
  const enlargedSizes = sizes.filter((candidate) => candidate !== trainingSize);
  if (enlargedSizes.length === 0) {
    const file = path.join(folder, `grid-${trainingSize}.png`);
    await writePng(file, composeGrid(Array.from({ length: seedCount }, (_, seed) => seedRow(base, seed))));
    return [{ file, layout: 'a row per seed, a column per prompt' }];
  }
  const rowNames = ['32² (the training size)', ...METHODS.map((method) => METHOD_LABELS[method])].join(', ');
  const files: GridFile[] = [];
  for (const size of enlargedSizes) {
    const file = path.join(folder, `grid-${size}.png`);
    await writePng(file, composeGrid([seedRow(base, 0), ...sets.filter((set) => set.size === size).map((set) => seedRow(set, 0))]));
    files.push({ file, layout: `rows ${rowNames}; a column per prompt (its first seed)` });
  }
  return files;
}

function report(rows: readonly Row[], machine: string, realCount: number, gridFiles: readonly GridFile[], heldOut: HeldOutAccuracy | null): string {
  const number = (value: number | null, digits: number) => (value === null ? '–' : value.toFixed(digits));
  const percent = (value: number) => `${(value * 100).toFixed(0)}%`;
  const lines = rows.map((row) =>
    `| ${row.scale} | ${row.method} | ${number(row.meanObjects, 2)} | ${number(row.meanExtraObjects, 2)} | ${percent(row.repeatedShare)} | ${percent(row.peakShare)} | ${number(row.contentScale, 2)} | ${number(row.meanTexture, 2)} | ${percent(row.texturedShare)} | ${percent(row.recognised)} | ${number(row.fidReal, 2)} | ${number(row.kidReal, 4)} | ${number(row.fidBase, 2)} | ${number(row.kidBase, 4)} | ${number(row.secondsPerImage, 1)} |`,
  );
  const gridLines = gridFiles.map((grid) => `- ${path.basename(grid.file)}: ${grid.layout}`);
  const enlargements = sizes.filter((size) => size !== trainingSize).map((size) => `${size / trainingSize} at ${size}²`);
  return [
    `# ScaleCrafter fidelity experiment on ${machine}`,
    '',
    `${new Date().toISOString()} · model ${args.model} (trained at ${trainingSize}²) · ${prompts.length} prompts × ${seedCount} seeds · DDIM ${steps} steps, CFG ${cfg} · execution provider ${args.device} · reference set: ${realCount} training images`,
    '',
    `| scale | method | objects / image | extra objects vs 32² | images with more objects than at 32² | ≥ 1 autocorrelation peak | content scale | texture repetition | texture ≥ ${TEXTURED_AT} | recognised | FID_r | KID_r | FID_b | KID_b | s / image |`,
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...lines,
    '',
    'FID/KID-like scores use the pooled features of the project\'s emoji classifier (models/fidelity-classifier), every image area-resampled to 32²; "r" against real training images enlarged to the output size, "b" against the model\'s own 32² images for the same prompts and seeds, enlarged. Lower is better. Measures: docs/fidelity-metrics.md.',
    '',
    `"content scale": mean ratio of the grey levels' median spatial frequency (cycles per image) to the same prompt and seed's at ${trainingSize}²: about 1 when the picture is drawn larger, k when its structure stayed the training size and fills the canvas k times per side, the failure ScaleCrafter addresses${enlargements.length === 0 ? '' : ` (k = ${enlargements.join(', ')})`}.`,
    '',
    `"texture repetition": mean second-lattice-direction autocorrelation of the high-passed grey levels (0 none … 1 an exact tiling). "recognised": share of images the classifier assigns the prompt's category; its category accuracy on real held-out images is ${heldOut ? `${percent(heldOut.category)}, ${heldOut.source}` : 'unknown (no captions and no training record)'}.`,
    '',
    ...gridLines,
    '',
  ].join('\n');
}

await main();
