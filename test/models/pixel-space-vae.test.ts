import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkSignature } from '../../app/diffusion/pipeline/model-signature.js';
import { buildPixelSpaceVaeDecoder, buildPixelSpaceVaeEncoder } from '../../app/models/pixel-space-vae.js';
import { serializeModel } from '../../app/onnx/model-codec.js';
import { toFloat16 } from '../../app/runtime/float16.js';
import type { HostTensor } from '../../app/runtime/host-tensor.js';
import { openSession } from '../../app/runtime/session.js';

const CASES = [
  { role: 'vae_decoder', build: buildPixelSpaceVaeDecoder, input: 'latent_sample', output: 'sample' },
  { role: 'vae_encoder', build: buildPixelSpaceVaeEncoder, input: 'sample', output: 'latent_sample' },
] as const;

describe('the pixel-space identity VAE graphs', () => {
  for (const { role, build, input, output } of CASES) {
    for (const dtype of ['float32', 'float16'] as const) {
      test(`${role} (${dtype}) has the optimum I/O names and returns any batch and size unchanged`, async () => {
        const session = await openSession(serializeModel(build(3, dtype)), { executionProvider: 'cpu' });
        try {
          checkSignature(session, role);
          for (const dims of [[1, 3, 32, 32], [2, 3, 20, 44]]) {
            const count = dims.reduce((a, b) => a * b, 1);
            const values = Float32Array.from({ length: count }, (_, i) => Math.sin(i * 0.37) * 1.5);
            const tensor: HostTensor = dtype === 'float32' ? { type: 'float32', data: values, dims } : { type: 'float16', data: toFloat16(values), dims };
            const result = (await session.run({ [input]: tensor }))[output]!;
            assert.deepEqual([...result.dims], dims);
            assert.equal(result.type, dtype);
            assert.deepEqual(result.data, tensor.data, 'bit for bit');
          }
        } finally {
          await session.release();
        }
      });
    }
  }
});
