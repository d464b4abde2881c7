/**
 * After a build from a safetensors file: which of its tensors no graph used. A non-empty list
 * usually means the file is for another architecture or key layout than the config describes.
 */
import type { SafetensorsWeights } from '../weights/safetensors-weights.js';

/**
 * Buffers that checkpoints carry but that are not parameters: transformers before 4.31 saved
 * CLIPTextModel's position_ids (arange(77)); the graph computes positions itself.
 */
const NON_PARAMETER_TENSORS = new Set(['text_model.embeddings.position_ids']);

export function unexpectedTensors(weights: SafetensorsWeights): string[] {
  return weights.unusedTensors().filter((name) => !NON_PARAMETER_TENSORS.has(name));
}
