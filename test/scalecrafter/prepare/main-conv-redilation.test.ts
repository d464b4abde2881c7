/**
 * Where a prepared conv's weight is read (main-conv-redilation.ts): ONNX Runtime's CPU EP gives the
 * main Conv an NCHWc-reordered copy of the weight, and any other reader keeps the original alive
 * beside it (the fp32 SD 1.5 UNet held 2 GiB twice on re-dilated runs; bench/unet-memory-startup.ts).
 * A stride-1 conv must therefore read its weight through the main Conv alone, except in the
 * dispersed kernel (R·W needs the original layout); a stride-2 conv still re-dilates in its branch.
 * What the graphs compute is checked against the reference in redilated-conv.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { OnnxGraph } from '../../../app/onnx/model.js';
import { prepareUnet } from '../../../app/scalecrafter/prepare/prepare-unet.js';
import { singleConvModel } from './conv-models.js';

/** Names of the nodes (in `graph` and every nested branch) that take `value` as an input. */
function readersOf(graph: OnnxGraph, value: string): string[] {
  return graph.node.flatMap((node) => [
    ...(node.input.includes(value) ? [node.name ?? node.opType] : []),
    ...node.attribute.flatMap((attribute) => [...(attribute.g ? [attribute.g] : []), ...(attribute.graphs ?? [])].flatMap((branch) => readersOf(branch, value))),
  ]);
}

describe('a prepared conv reads its weight in one layout where it can', () => {
  test('stride 1: the main Conv and the dispersed kernel only', () => {
    const modulePath = 'up_blocks.1.resnets.0.conv2';
    const { model } = prepareUnet(singleConvModel({ modulePath, stride: 1, inChannels: 4, outChannels: 4, seed: 1 }).model);
    const readers = readersOf(model.graph, `${modulePath}.weight`);
    const main = readers.filter((name) => !name.includes('/scalecrafter/'));
    const others = readers.filter((name) => name.includes('/scalecrafter/'));
    assert.equal(main.length, 1, `one main Conv, got ${main.join(', ')}`);
    assert.ok(others.length > 0, 'the dispersed kernel reads the weight');
    assert.ok(!others.some((name) => name.includes('plain_kernel')), `no 3×3 branch conv: ${others.join(', ')}`);
    for (const name of others) assert.match(name, /\/scalecrafter\/select\/on\/dispersed\//, `${name} reads the weight outside the dispersed kernel`);
  });

  test('stride 2: the branch convs still read the original weight (the downsamplers: 2% of the SD 1.5 UNet\'s conv weights)', () => {
    const modulePath = 'down_blocks.0.downsamplers.0.conv';
    const { model } = prepareUnet(singleConvModel({ modulePath, stride: 2, inChannels: 4, outChannels: 4, seed: 2 }).model);
    const readers = readersOf(model.graph, `${modulePath}.weight`);
    assert.ok(readers.some((name) => name.includes('/plain_kernel/')), `the plain-kernel branch reads it: ${readers.join(', ')}`);
  });
});
