/**
 * ComfyUI's conditioning nodes (nodes.py) on our CONDITIONING lists: Combine joins two lists
 * (the Sampler averages the model over the entries), Concat appends the first entry of one to every
 * entry of the other along the tokens (a longer context in one attention), ZeroOut zeroes the
 * embeddings and the pooled embedding (SDXL's default negative in ComfyUI), SetTimestepRange limits
 * entries to part of the schedule; SetArea, SetAreaPercentage, SetAreaStrength and SetMask place
 * entries on part of the image (the Sampler resolves and weighs them: conditioning-regions.ts).
 */
import { UserFacingError } from '../../protocol/user-facing-error.js';
import type { MaskBatch } from '../../imaging/mask.js';
import type { Conditioning, ConditioningArea, ConditioningList } from './values.js';

export const combineConditioning = (first: ConditioningList, second: ConditioningList): ConditioningList => [...first, ...second];

/** [B,T1,D] and [B,T2,D] → [B,T1+T2,D]; `to` keeps its prompt, pooled embedding and sizes, as ComfyUI keeps its dict. */
export function concatConditioning(to: ConditioningList, from: ConditioningList): ConditioningList {
  const [source] = from;
  if (source === undefined) return to;
  return to.map((entry) => {
    const [batch, tokens, width] = entry.dims;
    const [sourceBatch, sourceTokens, sourceWidth] = source.dims;
    if (sourceWidth !== width || sourceBatch !== batch) {
      throw new UserFacingError(`conditioning_from is ${sourceBatch}×${sourceTokens}×${sourceWidth} but conditioning_to is ${batch}×${tokens}×${width}; only contexts of the same width join`, {
        field: 'conditioning_from',
        hint: 'encode both prompts with the same CLIP',
      });
    }
    const embeddings = new Float32Array(batch * (tokens + sourceTokens) * width);
    for (let b = 0; b < batch; b++) {
      const at = b * (tokens + sourceTokens) * width;
      embeddings.set(entry.embeddings.subarray(b * tokens * width, (b + 1) * tokens * width), at);
      embeddings.set(source.embeddings.subarray(b * sourceTokens * width, (b + 1) * sourceTokens * width), at + tokens * width);
    }
    return { ...entry, embeddings, dims: [batch, tokens + sourceTokens, width] };
  });
}

export const zeroOutConditioning = (conditioning: ConditioningList): ConditioningList =>
  conditioning.map((entry): Conditioning => ({
    ...entry,
    embeddings: new Float32Array(entry.embeddings.length),
    pooled: entry.pooled ? new Float32Array(entry.pooled.length) : null,
  }));

export const conditioningInRange = (conditioning: ConditioningList, start: number, end: number): ConditioningList =>
  conditioning.map((entry) => ({ ...entry, timestepRange: { start, end } }));

/** ComfyUI's ConditioningSetArea(Percentage): also clears a mask's "mask bounds", as its set_area_to_bounds = False does. */
export const conditioningInArea = (conditioning: ConditioningList, area: ConditioningArea, strength: number): ConditioningList =>
  conditioning.map((entry) => ({ ...entry, area, strength, ...(entry.mask ? { mask: { ...entry.mask, setAreaToBounds: false } } : {}) }));

export const conditioningWithStrength = (conditioning: ConditioningList, strength: number): ConditioningList =>
  conditioning.map((entry) => ({ ...entry, strength }));

export const conditioningWithMask = (conditioning: ConditioningList, mask: MaskBatch, strength: number, setAreaToBounds: boolean): ConditioningList =>
  conditioning.map((entry) => ({ ...entry, mask: { mask, strength, setAreaToBounds } }));
