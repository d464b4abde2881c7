/**
 * The device's achievable MatMul throughput, measured on the same execution provider as the UNet:
 * a chain of MatMuls against a weight that lives on the device, so the one upload and download per
 * run are small next to the arithmetic (an 8192² input pair re-uploaded every run measured PCIe,
 * not the GPU: 2.7 TFLOP/s on an H100 in this project's first run).
 */
import { GraphBuilder, type Value } from '../app/onnx/graph-builder.js';
import { serializeModel } from '../app/onnx/model-io.js';
import { matMul } from '../app/onnx/ops.js';
import { toFloat16 } from '../app/runtime/float16.js';
import type { HostTensor } from '../app/runtime/host-tensor.js';
import { openSession, type ExecutionProviderName } from '../app/runtime/session.js';

export interface DevicePeak {
  tflops: number;
  size: number;
  chain: number;
  type: 'float16' | 'float32';
}

function pattern(count: number, scale: number): Float32Array {
  // Values near ±scale keep a long fp16 product chain finite.
  return Float32Array.from({ length: count }, (_, i) => (((i * 2654435761) >>> 0) / 2 ** 32 - 0.5) * scale);
}

export async function measureDevicePeak(provider: ExecutionProviderName, size: number, chain: number, timeRun: (run: () => Promise<unknown>) => Promise<number>): Promise<DevicePeak> {
  const type = provider === 'cpu' ? 'float32' : 'float16';
  const graph = new GraphBuilder({ graphName: 'matmul_peak' });
  const x = graph.input('x', type, [size, size]);
  const weightData = pattern(size * size, 2 / Math.sqrt(size));
  const weight = graph.initializer('w', type, [size, size], type === 'float16' ? toFloat16(weightData) : weightData);
  let value: Value = x;
  for (let i = 0; i < chain; i++) value = matMul(graph, value, weight);
  graph.output(value, 'y', type, [size, size]);
  const session = await openSession(serializeModel(graph.build()), { executionProvider: provider });
  const data = pattern(size * size, 1);
  const input: HostTensor = type === 'float16' ? { type, data: toFloat16(data), dims: [size, size] } : { type, data, dims: [size, size] };
  try {
    const ms = await timeRun(() => session.run({ x: input }));
    return { tflops: (2 * size ** 3 * chain) / (ms / 1000) / 1e12, size, chain, type };
  } finally {
    await session.release();
  }
}
