// Reading and writing model.onnx files, with or without an external-data sidecar.
//
// Reading keeps external tensors external by default ('reference'): the graph of a 5 GB UNet
// loads in milliseconds and tensor bytes are read on demand (readTensorValues) or copied
// sidecar-to-sidecar in chunks when the model is written again after a rewrite.
// Writing is atomic: model and sidecar go to temporary names first and are renamed at the end,
// so rewriting a model in place (its sidecar is also the copy source) is safe.
import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { TensorDataType } from './data-type.js';
import { DEFAULT_CHUNK_SIZE, ExternalDataFileWriter, ExternalDataMemorySink, externalDataInfo, isExternal, resolveExternalPath, type ExternalDataSink } from './external-data.js';
import { graphTensors, mapGraphTensors } from './graph-tensors.js';
import { onnxFormatError, parseModel, serializeModel } from './model-codec.js';
import type { OnnxModel } from './model.js';
import { UserFacingError } from '../protocol/user-facing-error.js';
import { readTensorBytes, tensorByteLength, withExternalData, withRawData } from './tensor-data.js';

export { parseModel, serializeModel } from './model-codec.js';

/** The sidecar names ORT exporters use: torch/optimum 'model.onnx_data', diffusers' SD scripts 'weights.pb'. */
export type ExternalDataFileName = 'model.onnx_data' | 'weights.pb';

/** onnx.external_data_helper's default size_threshold: smaller tensors stay inline. */
export const DEFAULT_SIZE_THRESHOLD = 1024;
/** Protobuf messages are limited to 2 GiB (signed 32-bit sizes). */
const PROTOBUF_LIMIT = 2 ** 31 - 1;

export interface ReadModelOptions {
  /** 'reference' (default): external tensors stay on disk; 'load': read them into raw_data now */
  externalData?: 'reference' | 'load';
  chunkSize?: number;
}

export async function readModel(path: string, options: ReadModelOptions = {}): Promise<OnnxModel> {
  const file = resolve(path);
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (error) {
    throw onnxFormatError(file, `cannot read the model file: ${(error as Error).message}`, { cause: error });
  }
  if (size > PROTOBUF_LIMIT) {
    throw onnxFormatError(file, `is ${size} bytes; an ONNX protobuf cannot exceed 2 GiB, so this is not a valid model.onnx (weights belong in external data)`);
  }
  const model = parseModel(await readFile(file), file);
  model.externalDataDirectory = dirname(file);
  if (options.externalData !== 'load') return model;
  const readOptions = { baseDirectory: model.externalDataDirectory, chunkSize: options.chunkSize ?? DEFAULT_CHUNK_SIZE };
  try {
    const graph = await mapGraphTensors(model.graph, async (tensor) =>
      isExternal(tensor) ? withRawData(tensor, await readTensorBytes(tensor, readOptions)) : tensor,
    );
    return { ...model, graph };
  } catch (error) {
    // A tensor's external data names the tensor and the sidecar, not the model whose entry is wrong.
    if (error instanceof UserFacingError) throw new UserFacingError(`${file}: ${error.message}`, { hint: error.hint, code: error.code, cause: error.cause });
    throw error;
  }
}

interface ExternalizeOptions {
  sink: ExternalDataSink | undefined;
  location: string;
  sizeThreshold: number;
  chunkSize: number;
}

/**
 * The model with initializers of >= sizeThreshold bytes moved into `sink` (when given) and every
 * other tensor inline; tensors that were external in the source are copied or inlined.
 */
async function externalize(model: OnnxModel, options: ExternalizeOptions): Promise<OnnxModel> {
  const readOptions = { baseDirectory: model.externalDataDirectory, chunkSize: options.chunkSize };
  const { sink } = options;
  const graph = await mapGraphTensors(model.graph, async (tensor, role) => {
    const size = tensorByteLength(tensor);
    const movable = sink && role === 'initializer' && tensor.dataType !== TensorDataType.STRING && size !== undefined && size >= options.sizeThreshold;
    if (movable) {
      let placed;
      if (isExternal(tensor)) {
        const info = externalDataInfo(tensor);
        placed = await sink.copyFrom(resolveExternalPath(model.externalDataDirectory, info, tensor.name ?? ''), info.offset, size);
      } else {
        placed = await sink.append(await readTensorBytes(tensor));
      }
      return withExternalData(tensor, options.location, placed.offset, placed.length);
    }
    return isExternal(tensor) ? withRawData(tensor, await readTensorBytes(tensor, readOptions)) : tensor;
  });
  const out: OnnxModel = { ...model, graph };
  delete out.externalDataDirectory;
  return out;
}

function checkFitsProtobuf(model: OnnxModel, target: string): void {
  let inline = 0;
  for (const { tensor } of graphTensors(model.graph)) if (!isExternal(tensor)) inline += tensorByteLength(tensor) ?? 0;
  if (inline > PROTOBUF_LIMIT) {
    throw onnxFormatError(target, `would hold ${inline} bytes of inline tensors, beyond protobuf's 2 GiB limit; write it with externalData: 'model.onnx_data'`);
  }
}

export interface WriteModelOptions {
  /** false (default): everything inline; otherwise the sidecar file name next to the model */
  externalData?: false | ExternalDataFileName;
  /** initializers of at least this many bytes go to the sidecar (default 1024) */
  sizeThreshold?: number;
  chunkSize?: number;
}

export interface WriteModelResult {
  modelPath: string;
  /** absent when nothing went external */
  externalDataPath?: string;
  externalTensorCount: number;
}

export async function writeModel(model: OnnxModel, path: string, options: WriteModelOptions = {}): Promise<WriteModelResult> {
  const modelPath = resolve(path);
  const directory = dirname(modelPath);
  const sidecarName = options.externalData || undefined;
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const suffix = `.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const modelTemp = join(directory, basename(modelPath) + suffix);
  const sidecarTemp = sidecarName ? join(directory, sidecarName + suffix) : undefined;
  const writer = sidecarTemp ? await ExternalDataFileWriter.create(sidecarTemp, chunkSize) : undefined;
  try {
    const placed = await externalize(model, {
      sink: writer, location: sidecarName ?? '', sizeThreshold: options.sizeThreshold ?? DEFAULT_SIZE_THRESHOLD, chunkSize,
    });
    await writer?.close();
    checkFitsProtobuf(placed, modelPath);
    await writeFile(modelTemp, serializeModel(placed));
    const externalTensorCount = [...graphTensors(placed.graph)].filter(({ tensor }) => isExternal(tensor)).length;
    const result: WriteModelResult = { modelPath, externalTensorCount };
    if (sidecarName && sidecarTemp && externalTensorCount > 0) {
      result.externalDataPath = join(directory, sidecarName);
      await rename(sidecarTemp, result.externalDataPath);
    } else if (sidecarTemp) {
      await rm(sidecarTemp, { force: true });
    }
    await rename(modelTemp, modelPath);
    return result;
  } catch (error) {
    await writer?.close().catch(() => undefined);
    await Promise.all([modelTemp, sidecarTemp].map((temp) => temp && rm(temp, { force: true })));
    throw error;
  }
}

/**
 * Model bytes plus its external data held in memory, the form ORT's `externalData` session
 * option takes ([{path: location, data}]): for models built in-process that exceed 2 GiB.
 */
export async function serializeWithExternalData(
  model: OnnxModel,
  options: { location?: ExternalDataFileName; sizeThreshold?: number; chunkSize?: number } = {},
): Promise<{ model: Uint8Array; externalData: Array<{ path: string; data: Uint8Array }> }> {
  const location = options.location ?? 'model.onnx_data';
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const sink = new ExternalDataMemorySink(chunkSize);
  const placed = await externalize(model, { sink, location, sizeThreshold: options.sizeThreshold ?? DEFAULT_SIZE_THRESHOLD, chunkSize });
  checkFitsProtobuf(placed, '<in-memory model>');
  return { model: serializeModel(placed), externalData: [{ path: location, data: sink.contents() }] };
}
