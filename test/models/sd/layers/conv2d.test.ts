import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { conv2d } from '../../../../app/models/sd/layers/conv2d.js';
import { AttributeType } from '../../../../app/onnx/model.js';
import { assertAllClose } from '../../../reference/compare.js';
import { randn } from '../../../reference/ndarray.js';
import * as reference from '../../../reference/ops.js';
import { param } from '../../../reference/params.js';
import { FP32_TOLERANCE, PROVIDERS, VariedNormWeights, blockModel, feed, runModel } from '../harness.js';

const weights = new VariedNormWeights(61);
const x = randn([2, 6, 9, 7], 18);
const w = param(weights, 'conv1.weight', [5, 6, 3, 3]);
const b = param(weights, 'conv1.bias', [5]);

function convModel(options: Parameters<typeof conv2d>[5], outputShape: number[]) {
  return blockModel({ dtype: 'float32', weights, scope: ['conv1'], inputs: { x: x.shape }, outputShape, build: (ctx, v) => conv2d(ctx, v.x!, 6, 5, 3, options) });
}

describe('Conv2d graph matches torch.nn.functional.conv2d', () => {
  for (const provider of PROVIDERS) {
    test(`3×3, padding 1 on ${provider}`, async () => {
      const out = await runModel(convModel({}, [2, 5, 9, 7]), { x: feed(x, 'float32') }, provider);
      assertAllClose(out.y!, reference.conv2d(x, w, b, { padding: 1 }), FP32_TOLERANCE[provider], `conv on ${provider}`);
    });

    test(`3×3 stride 2 with right/bottom-only padding (VAE Downsample2D) on ${provider}`, async () => {
      const out = await runModel(convModel({ stride: 2, pads: [0, 0, 1, 1] }, [2, 5, 4, 3]), { x: feed(x, 'float32') }, provider);
      const expected = reference.conv2d(reference.pad2d(x, { left: 0, right: 1, top: 0, bottom: 1 }), w, b, { stride: 2 });
      assertAllClose(out.y!, expected, FP32_TOLERANCE[provider], `strided conv on ${provider}`);
    });

    // ScaleCrafter re-dilates these convs by rewriting the Conv node: the builder's weight layout
    // and padding convention must give torch's dilated conv once dilations/pads are changed.
    test(`the same Conv node re-dilated to 2 (pads 2) matches a dilated conv on ${provider}`, async () => {
      const model = convModel({}, [2, 5, 9, 7]);
      const node = model.graph.node.find((n) => n.opType === 'Conv')!;
      assert.equal(node.name, '/conv1/Conv');
      node.attribute = node.attribute.map((attr) =>
        attr.name === 'dilations' ? { ...attr, type: AttributeType.INTS, ints: [2n, 2n] } : attr.name === 'pads' ? { ...attr, type: AttributeType.INTS, ints: [2n, 2n, 2n, 2n] } : attr);
      const out = await runModel(model, { x: feed(x, 'float32') }, provider);
      assertAllClose(out.y!, reference.conv2d(x, w, b, { padding: 2, dilation: 2 }), FP32_TOLERANCE[provider], `dilated conv on ${provider}`);
    });
  }
});
