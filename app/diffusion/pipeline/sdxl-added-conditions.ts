/**
 * SDXL's added conditions (the UNet's text_embeds and time_ids inputs, diffusers'
 * `added_cond_kwargs`) and its unconditional prompt rule, kept out of the Sampler node.
 */
import type { PipelineFolder } from '../../models/pipeline-folder.js';
import type { Conditioning, SizeConditioning } from './values.js';

/** diffusers' _get_add_time_ids: list(original_size + crops_coords_top_left + target_size), each (height, width) / (top, left). */
export function timeIds(size: SizeConditioning): number[] {
  return [...size.originalSize, ...size.cropTopLeft, ...size.targetSize];
}

/** The pipeline's defaults: original and target size = the image's, crop (0, 0). */
export function imageSizeConditioning(height: number, width: number): SizeConditioning {
  return { originalSize: [height, width], cropTopLeft: [0, 0], targetSize: [height, width] };
}

/**
 * diffusers' force_zeros_for_empty_prompt (SDXL base): without a negative prompt the unconditional
 * embeddings and pooled embedding are zeros, not the encoding of "". A graph cannot tell "no
 * negative prompt" from an empty one, so an empty negative prompt counts as none.
 */
export function unconditionalConditioning(folder: PipelineFolder, negative: Conditioning): Conditioning {
  if (!folder.forceZerosForEmptyPrompt || negative.prompt.trim() !== '') return negative;
  return {
    ...negative,
    embeddings: new Float32Array(negative.embeddings.length),
    pooled: negative.pooled ? new Float32Array(negative.pooled.length) : null,
  };
}

/**
 * The rows of text_embeds and time_ids for a batch made of each conditioning repeated `repeat`
 * times, in order (CFG's [uncond, cond], as the context). A conditioning without its own size takes
 * `fallback`'s, as diffusers gives the negative side the positive side's sizes unless told apart.
 */
export function addedConditionRows(conditionings: readonly Conditioning[], repeat: number, fallback: SizeConditioning): { textEmbeds: Float32Array; timeIds: Float32Array } {
  const width = conditionings[0]?.pooled?.length ?? 0;
  const textEmbeds = new Float32Array(conditionings.length * repeat * width);
  const ids = new Float32Array(conditionings.length * repeat * 6);
  conditionings.forEach((conditioning, index) => {
    const row = timeIds(conditioning.size ?? fallback);
    for (let r = 0; r < repeat; r++) {
      const at = index * repeat + r;
      textEmbeds.set(conditioning.pooled!, at * width);
      ids.set(row, at * 6);
    }
  });
  return { textEmbeds, timeIds: ids };
}
