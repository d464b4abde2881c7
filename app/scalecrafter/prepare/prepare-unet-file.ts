/**
 * Prepares a UNet model file: reads the graph (weights stay in their sidecar and are copied
 * sidecar-to-sidecar in chunks, so a 3–10 GB UNet never sits in memory), rewrites it and writes
 * the result atomically.
 *
 * Sidecar conventions: a model with external data keeps its sidecar's name ('model.onnx_data'
 * from torch/optimum, 'weights.pb' from diffusers' scripts; anything else becomes
 * 'model.onnx_data'); a model without one gets 'model.onnx_data' only when its weights exceed
 * what the SD builders keep inline (component-writer.ts), so a prepared model looks like the one
 * it came from.
 */
import { access, mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { externalDataInfo, isExternal } from '../../onnx/external-data.js';
import { graphTensors } from '../../onnx/graph-tensors.js';
import type { OnnxModel } from '../../onnx/model.js';
import { readModel, writeModel, type ExternalDataFileName } from '../../onnx/model-io.js';
import { tensorByteLength } from '../../onnx/tensor-data.js';
import { INLINE_WEIGHT_LIMIT } from '../../models/sd/component-writer.js';
import { UserFacingError } from '../../protocol/user-facing-error.js';
import { applyRewrites, type RewrittenUnet, type UnetRewrite } from './unet-rewrite.js';

export interface PrepareUnetFileOptions {
  /** Replace an existing output file (default false: refuse). */
  overwrite?: boolean;
}

export interface PreparedUnetFile<Rewrites extends readonly UnetRewrite<unknown>[]> {
  modelPath: string;
  /** absent when every tensor is inline */
  externalDataPath?: string;
  layouts: RewrittenUnet<Rewrites>['layouts'];
  notes: readonly string[];
}

const exists = (path: string) => access(path).then(() => true, () => false);

/** The sidecar names the model's external tensors use, relative to its directory. */
function sidecarLocations(model: OnnxModel): Set<string> {
  const locations = new Set<string>();
  for (const { tensor } of graphTensors(model.graph)) if (isExternal(tensor)) locations.add(externalDataInfo(tensor).location);
  return locations;
}

function sidecarFor(model: OnnxModel): ExternalDataFileName | false {
  const locations = sidecarLocations(model);
  if (locations.size === 1) {
    const [only] = locations;
    if (only === 'model.onnx_data' || only === 'weights.pb') return only;
  }
  if (locations.size > 0) return 'model.onnx_data';
  let bytes = 0;
  for (const { tensor, role } of graphTensors(model.graph)) if (role === 'initializer') bytes += tensorByteLength(tensor) ?? 0;
  return bytes > INLINE_WEIGHT_LIMIT ? 'model.onnx_data' : false;
}

/** Reads `input`, applies `rewrites` in order and writes the result to `output`. Throws UserFacingError. */
export async function prepareUnetFile<const Rewrites extends readonly UnetRewrite<unknown>[]>(
  input: string,
  output: string,
  rewrites: Rewrites,
  options: PrepareUnetFileOptions = {},
): Promise<PreparedUnetFile<Rewrites>> {
  const inputPath = resolve(input);
  const outputPath = resolve(output);
  if (!options.overwrite && (await exists(outputPath))) {
    throw new UserFacingError(`${outputPath} already exists; choose another --out, or pass --force to replace it`);
  }
  const model = await readModel(inputPath);
  const { model: prepared, layouts, notes } = applyRewrites(model, rewrites);
  const sidecar = sidecarFor(model);
  if (sidecar && outputPath !== inputPath) {
    const target = join(dirname(outputPath), sidecar);
    const inputSidecars = [...sidecarLocations(model)].map((location) => resolve(dirname(inputPath), location));
    if (inputSidecars.includes(target)) {
      throw new UserFacingError(
        `writing ${outputPath} would replace ${target}, the weights of ${inputPath}; write the prepared model into another folder ` +
          '(or replace the input itself with --force)',
      );
    }
  }
  // As `models build` does: --out may name a folder that does not exist yet.
  await mkdir(dirname(outputPath), { recursive: true });
  const written = await writeModel(prepared, outputPath, { externalData: sidecar });
  return {
    modelPath: written.modelPath,
    ...(written.externalDataPath ? { externalDataPath: written.externalDataPath } : {}),
    layouts,
    notes,
  };
}
