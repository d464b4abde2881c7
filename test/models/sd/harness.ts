/**
 * Shared pieces of the SD builder tests: run a built graph on an execution provider, feed
 * NdArrays, build a one-block graph inside a module scope, and a WeightSource whose norm
 * parameters are NOT the identity (SeededWeights gives norm weight 1 / bias 0, which would hide
 * a swapped or dropped affine).
 */
import { GraphBuilder, type OnnxModel, type Value } from '../../../app/onnx/graph-builder.js';
import { serializeModel } from '../../../app/onnx/model-codec.js';
import { fromFloat16, toFloat16 } from '../../../app/runtime/float16.js';
import type { HostTensor } from '../../../app/runtime/host-tensor.js';
import { openSession } from '../../../app/runtime/session.js';
import type { FloatType, LayerContext } from '../../../app/models/sd/layers/layer-context.js';
import { initRuleFor } from '../../../app/models/weights/init-policy.js';
import { SeededWeights } from '../../../app/models/weights/seeded-weights.js';
import type { WeightSource } from '../../../app/models/weights/weight-source.js';
import type { Tolerance } from '../../reference/compare.js';
import { NdArray } from '../../reference/ndarray.js';

// Dawn (WebGPU EP) warns without a writable runtime dir (docs/onnxruntime-findings.md).
process.env.XDG_RUNTIME_DIR ||= '/tmp';

export type TestProvider = 'cpu' | 'webgpu';
/**
 * Every graph test runs on both EPs. Known limit of the WebGPU EP on Mesa lavapipe (this CI's
 * Vulkan): com.microsoft.MultiHeadAttention is WRONG (errors ~0.1) once a head sees 32 or more
 * query tokens and more than 8 keys — ORT 1.30 takes its subgroup flash-attention path there,
 * whereas on NVIDIA it takes the shared-memory path, which was checked on an H100 to match the
 * CPU EP to 1e-7 at 4096 × 4096 tokens. WebGPU tests therefore keep attention below 32 tokens.
 */
export const PROVIDERS: readonly TestProvider[] = ['cpu', 'webgpu'];

/**
 * float32 tolerances against the references (which accumulate in float64): float32 rounding of
 * O(1) activations through a few dozen ops. Both EPs land within ~1e-6 here; the bound leaves
 * room for other summation orders (other CPUs, other GPUs) without hiding a wrong op.
 */
export const FP32_TOLERANCE: Record<TestProvider, Tolerance> = {
  cpu: { atol: 1e-4, rtol: 1e-4 },
  webgpu: { atol: 1e-4, rtol: 1e-4 },
};

export function feed(x: NdArray, dtype: FloatType): HostTensor {
  return dtype === 'float16' ? { type: 'float16', data: toFloat16(x.data), dims: [...x.shape] } : { type: 'float32', data: x.data, dims: [...x.shape] };
}

/** Runs `model` once on `provider`; float outputs come back as float32 NdArrays. */
export async function runModel(model: OnnxModel, feeds: Record<string, HostTensor>, provider: TestProvider): Promise<Record<string, NdArray>> {
  const session = await openSession(serializeModel(model), { executionProvider: provider });
  try {
    const outputs = await session.run(feeds);
    const result: Record<string, NdArray> = {};
    for (const [name, tensor] of Object.entries(outputs)) {
      const data = tensor.type === 'float16' ? fromFloat16(tensor.data as Uint16Array) : tensor.data;
      if (!(data instanceof Float32Array)) throw new TypeError(`output ${name} is ${tensor.type}, not a float tensor`);
      result[name] = new NdArray([...tensor.dims], data);
    }
    return result;
  } finally {
    await session.release();
  }
}

export interface BlockGraphSpec {
  dtype: FloatType;
  weights: WeightSource;
  /** Graph inputs (float, of `dtype`) by name, with fixed shapes. */
  inputs: Record<string, number[]>;
  outputShape: number[];
  /** Module path the block lives at, e.g. ["down_blocks.0", "resnets.1"]. */
  scope: string[];
  build: (ctx: LayerContext, inputs: Record<string, Value>) => Value;
}

/** A graph holding one block: its inputs, the block built inside `scope`, output "y". */
export function blockModel(spec: BlockGraphSpec): OnnxModel {
  const g = new GraphBuilder({ graphName: 'block' });
  const ctx: LayerContext = { g, weights: spec.weights, dtype: spec.dtype };
  const values: Record<string, Value> = {};
  for (const [name, shape] of Object.entries(spec.inputs)) values[name] = g.input(name, spec.dtype, shape);
  const enter = (depth: number): Value => (depth === spec.scope.length ? spec.build(ctx, values) : g.withScope(spec.scope[depth]!, () => enter(depth + 1)));
  g.output(enter(0), 'y', spec.dtype, spec.outputShape);
  return g.build();
}

/**
 * SeededWeights, except that normalisation weights are 1 + U(±0.35) and their biases U(±0.35)
 * (drawn from the same seed under a derived name), so the affine part of every norm shows.
 */
export class VariedNormWeights implements WeightSource {
  readonly description: string;
  private readonly seeded: SeededWeights;

  constructor(seed: number) {
    this.seeded = new SeededWeights(seed);
    this.description = `seeded weights with varied norms (seed ${seed})`;
  }

  tensor(name: string, shape: readonly number[]): Float32Array {
    const values = this.seeded.tensor(name, shape);
    const rule = initRuleFor(name, shape);
    if (rule.kind !== 'constant') return values;
    // SeededWeights' std-0.02 rule for a non-norm 1-D tensor, scaled ×10: std 0.2, range ±0.35.
    const noise = this.seeded.tensor(`perturbation.${name.replaceAll('.', '_')}`, shape);
    return values.map((value, i) => value + 10 * noise[i]!);
  }
}

/** Rounds every element to float16 and back: the inputs a float16 graph actually sees. */
export function roundedToFloat16(x: NdArray): NdArray {
  return new NdArray([...x.shape], fromFloat16(toFloat16(x.data)));
}

/**
 * A float16 graph against the float32 graph of the same weights, fed the same float16-rounded
 * inputs. float16 keeps ~3 significant digits; through a tiny UNet, CLIP or VAE (tens of layers)
 * the WebGPU EP, which really computes in float16, lands within 1e-2 relative RMS and 2.5e-2 of
 * any O(1) output element here (the CPU EP widens to float32 inside most kernels and is 10×
 * closer). Bounds: relative RMS ≤ 2e-2 and |diff| ≤ 5e-2 + 5e-2·|fp32| per element.
 */
export function assertFloat16Close(fp16: NdArray, fp32: NdArray, label: string): void {
  let squaredError = 0;
  let squaredReference = 0;
  fp32.data.forEach((expected, i) => {
    const actual = fp16.data[i]!;
    squaredError += (actual - expected) ** 2;
    squaredReference += expected ** 2;
    if (!(Math.abs(actual - expected) <= 5e-2 + 5e-2 * Math.abs(expected))) {
      throw new Error(`${label}: element ${i} is ${actual} in float16, ${expected} in float32`);
    }
  });
  const relativeRms = Math.sqrt(squaredError / squaredReference);
  if (!(relativeRms <= 2e-2)) throw new Error(`${label}: relative RMS difference ${relativeRms} exceeds 2e-2`);
}

/**
 * Runs `build` with a WeightSource that hands out `source`'s tensors, fails on a parameter asked
 * for twice, and returns each asked parameter's element count by name.
 */
export function askedParameterSizes(source: WeightSource, build: (recording: WeightSource) => void): Map<string, number> {
  const asked = new Map<string, number>();
  build({
    description: 'recording',
    tensor: (name, shape) => {
      if (asked.has(name)) throw new Error(`${name} asked twice`);
      asked.set(name, shape.reduce((a, b) => a * b, 1));
      return source.tensor(name, shape);
    },
  });
  return asked;
}
