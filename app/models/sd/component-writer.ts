/**
 * Writes one built model into a diffusers-ONNX pipeline folder: <folder>/<component>/model.onnx
 * plus the config.json it was built from (as optimum's exports carry one per component).
 * Weights beyond INLINE_WEIGHT_LIMIT bytes go to an external-data sidecar (model.onnx_data as
 * torch and optimum name it, or weights.pb as diffusers' convert script does):
 * a protobuf cannot exceed 2 GiB and Node cannot read a file of more than 2 GiB in one call
 * (docs/onnxruntime-findings.md), so an SD UNet (1.7 GB in float16, 3.4 GB in float32) is always split.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { OnnxModel } from '../../onnx/model.js';
import { writeModel, type ExternalDataFileName, type WriteModelResult } from '../../onnx/model-io.js';

export type PipelineComponent = 'unet' | 'text_encoder' | 'text_encoder_2' | 'vae_decoder' | 'vae_encoder';

/** Models whose initializers exceed this are written with external data. */
export const INLINE_WEIGHT_LIMIT = 512 * 1024 * 1024;

export function initializerBytes(model: OnnxModel): number {
  return model.graph.initializer.reduce((total, tensor) => total + (tensor.rawData?.byteLength ?? 0), 0);
}

export async function writeComponent(
  pipelineFolder: string,
  component: PipelineComponent,
  model: OnnxModel,
  config: Record<string, unknown>,
  options: { inlineWeightLimit?: number; externalDataFile?: ExternalDataFileName } = {},
): Promise<WriteModelResult> {
  const folder = join(pipelineFolder, component);
  await mkdir(folder, { recursive: true });
  const external = initializerBytes(model) > (options.inlineWeightLimit ?? INLINE_WEIGHT_LIMIT);
  const result = await writeModel(model, join(folder, 'model.onnx'), { externalData: external ? (options.externalDataFile ?? 'model.onnx_data') : false });
  await writeFile(join(folder, 'config.json'), `${JSON.stringify(config, null, 2)}\n`, 'utf8');
  return result;
}
