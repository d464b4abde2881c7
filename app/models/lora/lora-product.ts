/**
 * A LoRA module's product up·down by ONNX Runtime's Gemm on the CPU rather than a JavaScript loop:
 * a rank-32 LoRA on SD 1.5's transformer blocks is about 9 G multiply-adds, minutes in JavaScript
 * on a busy 2-core machine and seconds in ORT's SGEMM. For a Linear stored transposed ([in, out])
 * the same Gemm gives (up·down)ᵀ = downᵀ·upᵀ, so the sum into the stored weight stays a plain
 * element-wise add. Two tiny sessions, opened once per process; quiet threads so that their idle
 * pools do not take the cores the UNet's session needs (docs/onnxruntime-findings.md).
 */
import { GraphBuilder } from '../../onnx/graph-builder.js';
import { serializeModel } from '../../onnx/model-io.js';
import { gemm } from '../../onnx/ops.js';
import { openSession, type ModelSession } from '../../runtime/session.js';

const sessions = new Map<boolean, Promise<ModelSession>>();

function productSession(transposed: boolean): Promise<ModelSession> {
  let session = sessions.get(transposed);
  if (!session) {
    const g = new GraphBuilder({ graphName: transposed ? 'lora_product_transposed' : 'lora_product' });
    const up = g.input('up', 'float32', ['out', 'rank']);
    const down = g.input('down', 'float32', ['rank', 'inner']);
    const product = transposed ? gemm(g, down, up, null, { transA: 1, transB: 1 }) : gemm(g, up, down, null);
    g.output(product, 'product', 'float32', transposed ? ['inner', 'out'] : ['out', 'inner']);
    session = openSession(serializeModel(g.build()), { executionProvider: 'cpu', quietThreads: true });
    sessions.set(transposed, session);
    session.catch(() => sessions.delete(transposed));
  }
  return session;
}

export interface ProductShape {
  readonly out: number;
  readonly rank: number;
  /** in · kh · kw */
  readonly inner: number;
}

/** up [out, rank] · down [rank, inner], as [out, inner], or transposed as [inner, out]. */
export async function loraProduct(up: Float32Array, down: Float32Array, shape: ProductShape, transposed: boolean): Promise<Float32Array> {
  const session = await productSession(transposed);
  const outputs = await session.run({
    up: { type: 'float32', data: up, dims: [shape.out, shape.rank] },
    down: { type: 'float32', data: down, dims: [shape.rank, shape.inner] },
  });
  return outputs.product!.data as Float32Array;
}
