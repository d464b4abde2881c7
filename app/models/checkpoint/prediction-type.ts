/**
 * Whether the UNet predicts the noise (epsilon) or the velocity (v). Single files do not say; the
 * rule is ComfyUI's (supported_models.py SD20.model_type, SDXL.model_type):
 * - SD 2.x with 4 input channels (not an inpainting model): v-prediction when the population
 *   standard deviation of output_blocks.11.1.transformer_blocks.0.norm1.bias exceeds 0.09 — the
 *   768² v models (v2-1_768-ema-pruned) land far above, the 512² epsilon base models below. A
 *   smaller UNet (test sizes) has no block 11: its last output block with a transformer is read.
 * - SDXL: v-prediction when the file carries a "v_pred" marker key, otherwise epsilon.
 * - SD 1.x: epsilon.
 * `--prediction` overrides the rule either way.
 */
import type { ModelFamily } from '../pipeline-folder.js';
import type { SafetensorsFile } from '../weights/safetensors-file.js';
import { LDM_UNET_PREFIX } from './unet-keys.js';

export type PredictionType = 'epsilon' | 'v_prediction';

export interface PredictionDecision {
  prediction: PredictionType;
  /** Why, for the import report ("std of … = 0.13 > 0.09"). */
  reason: string;
}

export const V_PREDICTION_STD_THRESHOLD = 0.09;
const PROBE = /^output_blocks\.(\d+)\.1\.transformer_blocks\.0\.norm1\.bias$/;

/** The norm1.bias ComfyUI reads: output block 11's, or the last output block's that has one. */
function probeTensor(file: SafetensorsFile): string | null {
  let best: { index: number; name: string } | null = null;
  for (const name of file.tensorNames()) {
    const match = name.startsWith(LDM_UNET_PREFIX) ? PROBE.exec(name.slice(LDM_UNET_PREFIX.length)) : null;
    if (!match) continue;
    const index = Number(match[1]);
    if (index === 11) return name;
    if (best === null || index > best.index) best = { index, name };
  }
  return best?.name ?? null;
}

/** Population standard deviation (torch.std(unbiased=False)). */
export function populationStd(values: Float32Array): number {
  if (values.length === 0) return 0;
  let mean = 0;
  for (const value of values) mean += value;
  mean /= values.length;
  let variance = 0;
  for (const value of values) variance += (value - mean) ** 2;
  return Math.sqrt(variance / values.length);
}

export function detectPrediction(file: SafetensorsFile, family: ModelFamily, inChannels: number): PredictionDecision {
  if (family === 'sdxl') {
    return file.info('v_pred') ? { prediction: 'v_prediction', reason: 'the file has a "v_pred" key' } : { prediction: 'epsilon', reason: 'SDXL default' };
  }
  if (family === 'sd1') return { prediction: 'epsilon', reason: 'SD 1.x is always epsilon' };
  if (inChannels !== 4) return { prediction: 'epsilon', reason: `${inChannels} input channels (an inpainting model): epsilon` };
  const probe = probeTensor(file);
  if (probe === null) return { prediction: 'epsilon', reason: 'no output-block transformer to measure' };
  const std = populationStd(file.readSync(probe));
  const over = std > V_PREDICTION_STD_THRESHOLD;
  return {
    prediction: over ? 'v_prediction' : 'epsilon',
    reason: `std of ${probe.slice(LDM_UNET_PREFIX.length)} = ${std.toFixed(4)} ${over ? '>' : '≤'} ${V_PREDICTION_STD_THRESHOLD}`,
  };
}
