/**
 * Picks the prompt and seed of README's comparison picture (workflows/compare-16x.json), by a rule
 * written down rather than by eye: every fidelity prompt × the first `--seeds` seeds is drawn at the
 * training size and scored by the fidelity classifier's probability of the prompt's category; each
 * prompt's best seed (one per prompt, so that an easy prompt cannot fill the list) among the
 * `--finalists` best of those is run through the comparison workflow itself, and ranked by how much more
 * recognisable the ScaleCrafter half is than the Direct-Inf half (the same probability, each half
 * area-resampled to 32² as the benchmark does). Prints both tables.
 *
 *   node --import tsx tools/pick-comparison.ts [--seeds 8] [--finalists 12] [--models models]
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Workflow } from '../app/protocol/index.js';
import { FidelityClassifier } from '../bench/fidelity/classifier.js';
import { createGenerator } from '../bench/fidelity/generate.js';
import type { RgbImage } from '../bench/fidelity/image-ops.js';
import { FIDELITY_PROMPTS, seedsOf } from '../bench/fidelity/prompt-set.js';
import { promptCategory } from '../bench/fidelity/recognisability.js';
import { comparisonWorkflow, COMPARISON_ENLARGEMENT, COMPARISON_SPACING } from './comparison-workflow.js';
import { nodeOfType } from './workflow-patching.js';

const { values: args } = parseArgs({ options: { seeds: { type: 'string', default: '8' }, finalists: { type: 'string', default: '12' }, models: { type: 'string', default: 'models' }, side: { type: 'string', default: '128' } } });
process.env.XDG_RUNTIME_DIR ||= '/tmp';

interface Candidate {
  prompt: string;
  seed: number;
  atTrainingSize: number;
  direct?: number;
  scaleCrafter?: number;
}

const base = JSON.parse(await readFile('workflows/default.json', 'utf8')) as Workflow;
const trainingSide = Number(nodeOfType(base, 'EmptyLatentImage').widgets.width);
const generator = createGenerator(path.resolve(args.models!), 'cpu');
const classifier = await FidelityClassifier.open();

/** Probability the classifier gives the prompt's category (summed over its styles), per image. */
async function categoryProbability(images: readonly RgbImage[], prompt: string): Promise<number[]> {
  const category = promptCategory(prompt, classifier.config);
  const { logits } = await classifier.embed(images);
  return logits.map((row) => {
    const top = Math.max(...row);
    const weights = Array.from(row, (logit) => Math.exp(logit - top));
    const total = weights.reduce((sum, weight) => sum + weight, 0);
    return weights.reduce((sum, weight, index) => sum + (classifier.config.classes[index]!.category === category ? weight : 0), 0) / total;
  });
}

/** The stitched picture's two halves, at the sampled size: undo the enlargement, drop the strip. */
function halves(picture: RgbImage, side: number): [RgbImage, RgbImage] {
  const crop = (left: number): RgbImage => {
    const data = new Uint8Array(side * side * 3);
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        const source = (y * COMPARISON_ENLARGEMENT * picture.width + (left + x) * COMPARISON_ENLARGEMENT) * 3;
        data.set(picture.data.subarray(source, source + 3), (y * side + x) * 3);
      }
    }
    return { width: side, height: side, data };
  };
  return [crop(0), crop(side + COMPARISON_SPACING)];
}

const candidates: Candidate[] = [];
for (const [index, prompt] of FIDELITY_PROMPTS.entries()) {
  for (const seed of seedsOf(index, Number(args.seeds))) {
    const workflow = structuredClone(base);
    workflow.nodes.filter((node) => node.type === 'TextEncode').sort((a, b) => a.id - b.id)[0]!.widgets.text = prompt;
    nodeOfType(workflow, 'Sampler').widgets.seed = seed;
    const [image] = await generator.run(workflow, `${prompt} seed ${seed} at ${trainingSide}²`);
    candidates.push({ prompt, seed, atTrainingSize: (await categoryProbability([image!], prompt))[0]! });
  }
}
candidates.sort((a, b) => b.atTrainingSize - a.atTrainingSize);
const finalists = FIDELITY_PROMPTS.flatMap((prompt) => candidates.find((candidate) => candidate.prompt === prompt) ?? [])
  .sort((a, b) => b.atTrainingSize - a.atTrainingSize)
  .slice(0, Number(args.finalists));
const side = Number(args.side);
for (const finalist of finalists) {
  const [picture] = await generator.run(comparisonWorkflow(base, { side, trainingSide, prompt: finalist.prompt, seed: finalist.seed }), `comparison ${finalist.prompt} seed ${finalist.seed}`);
  [finalist.direct, finalist.scaleCrafter] = await categoryProbability(halves(picture!, side), finalist.prompt);
}
finalists.sort((a, b) => b.scaleCrafter! - b.direct! - (a.scaleCrafter! - a.direct!));
await classifier.release();

const percent = (value: number | undefined) => (value === undefined ? '–' : `${(value * 100).toFixed(0)}%`);
console.log(`P(prompt's category) by the fidelity classifier; ${candidates.length} candidates at ${trainingSide}², the ${finalists.length} best compared at ${side}²\n`);
console.log('| prompt | seed | at ' + `${trainingSide}² | Direct-Inf ${side}² | ScaleCrafter ${side}² |\n|---|---|---|---|---|`);
for (const row of finalists) console.log(`| ${row.prompt} | ${row.seed} | ${percent(row.atTrainingSize)} | ${percent(row.direct)} | ${percent(row.scaleCrafter)} |`);
process.exit(0);
