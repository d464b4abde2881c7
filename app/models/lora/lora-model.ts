/**
 * A component model with LoRAs merged, as ONNX Runtime opens it without rebuilding the model: the
 * graph (the file's own, unchanged but for where the changed weights live) as bytes, and the
 * changed weights in one file of the model's folder (`.lora-merged/<hash of the LoRA set>.bin`),
 * every other weight still read from where it was. Only the changed weights are written; a strength
 * change opens a new session from these, not a new graph — and a ScaleCrafter-prepared UNet gets
 * the same treatment, so its rewrites read the merged weights at run time (docs/lora.md).
 *
 * Why a file and not ORT's in-memory `externalData`: once that table is given, ORT 1.30 wants every
 * external file of the graph in it (a 3–10 GB UNet sidecar in memory), and it refuses external
 * paths that are absolute or leave the model's folder (docs/onnxruntime-findings.md).
 */
import path from 'node:path';
import { createHash } from 'node:crypto';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { TensorDataType } from '../../onnx/data-type.js';
import { ExternalDataFileWriter } from '../../onnx/external-data.js';
import { readModel, serializeModel } from '../../onnx/model-io.js';
import { withExternalData } from '../../onnx/tensor-data.js';
import { UserFacingError } from '../../protocol/user-facing-error.js';
import { toFloat16 } from '../../runtime/float16.js';
import { mergedWeights, type AppliedLora } from './lora-merge.js';
import type { LoraComponent } from './lora-targets.js';

/** The folder, inside the model's own (ORT reads external data only from there), holding merged weights. */
export const MERGED_WEIGHTS_FOLDER = '.lora-merged';

export interface ModelWithMergedWeights {
  readonly model: Uint8Array;
  /** the model file's folder: where its external data, the merged weights included, is found */
  readonly folder: string;
}

/** The LoRAs that change `component`, in order: what identifies its merged session. */
export function lorasFor(component: LoraComponent, loras: readonly AppliedLora[]): AppliedLora[] {
  return loras.filter((lora) => lora.strength !== 0 && lora.components.includes(component));
}

/** A key naming the merged weights: every LoRA's file, version and strength, in order. */
export function loraSetTag(loras: readonly AppliedLora[]): string {
  return loras.map((lora) => `${lora.file}@${lora.fingerprint}*${lora.strength}`).join(';');
}

function storedBytes(values: Float32Array, dataType: number): Uint8Array {
  const stored = dataType === TensorDataType.FLOAT16 ? toFloat16(values) : values;
  return new Uint8Array(stored.buffer, stored.byteOffset, stored.byteLength);
}

/** Writes the merged weights aside and renames them into place; older merged files of the model go (an open session keeps its mapping on POSIX; where a file is still in use it stays). */
async function writeMergedWeights(folder: string, fileName: string, merged: ReadonlyMap<string, { weight: Float32Array; dataType: number }>): Promise<Map<string, { offset: number; length: number }>> {
  const directory = path.join(folder, MERGED_WEIGHTS_FOLDER);
  await mkdir(directory, { recursive: true });
  const staging = path.join(directory, `${fileName}.partial-${process.pid}`);
  const writer = await ExternalDataFileWriter.create(staging);
  const placements = new Map<string, { offset: number; length: number }>();
  try {
    for (const [name, { weight, dataType }] of merged) placements.set(name, await writer.append(storedBytes(weight, dataType)));
  } finally {
    await writer.close();
  }
  const stale = (await readdir(directory)).filter((name) => name !== fileName && !name.includes('.partial-'));
  await Promise.all(stale.map((name) => rm(path.join(directory, name), { force: true }).catch(() => undefined)));
  await rename(staging, path.join(directory, fileName));
  return placements;
}

/** `modelPath` with `loras` merged into its `component` weights. Throws UserFacingError when a LoRA does not fit. */
export async function modelWithLoras(modelPath: string, component: LoraComponent, loras: readonly AppliedLora[]): Promise<ModelWithMergedWeights> {
  const model = await readModel(modelPath);
  const folder = path.dirname(path.resolve(modelPath));
  const merged = await mergedWeights(model, component, loras, path.basename(path.dirname(folder)));
  const dataTypes = new Map(model.graph.initializer.map((tensor) => [tensor.name ?? '', tensor.dataType]));
  const fileName = `${createHash('sha256').update(loraSetTag(loras)).digest('hex').slice(0, 24)}.bin`;
  const weights = new Map([...merged].map(([name, weight]) => [name, { weight, dataType: dataTypes.get(name)! }]));
  const placements = await writeMergedWeights(folder, fileName, weights).catch((error: unknown) => {
    throw new UserFacingError(`cannot write the LoRA-merged weights into ${path.join(folder, MERGED_WEIGHTS_FOLDER)}: ${(error as Error).message}`, {
      hint: 'LoRAs are merged into a file beside the model: make its folder writable, or put the model into the models folder',
      cause: error,
    });
  });
  const location = `${MERGED_WEIGHTS_FOLDER}/${fileName}`;
  const initializer = model.graph.initializer.map((tensor) => {
    const placement = placements.get(tensor.name ?? '');
    return placement ? withExternalData(tensor, location, placement.offset, placement.length) : tensor;
  });
  return { model: serializeModel({ ...model, graph: { ...model.graph, initializer } }), folder };
}
