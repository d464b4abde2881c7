import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededWeights } from '../../app/models/weights/seeded-weights.js';
import { silu } from '../reference/activations.js';
import { conv2d } from '../reference/convolution.js';
import { groupNorm } from '../reference/normalization.js';
import { add } from '../reference/tensor-layout.js';
import { NdArray, ndarray, randn, zeros } from '../reference/ndarray.js';
import { param } from '../reference/params.js';
import { downsample2D, resnetBlock2D, upsample2D } from '../reference/resnet-block.js';
import { withOverrides, zeroing } from '../reference/weight-overrides.js';

const weights = new SeededWeights(21);
const maxAbsDiff = (a: NdArray, b: NdArray) => a.data.reduce((m, v, i) => Math.max(m, Math.abs(v - b.data[i]!)), 0);

/** A [C, C, 3, 3] conv weight that copies channel c from kernel tap (row, col). */
function tapKernel(channels: number, row: number, col: number): Float32Array {
  const w = new Float32Array(channels * channels * 9);
  for (let c = 0; c < channels; c++) w[(c * channels + c) * 9 + row * 3 + col] = 1;
  return w;
}

describe('reference resnetBlock2D', () => {
  test('with conv2 zeroed the residual branch vanishes: output = x (same channels)', () => {
    const x = randn([1, 8, 4, 4], 1);
    const out = resnetBlock2D(withOverrides(weights, zeroing(/conv2\./)), 'r', { groups: 4, eps: 1e-5 }, x, randn([1, 16], 2));
    assert.deepEqual(out.data, x.data);
  });

  test('with conv2 zeroed and channels changing: output = conv_shortcut(x), a 1×1 conv', () => {
    const source = withOverrides(weights, zeroing(/conv2\./));
    const x = randn([1, 4, 3, 3], 3);
    const out = resnetBlock2D(source, 'r', { outChannels: 8, groups: 4, eps: 1e-5 }, x);
    const shortcut = conv2d(x, param(source, 'r.conv_shortcut.weight', [8, 4, 1, 1]), param(source, 'r.conv_shortcut.bias', [8]));
    assert.deepEqual(out.data, shortcut.data);
  });

  test('the time embedding is a per-channel shift before norm2: invisible when every channel is its own group', () => {
    const x = randn([1, 4, 3, 3], 4);
    const perChannel = { groups: 4, eps: 1e-5 };
    const a = resnetBlock2D(weights, 'r', perChannel, x, randn([1, 6], 5));
    const b = resnetBlock2D(weights, 'r', perChannel, x, randn([1, 6], 6));
    assert.ok(maxAbsDiff(a, b) < 1e-5, `differs by ${maxAbsDiff(a, b)}`);
    const shared = { groups: 1, eps: 1e-5 };
    const c = resnetBlock2D(weights, 'r', shared, x, randn([1, 6], 5));
    const d = resnetBlock2D(weights, 'r', shared, x, randn([1, 6], 6));
    assert.ok(maxAbsDiff(c, d) > 1e-3, 'with shared groups the time embedding must change the output');
  });

  test('conv2 sees silu(norm2(·)): with conv2 a centre tap, out − x never falls below min silu = −0.2785', () => {
    const centre = withOverrides(weights, (name) => (name === 'r.conv2.weight' ? tapKernel(4, 1, 1) : name === 'r.conv2.bias' ? new Float32Array(4) : undefined));
    const x = randn([1, 4, 5, 5], 8);
    const out = resnetBlock2D(centre, 'r', { groups: 2, eps: 1e-5 }, x, randn([1, 6], 9));
    const minimum = Math.min(...out.data.map((v, i) => v - x.data[i]!));
    assert.ok(minimum >= -0.27846454276107 - 1e-6 && minimum < -0.2, `minimum ${minimum}`);
  });

  test('with identity convs (centre taps, zero bias) and no time embedding the block is x + silu(norm2(silu(norm1(x))))', () => {
    const identityConvs = withOverrides(weights, (name) =>
      /conv[12]\.weight/.test(name) ? tapKernel(4, 1, 1) : /conv[12]\.bias/.test(name) ? new Float32Array(4) : /norm[12]\.bias/.test(name) ? new Float32Array(4) : undefined,
    );
    const x = randn([1, 4, 3, 3], 10);
    const unit = ndarray([4], [1, 1, 1, 1]);
    const zero = ndarray([4], [0, 0, 0, 0]);
    const expected = add(x, silu(groupNorm(silu(groupNorm(x, 2, unit, zero, 1e-5)), 2, unit, zero, 1e-5)));
    const out = resnetBlock2D(identityConvs, 'r', { groups: 2, eps: 1e-5 }, x);
    out.data.forEach((v, i) => assert.ok(Math.abs(v - expected.data[i]!) < 1e-6, `element ${i}`));
  });

  test('a parameter map with a wrongly shaped weight is rejected, naming the parameter', () => {
    const params = new Map([['r.norm1.weight', zeros([4])], ['r.norm1.bias', zeros([4])], ['r.conv1.weight', zeros([4, 4, 1, 1])]]);
    assert.throws(() => resnetBlock2D(params, 'r', { groups: 2, eps: 1e-5 }, randn([1, 4, 2, 2], 1)), /"r\.conv1\.weight" has shape \[4, 4, 1, 1\], the reference expects \[4, 4, 3, 3\]/);
  });
});

describe('reference Downsample2D / Upsample2D', () => {
  const x = ndarray([1, 1, 4, 4], Array.from({ length: 16 }, (_, i) => i + 1));
  const bottomRightTap = withOverrides(weights, (name) => (name.endsWith('conv.weight') ? tapKernel(1, 2, 2) : name.endsWith('conv.bias') ? new Float32Array(1) : undefined));

  test('UNet padding 1: out[i][j] = x[2i + 1][2j + 1] for a bottom-right tap', () => {
    assert.deepEqual([...downsample2D(bottomRightTap, 'd', { padding: 1 }, x).data], [6, 8, 14, 16]);
  });

  test('VAE padding 0 pads only right and bottom: out[i][j] = padded[2i + 2][2j + 2], zeros at the far edge', () => {
    assert.deepEqual([...downsample2D(bottomRightTap, 'd', { padding: 0 }, x).data], [11, 0, 0, 0]);
  });

  test('upsample to an odd size (3 → 5) repeats sources 0, 0, 1, 1, 2 before a conv (here the centre tap)', () => {
    const centre = withOverrides(weights, (name) => (name.endsWith('conv.weight') ? tapKernel(1, 1, 1) : name.endsWith('conv.bias') ? new Float32Array(1) : undefined));
    const out = upsample2D(centre, 'u', ndarray([1, 1, 1, 3], [7, 8, 9]), [1, 5]);
    assert.deepEqual([...out.data], [7, 7, 8, 8, 9]);
    assert.deepEqual(upsample2D(centre, 'u', ndarray([1, 1, 1, 2], [1, 2])).shape, [1, 1, 2, 4]);
  });
});
