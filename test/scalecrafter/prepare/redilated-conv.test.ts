/**
 * One prepared conv against the reference re-dilation operator composed from the independent
 * naive conv2d and bilinearResize (conv-models.ts), for integer and fractional pf, with and
 * without the dispersed kernel, at even, odd and non-square sizes, stride 1 and 2 — every case
 * on ONE session, the controls changed between runs.
 *
 * Tolerances: the references accumulate in float64 (conv2d) or float32 (bilinearResize, which
 * copies ATen's float32 index arithmetic); ONNX Runtime sums in float32 in another order and
 * computes Resize coordinates as (x + 0.5)/scale − 0.5 instead of scale·(x + 0.5) − 0.5. Outputs
 * are O(1), so CPU gets 2e-5; WebGPU shaders (lavapipe here) sum in a different order with
 * fused multiply-adds, so 1e-3 as in the SD builder tests.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { serializeModel } from '../../../app/onnx/model-io.js';
import { openSession } from '../../../app/runtime/session.js';
import { prepareUnet } from '../../../app/scalecrafter/prepare/prepare-unet.js';
import type { Tolerance } from '../../reference/compare.js';
import { assertAllClose } from '../../reference/compare.js';
import { bilinearResize, conv2d } from '../../reference/ops.js';
import { NdArray, randn } from '../../reference/ndarray.js';
import { computeDispersionTransform, DEFAULT_DISPERSION_PARAMS, disperseConvWeights } from '../../../app/scalecrafter/dispersion-transform.js';
import { controlFeeds, floatFeed, referenceRedilatedConv, roundedToFloat16, singleConvModel, toNdArray } from './conv-models.js';

const PROVIDERS = ['cpu', 'webgpu'] as const;
const TOLERANCE: Record<(typeof PROVIDERS)[number], Tolerance> = { cpu: { atol: 2e-5, rtol: 2e-5 }, webgpu: { atol: 1e-3, rtol: 1e-3 } };
/** 1–4: static dilated Convs; 5.5 (d 6) and dispersed 9 (d 5): the polyphase conv for d > 4. */
const REQUESTED_DILATIONS = [1, 2, 3, 4, 1.5, 2.5, 5.5, 9];
/** even square, odd square, non-square, and one whose stride-2 output width is 1 (5×3 → 2×1) */
const SIZES: ReadonlyArray<readonly [number, number]> = [[8, 8], [7, 7], [9, 6], [5, 3]];
const CONVS = [
  { stride: 1, modulePath: 'down_blocks.1.resnets.0.conv1' },
  { stride: 2, modulePath: 'down_blocks.0.downsamplers.0.conv' },
];

describe('a prepared conv equals the reference re-dilation operator', () => {
  for (const provider of PROVIDERS) {
    for (const { stride, modulePath } of CONVS) {
      test(`stride ${stride}, pf ∈ {${REQUESTED_DILATIONS.join(', ')}} × dispersed off/on × ${SIZES.length} sizes, on ${provider}`, async () => {
        const conv = singleConvModel({ modulePath, stride, inChannels: 4, outChannels: 6, seed: 10 + stride });
        const { model, layout } = prepareUnet(conv.model);
        assert.deepEqual(layout.convs, [modulePath]);
        const session = await openSession(serializeModel(model), { executionProvider: provider });
        try {
          for (const [height, width] of SIZES) {
            const x = randn([2, 4, height, width], height * 100 + width);
            for (const pf of REQUESTED_DILATIONS) {
              for (const dispersed of [false, true]) {
                const out = await session.run({ x: floatFeed(x, 'float32'), ...controlFeeds([pf], [dispersed]) });
                const label = `${height}×${width}, stride ${stride}, pf ${pf}${dispersed ? ', dispersed' : ''}, ${provider}`;
                assertAllClose(toNdArray(out.y!), referenceRedilatedConv(x, conv, pf, dispersed), TOLERANCE[provider], label);
              }
            }
          }
        } finally {
          await session.release();
        }
      });
    }
  }

  test('sizes from the float64 pf, as the reference computes them: pf ∈ {1.5, 1.6, 2.4, 2.5, 5.5}, sides 8…64', async () => {
    const conv = singleConvModel({ modulePath: 'down_blocks.1.resnets.0.conv2', stride: 1, inChannels: 1, outChannels: 1, seed: 51 });
    // Up to 85 pixels a side, ORT's float32 resize coordinates ((x + 0.5)/scale − 0.5) drift from
    // ATen's by ~1e-5 of a pixel (2.1e-5 measured at 61×61, pf 2.4); a one-pixel size difference
    // changes values by O(0.1).
    const tolerance = { atol: 1e-4, rtol: 1e-4 };
    const session = await openSession(serializeModel(prepareUnet(conv.model).model), { executionProvider: 'cpu' });
    try {
      for (let side = 8; side <= 64; side++) {
        const x = randn([1, 1, side, side], 500 + side);
        for (const pf of [1.5, 1.6, 2.4, 2.5, 5.5]) {
          const out = await session.run({ x: floatFeed(x, 'float32'), ...controlFeeds([pf], [false]) });
          assertAllClose(toNdArray(out.y!), referenceRedilatedConv(x, conv, pf, false), tolerance, `${side}×${side}, pf ${pf}`);
        }
      }
      // The case float32 got wrong: at 14×14, pf 1.6 resizes to 18 (Python's round(17.5)); float32's
      // 1.6 resized to 17, which this comparison tells apart.
      const x = randn([1, 1, 14, 14], 514);
      const [asFloat64, asFloat32] = await Promise.all([1.6, Math.fround(1.6)].map(async (pf) => toNdArray((await session.run({ x: floatFeed(x, 'float32'), ...controlFeeds([pf], [false]) })).y!)));
      assertAllClose(asFloat64!, referenceRedilatedConv(x, conv, 1.6, false), tolerance, '14×14, pf 1.6');
      assert.throws(() => assertAllClose(asFloat32!, referenceRedilatedConv(x, conv, 1.6, false), tolerance, '14×14, float32 pf 1.6'));
    } finally {
      await session.release();
    }
  });

  test('pf 1 is the conv as trained, also on a stride-2 conv with odd sides (docs/scalecrafter.md: factor 1)', async () => {
    const conv = singleConvModel({ modulePath: 'down_blocks.0.downsamplers.0.conv', stride: 2, inChannels: 2, outChannels: 3, seed: 61 });
    const session = await openSession(serializeModel(prepareUnet(conv.model).model), { executionProvider: 'cpu' });
    try {
      for (const [height, width] of [[9, 7], [8, 6]] as const) {
        const x = randn([1, 2, height, width], 600 + height);
        const out = toNdArray((await session.run({ x: floatFeed(x, 'float32'), ...controlFeeds([1], [false]) })).y!);
        const trained = conv2d(x, conv.weight, conv.bias, { stride: 2, padding: 1 });
        assertAllClose(out, trained, TOLERANCE.cpu, `${height}×${width}, pf 1`);
        // The reference's processor, asked for dilation 1 on a conv it re-dilates, still resizes the
        // conv's ⌈H/2⌉ to int(H/2): the same on even sides, one row and column fewer on odd ones.
        const referenceActive = bilinearResize(trained, Math.trunc(height / 2), Math.trunc(width / 2));
        if (height % 2 === 0) assertAllClose(out, referenceActive, TOLERANCE.cpu, `${height}×${width}, reference at pf 1`);
        else assert.deepEqual([out.shape, referenceActive.shape], [[1, 3, 5, 4], [1, 3, 4, 3]]);
      }
    } finally {
      await session.release();
    }
  });

  test('the dispersed conv at pf 2 (d = 1, no resize) is the conv with W5 = R·W3 from disperseConvWeights, pad 2', async () => {
    const conv = singleConvModel({ modulePath: 'mid_block.resnets.0.conv2', stride: 1, inChannels: 3, outChannels: 5, seed: 31 });
    const session = await openSession(serializeModel(prepareUnet(conv.model).model), { executionProvider: 'cpu' });
    try {
      const x = randn([1, 3, 6, 7], 32);
      const w5 = disperseConvWeights(computeDispersionTransform(DEFAULT_DISPERSION_PARAMS), conv.weight.data, 5, 3);
      const expected = conv2d(x, new NdArray([5, 3, 5, 5], w5), conv.bias, { padding: 2 });
      const out = await session.run({ x: floatFeed(x, 'float32'), ...controlFeeds([2], [true]) });
      assertAllClose(toNdArray(out.y!), expected, TOLERANCE.cpu, 'dispersed conv at pf 2');
      const plain = await session.run({ x: floatFeed(x, 'float32'), ...controlFeeds([2], [false]) });
      assert.ok(Math.abs(toNdArray(plain.y!).data[0]! - expected.data[0]!) > 1e-3, 'the dispersion flag must change the result');
    } finally {
      await session.release();
    }
  });

  test('float16 conv: re-dilated and dispersed on float16 data, within float16 rounding of the reference', async () => {
    const conv = singleConvModel({ modulePath: 'up_blocks.1.resnets.2.conv1', stride: 1, inChannels: 4, outChannels: 4, dtype: 'float16', seed: 41 });
    const session = await openSession(serializeModel(prepareUnet(conv.model).model), { executionProvider: 'cpu' });
    try {
      const x = roundedToFloat16(randn([1, 4, 7, 6], 42));
      for (const [pf, dispersed] of [[1, false], [2, false], [2.5, false], [3, true]] as const) {
        const out = await session.run({ x: floatFeed(x, 'float16'), ...controlFeeds([pf], [dispersed]) });
        assert.equal(out.y!.type, 'float16');
        // float16 keeps 11 significant bits (relative step 2^-11 ≈ 4.9e-4); the output and, when
        // dispersed, the 5×5 kernel are rounded once each, intermediate resizes once more.
        assertAllClose(toNdArray(out.y!), referenceRedilatedConv(x, conv, pf, dispersed), { atol: 4e-3, rtol: 4e-3 }, `float16 pf ${pf}${dispersed ? ' dispersed' : ''}`);
      }
    } finally {
      await session.release();
    }
  });
});
