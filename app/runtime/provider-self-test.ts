/**
 * Can an execution provider be trusted with a pipeline? Listed is not enough: onnxruntime-node lists
 * CUDA even when its libraries were never installed, and some WebGPU adapters compute wrong answers: ORT 1.30's MultiHeadAttention on Mesa's lavapipe is off
 * by up to 0.2 once the query has 32 or more tokens (measured here; exact on an H100). Before trusting
 * an adapter with a whole pipeline, run a small attention graph on it and on the CPU and compare.
 */
import { GraphBuilder } from '../onnx/graph-builder.js';
import { serializeModel } from '../onnx/model-io.js';
import { multiHeadAttention } from '../onnx/ops.js';
import type { HostTensor } from './host-tensor.js';
import type { ExecutionProviderName } from './execution-provider.js';
import { openSession } from './session.js';

const TOKENS = 64;
const CHANNELS = 16;
const HEADS = 2;
/** fp32 attention on a correct adapter agrees with the CPU to ~1e-6; a broken one is off by 1e-2 or more. */
const TOLERANCE = 1e-3;

const verdicts = new Map<ExecutionProviderName, Promise<string | null>>();

/** Null when the provider opens a session and computes attention like the CPU, else why not. Runs once per provider and process. */
export function providerProblem(provider: ExecutionProviderName): Promise<string | null> {
  if (provider === 'cpu') return Promise.resolve(null);
  let verdict = verdicts.get(provider);
  if (!verdict) {
    verdict = compareAttentionWithCpu(provider).catch((error: unknown) => (error instanceof Error ? error.message : String(error)));
    verdicts.set(provider, verdict);
  }
  return verdict;
}

async function compareAttentionWithCpu(provider: ExecutionProviderName): Promise<string | null> {
  const graph = new GraphBuilder({ graphName: 'webgpu_self_test' });
  const shape = [1, TOKENS, CHANNELS];
  const [q, k, v] = ['q', 'k', 'v'].map((name) => graph.input(name, 'float32', shape)) as [ReturnType<typeof graph.input>, ReturnType<typeof graph.input>, ReturnType<typeof graph.input>];
  graph.output(multiHeadAttention(graph, q, k, v, { numHeads: HEADS }), 'out', 'float32', shape);
  const model = serializeModel(graph.build());
  const feeds: Record<string, HostTensor> = {};
  ['q', 'k', 'v'].forEach((name, index) => {
    const data = new Float32Array(TOKENS * CHANNELS);
    // A fixed, non-trivial pattern: smooth enough to give varied softmax weights.
    for (let i = 0; i < data.length; i++) data[i] = Math.sin(0.37 * i + index) * 1.5;
    feeds[name] = { type: 'float32', data, dims: shape };
  });
  const cpu = await openSession(model, { executionProvider: 'cpu' });
  const gpu = await openSession(model, { executionProvider: provider }).catch(async (error: unknown) => {
    await cpu.release();
    throw error;
  });
  try {
    const expected = (await cpu.run(feeds)).out!.data as Float32Array;
    const actual = (await gpu.run(feeds)).out!.data as Float32Array;
    let worst = 0;
    for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(expected[i]! - actual[i]!));
    return worst <= TOLERANCE ? null : `its attention results differ from the CPU's by ${worst.toExponential(2)} (a known ONNX Runtime problem on some adapters, e.g. Mesa lavapipe)`;
  } finally {
    await Promise.all([cpu.release(), gpu.release()]);
  }
}
