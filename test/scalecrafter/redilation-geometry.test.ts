/**
 * Re-dilation geometry (docs/scalecrafter-method.md §1). Expected integers were checked against Python 3's
 * round() on the same double expressions the reference evaluates, e.g. round(64 * (3 / 2.5)) = 77.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dispersedConvGeometry, redilatedConvGeometry, roundHalfToEven } from '../../app/scalecrafter/redilation-geometry.js';
import { pythonRound, referenceRedilationSizes } from '../reference/redilation-sizes.js';
import { UserFacingError } from '../../app/protocol/user-facing-error.js';

describe('roundHalfToEven (Python round)', () => {
  test('halves go to the even neighbour', () => {
    assert.deepEqual([0.5, 1.5, 2.5, 3.5, 12.5, 7.5].map(roundHalfToEven), [0, 2, 2, 4, 12, 8]);
  });
  test('everything else goes to the nearest integer', () => {
    assert.deepEqual([2.4999999, 2.5000001, 15.6, 76.8, 85.33333333333333, 6].map(roundHalfToEven), [2, 3, 16, 77, 85, 6]);
  });
});

describe('redilatedConvGeometry', () => {
  test('integer dilation at stride 1 needs no resize', () => {
    const geometry = redilatedConvGeometry({ requestedDilation: 3, stride: 1, input: { height: 64, width: 48 } });
    assert.equal(geometry.dilation, 3);
    assert.equal(geometry.resizeFactor, 1);
    assert.equal(geometry.padding, 3);
    assert.deepEqual(geometry.convInput, { height: 64, width: 48 });
    assert.deepEqual(geometry.convOutput, { height: 64, width: 48 });
    assert.equal(geometry.resizesInput, false);
    assert.equal(geometry.resizesOutput, false);
  });

  test('fractional dilation: d = ceil(pf), f = d/pf, input resized by round-half-even', () => {
    const geometry = redilatedConvGeometry({ requestedDilation: 2.5, stride: 1, input: { height: 64, width: 13 } });
    assert.equal(geometry.dilation, 3);
    assert.equal(geometry.padding, 3);
    assert.ok(Math.abs(geometry.resizeFactor - 1.2) < 1e-15);
    assert.deepEqual(geometry.convInput, { height: 77, width: 16 }); // 76.8 → 77, 15.6 → 16
    assert.deepEqual(geometry.convOutput, { height: 77, width: 16 }); // padding d keeps the size
    assert.deepEqual(geometry.output, { height: 64, width: 13 });
    assert.equal(geometry.resizesInput, true);
    assert.equal(geometry.resizesOutput, true);
  });

  test('exact halves in H·f round to even: pf 1.6 → f 1.25, 10 → 12.5 → 12, 6 → 7.5 → 8', () => {
    const geometry = redilatedConvGeometry({ requestedDilation: 1.6, stride: 1, input: { height: 10, width: 6 } });
    assert.deepEqual(geometry.convInput, { height: 12, width: 8 });
  });

  test('stride 2 on an odd size: the conv yields ceil(H/2), the layer returns floor(H/2) (17×13 → 8×6)', () => {
    const geometry = redilatedConvGeometry({ requestedDilation: 2, stride: 2, input: { height: 17, width: 13 } });
    assert.deepEqual(geometry.convInput, { height: 17, width: 13 });
    assert.deepEqual(geometry.convOutput, { height: 9, width: 7 });
    assert.deepEqual(geometry.output, { height: 8, width: 6 });
    assert.equal(geometry.resizesInput, false);
    assert.equal(geometry.resizesOutput, true);
  });

  test('stride 2 on an even size needs no resize at integer dilation', () => {
    const geometry = redilatedConvGeometry({ requestedDilation: 4, stride: 2, input: { height: 64, width: 32 } });
    assert.deepEqual(geometry.convOutput, geometry.output);
    assert.deepEqual(geometry.output, { height: 32, width: 16 });
  });

  test('rejects dilations below 1 and bad sizes with a message naming the value', () => {
    assert.throws(() => redilatedConvGeometry({ requestedDilation: 0.5, stride: 1, input: { height: 8, width: 8 } }), UserFacingError);
    assert.throws(() => redilatedConvGeometry({ requestedDilation: 2, stride: 0, input: { height: 8, width: 8 } }), /stride/);
    assert.throws(() => redilatedConvGeometry({ requestedDilation: 2, stride: 1, input: { height: 8.5, width: 8 } }), /8.5×8/);
  });
});

describe('dispersedConvGeometry (5×5 kernel, dilation ceil(pf/2), pad 2d)', () => {
  test('pf 4 → d 2, pad 4, no resize: the same span as a 3×3 at dilation 4', () => {
    const geometry = dispersedConvGeometry({ requestedDilation: 4, stride: 1, input: { height: 64, width: 64 } });
    assert.deepEqual([geometry.kernelSize, geometry.dilation, geometry.padding], [5, 2, 4]);
    assert.equal(geometry.dilation * (geometry.kernelSize - 1), 4 * 2); // span of 3×3 at d = 4
    assert.equal(geometry.resizesInput, false);
  });

  test('pf 3 → pf/2 = 1.5 → d 2, f 4/3: 64 → round(85.33) = 85', () => {
    const geometry = dispersedConvGeometry({ requestedDilation: 3, stride: 1, input: { height: 64, width: 64 } });
    assert.deepEqual([geometry.dilation, geometry.padding], [2, 4]);
    assert.deepEqual(geometry.convInput, { height: 85, width: 85 });
    assert.deepEqual(geometry.output, { height: 64, width: 64 });
  });

  test('pf 1 → d 1 on a 2× upsampled input, as the dispersion was calibrated', () => {
    const geometry = dispersedConvGeometry({ requestedDilation: 1, stride: 2, input: { height: 17, width: 13 } });
    assert.deepEqual([geometry.dilation, geometry.padding, geometry.resizeFactor], [1, 2, 2]);
    assert.deepEqual(geometry.convInput, { height: 34, width: 26 });
    assert.deepEqual(geometry.convOutput, { height: 17, width: 13 });
    assert.deepEqual(geometry.output, { height: 8, width: 6 });
  });
});

describe('sizes as the reference computes them in float64 (test/reference/redilation-sizes.ts)', () => {
  /** 1.6 and 2.4 are not float32 values: f = 1.25 in float64, just below it from float32. */
  const FACTORS = [1.5, 1.6, 2.4, 2.5, 5.5];
  const SIDES = Array.from({ length: 57 }, (_, i) => 8 + i);

  test(`pf ∈ {${FACTORS.join(', ')}}, sides 8…64, stride 1 and 2, 3×3 and dispersed 5×5`, () => {
    for (const pf of FACTORS) {
      for (const side of SIDES) {
        for (const stride of [1, 2]) {
          const input = { height: side, width: side + 6 };
          const plain = redilatedConvGeometry({ requestedDilation: pf, stride, input });
          const plainReference = referenceRedilationSizes(input.height, input.width, pf, 3, stride);
          const label = `pf ${pf}, ${input.height}×${input.width}, stride ${stride}`;
          assert.deepEqual([plain.convInput.height, plain.convInput.width], plainReference.input, label);
          assert.deepEqual([plain.output.height, plain.output.width], plainReference.output, label);
          assert.deepEqual([plain.dilation, plain.padding], [plainReference.dilation, plainReference.padding], label);
          const dispersed = dispersedConvGeometry({ requestedDilation: pf, stride, input });
          const dispersedReference = referenceRedilationSizes(input.height, input.width, pf / 2, 5, stride);
          assert.deepEqual([dispersed.convInput.height, dispersed.convInput.width], dispersedReference.input, `${label}, dispersed`);
        }
      }
    }
  });

  test('14 × 2/1.6 is the exact tie 17.5 → 18 (float32 1.6 gives 17.4999997 → 17)', () => {
    // Python: round(0.5), round(1.5), round(2.5), round(12.5), round(17.5), round(17.4999997)
    assert.deepEqual([0.5, 1.5, 2.5, 12.5, 17.5, 17.4999997].map(pythonRound), [0, 2, 2, 12, 18, 17]);
    assert.equal(referenceRedilationSizes(14, 14, 1.6, 3, 1).input[0], 18);
    assert.equal(referenceRedilationSizes(14, 14, 2.4, 3, 1).input[0], 18);
    assert.equal(referenceRedilationSizes(14, 14, Math.fround(1.6), 3, 1).input[0], 17);
    assert.equal(redilatedConvGeometry({ requestedDilation: 1.6, stride: 1, input: { height: 14, width: 14 } }).convInput.height, 18);
  });
});
