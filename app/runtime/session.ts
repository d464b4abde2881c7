// ONNX Runtime sessions behind a small interface: open a model on one execution provider, run it
// on HostTensors, release it. Feeds are checked against the model's input metadata first, so a
// wrong shape or type fails with the input's name and the expected vs given shape instead of a
// native error from deep inside ORT. Note: create() and run() block the calling thread in
// onnxruntime-node 1.30, so the engine calls this from a worker (docs/onnxruntime-findings.md).
import { existsSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { executionProviderConfig, providerUnavailable, type ExecutionProviderName, type ExecutionProviderOptions } from './execution-provider.js';
import { planCachedModel } from './optimized-model-cache.js';
import { UserFacingError } from '../protocol/user-facing-error.js';
import { hostTensorProblem, isTensorType, TENSOR_TYPES, type HostTensor, type HostTensorData, type TensorType } from './host-tensor.js';

export type { ExecutionProviderName } from './execution-provider.js';

export interface ValueMetadata {
  name: string;
  /** 'float32', 'int64', ... as ORT names it; only TensorType values can be fed from a HostTensor */
  type: string;
  /** numbers are fixed; strings (symbolic) and negative numbers are free dimensions */
  shape: ReadonlyArray<number | string>;
}

export interface ModelSession {
  readonly source: string;
  readonly executionProvider: ExecutionProviderName;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata: readonly ValueMetadata[];
  readonly outputMetadata: readonly ValueMetadata[];
  run(feeds: Record<string, HostTensor>): Promise<Record<string, HostTensor>>;
  release(): Promise<void>;
}

export interface OpenSessionOptions extends ExecutionProviderOptions {
  executionProvider: ExecutionProviderName;
  /** external data for a model given as bytes: path = the location written in the model */
  externalData?: Array<{ path: string; data: Uint8Array }>;
  /**
   * For a model given as bytes: the folder its on-disk external data lies in (ORT otherwise looks
   * in the working directory). With `externalData`, a graph can take some weights from memory and
   * the rest from its sidecar (the LoRA-merged sessions, app/models/lora/lora-model.ts).
   */
  externalDataFolder?: string;
  /**
   * For many small sessions used in turn (the tiled VAE's segments): no spinning thread pools and
   * no CPU memory arena. Each session otherwise keeps its own spinning pool, and idle pools steal
   * the cores the active one needs (one 256² tile: 1940 ms spinning, 192 ms without).
   */
  quietThreads?: boolean;
  /**
   * Record ONNX Runtime's profile (per node; on WebGPU also per GPU kernel) to
   * `<prefix>_<date>.json`, written when the session is released. For benchmarks: it slows runs.
   */
  profileFilePrefix?: string;
  /**
   * CPU EP, model given by path: keep ONNX Runtime's optimised graph in this folder and open that
   * on later runs (optimized-model-cache.ts; the fp32 SD 1.5 UNet opens several times faster).
   * Ignored for other EPs and in-memory models.
   */
  optimizedModelCacheDir?: string;
}

/** ORT could not load the model (missing file, corrupt protobuf, unsupported op ...). */

/** The feeds do not match the model's inputs. */

/** ONNX Runtime could not allocate memory for a run: too large an image for this device. */
export const OUT_OF_MEMORY_CODE = 'out_of_memory';
const OUT_OF_MEMORY_HINT = 'use a smaller size, a VAEDecode tile_size, or another execution provider with more memory';
const OUT_OF_MEMORY = /out of memory|failed to allocate|bad_alloc|allocation failed|OOM/i;

function describe(model: string | Uint8Array): string {
  return typeof model === 'string' ? model : `<in-memory model, ${model.byteLength} bytes>`;
}

function toMetadata(values: readonly ort.InferenceSession.ValueMetadata[]): ValueMetadata[] {
  return values.map((value) => (value.isTensor ? { name: value.name, type: value.type, shape: [...value.shape] } : { name: value.name, type: 'non-tensor', shape: [] }));
}

export async function openSession(model: string | Uint8Array, options: OpenSessionOptions): Promise<ModelSession> {
  const source = describe(model);
  const provider = executionProviderConfig(options.executionProvider, options);
  if (typeof model === 'string' && !existsSync(model)) throw new UserFacingError(`${source}: model file not found`);
  const sessionOptions: ort.InferenceSession.SessionOptions = { executionProviders: [provider] };
  if (options.externalData) sessionOptions.externalData = options.externalData;
  const sessionConfig: Record<string, unknown> = {};
  if (options.externalDataFolder !== undefined) sessionConfig.model_external_initializers_file_folder_path = options.externalDataFolder;
  if (options.profileFilePrefix !== undefined) Object.assign(sessionOptions, { enableProfiling: true, profileFilePrefix: options.profileFilePrefix });
  if (options.quietThreads) {
    sessionOptions.enableCpuMemArena = false;
    Object.assign(sessionConfig, { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } });
  }
  if (Object.keys(sessionConfig).length > 0) sessionOptions.extra = { session: sessionConfig };
  let session: ort.InferenceSession;
  try {
    if (typeof model !== 'string') session = await ort.InferenceSession.create(model, sessionOptions);
    else if (options.optimizedModelCacheDir !== undefined && options.executionProvider === 'cpu') session = await createThroughCache(model, sessionOptions, options.optimizedModelCacheDir);
    else session = await ort.InferenceSession.create(model, sessionOptions);
  } catch (error) {
    const message = (error as Error).message;
    if (options.executionProvider !== 'cpu' && /provider|adapter|device|backend/i.test(message)) {
      throw providerUnavailable(options.executionProvider, message, { cause: error });
    }
    throw new UserFacingError(`${source}: ONNX Runtime could not load the model on ${options.executionProvider}: ${message}`, { cause: error });
  }
  return new OrtModelSession(session, source, options.executionProvider);
}

/**
 * Opens the cached optimised graph of `modelPath`, or opens the model and writes that graph into
 * the cache. The cache never fails an open: an entry ORT rejects is deleted and the model opened
 * as usual, and a cache that cannot be written leaves the model opened as usual.
 */
async function createThroughCache(modelPath: string, sessionOptions: ort.InferenceSession.SessionOptions, cacheDir: string): Promise<ort.InferenceSession> {
  const plan = planCachedModel(modelPath, cacheDir, ort.env.versions.common);
  if (plan.ready) {
    try {
      // ORT's own saved graph repeats If-branch constants as initializers and warns once per
      // constant on reading it back (thousands of lines for a prepared UNet); the values are the same.
      return await ort.InferenceSession.create(plan.cachedModel, { ...sessionOptions, graphOptimizationLevel: 'disabled', logSeverityLevel: 3 });
    } catch {
      await plan.discard('entry');
    }
  }
  const staged = await plan.stage().then(() => true, () => false);
  if (!staged) return ort.InferenceSession.create(modelPath, sessionOptions);
  const extra = (sessionOptions.extra ?? {}) as { session?: Record<string, unknown> };
  const saving: ort.InferenceSession.SessionOptions = {
    ...sessionOptions,
    optimizedModelFilePath: plan.stagingModel,
    extra: { ...extra, session: { ...extra.session, ...plan.saveConfig } },
    // ORT warns that a saved NCHWc graph fits only this CPU: the cache key holds the CPU.
    logSeverityLevel: 3,
  };
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(modelPath, saving);
  } catch (error) {
    await plan.discard('staging');
    // Writing the cache failed (a full disk, say), not the model: open it without the cache.
    if (String(error).includes(path.dirname(plan.stagingModel))) return ort.InferenceSession.create(modelPath, sessionOptions);
    throw error;
  }
  await plan.commit().catch(() => plan.discard('staging'));
  return session;
}

class OrtModelSession implements ModelSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata: readonly ValueMetadata[];
  readonly outputMetadata: readonly ValueMetadata[];
  private session: ort.InferenceSession | undefined;

  constructor(session: ort.InferenceSession, readonly source: string, readonly executionProvider: ExecutionProviderName) {
    this.session = session;
    this.inputNames = [...session.inputNames];
    this.outputNames = [...session.outputNames];
    this.inputMetadata = toMetadata(session.inputMetadata);
    this.outputMetadata = toMetadata(session.outputMetadata);
  }

  async run(feeds: Record<string, HostTensor>): Promise<Record<string, HostTensor>> {
    const session = this.session;
    if (!session) throw new Error(`${this.source}: run() after release()`);
    checkFeeds(this.source, this.inputMetadata, feeds);
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const [name, tensor] of Object.entries(feeds)) ortFeeds[name] = new ort.Tensor(tensor.type, tensor.data, tensor.dims);
    let results: ort.InferenceSession.ReturnType;
    try {
      results = await session.run(ortFeeds);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (OUT_OF_MEMORY.test(message)) throw new UserFacingError(`${this.source}: ran out of memory on ${this.executionProvider}: ${message}`, { code: OUT_OF_MEMORY_CODE, hint: OUT_OF_MEMORY_HINT, cause: error });
      throw error;
    }
    const outputs: Record<string, HostTensor> = {};
    for (const [name, value] of Object.entries(results)) {
      if (!isTensorType(value.type)) {
        throw new UserFacingError(`${this.source}: output '${name}' has type ${value.type}, which HostTensor does not carry (it carries ${TENSOR_TYPES.join(', ')})`);
      }
      outputs[name] = { type: value.type as TensorType, data: value.data as HostTensorData, dims: [...value.dims] };
    }
    return outputs;
  }

  async release(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    await session?.release();
  }
}

/** Throws a UserFacingError naming the first input whose feed is missing, unknown, mistyped or misshapen. */
export function checkFeeds(source: string, inputs: readonly ValueMetadata[], feeds: Record<string, HostTensor>): void {
  const expected = new Map(inputs.map((input) => [input.name, input]));
  const unknown = Object.keys(feeds).filter((name) => !expected.has(name));
  if (unknown.length > 0) {
    throw new UserFacingError(`${source}: no input named ${unknown.map((name) => `'${name}'`).join(', ')}; the model's inputs are ${[...expected.keys()].join(', ')}`);
  }
  for (const input of inputs) {
    const feed = feeds[input.name];
    if (!feed) throw new UserFacingError(`${source}: input '${input.name}' (${input.type} [${input.shape.join(', ')}]) was not given`);
    const problem = hostTensorProblem(feed);
    if (problem) throw new UserFacingError(`${source}: input '${input.name}': ${problem}`);
    if (feed.type !== input.type) {
      throw new UserFacingError(`${source}: input '${input.name}' expects ${input.type} but got ${feed.type}`);
    }
    // ORT reports an undeclared shape as [], indistinguishable from a scalar: leave those to ORT.
    if (input.shape.length === 0) continue;
    const shapeText = `[${input.shape.join(', ')}]`;
    if (input.shape.length !== feed.dims.length) {
      throw new UserFacingError(`${source}: input '${input.name}' expects rank ${input.shape.length} ${shapeText} but got dims [${feed.dims.join(', ')}]`);
    }
    input.shape.forEach((size, axis) => {
      if (typeof size === 'number' && size >= 0 && feed.dims[axis] !== size) {
        throw new UserFacingError(`${source}: input '${input.name}' expects dims ${shapeText} but got [${feed.dims.join(', ')}] (axis ${axis} must be ${size})`);
      }
    });
  }
}
