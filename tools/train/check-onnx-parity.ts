/**
 * Runs the ONNX text encoder and UNet that `scalecrafter models build` made from the trained
 * weights on the inputs parity_inputs.py saved, and prints the largest difference from PyTorch:
 *   node --import tsx tools/train/check-onnx-parity.ts --onnx .cache/train/onnx --parity .cache/train/parity
 * The UNet is fed PyTorch's text encoder output, so its difference is its own, not the encoder's.
 * Exits 1 when a difference passes --tolerance.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openSession } from '../../app/runtime/session.js';
import type { HostTensor } from '../../app/runtime/host-tensor.js';
import { readNpy } from './npy-file.js';

const { values: args } = parseArgs({
  options: {
    onnx: { type: 'string', default: '.cache/train/onnx' },
    parity: { type: 'string', default: '.cache/train/parity' },
    // float32 on both sides; the sums run in different orders, so a few 1e-5 of drift is expected.
    tolerance: { type: 'string', default: '1e-3' },
  },
});

async function tensor(name: string): Promise<HostTensor> {
  const array = await readNpy(join(args.parity!, `${name}.npy`));
  if (array.data instanceof Uint8Array) throw new Error(`${name}.npy: uint8 is not a model input`);
  return { type: array.data instanceof Float32Array ? 'float32' : 'int32', data: array.data, dims: array.shape };
}

function maxDifference(actual: HostTensor, expected: HostTensor): number {
  if (actual.data.length !== expected.data.length) throw new Error(`shapes differ: [${actual.dims.join(', ')}] vs [${expected.dims.join(', ')}]`);
  let max = 0;
  for (let i = 0; i < actual.data.length; i++) max = Math.max(max, Math.abs(Number(actual.data[i]) - Number(expected.data[i])));
  return max;
}

async function run(component: string, feeds: Record<string, HostTensor>, outputName: string): Promise<HostTensor> {
  const session = await openSession(join(args.onnx!, component, 'model.onnx'), { executionProvider: 'cpu' });
  try {
    const outputs = await session.run(feeds);
    return outputs[outputName]!;
  } finally {
    await session.release();
  }
}

const tolerance = Number(args.tolerance);
const checks: Array<[string, number]> = [];
const hidden = await run('text_encoder', { input_ids: await tensor('input_ids') }, 'last_hidden_state');
checks.push(['text_encoder last_hidden_state', maxDifference(hidden, await tensor('last_hidden_state'))]);
for (const size of [32, 64]) {
  const out = await run('unet', { sample: await tensor(`sample_${size}`), timestep: await tensor('timestep'), encoder_hidden_states: await tensor('last_hidden_state') }, 'out_sample');
  checks.push([`unet out_sample ${size}×${size}`, maxDifference(out, await tensor(`out_sample_${size}`))]);
}
for (const [what, difference] of checks) process.stdout.write(`${what}: max |ONNX − PyTorch| = ${difference.toExponential(2)}\n`);
if (checks.some(([, difference]) => !(difference <= tolerance))) {
  process.stdout.write(`FAIL: a difference is above ${tolerance}\n`);
  process.exitCode = 1;
}
