/** Runs an ONNX file once on the CPU EP and releases the session (the tiny-pipeline tests' end-to-end runs). */
import type { HostTensor } from '../../app/runtime/host-tensor.js';
import { openSession } from '../../app/runtime/session.js';

export async function runOnnxFile(path: string, feeds: Record<string, HostTensor>): Promise<Record<string, HostTensor>> {
  const session = await openSession(path, { executionProvider: 'cpu' });
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}
