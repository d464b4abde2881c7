/**
 * The files a single-file checkpoint does not carry and every pipeline folder needs, per family:
 * the scheduler each family's reference diffusers repository ships (SD 1.5: PNDM, SD 2.1: DDIM,
 * SDXL: Euler with "leading" spacing; all with SD's scaled-linear betas 0.00085 → 0.012 and
 * steps_offset 1), and CLIP tokenizer folders — SD 1.x pads with <|endoftext|>, OpenCLIP (SD 2.x,
 * SDXL's tokenizer_2) with "!" (id 0), the only difference between the two.
 */
import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { loadClipBpeVocabulary } from '../../diffusion/tokenizer/clip-bpe-vocabulary.js';
import { CLIP_EOS_TOKEN } from '../../diffusion/tokenizer/clip-tokenizer-json.js';
import { writeClipTokenizerFolder } from '../../diffusion/tokenizer/tokenizer-folder.js';
import type { ModelFamily } from '../pipeline-folder.js';
import { diffusersSchedulerConfig, onnxPipelineModelIndex, schedulerConfigFileText, sdxlPipelineModelIndex, type SchedulerClassName } from '../sd/export-conventions.js';
import type { PredictionType } from './prediction-type.js';

const SCHEDULER: Record<ModelFamily, { className: SchedulerClassName; spacing: 'leading' | null }> = {
  sd1: { className: 'PNDMScheduler', spacing: null },
  sd2: { className: 'DDIMScheduler', spacing: null },
  sdxl: { className: 'EulerDiscreteScheduler', spacing: 'leading' },
};

export function schedulerConfigFor(family: ModelFamily, prediction: PredictionType): Record<string, unknown> {
  const { className, spacing } = SCHEDULER[family];
  return diffusersSchedulerConfig(className, { predictionType: prediction, stepsOffset: 1, timestepSpacing: spacing });
}

const OPEN_CLIP_PAD = '!';

/** tokenizer/ (and tokenizer_2/ for SDXL) with CLIP's vocabulary and the family's pad token. */
export async function writeFamilyTokenizers(folder: string, family: ModelFamily): Promise<void> {
  const vocabulary = await loadClipBpeVocabulary();
  await writeClipTokenizerFolder(join(folder, 'tokenizer'), vocabulary, { padToken: family === 'sd2' ? OPEN_CLIP_PAD : CLIP_EOS_TOKEN });
  if (family === 'sdxl') await writeClipTokenizerFolder(join(folder, 'tokenizer_2'), vocabulary, { padToken: OPEN_CLIP_PAD });
}

export async function writeSchedulerAndIndex(folder: string, family: ModelFamily, prediction: PredictionType): Promise<void> {
  const scheduler = schedulerConfigFor(family, prediction);
  await mkdir(join(folder, 'scheduler'), { recursive: true });
  await writeFile(join(folder, 'scheduler', 'scheduler_config.json'), schedulerConfigFileText(scheduler), 'utf8');
  const index = family === 'sdxl' ? sdxlPipelineModelIndex : onnxPipelineModelIndex;
  await writeFile(join(folder, 'model_index.json'), `${JSON.stringify(index(String(scheduler._class_name)), null, 2)}\n`, 'utf8');
}
