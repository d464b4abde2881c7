/**
 * Preparing graphs the way other exporters write them: dynamo name_scopes metadata instead of
 * scoped node names, float16 weights behind a Cast, int8 weights behind DequantizeLinear — and the
 * models preparation must refuse, with messages that say why.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TensorDataType } from '../../../app/onnx/data-type.js';
import { GraphBuilder, type Value } from '../../../app/onnx/graph-builder.js';
import { NAME_SCOPES_KEY } from '../../../app/onnx/inspect.js';
import { serializeModel } from '../../../app/onnx/model-io.js';
import * as op from '../../../app/onnx/ops.js';
import { openSession } from '../../../app/runtime/session.js';
import { prepareUnet } from '../../../app/scalecrafter/prepare/prepare-unet.js';
import { assertAllClose } from '../../reference/compare.js';
import { add, conv2d } from '../../reference/ops.js';
import { NdArray, randn } from '../../reference/ndarray.js';
import { controlFeeds, floatFeed, referenceRedilatedConv, roundedToFloat16, singleConvModel, toNdArray, type ConvParams } from './conv-models.js';
import { UserFacingError } from '../../../app/protocol/user-facing-error.js';

const CPU_TOLERANCE = { atol: 2e-5, rtol: 2e-5 };

/** conv_in → resnet conv1 (+ 1×1 shortcut) → stride-2 downsampler → conv_out; float16 weights Cast to float32. */
function castWeightChain() {
  const g = new GraphBuilder({ graphName: 'chain' });
  const weights = new Map<string, ConvParams>();
  const conv = (path: string, x: Value, inC: number, outC: number, kernel: number, stride: number, seed: number) => {
    const weight = roundedToFloat16(randn([outC, inC, kernel, kernel], seed, 0.3));
    const bias = roundedToFloat16(randn([outC], seed + 1, 0.1));
    weights.set(path, { weight, bias, stride });
    const w = op.cast(g, g.initializer(`${path}.weight`, 'float16', weight.shape, weight.data), { to: 'float32' });
    const b = op.cast(g, g.initializer(`${path}.bias`, 'float16', bias.shape, bias.data), { to: 'float32' });
    const pad = (kernel - 1) / 2;
    return op.conv(g, x, w, b, { pads: [pad, pad, pad, pad], strides: [stride, stride] });
  };
  const x = g.input('x', 'float32', [1, 4, 'h', 'w']);
  const h0 = conv('conv_in', x, 4, 8, 3, 1, 1);
  const h1 = conv('down_blocks.1.resnets.0.conv1', h0, 8, 8, 3, 1, 3);
  const shortcut = conv('down_blocks.1.resnets.0.conv_shortcut', h0, 8, 8, 1, 1, 5);
  const h3 = conv('down_blocks.1.downsamplers.0.conv', op.add(g, h1, shortcut), 8, 8, 3, 2, 7);
  g.output(conv('conv_out', h3, 8, 4, 3, 1, 9), 'y', 'float32', [1, 4, 'h2', 'w2']);
  const model = g.build();
  // Dynamo exports: node names carry no scope; the module path is in the node's metadata.
  const paths = ['conv_in', 'down_blocks.1.resnets.0.conv1', 'down_blocks.1.resnets.0.conv_shortcut', 'down_blocks.1.downsamplers.0.conv', 'conv_out'];
  model.graph.node.filter((node) => node.opType === 'Conv').forEach((node, index) => {
    const path = paths[index]!;
    const cumulative = path.split('.').reduce<string[]>((scopes, part, i, parts) => (/^\d+$/.test(part) || i === 0 ? scopes : [...scopes, parts.slice(0, i).join('.')]), ['']);
    node.name = `node_Conv_${index}`;
    node.metadataProps = [{ key: NAME_SCOPES_KEY, value: `[${[...cumulative, path, `convolution_${index}`].map((scope) => `'${scope}'`).join(', ')}]` }];
  });
  return { model, weights };
}

describe('candidate convs of other exporters', () => {
  test('dynamo name_scopes and float16 weights behind Cast: conv1 and the downsampler are prepared and exact; conv_in, conv_out, shortcut stay', async () => {
    const { model, weights } = castWeightChain();
    const prepared = prepareUnet(model);
    assert.deepEqual(prepared.layout.convs, ['down_blocks.1.resnets.0.conv1', 'down_blocks.1.downsamplers.0.conv']);
    const session = await openSession(serializeModel(prepared.model), { executionProvider: 'cpu' });
    try {
      const x = randn([1, 4, 9, 7], 11);
      const plainConv = (path: string, input: NdArray) => {
        const { weight, bias, stride } = weights.get(path)!;
        return conv2d(input, weight, bias, { stride, padding: (weight.shape[3]! - 1) / 2 });
      };
      const h0 = plainConv('conv_in', x);
      const h1 = referenceRedilatedConv(h0, weights.get('down_blocks.1.resnets.0.conv1')!, 2, false);
      const h3 = referenceRedilatedConv(add(h1, plainConv('down_blocks.1.resnets.0.conv_shortcut', h0)), weights.get('down_blocks.1.downsamplers.0.conv')!, 1.5, true);
      const expected = plainConv('conv_out', h3);
      const out = await session.run({ x: floatFeed(x, 'float32'), ...controlFeeds([2, 1.5], [false, true]) });
      assertAllClose(toNdArray(out.y!), expected, CPU_TOLERANCE, 'cast-weight chain');
    } finally {
      await session.release();
    }
  });

  test('int8 weights behind DequantizeLinear: the dequantized kernel is re-dilated', async () => {
    const path = 'mid_block.resnets.0.conv1';
    const conv = singleConvModel({ modulePath: path, stride: 1, inChannels: 3, outChannels: 4, seed: 21 });
    const scale = 0.01;
    const quantized = Int8Array.from(conv.weight.data, (value) => Math.max(-127, Math.min(127, Math.round(value / scale))));
    const graph = conv.model.graph;
    const weightName = `${path}.weight`;
    graph.initializer = graph.initializer.filter((tensor) => tensor.name !== weightName);
    graph.initializer.push(
      { name: `${weightName}_quantized`, dims: conv.weight.shape, dataType: TensorDataType.INT8, rawData: new Uint8Array(quantized.buffer) },
      { name: `${weightName}_scale`, dims: [], dataType: TensorDataType.FLOAT, rawData: new Uint8Array(Float32Array.of(scale).buffer) },
    );
    graph.node.unshift({ name: '/DequantizeLinear', opType: 'DequantizeLinear', input: [`${weightName}_quantized`, `${weightName}_scale`], output: [weightName], attribute: [] });
    const dequantized: ConvParams = { ...conv, weight: new NdArray(conv.weight.shape, Float32Array.from(quantized, (q) => Math.fround(q * scale))) };

    const { model, layout } = prepareUnet(conv.model);
    assert.deepEqual(layout.convs, [path]);
    const session = await openSession(serializeModel(model), { executionProvider: 'cpu' });
    try {
      const x = randn([1, 3, 6, 6], 22);
      const out = await session.run({ x: floatFeed(x, 'float32'), ...controlFeeds([3], [false]) });
      assertAllClose(toNdArray(out.y!), referenceRedilatedConv(x, dequantized, 3, false), CPU_TOLERANCE, 'dequantized conv at pf 3');
    } finally {
      await session.release();
    }
  });
});

describe('models preparation refuses, saying why', () => {
  const single = () => singleConvModel({ modulePath: 'up_blocks.0.resnets.0.conv2', stride: 1, inChannels: 2, outChannels: 2, seed: 1 }).model;

  test('an already prepared UNet', () => {
    assert.throws(() => prepareUnet(prepareUnet(single()).model), (error: unknown) => error instanceof UserFacingError && /already prepared/.test(error.message));
  });

  test('a graph whose nodes carry no diffusers module paths', () => {
    const model = single();
    for (const node of model.graph.node) node.name = `Conv_${node.output[0]}`;
    assert.throws(() => prepareUnet(model), /no ScaleCrafter candidate convs found/);
  });

  test('a candidate conv that is already dilated, or opset < 13, or an unsupported dispersion shape', () => {
    const dilated = single();
    const conv = dilated.graph.node.find((node) => node.opType === 'Conv')!;
    conv.attribute = conv.attribute.map((attribute) => (attribute.name === 'pads' ? { ...attribute, ints: [2n, 2n, 2n, 2n] } : attribute));
    conv.attribute.push({ name: 'dilations', type: 7, ints: [2n, 2n] });
    assert.throws(() => prepareUnet(dilated), /up_blocks\.0\.resnets\.0\.conv2 .*already dilated/);

    const old = single();
    old.opsetImport = old.opsetImport.map((entry) => ((entry.domain ?? '') === '' ? { ...entry, version: 12 } : entry));
    assert.throws(() => prepareUnet(old), /opset 12; preparation needs opset ≥ 13/);

    assert.throws(() => prepareUnet(single(), { dispersion: { smallKernelSize: 3, largeKernelSize: 7, upsampleFactor: 3, eta: 0.05 } }), /3→7 with s = 3 is not supported/);
  });

  test('a conv at a candidate path whose kernel is not 3×3 is skipped and reported, not prepared', () => {
    const g = new GraphBuilder({ graphName: 'one-by-one' });
    const x = g.input('x', 'float32', [1, 2, 4, 4]);
    const y1 = g.withScope('down_blocks.0', () => g.withScope('resnets.0', () => g.withScope('conv1', () =>
      op.conv(g, x, g.initializer('w1', 'float32', [2, 2, 1, 1], new Float32Array(4).fill(0.5)), null))));
    const y2 = g.withScope('down_blocks.0', () => g.withScope('resnets.0', () => g.withScope('conv2', () =>
      op.conv(g, y1, g.initializer('w2', 'float32', [2, 2, 3, 3], new Float32Array(36).fill(0.1)), null, { pads: [1, 1, 1, 1] }))));
    g.output(y2, 'y', 'float32', [1, 2, 4, 4]);
    const { layout, skipped } = prepareUnet(g.build());
    assert.deepEqual(layout.convs, ['down_blocks.0.resnets.0.conv2']);
    assert.deepEqual(skipped.map((item) => [item.name, item.reason]), [['down_blocks.0.resnets.0.conv1', 'kernel 1×1 is not 3×3']]);
  });
});
